/**
 * Driving a live guide page in Chromium (for the browser test and
 * measure-live.ts): find a notebook's guide page, press Run all, read what
 * each cell printed (the page keeps nbformat outputs), and compare it with
 * the notebook's committed outputs the way `npm start -- --check` does.
 *
 * @module
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { ignoresOutput } from "../../notebook-runner/src/cell-tags.js";
import { compareOutputs } from "../../notebook-runner/src/compare-outputs.js";
import { readNotebook, type NbOutput } from "../../notebook-runner/src/notebook.js";
import { REPO_ROOT } from "./public-api.js";

/** What `globalThis.pgliteLabLive.lastReport` holds after Run all (see live/runtime.ts). */
export interface RunAllReport {
  ran: number;
  skipped: number;
  failedAt: number | undefined;
  elapsedMs: number;
}

/** The URL of the guide page rendered from `notebooks/<file>`, found from the Guides page. */
export async function guideUrl(siteUrl: string, file: string): Promise<string> {
  const index = await (await fetch(new URL("documents/Guides.html", siteUrl))).text();
  for (const [, href] of index.matchAll(/href="([^"]*Guides\.[^"]+\.html)"/g)) {
    const url = new URL(href as string, new URL("documents/Guides.html", siteUrl)).href;
    if ((await (await fetch(url)).text()).includes(`notebooks/${file}`)) return url;
  }
  throw new Error(`No guide page is rendered from notebooks/${file}.`);
}

/** Presses Run all and waits for the page to say it is done; returns its report. */
export async function runAll(page: Page, timeout: number): Promise<RunAllReport> {
  await page.getByRole("button", { name: "Run all", exact: true }).click();
  await page.locator(".nb-live-top .nb-live-status", { hasText: /^(Ran|Stopped)/ }).waitFor({ timeout });
  return (await page.evaluate("globalThis.pgliteLabLive.lastReport")) as RunAllReport;
}

/** The outputs the page recorded for the cell with notebook index `index`. */
export async function pageOutputs(page: Page, index: number): Promise<NbOutput[]> {
  return (await page.evaluate(`globalThis.pgliteLabLive.outputsOf(${index})`)) as NbOutput[];
}

/** The notebook indexes of the page's cells that can run there. */
export async function runnableCells(page: Page): Promise<number[]> {
  // A string, so that this file needs no DOM types (the project compiles without "dom").
  return (await page.evaluate(`[...document.querySelectorAll(".nb-cell:not([data-nb-needs])")].map((cell) => Number(cell.dataset.nbCell))`)) as number[];
}

/**
 * The outputs as the page can show them: a bundle that holds an SVG and a
 * PNG (showSvg() in Node draws the PNG from the SVG with @resvg/resvg-js,
 * which the page does not have) loses the PNG, and its SVG, compared as
 * text, stands for both. Any other PNG is still compared.
 */
export function withoutPngOfSvg(outputs: readonly NbOutput[]): NbOutput[] {
  return outputs.map((output) => {
    if (output.output_type !== "display_data" || !("image/svg+xml" in output.data) || !("image/png" in output.data)) return output;
    const { "image/png": _png, ...data } = output.data;
    return { ...output, data };
  });
}

/**
 * Every runnable cell's page outputs against the notebook's committed
 * outputs, after the runner's sanitizing and without the PNG copies of
 * SVGs the page cannot draw ({@link withoutPngOfSvg}): one line diff per
 * cell that differs (cells tagged ignore-output are left out, as the runner
 * does).
 */
export async function outputDiffs(page: Page, file: string): Promise<string[]> {
  const notebook = await readNotebook(path.join(REPO_ROOT, "notebooks", file));
  const diffs: string[] = [];
  for (const index of await runnableCells(page)) {
    const cell = notebook.cells[index];
    if (!cell || cell.cell_type !== "code" || ignoresOutput(cell)) continue;
    const diff = compareOutputs(withoutPngOfSvg(cell.outputs), await pageOutputs(page, index), { repoRoot: REPO_ROOT });
    if (diff !== "") diffs.push(`${file}, cell ${index} (- notebook, + page):\n${diff}`);
  }
  return diffs;
}
