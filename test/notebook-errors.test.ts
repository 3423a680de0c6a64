// How an error of the library reads: in a notebook (a real tslab kernel, which
// prints a failed cell's error with console.error, that is util.inspect) its
// class, message, statement and the caller's values, nothing else; outside a
// notebook, as Node prints any error.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import { ConnectionError, createEngine, IntegrityError, ProgrammingError, type Engine } from "../src/index.js";
import { statementError } from "../src/errors.js";
import { notebookErrorText } from "../src/internal/notebook-error-text.js";
import { runOk, startKernel, stderrOf, stdoutOf } from "./support/kernel.js";
import type { KernelClient } from "../tools/notebook-runner/src/kernel-client.js";

describe("library errors outside a notebook", () => {
  let engine: Engine;
  before(async () => {
    engine = await createEngine();
  });
  after(async () => {
    await engine.dispose();
  });

  test("a statement error inspects as Node prints any error: stack frames, properties and cause", async () => {
    const err = await engine.connect((conn) => conn.execute("select * from nowhere_at_all")).catch((e: unknown) => e);
    assert.ok(err instanceof ProgrammingError);
    const text = inspect(err);
    assert.match(text, /^ProgrammingError: relation "nowhere_at_all" does not exist/);
    assert.match(text, /\n {4}at /, "stack frames");
    assert.match(text, /code: '42P01'/, "own properties");
    assert.match(text, /\[cause\]/, "the driver error");
  });
});

describe("the notebook text of an error", () => {
  test("an executemany error shows the rows as the caller gave them, not the column arrays sent", () => {
    const cause = Object.assign(new Error('null value in column "name" violates not-null constraint'), { code: "23502" });
    const rows = [{ name: "Ada" }, { name: null }];
    const err = statementError(cause, 'INSERT INTO "emps" ("name") SELECT unnest($1::text[])', ['{"Ada",NULL}'], undefined, rows);
    assert.ok(err instanceof IntegrityError);
    assert.deepEqual(err.rows, rows);
    const text = notebookErrorText(err);
    assert.match(text, /^Rows: \[2 rows\] \{ name: 'Ada' \}, \{ name: NULL \}$/m);
    assert.doesNotMatch(text, /Parameters:|\{"Ada",NULL\}/);
  });

  test("more than ten rows are counted, not listed", () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ n: i }));
    const err = statementError(new Error("boom"), "INSERT …", ["{…}"], undefined, rows);
    assert.match(notebookErrorText(err), /^Rows: \[25 rows\] \{ n: 0 \}, .*\{ n: 9 \}, \.\.\. 15 more$/m);
  });

  test("a connection error shows its cause's message, which its own does not contain", () => {
    const err = new ConnectionError("Could not begin a transaction.", { cause: new Error("Connection terminated unexpectedly") });
    assert.equal(notebookErrorText(err), "ConnectionError: Could not begin a transaction.\nCause: Connection terminated unexpectedly");
  });
});

describe("library errors in a notebook (tslab kernel)", () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await startKernel();
    await runOk(kernel, `import { createEngine } from "pglite-lab";
const engine = await createEngine();`);
  });
  after(async () => {
    await kernel?.shutdown();
  });

  test("a failing statement prints its class, message, hint, statement and parameters, and nothing else", async () => {
    const result = await kernel.execute(`await engine.connect((conn) => conn.execute("select * from nowhere where id = $1", [42]));`);
    assert.equal(result.status, "error");
    assert.equal(
      stderrOf(result),
      'ProgrammingError: relation "nowhere" does not exist\n' +
        "Hint: an in-memory engine starts empty; its tables exist only while it is open, and only in it.\n" +
        "Statement: select * from nowhere where id = $1\nParameters: (42)\n",
    );
  });

  test("PostgreSQL's detail and hint stay in the printed error", async () => {
    const result = await kernel.execute(`await engine.connect((conn) => conn.execute("select 'a' + 1"));`);
    assert.equal(result.status, "error");
    const text = stderrOf(result);
    assert.match(text, /^DataError: invalid input syntax for type integer: "a"\n/);
    assert.doesNotMatch(text, /\bat |wasm-function|undefined|\[cause\]/);
  });

  test("the whole error stays reachable: err.stack has the frames and err.cause the driver error", async () => {
    const result = await runOk(
      kernel,
      `const caught = await engine.connect((conn) => conn.execute("selec 1")).catch((e) => e);
console.log(/\\n\\s+at /.test(caught.stack), caught.cause instanceof Error, caught.cause.code);`,
    );
    assert.equal(stdoutOf(result).trim(), "true true 42601");
  });

  test("errors that are not the library's still print as tslab prints them, with their stack", async () => {
    const result = await kernel.execute(`throw new TypeError("not from the library");`);
    assert.equal(result.status, "error");
    assert.match(stderrOf(result), /^TypeError: not from the library\n\s+at /m);
  });

  test("an error the library throws synchronously prints as one line too, without the source excerpt", async () => {
    const result = await kernel.execute(`import { MetaData, integer } from "pglite-lab";
const twice = new MetaData();
twice.table("t", { id: integer() });
twice.table("t", { id: integer() });`);
    assert.equal(result.status, "error");
    assert.match(stderrOf(result), /^SchemaError: [^\n]*"t"[^\n]*\n$/);
  });

  test("dispose in a cell ends the engine", async () => {
    await runOk(kernel, "await engine.dispose();");
  });
});
