/**
 * The markup contract between the guide pages (render-notebooks.ts writes
 * it), the loader that adds the buttons, and the runtime that runs the cells:
 * class names and attributes. No DOM here, so the docs build can use it.
 *
 * @module
 */

/** Class names and attributes of the guide markup. */
export const LIVE = {
  /** Wraps one code cell: its code block and its saved outputs. */
  cell: "nb-cell",
  /** On a cell: the notebook's cell index. */
  indexAttribute: "data-nb-cell",
  /** On a cell that cannot run in a page: why (shown beside its Run button). */
  needsAttribute: "data-nb-needs",
  /** An output block (saved or live). */
  output: "nb-output",
  /** The paragraph under the title that says where the guide comes from; the Run all bar goes after it. */
  origin: "nb-origin",
  /** The toolbar of a cell. */
  bar: "nb-live-bar",
  /** The Run all toolbar. */
  top: "nb-live-top",
  /** A status text (a cell's execution count, or the page's progress). */
  status: "nb-live-status",
  /** Why a cell cannot run here. */
  note: "nb-live-note",
  /** Holds the outputs of a cell run in the page. */
  liveOutput: "nb-live-output",
} as const;
