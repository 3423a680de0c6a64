/**
 * What grading a notebook found, and how it is printed: one line per check
 * and a last line `score: P/T`.
 *
 * @module
 */

/** The outcome of one check. */
export interface CheckOutcome {
  id: string;
  description: string;
  hidden: boolean;
  pass: boolean;
  /** What is wrong; null when the check passed. */
  hint: string | null;
}

/** A learner cell that failed, timed out, or took the kernel down. */
export interface CellProblem {
  /** Position in the notebook, 1-based, counting every cell (as Jupyter numbers them). */
  cell: number;
  /** The cell's nbformat id. */
  id: string;
  /** `error`: it threw; `timeout`: interrupted after the per-cell timeout; `died`: the kernel exited; `aborted`: not run by the kernel. */
  status: "error" | "timeout" | "died" | "aborted";
  /** The error as the kernel printed it, without stack frames. */
  message: string;
  /** True when this happened while earlier cells were run again after a restart. */
  replay: boolean;
}

/** The result of grading one notebook; `--json` writes it as is. */
export interface GradeReport {
  /** The notebook's path, as given. */
  notebook: string;
  /** The exercise id the notebook was graded as. */
  exercise: string;
  /** Where the exercise id came from. */
  exerciseSource: "option" | "metadata" | "file name";
  /** Checks passed. */
  score: number;
  /** Checks run (visible and hidden). */
  total: number;
  /** Every check, visible and hidden, in the order they ran. */
  checks: CheckOutcome[];
  /** Code cells of the notebook: `code` in all, `ran` of the learner's, `checkCellsSkipped` (the grader runs its own). */
  cells: { code: number; ran: number; checkCellsSkipped: number };
  /** Cells that threw, or were not run, or whose kernel died. */
  cellErrors: CellProblem[];
  /** Cells interrupted after the per-cell timeout. */
  timedOutCells: CellProblem[];
  /** How many times a fresh kernel was started after one was lost. */
  kernelRestarts: number;
  /** Sentences about what the grader had to do: restarts, cells left out, warnings. */
  notes: string[];
  /** Wall time of the grading, in seconds. */
  seconds: number;
}

/**
 * The report as the command prints it: notes and cell problems first, then
 * one line per check (✓ or ✗, id, description, hint), and `score: P/T` last.
 */
export function formatReport(report: GradeReport): string {
  const lines: string[] = [];
  const problems = report.cellErrors.length + report.timedOutCells.length;
  lines.push(
    `${report.notebook}: exercise ${report.exercise} (by ${report.exerciseSource}), ` +
      `${report.cells.ran} code cells run, ${report.cellErrors.length} failed, ${report.timedOutCells.length} timed out`,
  );
  for (const note of report.notes) lines.push(`  note: ${note}`);
  if (problems > 0) {
    const all = [...report.cellErrors, ...report.timedOutCells].sort((a, b) => a.cell - b.cell);
    for (const problem of all) {
      const first = problem.message.split("\n").find((line) => line.trim() !== "") ?? "";
      const when = problem.replay ? " (while re-running it after a restart)" : "";
      lines.push(`  cell ${problem.cell} ${problem.status}${when}: ${first}`);
    }
  }
  for (const check of report.checks) {
    const name = `${check.id}${check.hidden ? " (hidden)" : ""}`;
    lines.push(check.pass ? `✓ ${name}: ${check.description}` : `✗ ${name}: ${check.description} Hint: ${check.hint ?? ""}`.trimEnd());
  }
  lines.push(`score: ${report.score}/${report.total}`);
  return lines.join("\n");
}
