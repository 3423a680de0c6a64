/**
 * `npm run bench`: pglite-lab against raw PGlite, Kysely + kysely-pglite and
 * the in-database floor (and against node-postgres, pg-cursor and Kysely + pg
 * on a server when DATABASE_URL is set). Every run is a fresh child process;
 * contenders alternate run by run (ABC, BCA, CAB, …); the report gives medians
 * and paired ratios against each workload's baseline, prints a table and
 * writes bench/results/<out>.md and .svg. `npm run bench -- --help` for flags.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { seconds } from "./format.js";
import { describeMachine } from "./machine.js";
import { USAGE, parseOptions, type BenchOptions } from "./options.js";
import { buildPlan, type Panel } from "./plan.js";
import { markdownTable, terminalTable, type PanelResult } from "./report.js";
import { REPO_ROOT, measure, runChild, sanitize } from "./runner.js";
import { benchSchema, benchServerUrl } from "./server.js";
import { summarize } from "./stats.js";
import { svgChart } from "./svg.js";
import type { Outcome, Task } from "./task.js";

function rotate<T>(items: readonly T[], by: number): T[] {
  const n = by % items.length;
  return [...items.slice(n), ...items.slice(0, n)];
}

async function runPanel(panel: Panel, options: BenchOptions, extra: Pick<Task, "dumpDir" | "serverUrl">): Promise<PanelResult> {
  const outcomes = new Map<string, Outcome[]>(panel.contenders.map((c) => [c.key, []]));
  for (let run = 0; run < options.runs; run++) {
    // Alternate: each run visits every contender, starting one further along, so none always goes first.
    for (const contender of rotate(panel.contenders, run)) {
      const task: Task = {
        workload: panel.workload,
        kind: contender.kind,
        rows: panel.rows,
        batchSize: contender.batchSize,
        warmups: panel.warmups,
        ...extra,
      };
      const outcome = await measure(task, options.timeoutSeconds);
      outcomes.get(contender.key)?.push(outcome);
      const figure = outcome.ok
        ? `${seconds(outcome.ms)} (CPU ${seconds(outcome.cpuMs)})${outcome.rssGrowthMb === undefined ? "" : `, RSS +${outcome.rssGrowthMb.toFixed(0)} MB`}`
        : `fails: ${outcome.error}`;
      console.log(`  ${panel.workload} [${panel.group}] run ${run + 1}/${options.runs}  ${contender.label.replaceAll("`", "")}: ${figure}`);
    }
  }
  return { panel, summaries: summarize(panel, outcomes) };
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === "help") {
    console.log(USAGE);
    return;
  }
  const options = parsed;
  const loadAtStart = os.loadavg()[0] ?? 0;
  const databaseUrl = process.env["DATABASE_URL"];
  const serverUrl = databaseUrl ? benchServerUrl(databaseUrl) : undefined;
  const serverLine = serverUrl
    ? "Server peers: on the PostgreSQL server at DATABASE_URL, in a schema of the bench run's own (dropped at the end)."
    : "Server peers skipped: DATABASE_URL is not set (set it to compare node-postgres, pg-cursor, Kysely + pg and pglite-lab on a PostgreSQL server).";
  console.log(serverLine);
  const plan = buildPlan(options, serverUrl !== undefined);
  if (plan.length === 0) throw new Error(`Nothing to run: ${options.only.join(", ")} on ${options.targets.join(", ")}${serverUrl ? "" : " without DATABASE_URL"}.`);

  const dumpDir = mkdtempSync(path.join(os.tmpdir(), "pglite-lab-bench-"));
  const results: PanelResult[] = [];
  const withServer = databaseUrl !== undefined && plan.some((panel) => panel.group === "server");
  try {
    if (withServer) await benchSchema(databaseUrl, false);
    // Builds the library's data-directory cache (so that no measured run pays for it) and the dumps the start workload loads.
    console.log("Preparing: data-directory cache and start dumps ...");
    const prepared = await runChild(["prepare", ...(options.only.includes("start") ? [dumpDir] : [])], options.timeoutSeconds);
    if (prepared.code !== 0) throw new Error(`Preparing failed: ${sanitize(prepared.stderr.trim().split("\n").at(-1) ?? "")}`);
    for (const panel of plan) {
      console.log(`${panel.title} (${panel.group}): ${panel.contenders.length} contenders × ${options.runs} runs`);
      results.push(await runPanel(panel, options, { dumpDir, ...(serverUrl && panel.group === "server" ? { serverUrl } : {}) }));
    }
  } finally {
    rmSync(dumpDir, { recursive: true, force: true });
    if (withServer) await benchSchema(databaseUrl, true);
  }

  const machine = describeMachine(loadAtStart, os.loadavg()[0] ?? 0);
  const method =
    `Median of ${options.runs} runs per contender; each run in a fresh process; contenders alternated run by run; ` +
    "× baseline is the median of per-run ratios to the baseline run of the same round (CPU: the same with process CPU time). " +
    "Setup (start, table, rows to read) is not timed except in the start workload. " +
    `"Warm": timed after ${options.warmups} untimed runs of the same workload in the same process, ` +
    "each insert into an emptied, checkpointed table; \"first call\": the first run in a fresh process, " +
    "which includes compiling the parts of PGlite's WebAssembly it touches.";
  console.log(`\n${terminalTable(results)}\n\nMachine: ${machine.line}\n${method}\n${serverLine}`);

  const outDir = path.join(REPO_ROOT, "bench", "results");
  mkdirSync(path.join(outDir, "raw"), { recursive: true });
  const markdown = [
    `# pglite-lab benchmark (${options.out})`,
    "",
    `Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\``,
    "",
    markdownTable(results),
    "",
    `Machine: ${machine.line}`,
    "",
    method,
    "",
    serverLine,
    "",
  ].join("\n");
  writeFileSync(path.join(outDir, `${options.out}.md`), markdown);
  writeFileSync(path.join(outDir, `${options.out}.svg`), svgChart(results, [`Machine: ${machine.line}`, method]));
  writeFileSync(path.join(outDir, "raw", `${options.out}-${new Date().toISOString().replaceAll(":", "-")}.json`), JSON.stringify({ options, results }, null, 1));
  console.log(`Wrote bench/results/${options.out}.md and bench/results/${options.out}.svg`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
