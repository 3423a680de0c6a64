// The headless notebook runner: kernel client, runner, CLI, notebook files,
// sanitizer and kernelspec. Kernel starts take 2–5 s, so tests share kernels
// where they can, and never more than two run at once.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, mock, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findNotebooks, main } from "../src/cli.js";
import { compareOutputs } from "../src/compare-outputs.js";
import { errorText } from "../src/error-text.js";
import { KernelDiedError, KernelStartError } from "../src/errors.js";
import { KernelClient } from "../src/kernel-client.js";
import { writeKernelspec } from "../src/kernelspec.js";
import { lineDiff } from "../src/line-diff.js";
import { REPO_ROOT, tslabBinPath } from "../src/locations.js";
import { parseNotebook, serializeNotebook, type NbOutput } from "../src/notebook.js";
import { runCells, runNotebook, type CellResult, type CellStatus, type NotebookRun, type PlacedCell } from "../src/runner.js";
import { sanitizeNotebook, sanitizeText } from "../src/sanitize.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url)).replace(/\/$/, "");
const fixture = (name: string) => join(FIXTURES, name);

function text(outputs: readonly NbOutput[], name: "stdout" | "stderr"): string {
  return outputs.map((output) => (output.output_type === "stream" && output.name === name ? output.text : "")).join("");
}

describe("KernelClient", () => {
  let kernel: KernelClient;
  const savedUrl = process.env.PGLITE_LAB_URL;
  before(async () => {
    process.env.PGLITE_LAB_URL = "postgres://user:pa ss@host:5432/db?x=1&y=$HOME";
    kernel = await KernelClient.start({ cwd: FIXTURES });
  });
  after(async () => {
    process.env.PGLITE_LAB_URL = savedUrl;
    if (savedUrl === undefined) delete process.env.PGLITE_LAB_URL;
    await kernel.shutdown();
  });

  test("console output arrives as stream outputs, consecutive writes to one stream merged", async () => {
    const result = await kernel.execute('console.log("a"); console.log("b"); console.error("c"); console.log("d");');
    assert.equal(result.status, "ok");
    assert.deepEqual(result.outputs, [
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "c\n" },
      { output_type: "stream", name: "stdout", text: "d\n" },
    ]);
  });

  test("a display call arrives as display_data with its MIME bundle", async () => {
    const result = await kernel.execute('import * as tslab from "tslab"; tslab.display.html("<b>x</b>");');
    assert.deepEqual(result.outputs, [{ output_type: "display_data", data: { "text/html": "<b>x</b>" }, metadata: {} }]);
  });

  test("the kernel runs in the working directory it was started in", async () => {
    const result = await kernel.execute("process.cwd()");
    assert.equal(text(result.outputs, "stdout"), `${FIXTURES}\n`);
  });

  test("PGLITE_LAB_URL from the runner's environment reaches the kernel untouched", async () => {
    const result = await kernel.execute("console.log(JSON.stringify(process.env.PGLITE_LAB_URL))");
    assert.equal(text(result.outputs, "stdout"), `${JSON.stringify(process.env.PGLITE_LAB_URL)}\n`);
  });

  test("a thrown error gives status error and its message on stderr", async () => {
    const result = await kernel.execute('throw new Error("boom")');
    assert.equal(result.status, "error");
    assert.match(text(result.outputs, "stderr"), /Error: boom/);
  });

  test("a cell sent right after an error runs instead of being aborted", async () => {
    await kernel.execute('throw new Error("first")');
    const result = await kernel.execute('console.log("second")');
    assert.equal(result.status, "ok");
    assert.equal(text(result.outputs, "stdout"), "second\n");
  });

  test("a busy loop past its timeout is interrupted and the kernel goes on", async () => {
    const result = await kernel.execute("while (true) {}", { timeoutMs: 1000 });
    assert.equal(result.status, "timeout");
    assert.match(text(result.outputs, "stderr"), /interrupted/);
    assert.equal((await kernel.execute("console.log(1 + 1)")).status, "ok");
  });

  test("an await that never settles is interrupted at its timeout", async () => {
    const result = await kernel.execute("await new Promise(() => {});", { timeoutMs: 500 });
    assert.equal(result.status, "timeout");
    assert.equal(kernel.alive, true);
  });

  test("execution counts go up by one per executed cell", async () => {
    const first = await kernel.execute("1");
    const second = await kernel.execute("2");
    assert.equal(typeof first.executionCount, "number");
    assert.equal(second.executionCount, first.executionCount! + 1);
  });
});

describe("KernelClient lifetime", { concurrency: 2 }, () => {
  test("a kernel that exits mid-cell rejects execute with KernelDiedError naming the exit code", async () => {
    const kernel = await KernelClient.start({ cwd: FIXTURES });
    try {
      await assert.rejects(kernel.execute('console.log("bye"); process.exit(3);'), (error: unknown) => {
        assert.ok(error instanceof KernelDiedError);
        assert.equal(error.exitCode, 3);
        assert.match(error.message, /exited with code 3/);
        return true;
      });
      await assert.rejects(kernel.execute("1"), KernelDiedError);
    } finally {
      await kernel.shutdown();
    }
  });

  test("a cell that ignores the interrupt is reported as timeout and its kernel is killed", async () => {
    const kernel = await KernelClient.start({ cwd: FIXTURES });
    try {
      // After an await the loop runs outside vm's SIGINT watch, so SIGINT cannot stop it.
      const result = await kernel.execute("await null; while (true) {}", { timeoutMs: 300, interruptGraceMs: 300 });
      assert.equal(result.status, "timeout");
      assert.equal(kernel.alive, false);
    } finally {
      await kernel.shutdown();
    }
  });

  test("shutdown stops the process, can be called twice, and later requests reject", async () => {
    const kernel = await KernelClient.start({ cwd: FIXTURES });
    const pid = kernel.pid!;
    await kernel.shutdown();
    await kernel.shutdown();
    assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
    await assert.rejects(kernel.execute("1"), KernelDiedError);
  });

  test("a kernel started in a missing folder fails with KernelStartError", async () => {
    await assert.rejects(KernelClient.start({ cwd: join(FIXTURES, "no-such-folder") }), KernelStartError);
  });
});

describe("runNotebook", { concurrency: 2 }, () => {
  describe("on a notebook that succeeds", () => {
    let run: NotebookRun;
    before(async () => {
      run = await runNotebook(fixture("basics.ipynb"), { timeoutMs: 30_000 });
    });
    const cell = (index: number) => run.cells.find((result) => result.index === index)!;

    test("the notebook passes", () => {
      assert.equal(run.status, "ok", run.failure?.message);
      assert.ok(run.seconds > 0);
    });

    test("markdown, raw and empty cells are not run", () => {
      assert.deepEqual(
        run.cells.map((result) => result.index),
        [1, 2, 3, 4, 5, 6, 7, 9],
      );
      assert.equal(cell(7).status, "skipped");
    });

    test("outputs of every kind are collected per cell", () => {
      assert.equal(text(cell(1).outputs, "stdout"), "hello from tslab\n");
      assert.equal(text(cell(2).outputs, "stderr"), "a warning on stderr\n");
      assert.deepEqual(cell(3).outputs[0], {
        output_type: "display_data",
        data: { "text/html": "<b>x</b>" },
        metadata: {},
      });
    });

    test("the kernel's working directory is the notebook's folder", () => {
      assert.equal(text(cell(4).outputs, "stdout"), `${FIXTURES}\n`);
    });

    test("a cell tagged raises-exception may raise and the run goes on", () => {
      assert.equal(cell(5).status, "expected-error");
      assert.equal(text(cell(6).outputs, "stdout"), "after the expected error\n");
    });

    test("the sanitized notebook numbers the cells that ran 1..n", () => {
      const counts = sanitizeNotebook(run.notebook, { repoRoot: REPO_ROOT }).cells.map((c) =>
        c.cell_type === "code" ? c.execution_count : "text",
      );
      assert.deepEqual(counts, ["text", 1, 2, 3, 4, 5, 6, null, "text", 7]);
    });
  });

  test("the run stops at the first failing cell and reports its error", async () => {
    const run = await runNotebook(fixture("failing.ipynb"));
    assert.equal(run.status, "failed");
    assert.equal(run.failure?.index, 1);
    assert.match(run.failure?.message ?? "", /Error: boom/);
    assert.doesNotMatch(run.failure?.message ?? "", /node_modules\/tslab/);
    assert.deepEqual(
      run.cells.map((result) => result.status),
      ["ok", "error", "skipped"],
    );
  });

  test("a cell tagged raises-exception that does not raise fails the notebook", async () => {
    const run = await runNotebook(fixture("unexpected-success.ipynb"));
    assert.equal(run.failure?.status, "no-error");
    assert.match(run.failure?.message ?? "", /raises-exception/);
  });

  test("a cell past the timeout is interrupted and fails the notebook with status timeout", async () => {
    const run = await runNotebook(fixture("timeout.ipynb"), { timeoutMs: 1000 });
    assert.equal(run.failure?.status, "timeout");
    assert.match(run.failure?.message ?? "", /within 1 s/);
    assert.equal(run.cells[1]?.status, "skipped");
  });

  test("a kernel that exits mid-notebook fails the notebook at that cell", async () => {
    const run = await runNotebook(fixture("kernel-exit.ipynb"));
    assert.equal(run.failure?.index, 1);
    assert.equal(run.failure?.status, "died");
    assert.match(run.failure?.message ?? "", /exited with code 3/);
  });
});

describe("runCells", () => {
  const cell = (index: number, source: string): PlacedCell => ({
    index,
    cell: { cell_type: "code", id: `c${index}`, source, metadata: {}, outputs: [], execution_count: null },
  });
  const cells = [cell(0, "a"), cell(2, ""), cell(3, "b"), cell(5, "c")];
  const statusOf: Record<string, CellStatus> = { a: "ok", b: "error", c: "ok" };
  const execute = async ({ cell: { source, id }, index }: PlacedCell): Promise<CellResult> => ({
    index,
    id,
    status: statusOf[source] ?? "ok",
    outputs: [],
    executionCount: index,
    seconds: 0,
  });

  test("calls the hooks in order, skips empty cells, and stops at the first failure", async () => {
    const events: string[] = [];
    const results = await runCells(cells, execute, {
      hooks: {
        onCellStart: (placed, position, total) => events.push(`start ${placed.index} ${position}/${total}`),
        onCellComplete: (result) => events.push(`complete ${result.index} ${result.status}`),
        onCellError: (result) => events.push(`error ${result.index}`),
      },
    });
    assert.deepEqual(events, ["start 0 0/4", "complete 0 ok", "start 3 2/4", "complete 3 error", "error 3"]);
    assert.deepEqual(results.map((r) => r.status), ["ok", "skipped", "error", "skipped"]);
  });

  test("with continueOnError every cell runs after a failure", async () => {
    const results = await runCells(cells, execute, { continueOnError: true });
    assert.deepEqual(results.map((r) => r.status), ["ok", "skipped", "error", "ok"]);
  });
});

describe("npm start", () => {
  let exitCode: number | null;
  let stdout = "";
  before(async () => {
    const cli = join(REPO_ROOT, "tools/notebook-runner/src/cli.ts");
    const args = ["--import", "tsx", cli, "--check", "--jobs", "2", fixture("basics.ipynb"), fixture("stale.ipynb")];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    exitCode = await new Promise((resolve) => child.on("exit", resolve));
  });

  test("--check exits non-zero when a notebook's outputs differ from the committed ones", () => {
    assert.equal(exitCode, 1, stdout);
  });

  test("the summary table lists each notebook with cells, seconds and status", () => {
    assert.match(stdout, /notebook +cells +seconds +status/);
    assert.match(stdout, /basics\.ipynb +7\/8 +\d+\.\d +ok/);
    assert.match(stdout, /stale\.ipynb +2\/2 +\d+\.\d +differs in 1 cell/);
  });

  test("a difference names the cell and shows a short diff", () => {
    assert.match(stdout, /DIFFERS tools\/notebook-runner\/test\/fixtures\/stale\.ipynb, cell 1 .*\n.*\[stdout\]\n +- old output\n +\+ current output/);
  });

  test("--update refuses to write a cell that ran without error but wrote to stderr, and says which", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pglite-lab-noise-"));
    const file = join(dir, "noise.ipynb");
    const text = JSON.stringify({
      cells: [
        { cell_type: "code", execution_count: null, id: "quiet", metadata: {}, outputs: [], source: ['console.log("fine");'] },
        { cell_type: "code", execution_count: null, id: "noisy", metadata: {}, outputs: [], source: ['console.error("kernel noise");'] },
      ],
      metadata: { kernelspec: { display_name: "TypeScript (pglite-lab)", language: "typescript", name: "pglite-lab" } },
      nbformat: 4,
      nbformat_minor: 5,
    });
    await writeFile(file, text);
    const lines: string[] = [];
    const log = mock.method(console, "log", (...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const error = mock.method(console, "error", (...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    try {
      assert.equal(await main(["--update", file]), 1);
      const printed = lines.join("\n");
      assert.match(printed, /NOT UPDATED .*noise\.ipynb, cell 2 .*wrote to stderr/);
      assert.match(printed, /kernel noise/);
      assert.equal(await readFile(file, "utf8"), text, "the notebook was written anyway");
    } finally {
      log.mock.restore();
      error.mock.restore();
      await rm(dir, { recursive: true });
    }
  });

  test("with no notebooks it says so and succeeds", async () => {
    const empty = await mkdtemp(join(tmpdir(), "pglite-lab-empty-"));
    const log = mock.method(console, "log", () => undefined);
    try {
      assert.equal(await main([], { notebooksDir: empty }), 0);
      assert.match(String(log.mock.calls[0]?.arguments[0]), /no notebooks/);
    } finally {
      log.mock.restore();
      await rm(empty, { recursive: true });
    }
  });

  test("only top-level notebooks are found, in name order", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pglite-lab-find-"));
    try {
      await mkdir(join(dir, "exercises"));
      for (const name of ["02-b.ipynb", "01-a.ipynb", "notes.md", "exercises/01-x.ipynb"]) {
        await writeFile(join(dir, name), "{}");
      }
      assert.deepEqual(await findNotebooks(dir), [join(dir, "01-a.ipynb"), join(dir, "02-b.ipynb")]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe("notebook files", () => {
  // Shaped as nbformat writes it: sorted keys, one-space indent, texts as lists of lines.
  const jupyterText = `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "a1b2c3d4",
   "metadata": {},
   "source": [
    "# Title\\n",
    "> Summary — ünïcode"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "e5f6a7b8",
   "metadata": {
    "tags": [
     "raises-exception"
    ]
   },
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "line 1\\n",
      "line 2\\n"
     ]
    },
    {
     "data": {
      "application/json": {
       "a": [
        1,
        2
       ]
      },
      "image/png": "iVBORw0KGgo=",
      "text/html": [
       "<b>x</b>\\n",
       "<i>y</i>"
      ]
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "console.log(\\"line 1\\");\\n",
    "console.log(\\"line 2\\");"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "TypeScript (pglite-lab)",
   "language": "typescript",
   "name": "pglite-lab"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`;

  test("a notebook written by Jupyter is written back byte for byte", () => {
    assert.equal(serializeNotebook(parseNotebook(jupyterText)), jupyterText);
  });

  test("multi-line fields are single strings in memory", () => {
    const cell = parseNotebook(jupyterText).cells[1];
    assert.equal(cell?.source, 'console.log("line 1");\nconsole.log("line 2");');
    assert.deepEqual(cell?.cell_type === "code" && cell.outputs[0], {
      name: "stdout",
      output_type: "stream",
      text: "line 1\nline 2\n",
    });
  });

  test("cells of an nbformat 4.4 notebook get ids and the notebook becomes 4.5", () => {
    const old = parseNotebook(
      JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: "markdown", metadata: {}, source: "x" }] }),
    );
    assert.equal(old.nbformat_minor, 5);
    assert.match(old.cells[0]?.id ?? "", /^[0-9a-f]{8}$/);
  });

  test("every fixture notebook is stored as Jupyter would write it", async () => {
    for (const name of ["basics.ipynb", "failing.ipynb", "stale.ipynb"]) {
      const stored = await readFile(fixture(name), "utf8");
      assert.equal(serializeNotebook(parseNotebook(stored)), stored, name);
    }
  });
});

describe("sanitizeText", () => {
  const clean = (input: string) => sanitizeText(input, { repoRoot: "/work/main" });

  test("absolute paths under the repository become <repo> paths", () => {
    assert.equal(clean("cwd /work/main/notebooks, file:///work/main/src/a.ts:3"), "cwd <repo>/notebooks, file://<repo>/src/a.ts:3");
  });

  test("a path that merely starts like the repository is kept", () => {
    assert.equal(clean("/work/main2/x"), "/work/main2/x");
  });

  test("temporary paths become <tmp>, but a tmp folder inside another path does not", () => {
    assert.equal(clean("data in /tmp/pglite-x1/base (see /srv/tmp/y)"), "data in <tmp> (see /srv/tmp/y)");
  });

  test("durations become <duration> and other numbers stay", () => {
    assert.equal(clean("took 12 ms, 1.23 s, [generated in 0.0012s], 250µs; 12 rows, v1.2s"), "took <duration>, <duration>, [generated in <duration>], <duration>; 12 rows, v1.2s");
  });

  test("ISO timestamps become <timestamp> and plain dates stay", () => {
    assert.equal(clean("2024-05-06T07:08:09.123Z | 2024-05-06 07:08:09.123456+00 | 2024-05-06"), "<timestamp> | <timestamp> | 2024-05-06");
  });

  test("UUIDs become <uuid>", () => {
    assert.equal(clean("id=123e4567-E89B-12d3-a456-426614174000;"), "id=<uuid>;");
  });

  test("a run of stack frames collapses to one line", () => {
    assert.equal(
      clean("Error: boom\n    at evalmachine.<anonymous>:2:7\n    at Script.runInThisContext (node:vm:135:14)\n  code: 'X'"),
      "Error: boom\n    at …\n  code: 'X'",
    );
  });
});

describe("errorText", () => {
  test("errorText keeps the error and drops tslab's source header and the stack frames", () => {
    const text =
      "evalmachine.<anonymous>:2\nthrow new Error('boom');\n^\n\nError: boom\nsecond line\n    at evalmachine.<anonymous>:2:7\n" +
      "    at Script.runInThisContext (node:vm:135:14)\n";
    assert.equal(errorText([{ output_type: "stream", name: "stderr", text }]), "Error: boom\nsecond line");
    assert.equal(errorText([{ output_type: "stream", name: "stderr", text: "1:13 - Cannot find name 'zzz'.\n" }]), "1:13 - Cannot find name 'zzz'.");
  });
});

describe("compareOutputs", () => {
  const options = { repoRoot: REPO_ROOT };

  test("outputs that differ only in volatile text or stream splitting compare equal", () => {
    const committed: NbOutput[] = [{ output_type: "stream", name: "stdout", text: "took <duration>\nok\n" }];
    const now: NbOutput[] = [
      { output_type: "stream", name: "stdout", text: "took 15 ms\n" },
      { output_type: "stream", name: "stdout", text: "ok\n" },
    ];
    assert.equal(compareOutputs(committed, now, options), "");
  });

  test("a changed line shows as removed and added", () => {
    const diff = compareOutputs(
      [{ output_type: "stream", name: "stdout", text: "a\nb\nc\n" }],
      [{ output_type: "stream", name: "stdout", text: "a\nB\nc\n" }],
      options,
    );
    assert.equal(diff, "  …\n  a\n- b\n+ B\n  c");
  });

  test("a long diff is cut short", () => {
    const many = (prefix: string) => Array.from({ length: 50 }, (_, i) => `${prefix}${i}`).join("\n");
    const diff = lineDiff(many("a"), many("b"), { maxLines: 10 });
    assert.equal(diff.split("\n").length, 11);
    assert.match(diff, /more diff lines/);
  });
});

describe("writeKernelspec", () => {
  test("writes a kernel.json that Jupyter accepts, under <repo>/.jupyter/kernels/pglite-lab", async () => {
    const root = await mkdtemp(join(tmpdir(), "pglite-lab-spec-"));
    try {
      const { file, jupyterPath } = await writeKernelspec(root);
      assert.equal(jupyterPath, join(root, ".jupyter"));
      assert.equal(file, join(root, ".jupyter", "kernels", "pglite-lab", "kernel.json"));
      const spec = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      // jupyter_client's KernelSpec requires argv (a list of strings), display_name and language.
      assert.deepEqual(spec.argv, [process.execPath, tslabBinPath(), "kernel", "--config-path", "{connection_file}"]);
      assert.equal(spec.display_name, "TypeScript (pglite-lab)");
      assert.equal(spec.language, "typescript");
      assert.ok(["signal", "message"].includes(String(spec.interrupt_mode)));
      assert.ok(existsSync(tslabBinPath()));
    } finally {
      await rm(root, { recursive: true });
    }
  });
});
