/**
 * The in-page runtime of a guide: loaded by the page's loader on the first
 * click on Run or Run all, never before. It runs the cells against an
 * in-memory PGlite in the page and shows their outputs in place of the saved
 * ones.
 *
 * `globalThis.pgliteLabLive` is the guide's {@link LiveGuide}, for the
 * browser test and for the curious in the developer console.
 *
 * @module
 */
import { inspect } from "node-inspect-extracted";
import { captureConsole } from "./console-capture.js";
import { cellSource, findCells, type CellElements } from "./dom.js";
import { LIVE } from "./markup.js";
import { NotebookSession } from "./notebook-session.js";
import { OutputArea, type LiveOutput } from "./output-area.js";
import { OutputRouter } from "./output-router.js";

/** How the last Run all went, as the page shows it. */
export interface RunAllReport {
  readonly ran: number;
  readonly skipped: number;
  /** The notebook index of the cell that raised, if one did. */
  readonly failedAt: number | undefined;
  /** From the click to the last output, in milliseconds. */
  readonly elapsedMs: number;
  /** How long each cell that ran took, in milliseconds, by notebook index. */
  readonly cellMs: Readonly<Record<number, number>>;
}

/** The running guide page. */
export class LiveGuide {
  readonly #cells: CellElements[];
  readonly #areas = new Map<number, OutputArea>();
  readonly #router: OutputRouter;
  readonly #session: NotebookSession;
  #queue: Promise<unknown> = Promise.resolve();
  #count = 0;
  #lastReport: RunAllReport | undefined;

  constructor(doc: Document) {
    this.#cells = findCells(doc);
    // Output outside any cell (before the first run) still goes to the developer console.
    const log = console.log.bind(console);
    const warn = console.warn.bind(console);
    this.#router = new OutputRouter((name, text) => (name === "stdout" ? log(text) : warn(text)));
    captureConsole(this.#router);
    this.#session = new NotebookSession(this.#router);
    // Work a cell left running can fail later: show it under the last cell, as a kernel would print it.
    addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      this.#router.stream("stderr", `Uncaught (in promise) ${inspect(event.reason)}\n`);
    });
  }

  /** The notebook indexes of the page's code cells, in page order. */
  get cellIndexes(): number[] {
    return this.#cells.map((cell) => cell.index);
  }

  /** What the last Run all did. */
  get lastReport(): RunAllReport | undefined {
    return this.#lastReport;
  }

  /** The outputs of the cell with notebook index `index` since its last run (empty if it has not run). */
  outputsOf(index: number): LiveOutput[] {
    return this.#areas.get(index)?.outputs ?? [];
  }

  /** Runs one cell (after whatever is already running); resolves to whether it finished without an error. */
  runCell(index: number): Promise<boolean> {
    const cell = this.#cells.find((c) => c.index === index);
    if (!cell || cell.needs) return Promise.resolve(false);
    setStatus(cell.root, "[ ]");
    return this.#enqueue(() => this.#run(cell));
  }

  /**
   * Restarts the session and runs every cell from the top, skipping those
   * that need Node and stopping at the first error, as Jupyter's "Restart
   * and run all" does. `startedAt` (a `performance.now()` time) is the click.
   */
  runAll(startedAt = performance.now()): Promise<RunAllReport> {
    const top = document.querySelector<HTMLElement>(`.${LIVE.top}`);
    for (const cell of this.#cells) if (!cell.needs) setStatus(cell.root, "[ ]");
    return this.#enqueue(async () => {
      await this.#session.restart();
      this.#count = 0;
      const runnable = this.#cells.filter((cell) => !cell.needs);
      let ran = 0;
      let failedAt: number | undefined;
      const cellMs: Record<number, number> = {};
      for (const cell of runnable) {
        if (top) setStatus(top, `Running cell ${ran + 1} of ${runnable.length}…`);
        ran++;
        const started = performance.now();
        const ok = await this.#run(cell);
        cellMs[cell.index] = performance.now() - started;
        if (!ok) {
          failedAt = cell.index;
          break;
        }
      }
      const elapsedMs = performance.now() - startedAt;
      const report: RunAllReport = { ran, skipped: this.#cells.length - runnable.length, failedAt, elapsedMs, cellMs };
      this.#lastReport = report;
      if (top) setStatus(top, describe(report, this.#cells));
      return report;
    });
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(job, job);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run(cell: CellElements): Promise<boolean> {
    const area = this.#areaOf(cell);
    area.clear();
    cell.root.classList.remove("nb-live-failed");
    setStatus(cell.root, "[*]");
    const ok = await this.#session.run(cellSource(cell), area);
    setStatus(cell.root, `[${++this.#count}]`);
    if (!ok) cell.root.classList.add("nb-live-failed");
    return ok;
  }

  /** The cell's live output area; its saved outputs make way on the first run. */
  #areaOf(cell: CellElements): OutputArea {
    let area = this.#areas.get(cell.index);
    if (!area) {
      for (const saved of cell.root.querySelectorAll(`:scope > .${LIVE.output}`)) saved.remove();
      const element = document.createElement("div");
      element.className = LIVE.liveOutput;
      cell.root.append(element);
      area = new OutputArea(element);
      this.#areas.set(cell.index, area);
    }
    return area;
  }
}

function setStatus(root: HTMLElement, text: string): void {
  const status = root.querySelector<HTMLElement>(`.${LIVE.status}`);
  if (status) status.textContent = text;
}

function describe(report: RunAllReport, cells: readonly CellElements[]): string {
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  const skipped = report.skipped > 0 ? `; ${report.skipped} that need Node show their saved output` : "";
  if (report.failedAt !== undefined) {
    const position = cells.findIndex((cell) => cell.index === report.failedAt) + 1;
    return `Stopped at cell ${position}, which raised an error (${seconds} s)${skipped}.`;
  }
  return `Ran ${report.ran} cells in ${seconds} s${skipped}.`;
}

let guide: LiveGuide | undefined;

/** The guide of this page, made on first use. */
export function attach(doc: Document = document): LiveGuide {
  guide ??= new LiveGuide(doc);
  (globalThis as { pgliteLabLive?: LiveGuide }).pgliteLabLive = guide;
  return guide;
}
