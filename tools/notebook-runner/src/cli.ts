/**
 * `npm start [-- options] [notebooks…]`: runs notebooks headlessly through
 * the tslab kernel, several at a time, and reports each one's result.
 *
 * @module
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { readCommandLine, userPath } from "./command-line.js";
import { compareOutputs } from "./compare-outputs.js";
import { isMainModule, REPO_ROOT } from "./locations.js";
import { ignoresOutput } from "./cell-tags.js";
import { parseNotebook, serializeNotebook, type Notebook } from "./notebook.js";
import { Progress } from "./progress.js";
import { runNotebook, type NotebookRun } from "./runner.js";
import { sanitizeNotebook } from "./sanitize.js";

const USAGE = `Usage: npm start [-- options] [notebooks…]

Runs each notebook top to bottom in a fresh tslab kernel (default: every
notebooks/*.ipynb, in name order) and reports cells, seconds and status.

Options:
  --check          compare outputs with the committed ones (sanitized)
  --update         write the new outputs (sanitized) into the notebooks
  --timeout <s>    seconds a cell may run before it is interrupted (default 120)
  --jobs <n>       notebooks run in parallel (default: number of cores)
  --quiet          print only failures and a one-line total
  --help           show this help

Cells tagged "raises-exception" must raise; cells tagged "ignore-output"
(or "nbval-ignore-output") are run but neither checked nor updated. Cells
tagged "embedded-output" show what the embedded engine does (PGlite's
version, scopes taking turns): with PGLITE_LAB_URL set to a server they are
run but neither checked nor updated.`;

interface Outcome {
  name: string;
  /** ok, updated, differs or failed. */
  status: string;
  /** What the summary table shows in its status column. */
  summary: string;
  cells: string;
  seconds: number;
  details: string[];
}

/**
 * Runs the command line `args` (without node and script) and resolves with
 * the exit code; `notebooksDir` is where notebooks are looked for when none
 * are named (default `<repo>/notebooks`).
 */
export async function main(
  args: readonly string[],
  { notebooksDir = join(REPO_ROOT, "notebooks") }: { notebooksDir?: string } = {},
): Promise<number> {
  const options = readCommandLine(args, parseOptions, USAGE, { out: console.log, err: console.error });
  if (typeof options === "number") return options;
  const files =
    options.notebooks.length > 0
      ? options.notebooks.map(userPath)
      : await findNotebooks(notebooksDir);
  if (files.length === 0) {
    console.log(`There are no notebooks in ${relative(process.cwd(), notebooksDir) || "."}/ yet: nothing to run.`);
    return 0;
  }
  const progress = new Progress({ out: process.stdout, quiet: options.quiet });
  const stop = (signal: NodeJS.Signals) => {
    progress.clear();
    console.error(`\nStopped by ${signal}; the kernels are shut down.`);
    process.exit(signal === "SIGINT" ? 130 : 143); // the exit hook kills the kernels
  };
  process.once("SIGINT", stop).once("SIGTERM", stop);

  const started = performance.now();
  const outcomes = await mapPool(files, options.jobs, async (file) => {
    const name = relative(process.cwd(), file) || file;
    progress.start(name);
    let outcome: Outcome;
    try {
      const committed = await readFile(file, "utf8");
      const run = await runNotebook(file, {
        timeoutMs: options.timeoutSeconds * 1000,
        hooks: { onCellStart: (_cell, done, total) => progress.cell(name, done, total) },
      });
      outcome = await settle(name, run, committed, options);
    } catch (error) {
      const message = `FAILED ${name}: ${(error as Error).message}`;
      outcome = { name, status: "failed", summary: "failed", cells: "-", seconds: 0, details: [message] };
    }
    progress.finish(name, `${outcome.status.padEnd(7)} ${name}  ${outcome.cells} cells  ${outcome.seconds.toFixed(1)} s`);
    return outcome;
  });
  progress.clear();
  process.off("SIGINT", stop).off("SIGTERM", stop);

  if (!options.quiet) console.log(`\n${summaryTable(outcomes)}`);
  for (const outcome of outcomes) for (const detail of outcome.details) console.log(`\n${detail}`);
  const bad = outcomes.filter((outcome) => outcome.status === "failed" || outcome.status === "differs");
  const wall = (performance.now() - started) / 1000;
  console.log(`\n${outcomes.length - bad.length} of ${outcomes.length} notebooks passed in ${wall.toFixed(1)} s.`);
  return bad.length === 0 ? 0 : 1;
}

/** The top-level `*.ipynb` files of `dir` in name order (exercises/ and others not included). */
export async function findNotebooks(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ipynb"))
    .map((entry) => join(dir, entry.name))
    .sort();
}

function parseOptions(args: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      check: { type: "boolean", default: false },
      update: { type: "boolean", default: false },
      timeout: { type: "string", default: "120" },
      jobs: { type: "string", short: "j", default: String(availableParallelism()) },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const timeoutSeconds = Number(values.timeout);
  const jobs = Number(values.jobs);
  if (!(timeoutSeconds > 0)) throw new Error(`--timeout must be a positive number of seconds, not "${values.timeout}".`);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer, not "${values.jobs}".`);
  if (values.check && values.update) throw new Error("--check and --update cannot be used together.");
  return { ...values, timeoutSeconds, jobs, notebooks: positionals };
}

async function settle(
  name: string,
  run: NotebookRun,
  committedText: string,
  options: { check: boolean; update: boolean },
): Promise<Outcome> {
  const outcome = (status: string, summary: string, details: string[]): Outcome => ({
    name,
    status,
    summary,
    cells: cellCount(run),
    seconds: run.seconds,
    details,
  });
  const { failure } = run;
  if (failure !== undefined) {
    if (failure.index < 0) {
      return outcome("failed", "kernel did not start", [`FAILED ${name}, the kernel did not start:\n${indent(failure.message)}`]);
    }
    const note = options.update ? " (not updated)" : "";
    const where = `cell ${failure.index + 1}${firstLine(run.notebook, failure.index)}`;
    return outcome("failed", `failed at cell ${failure.index + 1} (${failure.status})`, [
      `FAILED ${name}${note}, ${where}:\n${indent(failure.message)}`,
    ]);
  }
  const committed = parseNotebook(committedText, name);
  const sanitize = { repoRoot: REPO_ROOT };
  if (options.check) {
    const details = run.cells.flatMap((result) => {
      const before = committed.cells[result.index];
      if (before?.cell_type !== "code" || ignoresOutput(before)) return [];
      const diff = compareOutputs(before.outputs, result.outputs, sanitize);
      if (diff === "") return [];
      const where = `cell ${result.index + 1}${firstLine(committed, result.index)}`;
      return [`DIFFERS ${name}, ${where} (- committed, + now):\n${indent(diff)}`];
    });
    if (details.length === 0) return outcome("ok", "ok", []);
    return outcome("differs", `differs in ${details.length} cell${details.length === 1 ? "" : "s"}`, details);
  }
  if (options.update) {
    // An ok cell's stderr is noise from the kernel, not a result: tslab under load once printed
    // "Unexpected pending rebuildTimer" there, and committing it would make every later --check differ.
    const noise = run.cells.flatMap((result) => {
      const cell = run.notebook.cells[result.index];
      if (result.status !== "ok" || cell?.cell_type !== "code" || ignoresOutput(cell)) return [];
      const text = result.outputs.flatMap((o) => (o.output_type === "stream" && o.name === "stderr" ? [o.text] : [])).join("");
      if (text === "") return [];
      const where = `cell ${result.index + 1}${firstLine(run.notebook, result.index)}`;
      return [`NOT UPDATED ${name}, ${where} ran without error but wrote to stderr (rerun it; tag the cell ignore-output if that is intended):\n${indent(text.trimEnd())}`];
    });
    if (noise.length > 0) return outcome("failed", `stderr in ${noise.length} cell${noise.length === 1 ? "" : "s"} (not updated)`, noise);
    const text = serializeNotebook(sanitizeNotebook(keepIgnoredOutputs(run.notebook, committed), sanitize));
    if (text === committedText) return outcome("ok", "ok (unchanged)", []);
    await writeFile(run.path, text);
    return outcome("updated", "updated", []);
  }
  return outcome("ok", "ok", []);
}

function keepIgnoredOutputs(fresh: Notebook, committed: Notebook): Notebook {
  const cells = fresh.cells.map((cell, index) => {
    const before = committed.cells[index];
    if (cell.cell_type !== "code" || before?.cell_type !== "code") return cell;
    return ignoresOutput(cell) ? { ...cell, outputs: before.outputs } : cell;
  });
  return { ...fresh, cells };
}

function summaryTable(outcomes: readonly Outcome[]): string {
  const rows = [
    ["notebook", "cells", "seconds", "status"],
    ...outcomes.map((outcome) => [outcome.name, outcome.cells, outcome.seconds.toFixed(1), outcome.summary]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const numeric = [false, true, true, false];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

// Code cells that ran, of all code cells.
function cellCount(run: NotebookRun): string {
  const ran = run.cells.filter((cell) => cell.status !== "skipped").length;
  return `${ran}/${run.cells.length}`;
}

function firstLine(notebook: Notebook, index: number): string {
  const line = notebook.cells[index]?.source.split("\n").find((text) => text.trim() !== "")?.trim();
  if (line === undefined) return "";
  return ` (${line.length > 60 ? `${line.slice(0, 57)}...` : line})`;
}

function indent(text: string): string {
  return text.replace(/^/gm, "    ");
}

async function mapPool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
