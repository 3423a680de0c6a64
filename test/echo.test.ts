import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, createEngine, MetaData, integer, sql, text, type Connection } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

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

test("an echo option that is none of the accepted forms is an ArgumentError naming it", async () => {
  for (const echo of ["verbose", { level: "trace" }, { level: "debug", logger: "stdout" }, 1]) {
    await assert.rejects(
      createEngine({ echo: echo as never }),
      (err: unknown) => err instanceof ArgumentError && /^echo must be/.test((err as Error).message),
    );
  }
});

test('echo: "debug" prints the statement log and the rows to stdout', async () => {
  const original = console.log;
  const printed: string[] = [];
  console.log = (...args: unknown[]) => printed.push(args.map(String).join(" "));
  try {
    const engine = await createEngine({ echo: "debug" });
    await engine.connect((conn) => conn.execute("select 1 as one"));
    await engine.dispose();
  } finally {
    console.log = original;
  }
  assert.deepEqual(printed, ["BEGIN (implicit)", "select 1 as one", "Col ('one')", "Row (1)", "ROLLBACK"]);
});

test("echo: true logs no rows", async () => {
  const lines: string[] = [];
  const engine = await createEngine({ echo: { level: "info", logger: (line) => lines.push(line) } });
  await engine.connect((conn) => conn.execute("select 1 as one"));
  await engine.dispose();
  assert.deepEqual(lines, ["BEGIN (implicit)", "select 1 as one", "ROLLBACK"]);
});

const debugLines: string[] = [];
describeEachTarget(
  "echo debug",
  ({ engine }) => {
    const logged = async (fn: (conn: Connection) => Promise<unknown>) => {
      debugLines.length = 0;
      await engine().connect(async (conn) => {
        await fn(conn);
      });
      return debugLines.slice(1, -1); // without BEGIN (implicit) and ROLLBACK
    };

    test("a SELECT logs a Col line, then a Row line per row, as SQLAlchemy's echo='debug'", async () => {
      const lines = await logged((conn) => conn.execute("select n, 'row ' || n as label, null::text as note from generate_series(1, 2) as n"));
      assert.deepEqual(lines, [
        "select n, 'row ' || n as label, null::text as note from generate_series(1, 2) as n",
        "Col ('n', 'label', 'note')",
        "Row (1, 'row 1', NULL)",
        "Row (2, 'row 2', NULL)",
      ]);
    });

    test("a large result logs its first ten rows and counts the rest", async () => {
      const lines = await logged((conn) => conn.execute("select generate_series(1, 25) as n"));
      assert.deepEqual(lines.slice(1), [
        "Col ('n')",
        ...Array.from({ length: 10 }, (_, i) => `Row (${i + 1})`),
        "... 15 more rows (25 in all)",
      ]);
    });

    test("a statement that returns no rows logs its columns only, and DDL logs neither", async () => {
      const table = uniqueName("echo_rows");
      const lines = await logged(async (conn) => {
        await conn.execute(`create temporary table ${table} (id int)`);
        await conn.execute(`select id from ${table}`);
      });
      assert.deepEqual(lines, [`create temporary table ${table} (id int)`, `select id from ${table}`, "Col ('id')"]);
    });

    test("INSERT … RETURNING through table.insert() logs the rows it returned", async () => {
      const md = new MetaData();
      const t = md.table(uniqueName("echo_ret"), { id: integer().primaryKey(), name: text() });
      const lines = await logged(async (conn) => {
        await md.createAll(conn);
        await conn.execute(t.insert().returning("id"), [{ name: "a" }, { name: "b" }]);
      });
      const at = lines.findIndex((l) => l.startsWith("INSERT"));
      assert.deepEqual(lines.slice(at + 1), ["[2 rows as VALUES: 10 rows or fewer] ('a'), ('b')", "Col ('id')", "Row (1)", "Row (2)"]);
    });

    test("a stream logs its first ten rows as they arrive and, when it ends, how many more it fetched", async () => {
      const lines = await logged(async (conn) => {
        let seen = 0;
        for await (const _ of conn.stream("select generate_series(1, 30) as n", [], { batchSize: 4 })) {
          void _;
          if (++seen === 12) break; // 12 read, 12 fetched (three batches of four)
        }
      });
      assert.deepEqual(lines.slice(1), ["Col ('n')", ...Array.from({ length: 10 }, (_, i) => `Row (${i + 1})`), "... 2 more rows (12 in all)"]);
    });

    test("Kysely queries on conn.db log their rows too", async () => {
      const lines = await logged((conn) => conn.db.selectNoFrom(sql<number>`7`.as("seven")).execute());
      assert.deepEqual(lines.slice(1), ["Col ('seven')", "Row (7)"]);
    });
  },
  { echo: { level: "debug", logger: (line) => debugLines.push(line) } },
);

describeEachTarget(
  "echo with a logger that throws",
  ({ engine }) => {
    test("a logger that throws changes nothing a scope does: its work commits, or rolls back, as it would without it", async () => {
      const table = uniqueName("echo_throws");
      await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
      await engine().begin((conn) => conn.execute(`insert into ${table} values (1)`));
      await assert.rejects(
        engine().begin(async (conn) => {
          await conn.execute(`insert into ${table} values (2)`);
          throw new Error("undo");
        }),
        /undo/,
      );
      await engine().connect(async (conn) => {
        await conn.execute(`insert into ${table} values (3)`);
      }); // rolled back at the end of the scope
      assert.deepEqual(await engine().connect((conn) => conn.scalars(`select x from ${table} order by x`)), [1]);
      await engine().begin((conn) => conn.execute(`drop table ${table}`));
    });
  },
  {
    echo: () => {
      throw new Error("logger boom");
    },
  },
);
