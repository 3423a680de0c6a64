// The notebooks as a learner meets them: the project's own `npm run lab`
// starts Debian's Jupyter Notebook 6 headless on a loopback port, and Chromium
// (through playwright-core) opens each walkthrough and a blank exercise, clicks
// Kernel → Restart & Run All and reads what the page shows: no error and no
// stderr output, every cell run, a rendered result table, a visible chart
// (before the notebook is trusted, from its saved PNG, and after running it),
// and, once the library connects interruptAll, an interrupt that frees the
// engine. Two notebooks run at a time in one server; the time from Run All
// to the last output of each is reported and written to test-artifacts/.
// Skipped, with the reason, where jupyter-notebook or Chromium is missing.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { findNotebooks } from "../src/cli.js";
import { serverUrl } from "../src/lab.js";
import { REPO_ROOT } from "../src/locations.js";
import { hasChromium, launchChromium } from "../../../test/support/chromium.js";

const NOTEBOOKS = join(REPO_ROOT, "notebooks");
const ARTIFACTS = join(REPO_ROOT, "test-artifacts");
/** A blank exercise: the learner's cells still say TODO, so the checks answer ✗, without errors. */
const BLANK_EXERCISE = join(NOTEBOOKS, "exercises", "03-bulk-insert.ipynb");
/** Notebooks run at the same time, each in its own tab and kernel (the machine has two cores). */
const AT_ONCE = 2;
const RUN_ALL_TIMEOUT_MS = 15 * 60_000;

function onPath(name: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && executable(join(dir, name)));
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const missing = !onPath("jupyter-notebook")
  ? "jupyter-notebook is not installed (apt-get install jupyter-notebook)"
  : !hasChromium()
    ? "chromium is not installed (apt-get install chromium)"
    : undefined;

/** The walkthroughs and the blank exercise, in the order they run. */
const NOTEBOOK_FILES = [...(await findNotebooks(NOTEBOOKS)), BLANK_EXERCISE];

/** A free TCP port on loopback (Jupyter moves to the next one if it is taken meanwhile). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A digest of every notebook file, so the test can prove it saved nothing into them. */
function digests(files: readonly string[]): Map<string, string> {
  return new Map(files.map((file) => [file, createHash("sha256").update(readFileSync(file)).digest("hex")]));
}

/** Kills the processes whose command line names `text` (a folder only this test uses); Linux only. */
function killProcessesMentioning(text: string): void {
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already, or not ours to read
    }
  }
}

/** What one notebook did in the browser. */
interface Run {
  /** From the click on "Restart and Run All Cells" to the last output, in seconds. */
  seconds: number;
  /** Code cells that did not get an execution count. */
  unrun: string[];
  /** Text of stderr and error outputs. */
  errors: string[];
  tables: number;
  /** Width and height of the rendered chart (SVG after running), if any. */
  chart?: { width: number; height: number };
  /** The saved chart as an untrusted notebook shows it (PNG), before running. */
  untrustedChart?: { trusted: boolean; pngWidth: number; svgShown: number };
}

// The page's own objects (Jupyter Notebook 6's `Jupyter` global, the DOM) are reached
// through `globalThis as any`: the project compiles without the DOM library.

/** Runs `work` for each item, at most `size` at a time, and returns each item's promise. */
function limited<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Map<T, Promise<R>> {
  let free = size;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return new Map(
    items.map((item) => {
      const done = slot().then(() => work(item).finally(release));
      done.catch(() => undefined); // awaited by its test; an early failure is not an unhandled one
      return [item, done] as const;
    }),
  );
}

describe("the notebooks in Jupyter Notebook, driven in Chromium", { skip: missing }, () => {
  let lab: ChildProcess | undefined;
  let labLog = "";
  let base = "";
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let scratch = "";
  let runs = new Map<string, Promise<Run>>();
  const times: Record<string, number> = {};
  let committed = new Map<string, string>();

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), "pglite-lab-jupyter-"));
    // Jupyter's config, data (the trust database) and runtime files of this run only:
    // every notebook opens untrusted, and nothing of the user's Jupyter is read or written.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      JUPYTER_CONFIG_DIR: join(scratch, "config"),
      JUPYTER_DATA_DIR: join(scratch, "data"),
      JUPYTER_RUNTIME_DIR: join(scratch, "runtime"),
      PGLITE_LAB_FRONTEND: "notebook",
      NODE_OPTIONS: "",
    };
    delete env.PGLITE_LAB_URL;
    committed = digests(NOTEBOOK_FILES);
    const port = await freePort();
    lab = spawn("npm", ["run", "--silent", "lab", "--", "--no-browser", "--port", String(port)], {
      cwd: REPO_ROOT,
      env,
      detached: true, // its own process group: Jupyter and the kernels stop with it
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm run lab printed no address in 5 min:\n${labLog}`)), 300_000);
      const read = (chunk: Buffer) => {
        labLog += chunk.toString();
        const found = labLog.split("\n").map(serverUrl).find((u) => u !== undefined);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      lab!.stdout!.on("data", read);
      lab!.stderr!.on("data", read);
      lab!.once("exit", (code) => reject(new Error(`npm run lab exited (${code}) before Jupyter was up:\n${labLog}`)));
    });
    assert.match(labLog, /--allow-root|--no-browser/, "npm run lab passed its defaults on");
    const address = new URL(url);
    base = `${address.origin}/`;
    browser = await launchChromium();
    // Logging in once with the token sets Jupyter's cookie for the whole context.
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const login = await context.newPage();
    await login.goto(url);
    await login.close();
    // Every run starts now, AT_ONCE at a time; each test below awaits its own.
    runs = limited(NOTEBOOK_FILES, AT_ONCE, runInBrowser);
  });

  after(async () => {
    await browser?.close();
    if (lab?.pid !== undefined) {
      try {
        process.kill(-lab.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const exited = new Promise((resolve) => lab!.once("exit", resolve));
      const timer = setTimeout(() => {
        try {
          process.kill(-lab!.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    }
    // Jupyter starts each kernel in a session of its own, so a kernel it had no time
    // to shut down outlives the process group: its connection file is in our scratch folder.
    killProcessesMentioning(scratch);
    writeFileSync(join(ARTIFACTS, "jupyter-frontend-times.json"), JSON.stringify(times, null, 1) + "\n");
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Opens a notebook and waits until its kernel is connected; autosave off, so nothing is written back. */
  async function open(file: string): Promise<Page> {
    const page = await context!.newPage();
    const path = relative(NOTEBOOKS, file).split("/").map(encodeURIComponent).join("/");
    await page.goto(`${base}notebooks/${path}`, { waitUntil: "load", timeout: 120_000 });
    await page.waitForFunction(
      () => {
        const nb = (globalThis as any).Jupyter?.notebook;
        return nb?._fully_loaded === true && nb.kernel?.is_connected?.() === true;
      },
      undefined,
      { timeout: 120_000, polling: 250 },
    );
    // Functions passed to the page are written without names of their own: the test's
    // compiler (esbuild, through tsx) wraps named ones in a helper the page lacks.
    await page.evaluate(() => {
      const nb = (globalThis as any).Jupyter.notebook;
      nb.set_autosave_interval(0);
      nb.events.on("output_appended.OutputArea finished_execute.CodeCell", function () {
        (globalThis as any).__lastOutput = Date.now();
      });
    });
    return page;
  }

  /** Kernel → Restart & Run All, confirmed; resolves with the page clock at the click. */
  async function restartAndRunAll(page: Page): Promise<number> {
    await page.click("#kernellink");
    await page.click("#restart_run_all");
    const confirm = page.locator(".modal-dialog .modal-footer button", { hasText: "Restart and Run All Cells" });
    await confirm.waitFor({ state: "visible", timeout: 30_000 });
    const clicked = await page.evaluate(() => Date.now());
    await confirm.click();
    // The run has started once a cell shows In [*]; it has ended when none does and the kernel is idle.
    await page.waitForFunction(
      () => (globalThis as any).Jupyter.notebook.get_cells().some((c: any) => c.input_prompt_number === "*"),
      undefined,
      { timeout: 120_000, polling: 100 },
    );
    await page.waitForFunction(
      () => {
        const nb = (globalThis as any).Jupyter.notebook;
        const running = nb.get_cells().some((c: any) => c.input_prompt_number === "*");
        const idle = (globalThis as any).document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
        return !running && idle;
      },
      undefined,
      { timeout: RUN_ALL_TIMEOUT_MS, polling: 500 },
    );
    return clicked;
  }

  async function runInBrowser(file: string): Promise<Run> {
    const page = await open(file);
    try {
      let untrustedChart: Run["untrustedChart"];
      if ((await page.locator(".output_png img, .output_svg svg").count()) > 0) {
        untrustedChart = await page.evaluate(() => {
          const doc = (globalThis as any).document;
          const img = doc.querySelector(".output_png img");
          return {
            trusted: (globalThis as any).Jupyter.notebook.trusted === true,
            pngWidth: img ? Number(img.getBoundingClientRect().width) : 0,
            svgShown: doc.querySelectorAll(".output_svg svg").length,
          };
        });
      }
      const clicked = await restartAndRunAll(page);
      const result = await page.evaluate(() => {
          const doc = (globalThis as any).document;
          const nb = (globalThis as any).Jupyter.notebook;
          const unrun = nb
            .get_cells()
            .filter((c: any) => c.cell_type === "code" && c.get_text().trim() !== "" && typeof c.input_prompt_number !== "number")
            .map((c: any) => c.get_text().split("\n")[0]);
          const svg = doc.querySelector(".output_svg svg, .output_png img");
          const box = svg?.getBoundingClientRect();
          const errors = Array.from(doc.querySelectorAll(".output_stderr, .output_error")).map((element: any) =>
            String(element.innerText).slice(0, 2000),
          );
          return {
            last: Number((globalThis as any).__lastOutput ?? Date.now()),
            unrun: unrun as string[],
            errors,
            tables: Number(doc.querySelectorAll(".output_html table.pglite-lab-result").length),
            chart: box ? { width: Math.round(box.width), height: Math.round(box.height) } : undefined,
          };
        });
      const seconds = Math.max(0, result.last - clicked) / 1000;
      times[relative(REPO_ROOT, file)] = Number(seconds.toFixed(1));
      const name = relative(NOTEBOOKS, file).replace(/[/.]/g, "_");
      await page.screenshot({ path: join(ARTIFACTS, `jupyter-${name}.png`) });
      const run: Run = { seconds, unrun: result.unrun, errors: result.errors, tables: result.tables };
      if (result.chart) run.chart = result.chart;
      if (untrustedChart) run.untrustedChart = untrustedChart;
      return run;
    } finally {
      // Shut the notebook's kernel down (a PGlite each), and leave without saving.
      await page
        .evaluate(() => new Promise((resolve) => (globalThis as any).Jupyter.notebook.session.delete(resolve, resolve)))
        .catch(() => undefined);
      await page.close();
    }
  }

  async function ran(file: string): Promise<Run> {
    const run = runs.get(file);
    assert.ok(run, `${relative(REPO_ROOT, file)} was not started (see the first failure)`);
    return run;
  }

  for (const file of NOTEBOOK_FILES) {
    const name = relative(REPO_ROOT, file);
    test(`Restart & Run All of ${name} ends with every cell run, no error and no stderr`, { timeout: RUN_ALL_TIMEOUT_MS * 2 }, async (t) => {
      const run = await ran(file);
      t.diagnostic(`Run All → last output: ${run.seconds.toFixed(1)} s`);
      assert.deepEqual(run.errors, [], `${name} showed error or stderr output`);
      assert.deepEqual(run.unrun, [], `${name}: cells without an execution count`);
    });
  }

  test("05-fetchall renders its results as HTML tables", { timeout: RUN_ALL_TIMEOUT_MS * 2 }, async () => {
    const run = await ran(join(NOTEBOOKS, "05-fetchall.ipynb"));
    assert.ok(run.tables > 0, "no table.pglite-lab-result in the outputs");
  });

  test("06-streaming's saved chart shows before the notebook is trusted, and the new one after running", { timeout: RUN_ALL_TIMEOUT_MS * 2 }, async () => {
    const run = await ran(join(NOTEBOOKS, "06-streaming.ipynb"));
    assert.ok(run.untrustedChart, "the saved notebook has no image output");
    assert.equal(run.untrustedChart.trusted, false, "a fresh Jupyter should not trust the notebook");
    assert.ok(run.untrustedChart.pngWidth > 100, `the saved chart is not visible untrusted: ${JSON.stringify(run.untrustedChart)}`);
    assert.ok(run.chart && run.chart.width > 100 && run.chart.height > 50, `no visible chart after running: ${JSON.stringify(run.chart)}`);
  });

  test("an interrupt frees the engine for the next cell within a few seconds", { timeout: RUN_ALL_TIMEOUT_MS * 2 }, async (t) => {
    await ran(BLANK_EXERCISE); // its kernel is gone; a fresh one on the same notebook serves here
    const page = await open(BLANK_EXERCISE);
    try {
      // A cell's output once it has its execution count; one that gets none within 2 min (tslab
      // aborts requests that arrive in the 200 ms after a failed cell) fails the test instead of hanging it.
      const cell = async (code: string, wait = true) =>
        page.evaluate(
          ({ code, wait }) =>
            new Promise<string>((resolve, reject) => {
              const nb = (globalThis as any).Jupyter.notebook;
              const c = nb.insert_cell_at_bottom("code");
              c.set_text(code);
              c.execute();
              if (!wait) return resolve("");
              const started = Date.now();
              const poll = setInterval(() => {
                if (typeof c.input_prompt_number === "number") {
                  clearInterval(poll);
                  resolve(c.output_area.outputs.map((o: any) => o.text ?? "").join(""));
                } else if (Date.now() - started > 120_000) {
                  clearInterval(poll);
                  reject(new Error(`no execution count after 2 min for: ${code.split("\n")[0]} (prompt ${String(c.input_prompt_number)})`));
                }
              }, 100);
            }),
          { code, wait },
        );
      const lastCell = (what: string) =>
        page.waitForFunction(
          (what) => {
            const cells = (globalThis as any).Jupyter.notebook.get_cells();
            const c = cells[cells.length - 1];
            const text = c.output_area.outputs.map((o: any) => o.text ?? "").join("");
            return what === "ended" ? typeof c.input_prompt_number === "number" : text.includes(what);
          },
          what,
          { timeout: 120_000, polling: 100 },
        );
      await cell(`import { createEngine } from "pglite-lab";\nconst engine = await createEngine();`);
      const handlers = await cell(
        `console.log((globalThis as any)[Symbol.for("pglite-lab.kernel-interrupt")]?.handlers.size ?? 0);`,
      );
      assert.equal(handlers.trim(), "1", "creating an engine installed one interrupt handler");
      // generate_series in the select list streams row by row; in FROM, PostgreSQL would first
      // materialize all 20M rows in one long WebAssembly call that no signal can interrupt.
      await cell(
        `let seen = 0;
await engine.connect(async (conn) => {
  for await (const row of conn.stream("select generate_series(1, 20000000) as g")) {
    if (++seen % 1000000 === 0) console.log("streamed", seen);
  }
});`,
        false,
      );
      await lastCell("streamed"); // the stream runs: a million rows went by
      await page.click("#kernellink");
      await page.click("#int_kernel");
      const interrupted = Date.now();
      await lastCell("ended");
      // As a learner would, the next cell is run once the interrupted one has ended: tslab
      // aborts what arrives in the 200 ms after a failed cell, as Jupyter kernels abort queued cells.
      await page.waitForTimeout(500);
      const next = await cell(`console.log(await engine.connect(async (conn) => (await conn.execute("select 1 as one")).scalar()));`);
      const seconds = (Date.now() - interrupted) / 1000;
      times["interrupt → next cell's output"] = Number(seconds.toFixed(1));
      t.diagnostic(`interrupt → next cell's output: ${seconds.toFixed(1)} s`);
      assert.equal(next, "1\n", "the next cell shows its own output only");
      const stream = await page.evaluate(() => {
        const cells = (globalThis as any).Jupyter.notebook.get_cells();
        return cells[cells.length - 2].output_area.outputs.map((o: any) => o.text ?? "").join("");
      });
      assert.match(stream, /rolled back/i, "the interrupted cell says what was rolled back");
      assert.doesNotMatch(stream, /\n\s+at /, "no stack frames of tslab's under the interrupted cell");
      // Loose on purpose (the machine is noisy): without the interrupt the stream holds the engine for minutes.
      assert.ok(seconds < 30, `the next cell answered after ${seconds.toFixed(1)} s`);
    } finally {
      await page.evaluate(() => new Promise((resolve) => (globalThis as any).Jupyter.notebook.session.delete(resolve, resolve)));
      await page.close();
    }
  });

  test("running the notebooks in the browser wrote nothing back into them", { timeout: RUN_ALL_TIMEOUT_MS * 2 }, async () => {
    await Promise.all([...runs.values()].map((run) => run.catch(() => undefined)));
    const now = digests([...committed.keys()]);
    const changed = [...committed].filter(([file, digest]) => now.get(file) !== digest).map(([file]) => relative(REPO_ROOT, file));
    assert.deepEqual(changed, []);
  });
});
