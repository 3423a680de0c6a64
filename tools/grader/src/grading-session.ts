/**
 * The kernel a notebook is graded in: runs learner cells and check cells, and
 * when a cell hangs or ends the kernel, starts a fresh one and runs the
 * earlier cells again.
 *
 * @module
 */
import { errorText } from "../../notebook-runner/src/error-text.js";
import type { CodeCell, NbOutput } from "../../notebook-runner/src/notebook.js";
import { executeCell, type CellResult } from "../../notebook-runner/src/runner.js";
import { readVerdict } from "./check-cell.js";
import type { CellProblem } from "./grade-report.js";
import { KernelDiedError } from "../../notebook-runner/src/errors.js";
import { KernelClient } from "../../notebook-runner/src/kernel-client.js";

/** The grader's copy of a check races its own timer; the client's interrupt is only a backstop. */
const CHECK_BACKSTOP_MS = 10_000;

/** Options of {@link GradingSession.start}. */
export interface SessionOptions {
  /** The kernel's working directory: the notebook's folder. */
  cwd: string;
  /** Variables for the kernel's environment. */
  env: Record<string, string | undefined>;
  /** Time a cell or check may run before it is interrupted. */
  timeoutMs: number;
  /** Restarts that replay earlier cells; after these, a fresh kernel starts empty. */
  maxRestarts: number;
  /** The learner's code cells, in order, with their positions in the notebook. */
  cells: readonly { cell: CodeCell; index: number }[];
  /** Where the session adds sentences about restarts, for the report. */
  notes: string[];
}

/** How a check ended, "died" when the kernel exited meanwhile. */
type RunStatus = "ok" | "error" | "timeout" | "died" | "aborted";

/** The kernel a notebook is graded in, replaced (and brought back to state) when it is lost. */
export class GradingSession {
  /** Every learner cell that threw, timed out or ended the kernel, in the order it happened. */
  readonly problems: CellProblem[] = [];
  /** Fresh kernels started after one was lost. */
  restarts = 0;
  readonly #options: SessionOptions;
  /** Positions (in the learner's cells) of cells left out of replays: they timed out or ended the kernel. */
  readonly #dropped = new Set<number>();
  #kernel: KernelClient;
  #stateLost = false;

  private constructor(options: SessionOptions, kernel: KernelClient) {
    this.#options = options;
    this.#kernel = kernel;
  }

  static async start(options: SessionOptions): Promise<GradingSession> {
    return new GradingSession(options, await KernelClient.start({ cwd: options.cwd, env: options.env }));
  }

  /**
   * Runs learner cell `position` (the notebook runner classifies how it
   * ended); if it times out or ends the kernel, leaves it out and restores a kernel.
   */
  async runCell(position: number): Promise<CellResult> {
    const result = await this.#execute(position, false);
    if (result.status === "timeout" || result.status === "died") {
      this.#dropped.add(position);
      const cell = this.#options.cells[position]!.index + 1;
      await this.#restart(
        position,
        result.status === "timeout"
          ? `Cell ${cell} did not finish within ${this.#options.timeoutMs / 1000} s`
          : `The kernel died while cell ${cell} ran`,
      );
    }
    return result;
  }

  /** Runs one grader check cell and reads its verdict; never throws for what the check or the notebook did. */
  async runCheck(code: string, nonce: string, id: string): Promise<{ pass: boolean; hint: string }> {
    const lost = " (The notebook's state was lost when its kernel could not be restored; see the notes.)";
    let outputs: NbOutput[];
    let status: RunStatus;
    try {
      const result = await this.#kernel.execute(code, { timeoutMs: this.#options.timeoutMs + CHECK_BACKSTOP_MS });
      ({ outputs, status } = result);
    } catch (error) {
      if (!(error instanceof KernelDiedError)) throw error;
      await this.#restart(this.#options.cells.length, `The kernel died while check ${id} ran`);
      return { pass: false, hint: "The kernel died while this check ran: a function it calls ended the process." };
    }
    const verdict = readVerdict(text(outputs, "stdout"), nonce, id);
    if (verdict !== undefined) return verdict.pass || !this.#stateLost ? verdict : { pass: false, hint: verdict.hint + lost };
    if (status === "timeout") {
      if (!this.#kernel.alive) await this.#restart(this.#options.cells.length, `Check ${id} did not finish and ignored the interrupt`);
      return { pass: false, hint: "The check did not finish and was interrupted: a function it calls never returns." };
    }
    const error = firstLine(errorText(outputs)).replace(/^\d+:\d+ - /, "");
    const missing = /^Cannot find name '([^']+)'/.exec(error);
    const hint =
      error === ""
        ? `The check printed no verdict (status ${status}).`
        : missing !== null
          ? `The check needs "${missing[1]}", which the notebook should define: did the cell that defines it fail, or was it renamed? (${error})`
          : `The check could not run against this notebook: ${error}`;
    return { pass: false, hint: this.#stateLost ? hint + lost : hint };
  }

  async shutdown(): Promise<void> {
    await this.#kernel.shutdown();
  }

  /** Runs learner cell `position` once and records what went wrong, if anything. */
  async #execute(position: number, replay: boolean): Promise<CellResult> {
    const { cell, index } = this.#options.cells[position]!;
    const result = await executeCell(this.#kernel, cell, index, this.#options.timeoutMs);
    const status = result.status;
    // A cell tagged raises-exception that does not raise is the notebook's business, not the learner's.
    if (status === "ok" || status === "expected-error" || status === "no-error" || status === "skipped") return result;
    if (replay && status === "error") return result; // recorded the first time it ran
    const seconds = this.#options.timeoutMs / 1000;
    const text = errorText(result.outputs);
    const message =
      status === "timeout"
        ? `Did not finish within ${seconds} s and was interrupted.${this.#kernel.alive ? "" : " It ignored the interrupt, so the kernel was killed."}\n${text}`
        : status === "aborted"
          ? `The kernel did not run the cell (it answered "abort").\n${text}`
          : text || `The cell failed (${status}) and printed no error.`;
    this.problems.push({ cell: index + 1, id: cell.id, status, message: message.trim(), replay });
    return result;
  }

  /**
   * Replaces the kernel with a fresh one and runs learner cells before
   * `upTo` again, leaving out those dropped; a replayed cell that times out
   * or dies is dropped too and the replay starts over. After `maxRestarts`
   * restarts the fresh kernel starts empty instead.
   */
  async #restart(upTo: number, reason: string): Promise<void> {
    for (;;) {
      await this.#kernel.shutdown();
      this.#kernel = await KernelClient.start({ cwd: this.#options.cwd, env: this.#options.env });
      this.restarts++;
      if (this.restarts > this.#options.maxRestarts) {
        this.#stateLost = true;
        this.#options.notes.push(
          `${reason}. The kernel had already been restarted ${this.#options.maxRestarts} times, so a fresh kernel ` +
            "carries on without running the earlier cells again: what they defined is gone.",
        );
        return;
      }
      let replayed = true;
      for (let position = 0; position < upTo; position++) {
        if (this.#dropped.has(position)) continue;
        const { status } = await this.#execute(position, true);
        if (status === "timeout" || status === "died") {
          this.#dropped.add(position);
          replayed = false;
          break;
        }
      }
      if (replayed) {
        const left = [...this.#dropped].map((position) => this.#options.cells[position]!.index + 1).sort((a, b) => a - b);
        this.#options.notes.push(
          `${reason}; the kernel was restarted and the cells before it were run again, leaving out cell${left.length === 1 ? "" : "s"} ${left.join(", ")}.`,
        );
        return;
      }
    }
  }
}

function text(outputs: readonly NbOutput[], name: "stdout" | "stderr"): string {
  return outputs.map((output) => (output.output_type === "stream" && output.name === name ? output.text : "")).join("");
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "";
}
