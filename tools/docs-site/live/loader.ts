/**
 * The guide pages' loader (typedoc's `customJs`, on every page; a few KB): on
 * a guide page it adds Run to each code cell and Run all under the title,
 * and makes the code editable. Nothing else loads until the first click; then
 * it imports the runtime (`live/runtime.js`), which downloads PGlite.
 *
 * @module
 */
import { findCells, type CellElements } from "./dom.js";
import { LIVE } from "./markup.js";
import type { LiveGuide } from "./runtime.js";

const script = document.currentScript as HTMLScriptElement | null;
/** The runtime sits in `live/` beside `assets/`, where this script is. */
const RUNTIME_URL = new URL("../live/runtime.js", script?.src ?? location.href).href;

let guide: Promise<LiveGuide> | undefined;

function load(top: HTMLElement | undefined): Promise<LiveGuide> {
  if (!guide) {
    const status = top?.querySelector<HTMLElement>(`.${LIVE.status}`);
    if (status) status.textContent = "Loading the runtime and PGlite…";
    guide = (import(/* webpackIgnore: true */ RUNTIME_URL) as Promise<typeof import("./runtime.js")>).then((runtime) => runtime.attach(document));
    guide.catch((err: unknown) => {
      guide = undefined;
      if (status) status.textContent = `Could not load the runtime: ${(err as Error).message}`;
    });
  }
  return guide;
}

function button(label: string, title: string): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  element.title = title;
  return element;
}

function status(): HTMLElement {
  const element = document.createElement("span");
  element.className = LIVE.status;
  element.setAttribute("aria-live", "polite");
  return element;
}

function addCellBar(cell: CellElements, top: HTMLElement): void {
  const bar = document.createElement("div");
  bar.className = LIVE.bar;
  const run = button("Run", "Run this cell in the page (Shift+Enter in the code)");
  bar.append(run, status());
  if (cell.needs) {
    run.disabled = true;
    run.title = `This cell ${cell.needs}: run the notebook in Jupyter (npm run lab).`;
    const note = document.createElement("span");
    note.className = LIVE.note;
    note.id = `nb-live-note-${cell.index}`;
    note.textContent = `Needs Node: this cell ${cell.needs}. Its saved output is shown.`;
    run.setAttribute("aria-describedby", note.id);
    bar.append(note);
  } else {
    const start = () => void load(top).then((g) => g.runCell(cell.index));
    run.addEventListener("click", start);
    cell.code.setAttribute("contenteditable", "plaintext-only");
    cell.code.setAttribute("spellcheck", "false");
    cell.code.setAttribute("aria-label", "Cell code (editable)");
    cell.code.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        start();
      }
    });
  }
  cell.root.insertBefore(bar, cell.root.firstChild);
}

function addTopBar(cells: readonly CellElements[]): HTMLElement {
  const top = document.createElement("div");
  top.className = LIVE.top;
  const runnable = cells.filter((cell) => !cell.needs).length;
  const runAll = button("Run all", "Run every cell from the top, in a fresh session, against PostgreSQL (PGlite) running in this page");
  const hint = status();
  hint.textContent =
    runnable === cells.length
      ? "Runs in your browser: PostgreSQL (PGlite) is downloaded on the first run."
      : `Runs ${runnable} of ${cells.length} cells in your browser; the cells marked “Needs Node” show their saved output.`;
  if (runnable === 0) runAll.disabled = true;
  runAll.addEventListener("click", () => {
    const clicked = performance.now();
    void load(top).then((g) => g.runAll(clicked));
  });
  top.append(runAll, hint);
  const origin = document.querySelector(`.${LIVE.origin}`);
  if (origin) origin.after(top);
  else cells[0]?.root.before(top);
  return top;
}

const cells = findCells(document);
if (cells.length > 0) {
  const top = addTopBar(cells);
  for (const cell of cells) addCellBar(cell, top);
}
