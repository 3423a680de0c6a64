import { chromium } from "playwright-core";
import { serveStatic } from "./tools/docs-site/src/static-server.ts";
import { readNotebook } from "./tools/notebook-runner/src/notebook.ts";
import { compareOutputs } from "./tools/notebook-runner/src/compare-outputs.ts";
import { ignoresOutput } from "./tools/notebook-runner/src/cell-tags.ts";
const server = await serveStatic("docs/site");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync","--js-flags=--expose-gc"] });
const [slug, nbfile] = [process.argv[2]!, process.argv[3]!];
const page = await browser.newPage();
page.on("console", (m) => { if (m.type() === "error") console.log("CONSOLE", m.text().slice(0, 300)); });
page.on("pageerror", (e) => console.log("PAGEERROR", e.message));
await page.goto(new URL(`documents/Guides.${slug}.html`, server.url).href);
await page.getByRole("button", { name: "Run all", exact: true }).click();
await page.locator(".nb-live-top .nb-live-status", { hasText: /^(Ran|Stopped)/ }).waitFor({ timeout: 300_000 });
console.log("STATUS", await page.locator(".nb-live-top .nb-live-status").innerText());
const nb = await readNotebook(`notebooks/${nbfile}`);
const outs = await page.evaluate(`(() => { const g = globalThis.pgliteLabLive; return Object.fromEntries(g.cellIndexes.map((i) => [i, g.outputsOf(i)])); })()`) as Record<string, any[]>;
for (const [i, cell] of nb.cells.entries()) {
  if (cell.cell_type !== "code" || !(i in outs)) continue;
  if (ignoresOutput(cell)) { console.log(`cell ${i}: ignored`, JSON.stringify(outs[i]).match(/points=[^/]*/g)); continue; }
  const diff = compareOutputs(cell.outputs, outs[i]!, { repoRoot: process.cwd() });
  console.log(`cell ${i}: ${diff === "" ? "ok" : "DIFF\n" + diff}`);
}
await browser.close(); await server.close();
