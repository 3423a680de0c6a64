/**
 * The cell tags the runner and the grader understand, defined once.
 *
 * @module
 */
import { cellTags, type Cell } from "./notebook.js";

/** The tag (nbformat convention) of a cell that is expected to raise: its error is the lesson. */
export const RAISES_EXCEPTION_TAG = "raises-exception";

/** Tags of cells whose outputs `--check` ignores and `--update` leaves alone (nbval's name too). */
export const IGNORE_OUTPUT_TAGS: readonly string[] = ["ignore-output", "nbval-ignore-output"];

/** Whether the cell is tagged to raise. */
export function expectsError(cell: Cell): boolean {
  return cellTags(cell).includes(RAISES_EXCEPTION_TAG);
}

/** Whether the cell's outputs vary from run to run, so that they are neither compared nor rewritten. */
export function ignoresOutput(cell: Cell): boolean {
  return cellTags(cell).some((tag) => IGNORE_OUTPUT_TAGS.includes(tag));
}
