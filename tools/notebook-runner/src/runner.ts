/**
 * Runs one notebook top to bottom in a fresh tslab kernel, as "Restart and
 * run all" does in Jupyter.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { KernelClient } from "./kernel-client.js";
import { cellTags, readNotebook, type CodeCell, type NbOutput, type Notebook } from "./notebook.js";

/** The tag (nbformat convention) of a cell that is expected to raise. */
export const RAISES_EXCEPTION_TAG = "raises-exception";

/**
 * How a code cell ended: "ok"; "expected-error" (tagged `raises-exception`
 * and raised); "error", "timeout", "aborted", "died" (the kernel exited) and
 * "no-error" (tagged but did not raise) are failures; "skipped" cells did not
 * run because an earlier cell failed or they are empty.
 */
export type CellStatus =
  | "ok"
  | "expected-error"
  | "error"
  | "no-error"
  | "timeout"
  | "aborted"
  | "died"
  | "skipped";

/** The result of one code cell. */
export interface CellResult {
  /** Position in the notebook, 0-based, counting every cell (Markdown too). */
  index: number;
  id: string;
  status: CellStatus;
  outputs: NbOutput[];
  executionCount: number | null;
  seconds: number;
}

/** Why a notebook failed: which cell, and the text to show. */
export interface NotebookFailure {
  /** Position in the notebook, 0-based, counting every cell; -1 when the kernel did not start. */
  index: number;
  executionCount: number | null;
  status: CellStatus;
  message: string;
}

/** The result of running one notebook. */
export interface NotebookRun {
  path: string;
  status: "ok" | "failed";
  seconds: number;
  /** One entry per code cell, in order. */
  cells: CellResult[];
  failure?: NotebookFailure;
  /** The notebook with the new outputs and execution counts (not sanitized). */
  notebook: Notebook;
}

/** Options of `runNotebook`. */
export interface RunOptions {
  /** Time each cell may take before it is interrupted (default 120 s). */
  timeoutMs?: number;
  /** Variables added to the kernel's environment. */
  env?: Record<string, string | undefined>;
  /** Called as each code cell starts: `done` cells of `total` have finished. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every code cell of a notebook in a fresh kernel whose working
 * directory is the notebook's folder, stopping at the first failing cell.
 *
 * A cell tagged `raises-exception` must raise: its error is expected and the
 * run goes on; if it does not raise, that is the failure.
 */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<NotebookRun> {
  const started = performance.now();
  const file = resolve(path);
  const notebook = await readNotebook(file);
  const codeCells = notebook.cells.flatMap((cell, index) =>
    cell.cell_type === "code" ? [{ cell, index }] : [],
  );
  const results: CellResult[] = codeCells.map(({ cell, index }) => skipped(cell, index));
  let failure: NotebookFailure | undefined;
  const finish = (): NotebookRun => ({
    path: file,
    status: failure === undefined ? "ok" : "failed",
    seconds: (performance.now() - started) / 1000,
    cells: results,
    notebook: withOutputs(notebook, results),
    ...(failure === undefined ? {} : { failure }),
  });

  let kernel: KernelClient;
  try {
    kernel = await KernelClient.start({ cwd: dirname(file), env: options.env ?? {} });
  } catch (error) {
    failure = { index: -1, executionCount: null, status: "died", message: (error as Error).message };
    return finish();
  }
  try {
    for (const [n, { cell, index }] of codeCells.entries()) {
      if (cell.source.trim() === "") continue; // Jupyter does not run empty cells either
      options.onProgress?.(n, codeCells.length);
      const result = await runCell(kernel, cell, index, options.timeoutMs ?? 120_000);
      results[n] = result;
      if (result.status !== "ok" && result.status !== "expected-error") {
        const killed = !kernel.alive;
        const message = describe(result, options.timeoutMs ?? 120_000, killed);
        failure = { index, executionCount: result.executionCount, status: result.status, message };
        break;
      }
    }
    return finish();
  } finally {
    await kernel.shutdown();
  }
}

async function runCell(kernel: KernelClient, cell: CodeCell, index: number, timeoutMs: number): Promise<CellResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const base = { index, id: cell.id };
  try {
    const { status, outputs, executionCount } = await kernel.execute(cell.source, { timeoutMs });
    const expectsError = cellTags(cell).includes(RAISES_EXCEPTION_TAG);
    const final: CellStatus =
      status === "ok" ? (expectsError ? "no-error" : "ok") : status === "error" && expectsError ? "expected-error" : status;
    return { ...base, status: final, outputs, executionCount, seconds: seconds() };
  } catch (error) {
    const died = error as Error & { outputs?: NbOutput[] };
    const outputs: NbOutput[] = [...(died.outputs ?? []), { output_type: "stream", name: "stderr", text: `${died.message}\n` }];
    return { ...base, status: "died", outputs, executionCount: null, seconds: seconds() };
  }
}

// tslab reports errors as stderr text, so that text is the error message,
// less the stack frames of Node's vm and of tslab itself, which run every cell.
function describe(result: CellResult, timeoutMs: number, killed: boolean): string {
  const stderr = result.outputs
    .flatMap((output) => {
      if (output.output_type === "stream" && output.name === "stderr") return [output.text];
      if (output.output_type === "error") return [`${output.ename}: ${output.evalue}`];
      return [];
    })
    .join("")
    .replace(KERNEL_FRAMES, "")
    .trimEnd();
  switch (result.status) {
    case "no-error":
      return `The cell is tagged "${RAISES_EXCEPTION_TAG}" but ran without an error.`;
    case "timeout":
      return killed
        ? `The cell did not finish within ${timeoutMs / 1000} s and ignored the interrupt, so the kernel was killed.`
        : `The cell did not finish within ${timeoutMs / 1000} s and was interrupted.\n${stderr}`.trimEnd();
    case "aborted":
      return `The kernel aborted the cell without running it.\n${stderr}`.trimEnd();
    default:
      return stderr === "" ? `The cell failed with status "${result.status}" and printed no error.` : stderr;
  }
}

const KERNEL_FRAMES = /^[ \t]+at .*(?:\(node:|\bnode:internal|\/node_modules\/tslab\/).*\n?/gm;

function skipped(cell: CodeCell, index: number): CellResult {
  return { index, id: cell.id, status: "skipped", outputs: [], executionCount: null, seconds: 0 };
}

// Cells that did not run lose their old outputs, as after "Restart and run all".
function withOutputs(notebook: Notebook, results: readonly CellResult[]): Notebook {
  const byIndex = new Map(results.map((result) => [result.index, result]));
  const cells = notebook.cells.map((cell, index) => {
    const result = byIndex.get(index);
    if (cell.cell_type !== "code" || result === undefined) return cell;
    return { ...cell, outputs: result.outputs, execution_count: result.executionCount };
  });
  return { ...notebook, cells };
}
