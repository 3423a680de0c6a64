import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, MetaData, integer, text } from "../src/index.js";

test("echo logs BEGIN (implicit), statements with parameters, and COMMIT / ROLLBACK, as SQLAlchemy does", async () => {
  const lines: string[] = [];
  const md = new MetaData();
  const emps = md.table("emps", { id: integer().primaryKey(), name: text() });
  const engine = await createEngine({ echo: (line) => lines.push(line) });
  try {
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(emps.insert(), [{ name: "12" }, { name: "Welcome To My Domain" }]);
    });
    await engine.connect(async (conn) => {
      await conn.execute(emps.select().where("id", "=", 2));
    });
    await engine.begin(async (conn) => {
      await conn.execute("select 1");
      throw new Error("roll it back");
    }).catch(() => undefined);
  } finally {
    await engine.dispose();
  }
  const kinds = lines.map((l) => l.split("\n")[0]);
  assert.deepEqual(kinds, [
    "BEGIN (implicit)",
    "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = ANY($1)",
    "[parameters] (['emps'])",
    'CREATE TABLE "emps" (',
    'INSERT INTO "emps" ("name") VALUES ($1), ($2)',
    "[2 rows as VALUES: 10 rows or fewer] ('12'), ('Welcome To My Domain')",
    "COMMIT",
    "BEGIN (implicit)",
    'select * from "emps" where "id" = $1',
    "[parameters] (2)",
    "ROLLBACK",
    "BEGIN (implicit)",
    "select 1",
    "ROLLBACK",
  ]);
});

test("echo shortens executemany logs to ten rows", async () => {
  const lines: string[] = [];
  const md = new MetaData();
  const t = md.table("t", { id: integer().primaryKey(), n: integer() });
  const engine = await createEngine({ echo: (line) => lines.push(line) });
  try {
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(t.insert(), Array.from({ length: 25 }, (_, n) => ({ n })));
    });
  } finally {
    await engine.dispose();
  }
  assert.ok(lines.includes('INSERT INTO "t" ("n") SELECT unnest($1::integer[])'));
  assert.ok(lines.includes("[25 rows as column arrays: more than 10 rows with the same columns] (0), (1), (2), (3), (4), (5), (6), (7), (8), (9) ... 15 more"));
});

test("echo off logs nothing", async () => {
  const original = console.log;
  const printed: unknown[] = [];
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    const engine = await createEngine();
    await engine.connect((conn) => conn.execute("select 1"));
    await engine.dispose();
  } finally {
    console.log = original;
  }
  assert.deepEqual(printed, []);
});
