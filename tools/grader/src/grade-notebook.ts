/**
 * Grades a learner's exercise notebook: runs every code cell in a fresh tslab
 * kernel (skipping the notebook's own check cells), then runs all of the
 * exercise's checks, visible and hidden, in that same kernel.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { readNotebook } from "../../notebook-runner/src/notebook.js";
import { runCells } from "../../notebook-runner/src/runner.js";
import { graderCheckCell, isCheckCell } from "./check-cell.js";
import { findExercise } from "./exercises.js";
import type { CheckOutcome, GradeReport } from "./grade-report.js";
import { GradingSession } from "./grading-session.js";

/** Options of {@link gradeNotebook}. */
export interface GradeOptions {
  /** Time a cell (or a check) may run before it is interrupted. Default 60 s. */
  timeoutMs?: number;
  /** The exercise id, overriding the notebook's metadata and file name. */
  exercise?: string;
  /**
   * Variables for the kernel's environment. `PGLITE_LAB_URL` is unset unless
   * given here, so that every submission gets a fresh in-memory database.
   */
  env?: Record<string, string | undefined>;
  /** Kernel restarts (after a cell times out or kills the kernel) that replay earlier cells. Default 3. */
  maxRestarts?: number;
  /** Called with a short line as each cell and check starts. */
  onProgress?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Grades one notebook and resolves with the report; a notebook that throws,
 * hangs or kills its kernel is graded, not fatal.
 *
 * Every learner cell runs, in order, whatever happened before. A cell that
 * throws is recorded and the next one runs. A cell that does not finish
 * within the timeout is interrupted; it (or a cell that ends the kernel) is
 * left out, a fresh kernel starts, and the cells before it run again, so that
 * the rest of the notebook and the checks see the state the learner built.
 * Then every check of the exercise runs in the kernel; a check passes only on
 * the verdict line its own grader cell prints, marked with a nonce made for
 * this run.
 *
 * @throws UnknownExerciseError when the notebook matches no exercise; an
 *   error when the file is not a notebook or no kernel can be started.
 */
export async function gradeNotebook(path: string, options: GradeOptions = {}): Promise<GradeReport> {
  const started = performance.now();
  const file = resolve(path);
  const notebook = await readNotebook(file);
  const match = findExercise(notebook, file, options.exercise);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const codeCells = notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
  const learnerCells = codeCells.filter(({ cell }) => !isCheckCell(cell) && cell.source.trim() !== "");
  const skipped = codeCells.filter(({ cell }) => isCheckCell(cell)).length;
  const notes: string[] = match.warning === undefined ? [] : [match.warning];

  const session = await GradingSession.start({
    cwd: dirname(file),
    env: { PGLITE_LAB_URL: undefined, ...options.env },
    timeoutMs,
    maxRestarts: options.maxRestarts ?? 3,
    cells: learnerCells,
    notes,
  });
  try {
    // Every learner cell runs, whatever happened before: the runner's loop, told to go on after errors.
    await runCells(learnerCells, (_cell, position) => session.runCell(position), {
      continueOnError: true,
      hooks: { onCellStart: ({ index }, position, total) => options.onProgress?.(`cell ${index + 1} (${position + 1} of ${total})`) },
    });
    const nonce = randomBytes(8).toString("hex");
    const checks: CheckOutcome[] = [];
    for (const check of match.exercise.checks) {
      options.onProgress?.(`check ${check.id}`);
      const verdict = await session.runCheck(graderCheckCell(check, { nonce, timeoutMs }), nonce, check.id);
      checks.push({
        id: check.id,
        description: check.description,
        hidden: check.hidden,
        pass: verdict.pass,
        hint: verdict.pass ? null : verdict.hint,
      });
    }
    const score = checks.filter((check) => check.pass).length;
    return {
      notebook: path,
      exercise: match.exercise.id,
      exerciseSource: match.source,
      score,
      total: checks.length,
      checks,
      cells: { code: codeCells.length, ran: learnerCells.length, checkCellsSkipped: skipped },
      cellErrors: session.problems.filter((problem) => problem.status !== "timeout"),
      timedOutCells: session.problems.filter((problem) => problem.status === "timeout"),
      kernelRestarts: session.restarts,
      notes,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await session.shutdown();
  }
}
