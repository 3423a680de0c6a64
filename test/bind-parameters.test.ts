import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { ArgumentError, DataError } from "../src/index.js";
import { describeEachTarget } from "./support/targets.js";

// Parameter values are checked where every statement is sent (execute, stream,
// conn.db, engine.kysely), before anything reaches the driver.
describeEachTarget("bind parameter values", ({ engine }) => {
  const refusal = (kind: typeof ArgumentError | typeof DataError, ...patterns: RegExp[]) => (err: unknown) => {
    assert.ok(err instanceof kind, `expected ${kind.name}, got ${String(err)}`);
    for (const pattern of patterns) assert.match((err as Error).message, pattern);
    return true;
  };
  /** The next statement binds its own values and nothing else: the engine was left clean. */
  const nextStatementIsClean = async () => {
    const row = await engine().connect((conn) => conn.execute("select $1::text as a, $2::int as b", ["fresh", 7]));
    assert.deepEqual(row.rows, [{ a: "fresh", b: 7 }]);
  };

  test("a hole in the parameters array is an ArgumentError naming the parameter, and the engine goes on", async () => {
    // eslint-disable-next-line no-sparse-arrays
    const holey = [, "b"] as unknown[];
    await assert.rejects(
      engine().connect((conn) => conn.execute("select $1::text, $2::text", holey)),
      refusal(ArgumentError, /Parameter \$1 is missing/, /select \$1::text, \$2::text/),
    );
    await nextStatementIsClean();
  });

  test("a Symbol for a json parameter is refused before sending, and the next statement binds its own values", async () => {
    await assert.rejects(
      engine().connect((conn) => conn.execute("select $1::text, $2::json", ["stale", Symbol("s")])),
      refusal(ArgumentError, /Parameter \$2 is a Symbol/),
    );
    await nextStatementIsClean();
    await nextStatementIsClean();
  });

  test("a Symbol or a function as a parameter is an ArgumentError, not its text, on every path", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute("select $1::text", [Symbol("s")]), refusal(ArgumentError, /Parameter \$1 is a Symbol/));
      await assert.rejects(conn.execute("select $1::text", [() => 1]), refusal(ArgumentError, /Parameter \$1 is a function/));
      await assert.rejects(conn.execute(sql`select ${Symbol("s")}::text as v`), refusal(ArgumentError, /Symbol/));
      await assert.rejects(conn.stream("select $1::text as v", [Symbol("s")]).all(), refusal(ArgumentError, /Symbol/));
      await assert.rejects(conn.db.selectNoFrom(sql<string>`${Symbol("db")}::text`.as("v")).execute(), refusal(ArgumentError, /Symbol/));
    });
    await assert.rejects(engine().kysely.selectNoFrom(sql<string>`${Symbol("s")}::text`.as("v")).execute(), refusal(ArgumentError, /Symbol/));
    await nextStatementIsClean();
  });

  test("a lone surrogate in a parameter, alone or inside an array, is a DataError, not U+FFFD", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute("select $1::text", ["a\uD800b"]), refusal(DataError, /Parameter \$1 is a string with a lone UTF-16 surrogate/));
      await assert.rejects(conn.execute("select $1::text", ["\u00e9\uDC00"]), refusal(DataError, /lone UTF-16 surrogate/));
      await assert.rejects(conn.execute("select $1::text[]", [["ok", "x\uDC00"]]), refusal(DataError, /Parameter \$1 holds at \[1\] a string/));
      // A well-formed pair is one character, and goes through.
      assert.equal(await conn.scalar("select $1::text as v", ["\uD83D\uDE00"]), "\uD83D\uDE00");
    });
    await nextStatementIsClean();
  });

  test("parameters that do not fill the placeholders $1 … $n are an ArgumentError that says how many the statement takes", async () => {
    const refused = (sqlText: string, values: unknown[], pattern: RegExp) =>
      assert.rejects(engine().connect((conn) => conn.execute(sqlText, values)), refusal(ArgumentError, pattern));
    // PostgreSQL would answer this one with "could not determine data type of parameter $1".
    await refused("select $2::int", [1], /placeholders up to \$2, but 1 value was given/);
    await refused("select $10::int", [1, 2, 3, 4, 5, 6, 7, 8, 9], /placeholders up to \$10, but 9 values were given/);
    await refused("select $1::int", [], /one placeholder, \$1, but 0 values were given/);
    await refused("select 1", [1], /no placeholder \(\$1, \$2, …\), but 1 value was given/);
    await assert.rejects(engine().connect((conn) => conn.stream("select $2::int", [1]).all()), ArgumentError);
    // Placeholders inside literals, quoted names, comments and dollar quotes are text; PREPARE's are its own.
    const row = await engine().connect((conn) => conn.execute(`select 'x$2' as a$1, $1::int as "$3" -- $4\n/* $5 */, $$ $6 $$ as d`, [7]));
    assert.deepEqual(row.rows, [{ a$1: "x$2", $3: 7, d: " $6 " }]);
    await engine().connect(async (conn) => {
      await conn.execute("prepare bind_check (int) as select $1::int");
      await conn.execute("deallocate bind_check");
    });
    await nextStatementIsClean();
  });

  test("an invalid Date parameter is a DataError naming the parameter", async () => {
    await assert.rejects(
      engine().connect((conn) => conn.execute("select $1::timestamptz", [new Date("not a date")])),
      refusal(DataError, /Parameter \$1 is an invalid Date/),
    );
  });

  test("SQL that a query's compile() returns must be text; anything else is an ArgumentError, and the engine goes on", async () => {
    const junk = { compile: () => ({ sql: 5, parameters: [] }) };
    await assert.rejects(engine().connect((conn) => conn.execute(junk as never)), refusal(ArgumentError, /must be SQL text, not the number 5/));
    await nextStatementIsClean();
  });

  test("a NUL or a lone surrogate in the text of a statement is an ArgumentError", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute("select 1\u0000; drop table x"), refusal(ArgumentError, /NUL character/));
      await assert.rejects(conn.execute("select '\uD800' as v"), refusal(ArgumentError, /lone UTF-16 surrogate/));
    });
    await nextStatementIsClean();
  });

  test("a value whose serializer fails half-way through the message leaves the engine binding the right values", async () => {
    // toJSON() returning undefined: PGlite's writer throws part-way through its Bind message; a server binds NULL.
    const vanishing = { toJSON: () => undefined };
    await engine()
      .connect((conn) => conn.execute("select $1::text as a, $2::json as b", ["stale", vanishing]))
      .catch(() => undefined);
    await nextStatementIsClean();
    await engine()
      .connect(async (conn) => {
        for await (const _ of conn.stream("select $1::text as a, $2::json as b", ["stale", vanishing])) break;
      })
      .catch(() => undefined);
    await nextStatementIsClean();
  });
});
