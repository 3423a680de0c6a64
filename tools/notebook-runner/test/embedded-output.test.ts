// `npm start -- --check` on a PostgreSQL server: cells tagged "embedded-output"
// show what only the embedded engine does, so their committed output is
// compared on the embedded pass and left alone on the server pass.
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, mock, test } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/embedded-output.ipynb", import.meta.url));

/** Runs the CLI with PGLITE_LAB_URL set to `url` (or unset), quietly; returns the exit code and what it printed. */
async function run(args: string[], url: string | undefined): Promise<{ code: number; printed: string }> {
  const saved = process.env.PGLITE_LAB_URL;
  if (url === undefined) delete process.env.PGLITE_LAB_URL;
  else process.env.PGLITE_LAB_URL = url;
  const lines: string[] = [];
  const log = mock.method(console, "log", (...parts: unknown[]) => void lines.push(parts.map(String).join(" ")));
  const error = mock.method(console, "error", (...parts: unknown[]) => void lines.push(parts.map(String).join(" ")));
  try {
    return { code: await main(["--quiet", "--jobs", "1", ...args]), printed: lines.join("\n") };
  } finally {
    log.mock.restore();
    error.mock.restore();
    if (saved === undefined) delete process.env.PGLITE_LAB_URL;
    else process.env.PGLITE_LAB_URL = saved;
  }
}

describe('cells tagged "embedded-output"', () => {
  let dir: string;
  let copy: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pglite-lab-embedded-output-"));
    copy = join(dir, "embedded-output.ipynb");
    await copyFile(FIXTURE, copy);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // The cell does not connect: it only reads the variable, so a server URL that
  // leads nowhere is enough to stand for the server pass.
  const SERVER = "postgres://nobody@127.0.0.1:1/nowhere";

  test("--check compares them on the embedded engine", async () => {
    const { code, printed } = await run(["--check", copy], undefined);
    assert.equal(code, 0, printed);
  });

  test("--check leaves them alone on a server, and still compares the other cells", async () => {
    const { code, printed } = await run(["--check", copy], SERVER);
    assert.equal(code, 0, printed);
    const changed = JSON.parse(await readFile(copy, "utf8"));
    changed.cells[1].outputs[0].text = ["something else\n"];
    const other = join(dir, "other-cell-differs.ipynb");
    await writeFile(other, JSON.stringify(changed));
    const differs = await run(["--check", other], SERVER);
    assert.equal(differs.code, 1);
    assert.match(differs.printed, /DIFFERS .*other-cell-differs\.ipynb, cell 2/);
  });

  test("--update on a server keeps their committed output", async () => {
    const before = JSON.parse(await readFile(copy, "utf8"));
    const { code, printed } = await run(["--update", copy], SERVER);
    assert.equal(code, 0, printed);
    const after = JSON.parse(await readFile(copy, "utf8"));
    assert.deepEqual(after.cells[0].outputs, before.cells[0].outputs);
  });

  test("a committed output that is wrong for the embedded engine still fails --check there", async () => {
    const wrong = JSON.parse(await readFile(FIXTURE, "utf8"));
    wrong.cells[0].outputs[0].text = ["server\n"];
    const file = join(dir, "wrong.ipynb");
    await writeFile(file, JSON.stringify(wrong));
    const { code, printed } = await run(["--check", file], undefined);
    assert.equal(code, 1);
    assert.match(printed, /DIFFERS .*wrong\.ipynb, cell 1/);
  });
});
