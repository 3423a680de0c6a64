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

/** The tag of a cell whose committed output is the embedded engine's (PGlite's version, scopes taking turns). */
export const EMBEDDED_OUTPUT_TAG = "embedded-output";

/** Whether the notebooks run against a PostgreSQL server rather than the embedded engine. */
function onServer(): boolean {
  return /^postgres(ql)?:/i.test(process.env["PGLITE_LAB_URL"] ?? "");
}

/**
 * Whether `--check` ignores the cell's outputs and `--update` leaves them
 * alone: they vary from run to run, or they are the embedded engine's and
 * the notebooks run on a server.
 */
export function ignoresOutput(cell: Cell): boolean {
  const tags = cellTags(cell);
  return tags.some((tag) => IGNORE_OUTPUT_TAGS.includes(tag)) || (tags.includes(EMBEDDED_OUTPUT_TAG) && onServer());
}
