import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { ArgumentError, StatementError, type Engine } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

// What Kysely code written for PostgresDialect + node-postgres reads from
// results and errors, engine.kysely and conn.db give the same way.
describeEachTarget("Kysely results, parameters and errors as PostgresDialect gives them", ({ engine }) => {
  let table: string;
  const db = () => engine().kysely as Engine<any>["kysely"];
  const ns = async () => (await db().selectFrom(table).select("n").orderBy("n").execute()).map((r) => r.n as number);

  before(async () => {
    table = uniqueName("kysely_pd");
    await engine().begin((conn) => conn.execute(`create table ${table} (n int unique)`));
  });
  after(async () => {
    await engine().begin((conn) => conn.execute(`drop table ${table}`));
  });

  test("a query that changes no rows has numAffectedRows present and undefined, as PostgresDialect's result has", async () => {
    const result = await sql`select 1 as one`.execute(db());
    assert.deepEqual(result, { numAffectedRows: undefined, rows: [{ one: 1 }] });
    const inScope = await engine().connect((conn) => sql`select 1 as one`.execute(conn.db));
    assert.deepEqual(inScope, { numAffectedRows: undefined, rows: [{ one: 1 }] });
  });

  test("raw SQL holding several statements runs them all on engine.kysely, with PostgresDialect's empty result", async () => {
    const other = uniqueName("kysely_script");
    const result = await sql.raw(`create table ${other} (n int); insert into ${other} values (1), (2); drop table ${table}_none_or_nothing_missing cascade`).execute(db()).catch((err: unknown) => err);
    // The third statement fails: the script runs in one implicit transaction, so the first two left nothing.
    assert.ok(result instanceof StatementError);
    assert.equal(result.code, "42P01");
    const exists = await sql<{ t: string | null }>`select to_regclass(${other})::text as t`.execute(db());
    assert.equal(exists.rows[0]?.t, null);

    const done = await sql.raw(`create table ${other} (n int); insert into ${other} values (1), (2); select count(*) from ${other}`).execute(db());
    assert.deepEqual(done, { numAffectedRows: undefined, rows: [] });
    const count = await sql<{ c: number }>`select count(*)::int as c from ${sql.table(other)}`.execute(db());
    assert.equal(count.rows[0]?.c, 2);
    await sql.raw(`drop table ${other}`).execute(db());
  });

  test("raw SQL holding several statements runs inside a scope's transaction through conn.db, and rolls back with it", async () => {
    await assert.rejects(
      engine().begin(async (conn) => {
        await sql.raw(`insert into ${table} values (1); insert into ${table} values (2)`).execute(conn.db);
        assert.deepEqual((await conn.execute(`select n from ${table} order by n`)).scalars(), [1, 2]);
        throw new Error("undo");
      }),
      /undo/,
    );
    assert.deepEqual(await ns(), []);
  });

  test("a single statement without parameters still returns its rows and its count", async () => {
    const inserted = await sql.raw<{ n: number }>(`insert into ${table} values (5), (6) returning n`).execute(db());
    assert.deepEqual(inserted, { numAffectedRows: 2n, rows: [{ n: 5 }, { n: 6 }] });
    const deleted = await sql.raw(`delete from ${table}`).execute(db());
    assert.deepEqual(deleted, { numAffectedRows: 2n, rows: [] });
  });

  test("a script through conn.db between the batches of a stream leaves the stream reading on", async () => {
    await db().insertInto(table).values([{ n: 1 }, { n: 2 }, { n: 3 }]).execute();
    const seen = await engine().begin(async (conn) => {
      const out: number[] = [];
      for await (const row of conn.stream(`select n from ${table} order by n`, [], { batchSize: 1 })) {
        out.push(row["n"] as number);
        await sql.raw(`update ${table} set n = n where false; select 1`).execute(conn.db);
      }
      return out;
    });
    assert.deepEqual(seen, [1, 2, 3]);
    await db().deleteFrom(table).execute();
  });

  test("a parameter with a toPostgres() method is sent as what that method returns, also inside an array", async () => {
    const answer = { toPostgres: () => 42 };
    const row = await sql<{ v: number; a: number[] }>`select ${answer}::int as v, ${[answer, 7]}::int[] as a`.execute(db());
    assert.deepEqual(row.rows[0], { v: 42, a: [42, 7] });
    const viaScope = await engine().connect(async (conn) => (await conn.execute("select $1::int as v", [answer])).scalar());
    assert.equal(viaScope, 42);
  });

  test("toPostgres() is given a prepare function that writes values as the library sends them", async () => {
    const composite = {
      toPostgres: (prepare: (value: unknown) => unknown) => `(${String(prepare(new Date("2024-01-02T03:04:05Z")))},${String(prepare(["a", null]))})`,
    };
    const row = await sql<{ t: string }>`select ${composite}::text as t`.execute(db());
    assert.equal(row.rows[0]?.t, '(2024-01-02T03:04:05.000Z,{"a",NULL})');
  });

  test("a toPostgres() that throws is an ArgumentError naming the parameter, and nothing is sent", async () => {
    const bad = {
      toPostgres: () => {
        throw new Error("no text for this value");
      },
    };
    await assert.rejects(
      db().insertInto(table).values({ n: bad as unknown as number }).execute(),
      (err: unknown) => err instanceof ArgumentError && /Parameter \$1's toPostgres\(\) threw: no text for this value/.test((err as Error).message),
    );
    const circular: { toPostgres: () => unknown } = { toPostgres: () => circular };
    await assert.rejects(
      sql`select ${circular}::text`.execute(db()),
      (err: unknown) => err instanceof ArgumentError && /Parameter \$1: .*circular/.test((err as Error).message),
    );
    assert.deepEqual(await ns(), []);
  });

  test("a failed query's error carries every field of PostgreSQL's report under node-postgres's names", async () => {
    const raise = sql.raw(
      "do $$ begin raise exception 'boom' using errcode = 'P0001', detail = 'the detail', hint = 'the hint', " +
        "column = 'the_column', constraint = 'the_constraint', datatype = 'the_type', table = 'the_table', schema = 'the_schema'; end $$",
    );
    const err = await raise.execute(db()).then(
      () => assert.fail("the DO block should have failed"),
      (e: unknown) => e as StatementError,
    );
    assert.ok(err instanceof StatementError);
    const expected = {
      severity: "ERROR",
      code: "P0001",
      detail: "the detail",
      hint: "the hint",
      schema: "the_schema",
      table: "the_table",
      column: "the_column",
      dataType: "the_type",
      constraint: "the_constraint",
      routine: "exec_stmt_raise",
    };
    for (const [field, value] of Object.entries(expected)) assert.equal(err[field as keyof typeof expected], value, field);
    assert.match(err.where ?? "", /PL\/pgSQL function inline_code_block line 1 at RAISE/);
    assert.match(err.file ?? "", /^pl_exec\.c$/);
    assert.match(err.line ?? "", /^\d+$/);
    const cause = err.cause as Record<string, unknown>;
    for (const field of ["severity", "code", "detail", "hint", "where", "schema", "table", "column", "dataType", "constraint", "file", "line", "routine"]) {
      assert.equal(err[field as keyof StatementError], cause[field], field);
    }
  });

  test("a syntax error carries the position, and an error inside a function the internal query and its position", async () => {
    const syntax = await sql.raw("select 1 frm nowhere").execute(db()).catch((e: unknown) => e as StatementError);
    assert.ok(syntax instanceof StatementError);
    assert.equal(syntax.position, "14");
    const internal = await sql
      .raw("do $$ begin execute 'select nope_column from pg_class'; end $$")
      .execute(db())
      .catch((e: unknown) => e as StatementError);
    assert.ok(internal instanceof StatementError);
    assert.equal(internal.internalQuery, "select nope_column from pg_class");
    assert.equal(internal.internalPosition, "8");
  });

  test("a failed query's stack names the caller's file, as PostgresDialect's extended stack does", async () => {
    const err = await db().selectFrom(table).selectAll().where(sql<boolean>`no_such_column`).execute().catch((e: unknown) => e as Error);
    assert.ok(err instanceof StatementError);
    assert.match(err.stack ?? "", /kysely-postgres-dialect\.test/);
  });
});
