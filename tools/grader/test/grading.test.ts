// The autograder and the exercise notebooks. The first group needs no kernel.
// The second grades real notebooks through tslab: every blank exercise, every
// solution, a notebook with tampered check cells and one that hangs and kills
// its kernel. Each grading starts a kernel and PGlite (5–60 s, by load), so
// each runs once, when a test first needs it, and at most two run at a time.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CHECK_TAG, graderCheckCell, isCheckCell, notebookCheckCell, readVerdict } from "../src/check-cell.js";
import { checkCode } from "../src/check.js";
import { EXERCISES, findExercise, getExercise, UnknownExerciseError } from "../src/exercises.js";
import { main, type CommandIo } from "../src/grade-command.js";
import { gradeNotebook } from "../src/grade-notebook.js";
import { syncCheckCells } from "../src/sync-check-cells.js";
import { KernelClient } from "../../notebook-runner/src/kernel-client.js";
import { cellTags, parseNotebook, serializeNotebook, type Cell, type CodeCell, type Notebook } from "../../notebook-runner/src/notebook.js";

const REPO = fileURLToPath(new URL("../../..", import.meta.url)).replace(/\/$/, "");
const EXERCISES_DIR = join(REPO, "notebooks", "exercises");
const exercisePath = (id: string) => join(EXERCISES_DIR, `${id}.ipynb`);
const solutionPath = (id: string) => join(EXERCISES_DIR, "solutions", `${id}.ipynb`);
const ids = EXERCISES.map((exercise) => exercise.id);

/** A fresh folder under test-artifacts/, which a fresh clone does not have yet. */
async function freshArtifactDir(prefix: string): Promise<string> {
  await mkdir(join(REPO, "test-artifacts"), { recursive: true });
  return mkdtemp(join(REPO, "test-artifacts", prefix));
}

async function load(path: string): Promise<Notebook> {
  return parseNotebook(await readFile(path, "utf8"), path);
}

function codeCells(notebook: Notebook): CodeCell[] {
  return notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === "code");
}

function collectingIo(): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(...line.split("\n")), err: (line) => errors.push(line) };
}

describe("exercise notebooks and checks", () => {
  test("every exercise has a blank notebook and a solution, and nothing else is in the folders", async () => {
    const names = (await readdir(EXERCISES_DIR)).filter((name) => name.endsWith(".ipynb")).sort();
    const solutions = (await readdir(join(EXERCISES_DIR, "solutions"))).filter((name) => name.endsWith(".ipynb")).sort();
    const expected = ids.map((id) => `${id}.ipynb`);
    assert.deepEqual(names, expected);
    assert.deepEqual(solutions, expected);
    assert.ok(ids.length >= 5);
  });

  for (const id of ids) {
    test(`${id}: the solution has the same cells as the exercise, with only the TODO cells filled in`, async () => {
      const blank = await load(exercisePath(id));
      const solution = await load(solutionPath(id));
      assert.deepEqual(solution.metadata, blank.metadata);
      assert.deepEqual(
        solution.cells.map((cell) => cell.id),
        blank.cells.map((cell) => cell.id),
      );
      let todos = 0;
      for (const [i, cell] of blank.cells.entries()) {
        const other = solution.cells[i]!;
        assert.deepEqual(other.metadata, cell.metadata, `cell ${cell.id} metadata`);
        if (cellTags(cell).includes("todo")) {
          todos++;
          assert.match(cell.source, /\/\/ TODO/, `cell ${cell.id} of the exercise has a TODO`);
          assert.doesNotMatch(other.source, /\/\/ TODO/, `cell ${cell.id} of the solution is filled in`);
        } else {
          assert.equal(other.source, cell.source, `cell ${cell.id} is the same in both`);
        }
      }
      assert.ok(todos >= 1);
    });

    test(`${id}: the notebook opens with an H1 title and a one-line > summary, names its exercise, and has no outputs`, async () => {
      for (const path of [exercisePath(id), solutionPath(id)]) {
        const notebook = await load(path);
        const first = notebook.cells[0]!;
        assert.equal(first.cell_type, "markdown");
        const lines = first.source.split("\n");
        assert.match(lines[0]!, /^# Exercise \d+: \S/);
        assert.match(lines[2]!, /^> \S/);
        assert.deepEqual(notebook.metadata.pglite_lab, { exercise: id });
        assert.equal((notebook.metadata.kernelspec as { name?: string }).name, "pglite-lab");
        for (const cell of codeCells(notebook)) {
          assert.deepEqual(cell.outputs, [], `${path} cell ${cell.id} has outputs`);
          assert.equal(cell.execution_count, null);
        }
        // Written as Jupyter writes it, so opening and saving it in Jupyter gives no diff.
        assert.equal(serializeNotebook(notebook), await readFile(path, "utf8"));
      }
    });

    test(`${id}: the check cells are the visible checks of tools/grader, tagged "check"; hidden checks have none`, async () => {
      const exercise = getExercise(id)!;
      for (const path of [exercisePath(id), solutionPath(id)]) {
        const notebook = await load(path);
        const result = syncCheckCells(notebook, exercise);
        assert.deepEqual(result.problems, []);
        assert.deepEqual(result.changed, [], `${path}: run npm run grade -- --sync`);
        const checkCells = codeCells(notebook).filter(isCheckCell);
        assert.equal(checkCells.length, exercise.checks.filter((check) => !check.hidden).length);
        for (const cell of checkCells) assert.ok(cellTags(cell).includes(CHECK_TAG));
        for (const check of exercise.checks.filter((candidate) => candidate.hidden)) {
          assert.ok(!notebook.cells.some((cell) => cell.source.includes(check.code)), `hidden check ${check.id} is in ${path}`);
        }
      }
    });
  }

  test("check ids are unique kebab-case names, and every exercise has visible and hidden checks", () => {
    for (const exercise of EXERCISES) {
      const checkIds = exercise.checks.map((check) => check.id);
      assert.equal(new Set(checkIds).size, checkIds.length, exercise.id);
      for (const checkId of checkIds) assert.match(checkId, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(exercise.checks.some((check) => check.hidden), `${exercise.id} has a hidden check`);
      assert.ok(exercise.checks.some((check) => !check.hidden), `${exercise.id} has a visible check`);
      for (const check of exercise.checks) {
        assert.doesNotMatch(check.code, /`/, `${exercise.id}/${check.id}: check bodies avoid backticks`);
        assert.match(check.description, /\.$/, `${exercise.id}/${check.id}: the description is a sentence`);
      }
    }
  });

  test("checkCode keeps escapes raw and strips the common indentation", () => {
    const code = checkCode`
      if (x) {
        return "a\nb";
      }
    `;
    assert.equal(code, 'if (x) {\n  return "a\\nb";\n}');
  });

  test("a notebook check cell prints ✓ with the description or ✗ with the hint; the grader's copy prints a verdict with its nonce", () => {
    const check = { id: "answer", description: "answer is 42.", hidden: false, code: 'if (answer !== 42) return "answer is not 42.";' };
    const visible = notebookCheckCell(check);
    assert.match(visible, /^\/\/ Check "answer"\. Do not edit/);
    assert.ok(visible.includes('console.log(hint ? "✗ " + hint : "✓ answer is 42.");'));
    const graded = graderCheckCell(check, { nonce: "n0nce", timeoutMs: 5000 });
    assert.ok(graded.includes('"@@check n0nce answer pass"'));
    assert.ok(graded.includes('"@@check n0nce answer fail "'));
    assert.ok(graded.includes("5000);"));
  });

  test("a check cell keeps its lines within 90 characters, a long description split into literals that join to it", () => {
    const description = "answer is the number that the brief asks for, and nothing else: " + "forty-two. ".repeat(8).trim();
    const cell = notebookCheckCell({ id: "answer", description, hidden: false, code: "return;" });
    const lines = cell.split("\n");
    assert.ok(lines.every((line) => line.length <= 90), cell);
    const start = lines.indexOf("  const passed =");
    assert.ok(start > 0, cell);
    const end = lines.findIndex((line, i) => i > start && line.endsWith(";"));
    const pieces = lines.slice(start + 1, end + 1).map((line) => JSON.parse(line.trim().replace(/( \+|;)$/, "")) as string);
    assert.equal(pieces.join(""), `✓ ${description}`);
    assert.ok(lines.includes('  console.log(hint ? "✗ " + hint : passed);'));
  });

  test("the check cells of every exercise keep their lines within 90 characters", () => {
    for (const exercise of EXERCISES) {
      for (const check of exercise.checks) {
        for (const line of notebookCheckCell(check).split("\n")) {
          assert.ok(line.length <= 90, `${exercise.id}/${check.id}: a line of ${line.length} characters: ${line}`);
        }
      }
    }
  });

  test("readVerdict accepts only lines with its own nonce and check id", () => {
    const out = "@@check x answer pass\n@@check n0nce other pass\nnoise\n@@check n0nce answer fail answer is 41.\n";
    assert.deepEqual(readVerdict(out, "n0nce", "answer"), { pass: false, hint: "answer is 41." });
    assert.deepEqual(readVerdict("@@check n0nce answer pass\n", "n0nce", "answer"), { pass: true, hint: "" });
    assert.equal(readVerdict("@@check x answer pass\n", "n0nce", "answer"), undefined);
  });

  test("a notebook is matched to its exercise by --exercise, then its metadata, then its file name", () => {
    const notebook = (metadata: Record<string, unknown>): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata, cells: [] });
    assert.equal(findExercise(notebook({}), "/x/alice-03-bulk-insert.ipynb").exercise.id, "03-bulk-insert");
    assert.equal(findExercise(notebook({}), "/x/alice-03-bulk-insert.ipynb").source, "file name");
    const tagged = notebook({ pglite_lab: { exercise: "01-foreign-keys" } });
    const byMetadata = findExercise(tagged, "/x/03-bulk-insert.ipynb");
    assert.equal(byMetadata.exercise.id, "01-foreign-keys");
    assert.match(byMetadata.warning ?? "", /file name suggests exercise 03-bulk-insert/);
    assert.equal(findExercise(tagged, "/x/y.ipynb", "06-atomic-transfer").exercise.id, "06-atomic-transfer");
    assert.throws(() => findExercise(notebook({}), "/x/homework.ipynb"), UnknownExerciseError);
    assert.throws(() => findExercise(tagged, "/x/y.ipynb", "07-nothing"), /There is no exercise "07-nothing"/);
  });

  test("a notebook that matches no exercise is not graded: exit code 2 and a message naming the exercises", async () => {
    const dir = await freshArtifactDir("grading-unknown-");
    try {
      const path = join(dir, "homework.ipynb");
      await writeFile(path, serializeNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
      const io = collectingIo();
      assert.equal(await main([path], io), 2);
      assert.match(io.errors.join("\n"), /Cannot tell which exercise homework\.ipynb is.*01-foreign-keys/s);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("--sync rewrites an edited check cell from tools/grader and leaves the rest alone", async () => {
    const dir = await freshArtifactDir("grading-sync-");
    try {
      const original = await readFile(exercisePath("01-foreign-keys"), "utf8");
      const notebook = parseNotebook(original);
      const cells = notebook.cells.map((cell): Cell => (isCheckCell(cell) ? { ...cell, source: 'console.log("✓")' } : cell));
      await writeFile(join(dir, "01-foreign-keys.ipynb"), serializeNotebook({ ...notebook, cells }));
      const io = collectingIo();
      assert.equal(await main(["--sync", dir], io), 0);
      assert.match(io.lines.join("\n"), /rewrote checks orders-defined, orders-fk, orders-inserted, fk-refuses/);
      assert.equal(await readFile(join(dir, "01-foreign-keys.ipynb"), "utf8"), original);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("grading notebooks through the kernel", { concurrency: 2 }, () => {
  const TIMEOUT_S = 30;
  let artifacts: Promise<string> | undefined;
  const gradings = new Map<string, Promise<unknown>>();

  after(async () => {
    if (artifacts !== undefined) await rm(await artifacts, { recursive: true, force: true });
  });

  // A folder for generated notebooks inside the repository, so that their kernels resolve "pglite-lab".
  function artifactDir(): Promise<string> {
    artifacts ??= freshArtifactDir("grading-");
    return artifacts;
  }

  // Each grading runs once, when the first test needs it, and never more than two at a time.
  function once<T>(name: string, run: () => Promise<T>): Promise<T> {
    if (!gradings.has(name)) gradings.set(name, twoAtATime(run));
    return gradings.get(name) as Promise<T>;
  }

  const graded = (name: string, path: string) => once(name, () => gradeNotebook(path, { timeoutMs: 120_000 }));

  const tamperedRun = () =>
    once("tampered", async () => {
      const path = join(await artifactDir(), "01-foreign-keys-tampered.ipynb");
      await writeFile(path, serializeNotebook(tamper(await load(exercisePath("01-foreign-keys")))));
      const io = collectingIo();
      const code = await main([path, "--timeout", String(TIMEOUT_S)], io);
      return { code, lines: io.lines };
    });

  const hangingRun = () =>
    once("hanging", async () => {
      const dir = await artifactDir();
      const path = join(dir, "01-foreign-keys-hanging.ipynb");
      await writeFile(path, serializeNotebook(withHangs(await load(solutionPath("01-foreign-keys")))));
      const io = collectingIo();
      const started = Date.now();
      const code = await main([path, "--timeout", String(TIMEOUT_S), "--json", join(dir, "hanging.json")], io);
      const seconds = (Date.now() - started) / 1000;
      const json = JSON.parse(await readFile(join(dir, "hanging.json"), "utf8")) as Record<string, unknown>;
      return { code, lines: io.lines, json, seconds };
    });

  for (const id of ids) {
    test(`the blank ${id} runs without a cell error and grades below full marks`, async () => {
      const report = await graded(`blank ${id}`, exercisePath(id));
      assert.equal(report.exercise, id);
      assert.deepEqual(report.cellErrors, []);
      assert.deepEqual(report.timedOutCells, []);
      assert.equal(report.total, getExercise(id)!.checks.length);
      assert.ok(report.score < report.total, `${id} blank scored ${report.score}/${report.total}`);
      for (const check of report.checks.filter((outcome) => !outcome.pass)) {
        assert.ok(check.hint && check.hint.length > 10, `${id}/${check.id} fails with a hint`);
        assert.doesNotMatch(check.hint, /\bat .*:\d+:\d+/, `${id}/${check.id}: a hint, not a stack trace`);
      }
    });

    test(`the solution of ${id} grades full marks, hidden checks included`, async () => {
      const report = await graded(`solution ${id}`, solutionPath(id));
      const failed = report.checks.filter((check) => !check.pass).map((check) => `${check.id}: ${check.hint}`);
      assert.deepEqual(failed, []);
      assert.deepEqual(report.cellErrors, []);
      assert.equal(report.score, report.total);
      assert.ok(report.checks.some((check) => check.hidden));
      assert.equal(report.cells.checkCellsSkipped, getExercise(id)!.checks.filter((check) => !check.hidden).length);
    });
  }

  // The solution of 05 with its functions rewritten, graded as a learner's notebook would be.
  const streamVariant = (name: string, replacements: Record<string, string>) =>
    once(name, async () => {
      const path = join(await artifactDir(), `05-stream-aggregate-${name}.ipynb`);
      await writeFile(path, serializeNotebook(withCells(await load(solutionPath("05-stream-aggregate")), replacements)));
      return gradeNotebook(path, { timeoutMs: 120_000 });
    });

  test("a solution of 05 that reads its streams with AsyncResult methods (partitions, scalars, first) grades full marks", async () => {
    const report = await streamVariant("async-result", {
      "async function statsByCity(": [
        "type CityStats = { trips: number; km: number; longest: number };",
        "async function statsByCity(conn: Connection): Promise<Map<string, CityStats>> {",
        "  const stats = new Map<string, CityStats>();",
        "  for await (const part of conn.stream(trips.select(), { batchSize: 5000 }).partitions(1000)) {",
        "    for (const trip of part) {",
        "      const city = stats.get(trip.city) ?? { trips: 0, km: 0, longest: 0 };",
        "      stats.set(trip.city, { trips: city.trips + 1, km: city.km + trip.km, longest: Math.max(city.longest, trip.km) });",
        "    }",
        "  }",
        "  return stats;",
        "}",
      ].join("\n"),
      "async function firstTripLongerThan(": [
        "async function firstTripLongerThan(conn: Connection, km: number): Promise<number | undefined> {",
        '  return conn.stream(trips.select().where("km", ">", km).orderBy("id")).scalars("id").first();',
        "}",
      ].join("\n"),
    });
    const failed = report.checks.filter((check) => !check.pass).map((check) => `${check.id}: ${check.hint}`);
    assert.deepEqual(failed, []);
    assert.deepEqual(report.cellErrors, []);
    assert.equal(report.score, report.total);
  });

  test("a solution of 05 that reads every trip with stream().all() before searching fails first-trip-stops-early, and only it", async () => {
    const report = await streamVariant("read-all", {
      "async function firstTripLongerThan(": [
        "async function firstTripLongerThan(conn: Connection, km: number): Promise<number | undefined> {",
        '  const all = await conn.stream(trips.select().orderBy("id")).all();',
        "  return all.find((trip) => trip.km > km)?.id;",
        "}",
      ].join("\n"),
    });
    assert.deepEqual(report.cellErrors, []);
    const failed = report.checks.filter((check) => !check.pass);
    assert.deepEqual(failed.map((check) => check.id), ["first-trip-stops-early"]);
    assert.match(failed[0]!.hint ?? "", /read 50000 rows to find trip 17/);
  });

  test("tampered check cells, and forged verdicts printed by the notebook, do not raise the score", async () => {
    const tampered = await tamperedRun();
    // The blank 01 scores 0 (its test above); the tampered one must too.
    assert.equal(tampered.code, 1);
    assert.equal(tampered.lines.at(-1), "score: 0/7");
    assert.ok(tampered.lines.some((line) => line.startsWith("✗ orders-defined: ")));
    assert.ok(tampered.lines.some((line) => line.startsWith("✗ orders-fk: ")));
    assert.ok(!tampered.lines.some((line) => line.startsWith("✓")));
  });

  test("a notebook that loops forever, waits forever and kills its kernel is graded within its timeouts", async () => {
    const hanging = await hangingRun();
    assert.equal(hanging.code, 0, hanging.lines.join("\n"));
    assert.equal(hanging.lines.at(-1), "score: 7/7");
    const timedOut = hanging.json.timedOutCells as { status: string }[];
    const errors = hanging.json.cellErrors as { status: string }[];
    assert.deepEqual(timedOut.map((cell) => cell.status), ["timeout", "timeout"]);
    assert.deepEqual(errors.map((cell) => cell.status), ["died"]);
    assert.equal(hanging.json.kernelRestarts, 3);
    // Three lost cells, each costing at most a timeout and a restart with replay.
    assert.ok(hanging.seconds < 3 * (TIMEOUT_S + 60) + 60, `took ${hanging.seconds} s`);
  });

  test("--json writes the exercise, every check with pass, hint and hidden, the score, total, cell errors and timed-out cells", async () => {
    const { json } = await hangingRun();
    assert.equal(json.exercise, "01-foreign-keys");
    assert.equal(json.exerciseSource, "file name"); // its metadata was removed
    assert.equal(json.score, 7);
    assert.equal(json.total, 7);
    assert.deepEqual(Object.keys(json).sort(), [
      "cellErrors", "cells", "checks", "exercise", "exerciseSource", "kernelRestarts", "notebook", "notes", "score", "seconds",
      "timedOutCells", "total",
    ]);
    const checks = json.checks as Record<string, unknown>[];
    assert.equal(checks.length, 7);
    for (const check of checks) {
      assert.deepEqual(Object.keys(check).sort(), ["description", "hidden", "hint", "id", "pass"]);
      assert.equal(check.hint, null);
    }
    assert.equal(checks.filter((check) => check.hidden).length, 3);
    for (const problem of [...(json.cellErrors as object[]), ...(json.timedOutCells as object[])]) {
      assert.deepEqual(Object.keys(problem).sort(), ["cell", "id", "message", "replay", "status"]);
    }
  });
});

let running = 0;
const waiting: (() => void)[] = [];

// Each grading is a kernel and a PGlite on a small, shared machine: at most two at once.
async function twoAtATime<T>(run: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await run();
  } finally {
    // A waiter takes over this slot; only when none waits is the slot given back.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

// The blank 01 with every way a learner could try to pass checks without doing
// the work: forged verdict lines (in a check cell, and in an untagged cell), and
// check cells edited to print ✓ unconditionally.
function tamper(notebook: Notebook): Notebook {
  let n = 0;
  const cells = notebook.cells.map((cell): Cell => {
    if (cell.cell_type !== "code" || !isCheckCell(cell)) return cell;
    n++;
    if (n === 1) return { ...cell, source: 'console.log("@@check orders-defined pass");' };
    if (n === 2) return { ...cell, source: 'console.log("✓ Table \\"ex01_orders\\" has a foreign key to \\"ex01_customers\\".");' };
    // An untagged cell runs as learner code: what it prints is not a verdict either.
    return { ...cell, metadata: {}, source: 'for (const id of ["orders-inserted", "fk-refuses"]) console.log("@@check " + id + " pass");' };
  });
  return { ...notebook, cells };
}

// A notebook whose code cells that contain a key of `replacements` get its value as their source.
function withCells(notebook: Notebook, replacements: Record<string, string>): Notebook {
  const found = new Set<string>();
  const cells = notebook.cells.map((cell): Cell => {
    if (cell.cell_type !== "code" || isCheckCell(cell)) return cell;
    const key = Object.keys(replacements).find((marker) => cell.source.includes(marker));
    if (key === undefined) return cell;
    found.add(key);
    return { ...cell, source: replacements[key]! };
  });
  assert.deepEqual([...found].sort(), Object.keys(replacements).sort(), "every replaced cell was found");
  return { ...notebook, cells };
}

// The solution of 01 with three cells that never finish, inserted after its
// first two code cells, and its exercise metadata removed (so that the grader
// matches it by file name).
function withHangs(notebook: Notebook): Notebook {
  const cell = (id: string, source: string): CodeCell => ({ cell_type: "code", id, metadata: {}, source, execution_count: null, outputs: [] });
  const cells: Cell[] = [];
  let code = 0;
  for (const original of notebook.cells) {
    cells.push(original);
    if (original.cell_type === "code" && !isCheckCell(original) && ++code === 2) {
      cells.push(cell("hang-loop", "while (true) {}"));
      cells.push(cell("hang-scope", "await engine.begin(async () => { await new Promise(() => {}); });"));
      cells.push(cell("hang-exit", "process.exit(3);"));
    }
  }
  const { pglite_lab: _, ...metadata } = notebook.metadata;
  return { ...notebook, metadata, cells };
}
