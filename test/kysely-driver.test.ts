import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CamelCasePlugin, sql, type LogEvent } from "kysely";
import { ArgumentError, createEngine, ScopeError, StatementError, type Engine } from "../src/index.js";
import { collector } from "./support/collector.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";
import { within } from "./support/within.js";

// engine.kysely must keep Kysely's own contract, as PostgresDialect + pg does.
describeEachTarget("Kysely transactions on engine.kysely", ({ target, engine }) => {
  let table: string;
  const db = () => engine().kysely as Engine<any>["kysely"];
  const xs = async () => (await db().selectFrom(table).select("x").orderBy("x").execute()).map((r) => r.x as number);

  before(async () => {
    table = uniqueName("kysely_t");
    await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
  });
  after(async () => {
    await engine().begin((conn) => conn.execute(`drop table ${table}`));
  });

  test("setIsolationLevel runs the transaction at that isolation level", async () => {
    const level = await db()
      .transaction()
      .setIsolationLevel("serializable")
      .execute(async (trx) => (await sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(trx)).rows[0]?.transaction_isolation);
    assert.equal(level, "serializable");
  });

  test("setAccessMode('read only') makes a write inside the transaction fail, and nothing is written", async () => {
    await assert.rejects(
      db().transaction().setAccessMode("read only").execute((trx) => trx.insertInto(table).values({ x: 1 }).execute()),
      (err: unknown) => err instanceof StatementError && err.code === "25006",
    );
    assert.deepEqual(await xs(), []);
  });

  test("an isolation level PostgreSQL does not have is an ArgumentError naming it", async () => {
    await assert.rejects(
      db().transaction().setIsolationLevel("snapshot").execute(async () => undefined),
      (err: unknown) => err instanceof ArgumentError && /"snapshot"/.test((err as Error).message),
    );
  });

  test("startTransaction with savepoints: rollbackToSavepoint undoes only what followed the savepoint", async () => {
    const trx = await db().startTransaction().execute();
    await trx.insertInto(table).values({ x: 1 }).execute();
    const withSavepoint = await trx.savepoint("before_two").execute();
    await withSavepoint.insertInto(table).values({ x: 2 }).execute();
    const rolledBack = await withSavepoint.rollbackToSavepoint("before_two").execute();
    await rolledBack.insertInto(table).values({ x: 3 }).execute();
    await rolledBack.commit().execute();
    assert.deepEqual(await xs(), [1, 3]);
    await db().deleteFrom(table).execute();
  });

  test("releaseSavepoint keeps the savepoint's work", async () => {
    const trx = await db().startTransaction().execute();
    const sp = await trx.savepoint("keep").execute();
    await sp.insertInto(table).values({ x: 4 }).execute();
    const released = await sp.releaseSavepoint("keep").execute();
    await released.commit().execute();
    assert.deepEqual(await xs(), [4]);
    await db().deleteFrom(table).execute();
  });

  test("a savepoint name is quoted, so any text is a name and none is SQL", async () => {
    const name = `odd "name"; drop table ${table}; --`;
    const trx = await db().startTransaction().execute();
    const sp = await trx.savepoint(name).execute();
    await sp.insertInto(table).values({ x: 5 }).execute();
    await (await sp.rollbackToSavepoint(name).execute()).commit().execute();
    assert.deepEqual(await xs(), []);
  });

  test("an empty or over-long savepoint name is an ArgumentError, and the transaction goes on", async () => {
    const trx = await db().startTransaction().execute();
    await assert.rejects(trx.savepoint("").execute(), ArgumentError);
    await assert.rejects(trx.savepoint("x".repeat(64)).execute(), (err: unknown) => err instanceof ArgumentError && /63 bytes/.test((err as Error).message));
    await trx.insertInto(table).values({ x: 6 }).execute();
    await trx.commit().execute();
    assert.deepEqual(await xs(), [6]);
    await db().deleteFrom(table).execute();
  });

  test("rollback of a controlled transaction undoes its work and frees its session", async () => {
    const trx = await db().startTransaction().execute();
    await trx.insertInto(table).values({ x: 7 }).execute();
    await trx.rollback().execute();
    assert.deepEqual(await within(xs(), "a query after the rollback"), []);
  });

  test("a COMMIT that finds the transaction aborted is a ScopeError, not a silent rollback", async () => {
    await assert.rejects(
      db().transaction().execute(async (trx) => {
        await trx.insertInto(table).values({ x: 8 }).execute();
        await sql`select * from no_such_table_here`.execute(trx).catch(() => undefined);
      }),
      (err: unknown) => err instanceof ScopeError && /nothing was committed/.test((err as Error).message),
    );
    assert.deepEqual(await xs(), []);
  });

  test("a stream chunk size outside 1 to 1,000,000 is an ArgumentError", async () => {
    await assert.rejects(
      (async () => {
        for await (const _ of db().selectFrom(table).selectAll().stream(0)) void _;
      })(),
      ArgumentError,
    );
  });

  void target;
});

describeEachTarget(
  "Kysely's log and plugins on an engine",
  ({ engine }) => {
    test("Kysely's log sees each transaction statement, in PostgresDialect's words", async () => {
      logged.length = 0;
      const db = engine().kysely;
      await db.transaction().execute((trx) => sql`select 1`.execute(trx));
      await db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only").execute((trx) => sql`select 2`.execute(trx));
      assert.deepEqual(logged, ["begin", "select 1", "commit", "start transaction isolation level repeatable read read only", "select 2", "commit"]);
    });

    test("Kysely's log sees the savepoints of a controlled transaction, in PostgresDialect's words", async () => {
      logged.length = 0;
      const trx = await engine().kysely.startTransaction().execute();
      const foo = await trx.savepoint("foo").execute();
      await (await foo.rollbackToSavepoint("foo").execute()).rollback().execute();
      const again = await engine().kysely.startTransaction().execute();
      await (await (await again.savepoint("bar").execute()).releaseSavepoint("bar").execute()).commit().execute();
      assert.deepEqual(logged, ["begin", 'savepoint "foo"', 'rollback to "foo"', "rollback", "begin", 'savepoint "bar"', 'release "bar"', "commit"]);
    });

    test("plugins apply to engine.kysely and to conn.db", async () => {
      const db = engine().kysely as Engine<any>["kysely"];
      const viaEngine = await db.selectNoFrom(sql<number>`1`.as("first_value")).execute();
      assert.deepEqual(viaEngine, [{ firstValue: 1 }]);
      const viaScope = await engine().connect((conn) => (conn.db as Engine<any>["kysely"]).selectNoFrom(sql<number>`2`.as("second_value")).execute());
      assert.deepEqual(viaScope, [{ secondValue: 2 }]);
    });
  },
  { kysely: { log: (event: LogEvent) => void logged.push(event.query.sql), plugins: [new CamelCasePlugin()] } },
);
const logged: string[] = [];

describeEachTarget(
  "controlled transactions left open",
  ({ target, engine }) => {
    let table: string;
    before(async () => {
      table = uniqueName("left_open");
      await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
    });
    after(async () => {
      await engine().begin((conn) => conn.execute(`drop table ${table}`));
    });

    test("one left idle while a scope waits for its session is rolled back, and the scope runs", async () => {
      const db = engine().kysely as Engine<any>["kysely"];
      const trx = await db.startTransaction().execute();
      await trx.insertInto(table).values({ x: 1 }).execute();
      // With one session (PGlite, or a pool of one), this scope waits for the forgotten transaction.
      const count = await within(engine().connect(async (conn) => conn.scalar(`select count(*)::int from ${table}`)), "a scope behind an idle transaction");
      assert.equal(count, 0);
      await assert.rejects(trx.commit().execute(), (err: unknown) => err instanceof ScopeError && /idle/.test((err as Error).message));
    });

    test("a stream of engine.kysely dropped unfinished does not keep its session from a waiting scope", async () => {
      const db = engine().kysely as Engine<any>["kysely"];
      const rows = db.selectNoFrom(sql<number>`generate_series(1, 100)`.as("n")).stream(10)[Symbol.asyncIterator]();
      assert.deepEqual((await rows.next()).value, { n: 1 });
      const one = await within(engine().connect((conn) => conn.scalar("select 1")), "a scope behind a dropped stream");
      assert.equal(one, 1);
    });

    test("dispose rolls back a controlled transaction left open instead of waiting for it", async () => {
      const other = await createEngine(target.url);
      const trx = await (other.kysely as Engine<any>["kysely"]).startTransaction().execute();
      if (target.name === "postgres") await trx.insertInto(table).values({ x: 2 }).execute();
      await within(other.dispose(), "dispose with a controlled transaction open");
      await assert.rejects(trx.commit().execute(), ScopeError);
      const count = await engine().connect((conn) => conn.scalar(`select count(*)::int from ${table}`));
      assert.equal(count, 0);
    });
  },
  { idleTransactionTimeoutMs: 200, poolSize: 1 },
);

const gcEchoed: string[] = [];
describeEachTarget(
  "controlled transactions that are garbage-collected",
  ({ engine }) => {
    test("one dropped unfinished is rolled back when it is collected, with no scope waiting for it", async () => {
      const gc = collector();
      const table = uniqueName("dropped");
      await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
      await (async () => {
        const trx = await (engine().kysely as Engine<any>["kysely"]).startTransaction().execute();
        await trx.insertInto(table).values({ x: 1 }).execute();
      })();
      for (let tries = 0; tries < 100 && !gcEchoed.includes("ROLLBACK (dropped unfinished)"); tries++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(gcEchoed.includes("ROLLBACK (dropped unfinished)"), "the collector found the dropped transaction");
      const count = await within(engine().connect((conn) => conn.scalar(`select count(*)::int from ${table}`)), "a scope after the collection");
      assert.equal(count, 0);
      await engine().begin((conn) => conn.execute(`drop table ${table}`));
    });
  },
  { idleTransactionTimeoutMs: 600_000, echo: (line) => gcEchoed.push(line) },
);
