/**
 * `npx tsx tools/docs-site/src/measure-live.ts [--site docs/site] [--guide 00-quickstart.ipynb]
 * [--rounds 5] [--baseline <another built site>]`: measures a live guide in
 * headless Chromium (/usr/bin/chromium), for the README's budget.
 *
 * - what the page downloads before the first Run (and, with `--baseline`,
 *   the same page of another build, such as one made before the live guides);
 * - the first Run all with an empty cache: time from the click to the last
 *   output, and what it downloads;
 * - then `--rounds` more Run alls, each after a reload, with the browser's
 *   cache warm: time from the click to the last output (as the page reports
 *   it), and the CPU time all of Chromium's processes used meanwhile, which
 *   says what the time would be on an idle machine.
 *
 * Prints a Markdown table. The machine's load average is printed with it:
 * on a busy machine, times stretch while CPU time does not.
 *
 * @module
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../../../test/support/chromium.js";
import { guideUrl, runAll } from "./live-guide-page.js";
import { REPO_ROOT } from "./public-api.js";
import { serveStatic } from "./static-server.js";

const { values } = parseArgs({
  options: {
    site: { type: "string", default: path.join(REPO_ROOT, "docs", "site") },
    guide: { type: "string", default: "00-quickstart.ipynb" },
    rounds: { type: "string", default: "5" },
    baseline: { type: "string" },
  },
});

/** User + system CPU ticks of a /proc stat file. */
function ticksOf(statFile: string): number {
  const fields = (readFileSync(statFile, "utf8").split(") ")[1] ?? "").split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * CPU seconds used so far by the browser whose command lines mention `tag`
 * (its profile folder): all its processes, and the main threads of its
 * renderers, where the page's JavaScript and PGlite run.
 */
function cpuSeconds(tag: string): { all: number; main: number } {
  let all = 0;
  let main = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!command.includes(tag)) continue;
      all += ticksOf(`/proc/${pid}/stat`);
      if (command.includes("--type=renderer")) main += ticksOf(`/proc/${pid}/task/${pid}/stat`);
    } catch {
      // the process ended meanwhile
    }
  }
  return { all: all / 100, main: main / 100 };
}

/** Bytes of the responses the page has received so far (bodies as sent, before decompression), by URL. */
async function received(page: Page): Promise<Map<string, number>> {
  const entries = (await page.evaluate(
    `[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].map((e) => [e.name, e.encodedBodySize])`,
  )) as [string, number][];
  return new Map(entries);
}

const sum = (sizes: Iterable<number>) => [...sizes].reduce((a, b) => a + b, 0);
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function pageWeight(site: string, guide: string): Promise<number> {
  const server = await serveStatic(site);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    await page.goto(await guideUrl(server.url, guide), { waitUntil: "networkidle" });
    return sum((await received(page)).values());
  } finally {
    await browser.close();
    await server.close();
  }
}

const profile = mkdtempSync(path.join(tmpdir(), "pglite-lab-measure-"));
const server = await serveStatic(values.site as string);
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: [...CHROMIUM_ARGS],
});
try {
  const url = await guideUrl(server.url, values.guide as string);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url, { waitUntil: "networkidle" });
  const before = await received(page);
  const cold = await runAll(page, 600_000);
  const onRun = [...(await received(page))].filter(([name]) => !before.has(name));
  const warm: { ms: number; cpu: number; main: number }[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    await page.reload({ waitUntil: "networkidle" });
    const cpu = cpuSeconds(profile);
    const report = await runAll(page, 600_000);
    const after = cpuSeconds(profile);
    warm.push({ ms: report.elapsedMs, cpu: after.all - cpu.all, main: after.main - cpu.main });
  }
  const rows = [
    ["page before the first Run", kb(sum(before.values()))],
    ...(values.baseline ? [["same page, baseline build", kb(await pageWeight(values.baseline, values.guide as string))]] : []),
    ["downloaded by the first Run", `${kb(sum(onRun.map(([, bytes]) => bytes)))} (${onRun.length} files)`],
    ...onRun.filter(([, bytes]) => bytes > 100_000).map(([name, bytes]) => [`  ${new URL(name).pathname.split("/").pop()}`, kb(bytes)]),
    ["first Run all, empty cache", `${(cold.elapsedMs / 1000).toFixed(1)} s`],
    [
      `Run all, warm cache (median of ${warm.length})`,
      `${(median(warm.map((w) => w.ms)) / 1000).toFixed(1)} s (${warm.map((w) => (w.ms / 1000).toFixed(1)).join(", ")})`,
    ],
    ["  CPU time meanwhile, all of Chromium (median)", `${median(warm.map((w) => w.cpu)).toFixed(1)} s`],
    ["  CPU time meanwhile, the page's main thread (median)", `${median(warm.map((w) => w.main)).toFixed(1)} s`],
    ["load average (1 min) at the end", loadavg()[0]?.toFixed(1) ?? "?"],
  ];
  console.log(`${values.guide}, ${url}\n\n| measure | value |\n|---|---|`);
  for (const [measure, value] of rows) console.log(`| ${measure} | ${value} |`);
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
