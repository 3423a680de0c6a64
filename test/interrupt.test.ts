import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { InterruptedError, type Engine, type InterruptReport } from "../src/index.js";
import { interruptAll } from "../src/interrupt.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";
import { within } from "./support/within.js";

const echoed: string[] = [];

// What Ctrl-C in a notebook should do: every scope of the engine stops, rolls
// back and gives its session back at once; what was asked for afterwards runs.
describeEachTarget(
  "interrupting an engine",
  ({ target, engine }) => {
    let table: string;
    before(async () => {
      table = uniqueName("interrupt_t");
      await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
    });
    after(async () => {
      await engine().begin((conn) => conn.execute(`drop table ${table}`));
    });
    const count = () => engine().connect((conn) => conn.scalar<{ n: number }>(`select count(*)::int as n from ${table}`));

    test("a long stream interrupted mid-way ends at once, its scope rolls back, and the next scope runs at once", async () => {
      echoed.length = 0;
      let report: InterruptReport | undefined;
      let seen = 0;
      const scope = engine().begin(async (conn) => {
        await conn.execute(`insert into ${table} values (1)`);
        for await (const _ of conn.stream("select generate_series(1, 1000000)", { batchSize: 1000 })) {
          if (++seen === 2500) setImmediate(() => (report = engine().interrupt()));
          if (seen % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      });
      await assert.rejects(within(scope, "the interrupted scope"), (err: unknown) => {
        assert.ok(err instanceof InterruptedError, String(err));
        assert.match((err as Error).message, /engine\.begin\(\) scope .* interrupted and rolled back after 2 statements/);
        return true;
      });
      assert.ok(seen < 10_000, `the stream ended at its next batch, after ${seen} rows`);
      assert.ok(report);
      assert.deepEqual(report.scopes, [{ kind: "engine.begin()", state: "running", statements: 2 }]);
      assert.equal(report.message, `Interrupted ${engine().url}: rolled back engine.begin() after 2 statements.`);
      await within(report.done, "the interrupt's rollback");
      assert.equal(await within(count(), "the next scope"), 0, "none of the interrupted work is visible");
      assert.ok(echoed.includes("ROLLBACK (interrupted)"));
    });

    test("a scope whose callback catches the InterruptedError still never commits", async () => {
      await assert.rejects(
        engine().begin(async (conn) => {
          await conn.execute(`insert into ${table} values (2)`);
          engine().interrupt();
          await conn.execute(`insert into ${table} values (3)`).catch(() => undefined);
          return "pretend all is well";
        }),
        InterruptedError,
      );
      assert.equal(await count(), 0);
    });

    test("a connect scope keeps what it committed before the interrupt", async () => {
      await assert.rejects(
        engine().connect(async (conn) => {
          await conn.execute(`insert into ${table} values (4)`);
          await conn.commit();
          await conn.execute(`insert into ${table} values (5)`);
          engine().interrupt();
          await conn.execute("select 1");
        }),
        InterruptedError,
      );
      assert.deepEqual(await engine().connect((conn) => conn.scalars(`select x from ${table}`)), [4]);
      await engine().begin((conn) => conn.execute(`delete from ${table}`));
    });

    test("a transaction of engine.kysely is interrupted and rolled back too", async () => {
      const db = engine().kysely as Engine<any>["kysely"];
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await trx.insertInto(table).values({ x: 6 }).execute();
          engine().interrupt();
          await trx.insertInto(table).values({ x: 7 }).execute();
        }),
        InterruptedError,
      );
      assert.equal(await count(), 0);
    });

    test("interrupting an idle engine reports nothing and harms nothing", async () => {
      const report = engine().interrupt();
      assert.deepEqual(report.scopes, []);
      assert.equal(report.message, `Nothing to interrupt on ${engine().url}.`);
      assert.equal(await count(), 0);
    });

    test("interruptAll reaches every live engine that has something running", async () => {
      let reports: InterruptReport[] = [];
      await assert.rejects(
        engine().begin(async (conn) => {
          await conn.execute(`insert into ${table} values (8)`);
          reports = interruptAll();
          await conn.execute("select 1");
        }),
        InterruptedError,
      );
      assert.equal(reports.length, 1);
      assert.equal(reports[0]?.url, engine().url);
      assert.equal(await count(), 0);
    });

    if (target.name === "postgres") {
      test("on a server the statement in flight is cancelled", async () => {
        const scope = engine().begin((conn) => conn.execute("select pg_sleep(30)"));
        await new Promise((resolve) => setTimeout(resolve, 300));
        engine().interrupt();
        await assert.rejects(within(scope, "a scope running pg_sleep(30)"), InterruptedError);
        assert.equal(await within(count(), "the next scope"), 0);
      });
    }
  },
  { echo: (line) => echoed.push(line) },
);

describeEachTarget(
  "interrupting queued scopes",
  ({ engine }) => {
    test("scopes waiting for their turn are cancelled before they start, and one asked for afterwards runs at once", async () => {
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const running = engine().begin(async (conn) => {
        await conn.execute("select 1");
        entered();
        await holding;
        await conn.execute("select 2");
      });
      await inside;
      // With one session (PGlite, or a server pool of one) these wait for the running scope.
      const queued = [engine().connect(async () => (started = true)), engine().begin(async () => (started = true))];
      const report = engine().interrupt();
      assert.deepEqual(
        report.scopes.map((s) => `${s.kind} ${s.state}`),
        ["engine.begin() running", "engine.connect() queued", "engine.begin() queued"],
      );
      for (const scope of queued) {
        await assert.rejects(within(scope, "a queued scope"), (err: unknown) => err instanceof InterruptedError && /before it started/.test((err as Error).message));
      }
      assert.equal(started, false);
      assert.equal(await within(engine().connect((conn) => conn.scalar("select 3")), "a scope asked for after the interrupt"), 3);
      release();
      await assert.rejects(within(running, "the running scope"), InterruptedError);
    });
  },
  { poolSize: 1 },
);
