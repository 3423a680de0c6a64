import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The quickstart as DESIGN.md prints it: the contract the README and notebook 00 repeat. */
function designQuickstart(): string {
  const design = readFileSync(new URL("../../shared/DESIGN.md", import.meta.url), "utf8");
  const match = /## The contract: the quickstart[\s\S]*?```ts\n([\s\S]*?)```/.exec(design);
  assert.ok(match?.[1], "DESIGN.md has the quickstart block");
  return match[1];
}

const expectedTail = [
  "COMMIT",
  "BEGIN (implicit)",
  'select * from "emps"',
  "[ { id: 1, name: '12' }, { id: 2, name: 'Welcome To My Domain' } ]",
  'select * from "emps"',
  "{ id: 1, name: '12' }",
  "{ id: 2, name: 'Welcome To My Domain' }",
  "ROLLBACK",
];

function checkOutput(stdout: string): void {
  const lines = stdout.trimEnd().split("\n");
  assert.equal(lines[0], "BEGIN (implicit)");
  assert.ok(lines.includes('CREATE TABLE "emps" ('));
  assert.ok(lines.includes("[2 rows as VALUES: 10 rows or fewer] ('12'), ('Welcome To My Domain')"));
  assert.deepEqual(lines.slice(-expectedTail.length), expectedTail);
}

test("examples/quickstart.ts is DESIGN.md's quickstart verbatim", () => {
  const design = designQuickstart();
  assert.equal(readFileSync(new URL("../examples/quickstart.ts", import.meta.url), "utf8"), design);
  assert.equal(readFileSync(new URL("../examples/quickstart.mjs", import.meta.url), "utf8"), design);
});

test("the quickstart runs as a .ts file through tsx", async () => {
  const { stdout } = await run(process.execPath, [require.resolve("tsx/cli"), "examples/quickstart.ts"], { timeout: 120_000 });
  checkOutput(stdout);
});

test("the quickstart runs as an .mjs file on the built package", async () => {
  const { stdout } = await run(process.execPath, ["examples/quickstart.mjs"], { timeout: 120_000 });
  checkOutput(stdout);
});
