/**
 * Finding the code cells of a guide page (marked up as markup.ts says).
 *
 * @module
 */
import { LIVE } from "./markup.js";

/** One code cell of a guide page. */
export interface CellElements {
  /** The notebook's index of the cell. */
  readonly index: number;
  readonly root: HTMLElement;
  /** The element whose text is the cell's source (editable). */
  readonly code: HTMLElement;
  /** Why the cell cannot run in a page, if it cannot. */
  readonly needs: string | undefined;
}

/** The code cells of a guide page, in page order; empty on other pages. */
export function findCells(doc: Document): CellElements[] {
  const cells: CellElements[] = [];
  for (const root of doc.querySelectorAll<HTMLElement>(`.${LIVE.cell}`)) {
    const code = root.querySelector<HTMLElement>(":scope > pre > code");
    if (!code) continue;
    cells.push({
      index: Number(root.getAttribute(LIVE.indexAttribute)),
      root,
      code,
      needs: root.getAttribute(LIVE.needsAttribute) ?? undefined,
    });
  }
  return cells;
}

/** The text of a cell's code as the learner left it. */
export function cellSource(cell: CellElements): string {
  return (cell.code.innerText ?? cell.code.textContent ?? "").replace(/\u00a0/g, " ");
}
