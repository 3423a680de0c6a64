/**
 * `npm run grade -- <notebook.ipynb> [--json report.json] [--timeout s]`:
 * grades a learner's exercise notebook and prints one line per check and
 * `score: P/T`; exits 0 only at full marks.
 *
 * @module
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { readCommandLine, userPath, type CommandOutput } from "../../notebook-runner/src/command-line.js";
import { parseNotebook, serializeNotebook } from "../../notebook-runner/src/notebook.js";
import { EXERCISES, findExercise } from "./exercises.js";
import { gradeNotebook } from "./grade-notebook.js";
import { formatReport } from "./grade-report.js";
import { syncCheckCells } from "./sync-check-cells.js";

const USAGE = `Usage: npm run grade -- <notebook.ipynb> [options]
       npm run grade -- --list
       npm run grade -- --sync [exercises-folder]

Runs the notebook headlessly in a fresh tslab kernel (in the notebook's
folder, on a fresh in-memory database), every code cell even after errors,
skipping the notebook's own check cells; then runs all of the exercise's
checks, visible and hidden, and prints one line per check and "score: P/T".
Exits 0 at full marks, 1 below, 2 when the notebook cannot be graded.

Options:
  --json <file>      also write a JSON report ("-": print it instead of the text)
  --timeout <s>      seconds a cell or a check may run before it is interrupted (default 60)
  --exercise <id>    grade as this exercise, whatever the notebook's metadata or name say
  --list             list the exercises and their checks
  --sync             rewrite the check cells of the exercise notebooks (default folder
                     notebooks/exercises and its solutions/) from tools/grader/src/checks
  --help             show this help`;

/** Where output goes; the tests pass their own. */
export interface CommandIo extends CommandOutput {
  /** Shows progress (overwritten by the next call); "" clears it. */
  progress?(line: string): void;
}

const consoleIo: CommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: process.stderr.isTTY ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined,
};

/** Runs the command line `args` (after `npm run grade --`) and resolves with the exit code. */
export async function main(args: readonly string[], io: CommandIo = consoleIo): Promise<number> {
  const options = readCommandLine(args, parseOptions, USAGE, io);
  if (typeof options === "number") return options;
  if (options.list) {
    for (const exercise of EXERCISES) {
      io.out(exercise.id);
      for (const check of exercise.checks) io.out(`  ${check.hidden ? "hidden " : "visible"}  ${check.id}: ${check.description}`);
    }
    return 0;
  }
  if (options.sync) return sync(userPath(options.positionals[0] ?? join(process.cwd(), "notebooks", "exercises")), io);
  if (options.positionals.length !== 1) {
    io.err(`Give exactly one notebook to grade.\n\n${USAGE}`);
    return 2;
  }
  const path = options.positionals[0]!;
  let report;
  try {
    report = await gradeNotebook(userPath(path), {
      timeoutMs: options.timeoutSeconds * 1000,
      ...(options.exercise === undefined ? {} : { exercise: options.exercise }),
      ...(io.progress === undefined ? {} : { onProgress: (line: string) => io.progress?.(`grading ${path}: ${line}`) }),
    });
  } catch (error) {
    io.progress?.("");
    io.err(`Cannot grade ${path}: ${(error as Error).message}`);
    return 2;
  } finally {
    io.progress?.("");
  }
  report.notebook = path;
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.json === "-") io.out(json.trimEnd());
  else {
    if (options.json !== undefined) await writeFile(userPath(options.json), json);
    io.out(formatReport(report));
  }
  return report.score === report.total ? 0 : 1;
}

function parseOptions(args: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      json: { type: "string" },
      timeout: { type: "string", default: "60" },
      exercise: { type: "string" },
      list: { type: "boolean", default: false },
      sync: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new Error(`--timeout must be a positive number of seconds, not "${values.timeout}".`);
  return { ...values, timeoutSeconds, positionals };
}

// Exercise notebooks are <dir>/NN-*.ipynb and their solutions <dir>/solutions/NN-*.ipynb.
async function sync(dir: string, io: CommandIo): Promise<number> {
  const names = async (folder: string) =>
    (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith(".ipynb")).map((name) => join(folder, name));
  const files = [...(await names(dir)), ...(await names(join(dir, "solutions")))].sort();
  if (files.length === 0) {
    io.err(`There are no notebooks in ${dir} or its solutions/ folder.`);
    return 2;
  }
  let failed = false;
  for (const file of files) {
    const name = relative(process.cwd(), file) || file;
    const text = await readFile(file, "utf8");
    const notebook = parseNotebook(text, name);
    let exercise;
    try {
      exercise = findExercise(notebook, file).exercise;
    } catch (error) {
      io.err(`${name}: ${(error as Error).message}`);
      failed = true;
      continue;
    }
    const result = syncCheckCells(notebook, exercise);
    for (const problem of result.problems) io.err(`${name}: ${problem}`);
    failed ||= result.problems.length > 0;
    const updated = serializeNotebook(result.notebook);
    if (updated !== text) {
      await writeFile(file, updated);
      io.out(`${name}: rewrote ${result.changed.length === 0 ? "the file's layout" : `checks ${result.changed.join(", ")}`}`);
    } else io.out(`${name}: in sync`);
  }
  return failed ? 1 : 0;
}
