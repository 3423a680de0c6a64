// The documentation site, end to end: `npm run docs` builds it from the current
// sources with zero typedoc warnings (the build runs here, every time, into a
// folder of this run's own, so the test works in a fresh clone and never checks
// a stale site), then Debian's
// Chromium, driven by playwright-core, reads it from a local HTTP server:
// landing page, guide pages with their result tables, an API page with its
// example, search, console errors, and every same-origin link; then the live
// guides: Run all on the quickstart, fetchall, streaming and transactions
// guides runs every cell in the page, and each cell's output must match the
// notebook's committed output (sanitized as the notebook runner does it), an
// edited cell runs again, a tslab display is updated in place from a later
// cell, and nothing of the runtime loads before the first Run.
// Without /usr/bin/chromium the browser checks are skipped (the build still runs).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "../src/public-api.js";
import { serveStatic, type StaticServer } from "../src/static-server.js";
import { hasChromium, launchChromium } from "../../../test/support/chromium.js";
import { guideUrl, outputDiffs, pageOutputs, runAll } from "../src/live-guide-page.js";

// The test's own build of the site (what `npm run docs` writes to docs/site/, with
// typedoc's --out pointed here), so that test runs at the same time, or a running
// `npm run docs:serve`, do not pull pages from under each other.
const SITE = path.join(REPO_ROOT, "test-artifacts", `docs-site-${process.pid}`);
const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts");
// Where the build writes one Markdown page per notebook (see tools/docs-site/src/render-notebooks.ts).
const GUIDES_SRC = path.join(REPO_ROOT, "docs", "site-src", "guides");
/** How long Run all may take on a guide; PGlite's start and the streaming guide's 200k rows dominate. */
const RUN_ALL_TIMEOUT = 480_000;

/** Runs `npm run docs` (without npm's own output) and collects what it prints. */
function buildSite(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const build = path.join(REPO_ROOT, "tools", "docs-site", "src", "build.ts");
    const child = spawn(process.execPath, ["--import", "tsx", build, "--out", SITE], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: "", FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("docs site", () => {
  let built = false;
  /** The notebooks the build rendered, as `NN-topic.ipynb`, in name order. */
  let notebooks: string[] = [];
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  /** Console errors and uncaught page errors, with the page they came from. */
  const errors: string[] = [];

  /** A new tab that records console errors, page errors and failed requests. */
  async function newPage(): Promise<Page> {
    assert.ok(browser);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${page.url()}: console.error: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`${page.url()}: ${response.url()} answered ${response.status()}`);
    });
    page.on("requestfailed", (request) => {
      // Moving on to the next page cancels what is still loading (the favicon, say): not a fault of the site.
      const reason = request.failure()?.errorText ?? "failed";
      if (reason !== "net::ERR_ABORTED") errors.push(`${page.url()}: ${request.url()} failed: ${reason}`);
    });
    return page;
  }

  async function open(url: string, page?: Page): Promise<Page> {
    const tab = page ?? (await newPage());
    const response = await tab.goto(url, { waitUntil: "load" });
    assert.equal(response?.status(), 200, `${url} answered ${response?.status()}`);
    return tab;
  }

  /** Skips a browser check when there is no site or no browser; returns whether to go on. */
  function ready(t: { skip(message: string): void }): boolean {
    if (!built) {
      t.skip("the site did not build (see the first test)");
      return false;
    }
    if (!browser) {
      t.skip("chromium not installed: apt-get install chromium");
      return false;
    }
    return true;
  }

  before(() => mkdirSync(ARTIFACTS, { recursive: true }));

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(SITE, { recursive: true, force: true });
  });

  test("npm run docs builds the site with zero warnings", { timeout: 600_000 }, async (t) => {
    const { code, output } = await buildSite();
    assert.equal(code, 0, `npm run docs failed:\n${output}`);
    const warnings = output.split("\n").filter((line) => /\[warning\]|\[error\]/.test(line));
    assert.deepEqual(warnings, [], `typedoc reported:\n${warnings.join("\n")}`);
    assert.ok(existsSync(path.join(SITE, "index.html")), `${path.relative(REPO_ROOT, SITE)}/index.html was not written`);
    built = true;
    notebooks = existsSync(GUIDES_SRC)
      ? readdirSync(GUIDES_SRC)
          .filter((f) => f.endsWith(".md"))
          .map((f) => f.replace(/\.md$/, ".ipynb"))
          .sort()
      : [];
    t.diagnostic(`${notebooks.length} notebooks rendered as guides`);
    server = await serveStatic(SITE);
    if (hasChromium()) browser = await launchChromium();
  });

  test("the landing page shows the title and the quickstart", { timeout: 60_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const page = await open(server.url);
    assert.match(await page.title(), /pglite-lab/);
    await page.locator("h1", { hasText: "pglite-lab" }).first().waitFor({ state: "visible" });
    const quickstart = page.locator("pre", { hasText: "const engine = await createEngine({ echo: true });" });
    await quickstart.first().waitFor({ state: "visible" });
    assert.match(await quickstart.first().innerText(), /for await \(const row of conn\.stream\(emps\.select\(\)\)\) console\.log\(row\);/);
    for (const command of ["npm start", "npm run lab", "npm run grade"]) {
      assert.ok(await page.getByText(command, { exact: false }).first().isVisible(), `the landing page should mention ${command}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, "docs-landing.png"), fullPage: true });
    await page.close();
  });

  test("the guides are listed in reading order and one shows a result table", { timeout: 120_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const index = await open(new URL("documents/Guides.html", server.url).href);
    if (notebooks.length === 0) {
      assert.match(await index.locator(".col-content").innerText(), /No walkthrough notebooks yet/);
      await index.close();
      t.skip("no notebooks in notebooks/ yet: the Guides page says so; no guide page to check");
      return;
    }
    const links = await index.locator(".col-content ol li a").evaluateAll((as) => as.map((a) => String(Reflect.get(a, "href"))));
    assert.equal(links.length, notebooks.length, "one guide per notebook");
    await index.close();
    let tables = 0;
    const order: string[] = [];
    for (const link of links) {
      const page = await open(link);
      await page.locator(".col-content pre code").first().waitFor({ state: "visible" });
      order.push((await page.locator(".nb-origin code").first().innerText()).replace(/^notebooks\//, ""));
      tables += await page.locator(".col-content .nb-output table").count();
      if (tables > 0 && !existsSync(path.join(ARTIFACTS, "docs-guide.png"))) {
        await page.locator(".col-content .nb-output table").first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(ARTIFACTS, "docs-guide.png") });
      }
      await page.close();
    }
    assert.deepEqual(order, [...notebooks].sort(), "the guides should follow the notebooks' numbering");
    assert.ok(tables > 0, "no guide shows an HTML result table from a notebook output");
  });

  test("the API page of createEngine shows its example and the guides that use it", { timeout: 60_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const landing = await open(server.url);
    await landing.locator(".col-content a", { hasText: /^createEngine$/ }).first().click();
    await landing.waitForLoadState("load");
    assert.match(await landing.locator("h1").first().innerText(), /createEngine/);
    assert.ok(await landing.locator("h4", { hasText: /^Example/ }).first().isVisible(), "no Example heading");
    const example = landing.locator("pre", { hasText: 'import { createEngine } from "pglite-lab";' });
    await example.first().waitFor({ state: "visible" });
    assert.match(await example.first().innerText(), /console\.log\(n\); \/\/ 42/);
    if (notebooks.length > 0) {
      const usedIn = landing.locator(".pglite-lab-used-in a");
      assert.ok((await usedIn.count()) > 0, "createEngine's page has no 'Used in guides' links");
    }
    await landing.close();
  });

  test("the search finds stream", { timeout: 60_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const page = await open(server.url);
    await page.locator("#tsd-search-trigger").click();
    await page.locator("#tsd-search-input").fill("stream");
    const results = page.locator("#tsd-search-results li");
    await results.first().waitFor({ state: "visible", timeout: 20_000 });
    const texts = await results.allInnerTexts();
    assert.ok(texts.some((text) => /\bstream\b/i.test(text)), `search results for "stream": ${texts.join(" | ")}`);
    await page.close();
  });

  test("every same-origin link resolves and no page logs an error", { timeout: 300_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const origin = new URL(server.url).origin;
    const pages = [server.url];
    const seen = new Set(pages);
    const broken: string[] = [];
    const anchors: Array<{ from: string; to: string; id: string }> = [];
    const ids = new Map<string, Set<string>>();
    const page = await newPage();
    for (let i = 0; i < pages.length; i++) {
      const url = pages[i] as string;
      await open(url, page);
      // A string, so that this file needs no DOM types (the project compiles without "dom").
      const found = (await page.evaluate(`({
        ids: [...document.querySelectorAll("[id], a[name]")].map((e) => e.id || e.name),
        links: [...document.querySelectorAll("a[href], link[href], script[src], img[src]")].map((e) => e.href || e.src),
      })`)) as { ids: string[]; links: string[] };
      ids.set(url, new Set(found.ids));
      for (const link of found.links) {
        const target = new URL(link);
        if (target.origin !== origin) continue;
        const hash = decodeURIComponent(target.hash.slice(1));
        target.hash = "";
        const href = target.href;
        if (hash && href.endsWith(".html")) anchors.push({ from: url, to: href, id: hash });
        if (seen.has(href)) continue;
        seen.add(href);
        const response = await fetch(href, { method: "HEAD" });
        if (response.status !== 200) broken.push(`${href} (${response.status}), linked from ${url}`);
        else if (href.endsWith(".html") || href.endsWith("/")) pages.push(href);
      }
    }
    await page.close();
    const missingAnchors = anchors
      .filter(({ to, id }) => ids.has(to) && !ids.get(to)?.has(id))
      .map(({ from, to, id }) => `${to}#${id}, linked from ${from}`);
    t.diagnostic(`crawled ${pages.length} pages, checked ${seen.size} same-origin URLs and ${anchors.length} anchors`);
    assert.deepEqual(broken, [], `broken links:\n${broken.join("\n")}`);
    assert.deepEqual([...new Set(missingAnchors)], [], `links to missing anchors:\n${[...new Set(missingAnchors)].join("\n")}`);
    assert.ok(pages.length > 20, `the crawl reached only ${pages.length} pages`);
    assert.deepEqual(errors, [], `errors in the browser:\n${errors.join("\n")}`);
  });
  /** Opens the guide of `file`, presses Run all, and checks it ran to the end with no console error; returns the page. */
  async function runGuide(t: { diagnostic(message: string): void }, file: string): Promise<Page> {
    assert.ok(server);
    const errorsBefore = errors.length;
    const page = await open(await guideUrl(server.url, file));
    const report = await runAll(page, RUN_ALL_TIMEOUT);
    t.diagnostic(`${file}: ran ${report.ran} cells (${report.skipped} need Node) in ${(report.elapsedMs / 1000).toFixed(1)} s`);
    assert.equal(report.failedAt, undefined, `${file}: Run all stopped at cell ${report.failedAt}:\n${JSON.stringify(await pageOutputs(page, report.failedAt ?? -1))}`);
    assert.deepEqual(errors.slice(errorsBefore), [], `${file}: errors in the browser`);
    return page;
  }

  test("a guide page loads nothing of the live runtime before the first Run", { timeout: 60_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const requests: string[] = [];
    const page = await newPage();
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(await guideUrl(server.url, "00-quickstart.ipynb"), { waitUntil: "networkidle" });
    const cells = await page.locator(".nb-cell").count();
    assert.ok(cells > 0, "the quickstart guide has no live cells");
    assert.equal(await page.getByRole("button", { name: "Run", exact: true }).count(), cells, "one Run button per code cell");
    assert.equal(await page.getByRole("button", { name: "Run all", exact: true }).count(), 1);
    const live = requests.filter((url) => new URL(url).pathname.includes("/live/"));
    assert.deepEqual(live, [], "the runtime or PGlite was requested before any Run");
    await page.close();
  });

  test("Run all runs the quickstart guide in the page, every output as the notebook saved it", { timeout: RUN_ALL_TIMEOUT + 60_000 }, async (t) => {
    if (!ready(t)) return;
    const page = await runGuide(t, "00-quickstart.ipynb");
    assert.deepEqual(await outputDiffs(page, "00-quickstart.ipynb"), []);
    await page.screenshot({ path: path.join(ARTIFACTS, "docs-live-quickstart.png"), fullPage: true });
    await page.close();
  });

  test("an edited cell runs again and shows its new output", { timeout: RUN_ALL_TIMEOUT + 60_000 }, async (t) => {
    if (!ready(t)) return;
    const page = await runGuide(t, "00-quickstart.ipynb");
    const last = page.locator(".nb-cell:not([data-nb-needs])").last();
    const index = Number(await last.getAttribute("data-nb-cell"));
    await last.locator(":scope > pre > code").fill("console.log(String(engine), engine.disposed);");
    await last.getByRole("button", { name: "Run", exact: true }).click();
    await last.locator(".nb-live-output", { hasText: "Engine(pglite://memory) true" }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await pageOutputs(page, index), [{ output_type: "stream", name: "stdout", text: "Engine(pglite://memory) true\n" }]);
    await page.close();
  });

  test("a display made in one cell is updated in place from a later cell", { timeout: 120_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const page = await open(await guideUrl(server.url, "00-quickstart.ipynb"));
    const [first, second] = [0, 1].map((i) => page.locator(".nb-cell:not([data-nb-needs])").nth(i));
    assert.ok(first && second);
    await first.locator(":scope > pre > code").fill('import * as tslab from "tslab";\nconst progress = tslab.newDisplay();\nprogress.text("step 1 of 2");');
    await first.getByRole("button", { name: "Run", exact: true }).click();
    await first.locator(".nb-live-output", { hasText: "step 1 of 2" }).waitFor({ timeout: 60_000 });
    await second.locator(":scope > pre > code").fill('progress.text("step 2 of 2");\nconsole.log("updated");');
    await second.getByRole("button", { name: "Run", exact: true }).click();
    await second.locator(".nb-live-output", { hasText: "updated" }).waitFor({ timeout: 60_000 });
    const [firstIndex, secondIndex] = [Number(await first.getAttribute("data-nb-cell")), Number(await second.getAttribute("data-nb-cell"))];
    assert.deepEqual(await pageOutputs(page, firstIndex), [{ output_type: "display_data", data: { "text/plain": "step 2 of 2" }, metadata: {} }]);
    assert.deepEqual(await pageOutputs(page, secondIndex), [{ output_type: "stream", name: "stdout", text: "updated\n" }]);
    assert.equal(await first.locator(".nb-live-output").innerText(), "step 2 of 2");
    await page.close();
  });

  test("Run all runs the fetchall guide in the page, result tables included", { timeout: RUN_ALL_TIMEOUT + 60_000 }, async (t) => {
    if (!ready(t)) return;
    const page = await runGuide(t, "05-fetchall.ipynb");
    assert.deepEqual(await outputDiffs(page, "05-fetchall.ipynb"), []);
    const tables = page.locator(".nb-live-output table.pglite-lab-result");
    assert.ok((await tables.count()) > 0, "show() rendered no HTML table in the page");
    await tables.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, "docs-live-fetchall.png") });
    await page.close();
  });

  test("Run all runs the streaming guide in the page, and an edited cell draws the chart", { timeout: RUN_ALL_TIMEOUT + 60_000 }, async (t) => {
    if (!ready(t)) return;
    const page = await runGuide(t, "06-streaming.ipynb");
    assert.deepEqual(await outputDiffs(page, "06-streaming.ipynb"), []);
    // The heap measurements are Node's: those cells keep their saved outputs and say so.
    const nodeOnly = page.locator(".nb-cell[data-nb-needs]");
    assert.ok((await nodeOnly.count()) > 0, "no cell of the streaming guide is marked as needing Node");
    assert.ok(await nodeOnly.first().getByRole("button", { name: "Run", exact: true }).isDisabled());
    assert.match(await nodeOnly.first().locator(".nb-live-note").innerText(), /^Needs Node: this cell uses/);
    // The chart function runs in the page; showSvg shows what it draws, as the notebook's next cell does
    // with Node's measurements: one output holding the SVG and its text form (no PNG: that needs Node).
    const chartCell = page.locator(".nb-cell:not([data-nb-needs])", { hasText: "function chart(" });
    const index = Number(await chartCell.getAttribute("data-nb-cell"));
    const code = chartCell.locator(":scope > pre > code");
    const source = await code.innerText();
    const points = "[{ rows: 1000, fetchAll: 2e6, stream: 1e6 }, { rows: 2000, fetchAll: 4e6, stream: 1e6 }]";
    await code.fill(`${source}\nshowSvg(chart(${points}), { alt: "two points" });`);
    await chartCell.getByRole("button", { name: "Run", exact: true }).click();
    const chart = chartCell.locator('.nb-live-output img[src^="data:image/svg+xml;base64,"]');
    await chart.waitFor({ timeout: 60_000 });
    const outputs = await pageOutputs(page, index);
    assert.equal(outputs.length, 1, `the chart cell printed ${JSON.stringify(outputs)}`);
    const [output] = outputs;
    assert.ok(output?.output_type === "display_data", "the chart is not a display_data output");
    assert.deepEqual(Object.keys(output.data).sort(), ["image/svg+xml", "text/plain"]);
    assert.match(String(output.data["image/svg+xml"]), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="560" height="300"/);
    assert.equal(output.data["text/plain"], "[SVG image 560×300: two points]");
    assert.equal(await chart.getAttribute("alt"), "[SVG image 560×300: two points]");
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, "docs-live-chart.png") });
    await page.close();
  });

  test("Run all runs the transactions guide in the page; a nested engine.begin() fails with ScopeError", { timeout: RUN_ALL_TIMEOUT + 60_000 }, async (t) => {
    if (!ready(t)) return;
    const page = await runGuide(t, "07-transactions.ipynb");
    assert.deepEqual(await outputDiffs(page, "07-transactions.ipynb"), []);
    assert.ok(
      await page.locator(".nb-live-output", { hasText: "ScopeError: engine.begin() was called inside an open scope" }).count(),
      "the nested scope did not fail with a ScopeError",
    );
    await page.close();
  });

  test("cells that need Node or a server say so on a disabled Run button", { timeout: 60_000 }, async (t) => {
    if (!ready(t) || !server) return;
    const page = await open(await guideUrl(server.url, "08-to-a-server.ipynb"));
    const server8 = page.locator(".nb-cell", { hasText: "postgres://learner:secret@127.0.0.1:1/lab" });
    assert.ok(await server8.getByRole("button", { name: "Run", exact: true }).isDisabled());
    assert.match(await server8.locator(".nb-live-note").innerText(), /Needs Node: this cell connects to a PostgreSQL server/);
    await page.close();
  });
});
