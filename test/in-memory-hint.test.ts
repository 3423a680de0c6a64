// A missing table on an in-memory engine says why it is likely missing: the
// notebook's engine cell was run again and made a new, empty database.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createEngine, ProgrammingError, type Engine } from "../src/index.js";
import { inMemoryEngineCount, noteEngineCreated, withInMemoryHint } from "../src/internal/in-memory-hint.js";

const HINT = "Hint: an in-memory engine starts empty";

describe("the in-memory hint", () => {
  let engine: Engine;
  before(async () => {
    engine = await createEngine();
  });
  after(async () => {
    await engine.dispose();
  });

  /** A fresh `relation … does not exist` error from the engine. */
  async function missingTable(): Promise<ProgrammingError> {
    const err = await engine.connect((conn) => conn.execute("select * from emps_not_here")).catch((e: unknown) => e);
    assert.ok(err instanceof ProgrammingError && err.code === "42P01", String(err));
    return err;
  }

  test("a missing table on an in-memory engine says in-memory engines start empty, above the statement", async () => {
    const err = withInMemoryHint(await missingTable(), engine.url);
    const lines = err.message.split("\n");
    assert.equal(lines[0], 'relation "emps_not_here" does not exist');
    assert.ok(lines[1]?.startsWith(HINT), err.message);
    assert.equal(lines.at(-1), "Statement: select * from emps_not_here");
    assert.ok(err.stack?.startsWith(`ProgrammingError: ${err.message}\n`), "the stack's header repeats the new message");
  });

  test("after several in-memory engines, the hint says an earlier engine is a different database", async () => {
    const before = inMemoryEngineCount();
    noteEngineCreated("pglite://memory");
    noteEngineCreated("pglite://memory");
    const err = withInMemoryHint(await missingTable(), engine.url);
    assert.match(err.message, new RegExp(`This process has created ${before + 2} in-memory engines, each a separate database`));
    assert.match(err.message, /before the engine cell was run again/);
  });

  test("the hint is added once however often the error passes by", async () => {
    const err = await missingTable();
    withInMemoryHint(err, engine.url);
    const once = err.message;
    withInMemoryHint(err, engine.url);
    assert.equal(err.message, once);
  });

  test("an engine on disk or on a server gets no hint", async () => {
    for (const url of ["pglite://./data", "postgres://user:***@127.0.0.1:5432/db"]) {
      const err = await missingTable();
      const message = err.message;
      assert.equal(withInMemoryHint(err, url).message, message, url);
    }
  });

  test("other errors, and values that are not errors, are returned untouched", async () => {
    const syntax = (await engine.connect((conn) => conn.execute("selec 1")).catch((e: unknown) => e)) as Error;
    const message = syntax.message;
    assert.equal(withInMemoryHint(syntax, engine.url).message, message);
    const plain = new Error('relation "x" does not exist');
    assert.equal(withInMemoryHint(plain, engine.url).message, 'relation "x" does not exist');
    assert.equal(withInMemoryHint("text", engine.url), "text");
  });

  test("only in-memory URLs are counted", () => {
    const before = inMemoryEngineCount();
    noteEngineCreated("pglite://./data");
    noteEngineCreated("postgres://user:***@host/db");
    assert.equal(inMemoryEngineCount(), before);
  });
});
