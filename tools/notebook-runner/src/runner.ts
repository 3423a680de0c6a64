/**
 * Runs one notebook top to bottom in a fresh tslab kernel, as "Restart and
 * run all" does in Jupyter.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { expectsError, RAISES_EXCEPTION_TAG } from "./cell-tags.js";
import { KernelDiedError } from "./errors.js";
import { errorText } from "./error-text.js";
import { KernelClient } from "./kernel-client.js";
import { readNotebook, type CodeCell, type NbOutput, type Notebook } from "./notebook.js";

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

/** A code cell and its position in the notebook (0-based, counting every cell). */
export interface PlacedCell {
  readonly cell: CodeCell;
  readonly index: number;
}

/**
 * Hooks into the execution loop, in the manner of nbclient's
 * `on_cell_start` / `on_cell_complete` / `on_cell_error`: the CLI's progress
 * and the grader's report are built on them.
 */
export interface CellHooks {
  /** Before a cell runs: it is the `position`th of `total` code cells. */
  onCellStart?(cell: PlacedCell, position: number, total: number): void;
  /** After every cell that ran, whatever its status. */
  onCellComplete?(result: CellResult, cell: PlacedCell): void;
  /** After a cell that failed (any status but "ok" and "expected-error"), before the loop stops or goes on. */
  onCellError?(result: CellResult, cell: PlacedCell): void;
}

/** Options of {@link runCells}. */
export interface LoopOptions {
  readonly hooks?: CellHooks;
  /** Run every cell even after one fails (the grader's way); by default the loop stops at the first failure. */
  readonly continueOnError?: boolean;
}

/** Options of `runNotebook`. */
export interface RunOptions extends LoopOptions {
  /** Time each cell may take before it is interrupted (default 120 s). */
  timeoutMs?: number;
  /** Variables added to the kernel's environment. */
  env?: Record<string, string | undefined>;
}

/** Whether a cell's status fails the notebook. */
export function isFailure(status: CellStatus): boolean {
  return status !== "ok" && status !== "expected-error" && status !== "skipped";
}

/**
 * The execution loop: runs `cells` in order through `execute`, skipping empty
 * ones as Jupyter does, calling the hooks, and stopping at the first failure
 * unless `continueOnError`. Resolves with one result per cell (cells that did
 * not run are "skipped").
 */
export async function runCells(
  cells: readonly PlacedCell[],
  execute: (cell: PlacedCell, position: number) => Promise<CellResult>,
  options: LoopOptions = {},
): Promise<CellResult[]> {
  const results = cells.map(({ cell, index }) => skipped(cell, index));
  for (const [position, placed] of cells.entries()) {
    if (placed.cell.source.trim() === "") continue; // Jupyter does not run empty cells either
    options.hooks?.onCellStart?.(placed, position, cells.length);
    const result = await execute(placed, position);
    results[position] = result;
    options.hooks?.onCellComplete?.(result, placed);
    if (isFailure(result.status)) {
      options.hooks?.onCellError?.(result, placed);
      if (!options.continueOnError) break;
    }
  }
  return results;
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
  let results: CellResult[] = codeCells.map(({ cell, index }) => skipped(cell, index));
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
    const timeoutMs = options.timeoutMs ?? 120_000;
    results = await runCells(codeCells, ({ cell, index }) => executeCell(kernel, cell, index, timeoutMs), options);
    const failed = results.find((result) => isFailure(result.status));
    if (failed !== undefined) {
      const message = describe(failed, timeoutMs, !kernel.alive);
      failure = { index: failed.index, executionCount: failed.executionCount, status: failed.status, message };
    }
    return finish();
  } finally {
    await kernel.shutdown();
  }
}

/**
 * Runs one code cell and classifies how it ended: a cell tagged
 * `raises-exception` must raise; a kernel that exits meanwhile makes the
 * cell "died", with what it printed before and why the kernel ended.
 */
export async function executeCell(kernel: KernelClient, cell: CodeCell, index: number, timeoutMs: number): Promise<CellResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const base = { index, id: cell.id };
  try {
    const { status, outputs, executionCount } = await kernel.execute(cell.source, { timeoutMs });
    const expected = expectsError(cell);
    const final: CellStatus =
      status === "ok" ? (expected ? "no-error" : "ok") : status === "error" && expected ? "expected-error" : status;
    return { ...base, status: final, outputs, executionCount, seconds: seconds() };
  } catch (error) {
    const printed = error instanceof KernelDiedError ? error.outputs : [];
    const outputs: NbOutput[] = [...printed, { output_type: "stream", name: "stderr", text: `${(error as Error).message}\n` }];
    return { ...base, status: "died", outputs, executionCount: null, seconds: seconds() };
  }
}

function describe(result: CellResult, timeoutMs: number, killed: boolean): string {
  const text = errorText(result.outputs);
  switch (result.status) {
    case "no-error":
      return `The cell is tagged "${RAISES_EXCEPTION_TAG}" but ran without an error.`;
    case "timeout":
      return killed
        ? `The cell did not finish within ${timeoutMs / 1000} s and ignored the interrupt, so the kernel was killed.`
        : `The cell did not finish within ${timeoutMs / 1000} s and was interrupted.\n${text}`.trimEnd();
    case "aborted":
      return `The kernel aborted the cell without running it.\n${text}`.trimEnd();
    default:
      return text === "" ? `The cell failed with status "${result.status}" and printed no error.` : text;
  }
}

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
