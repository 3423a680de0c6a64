/**
 * Keeps the check cells of exercise notebooks equal to the visible checks in
 * tools/grader/src/checks: `npm run grade -- --sync` rewrites them, and the tests
 * fail when they drift.
 *
 * @module
 */
import type { Cell, Notebook } from "../../notebook-runner/src/notebook.js";
import { CHECK_TAG, checkIdOf, notebookCheckCell } from "./check-cell.js";
import type { Exercise } from "./exercises.js";

/** What {@link syncCheckCells} did and found. */
export interface SyncResult {
  /** The notebook with every check cell's source regenerated. */
  notebook: Notebook;
  /** Ids of the checks whose cells changed. */
  changed: string[];
  /** What cannot be fixed by rewriting: a visible check without a cell, a cell for a hidden or unknown check, a duplicate. */
  problems: string[];
}

/**
 * Regenerates the source of each check cell (a code cell whose metadata names
 * a check) from the exercise's visible check of that id, clearing its outputs
 * when the source changes and tagging it `check`.
 */
export function syncCheckCells(notebook: Notebook, exercise: Exercise): SyncResult {
  const changed: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const cells = notebook.cells.map((cell): Cell => {
    const id = checkIdOf(cell);
    if (id === undefined) return cell;
    const check = exercise.checks.find((candidate) => candidate.id === id);
    if (check === undefined || check.hidden || cell.cell_type !== "code") {
      const why = check === undefined ? "which it does not have" : check.hidden ? "which is hidden" : "in a non-code cell";
      problems.push(`A cell copies check "${id}" of ${exercise.id}, ${why}.`);
      return cell;
    }
    if (seen.has(id)) problems.push(`Check "${id}" of ${exercise.id} has more than one cell.`);
    seen.add(id);
    const tags = Array.isArray(cell.metadata.tags) ? cell.metadata.tags : [];
    const metadata = tags.includes(CHECK_TAG) ? cell.metadata : { ...cell.metadata, tags: [...tags, CHECK_TAG] };
    const source = notebookCheckCell(check);
    if (source === cell.source && metadata === cell.metadata) return cell;
    changed.push(id);
    return source === cell.source
      ? { ...cell, metadata }
      : { ...cell, metadata, source, outputs: [], execution_count: null };
  });
  for (const check of exercise.checks) {
    if (!check.hidden && !seen.has(check.id)) problems.push(`Visible check "${check.id}" of ${exercise.id} has no cell in the notebook.`);
  }
  return { notebook: { ...notebook, cells }, changed, problems };
}
