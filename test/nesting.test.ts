import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { ScopeError, type Engine } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";
import { within } from "./support/within.js";

// On the embedded engine anything that needs a second session inside a scope
// that holds the only one is a ScopeError at once; on a server it takes
// another pooled connection, as Kysely's PostgresDialect would. Nothing hangs.
describeEachTarget("nesting scopes and Kysely", ({ target, engine }) => {
  const embedded = target.name === "pglite";
  const db = () => engine().kysely as Engine<any>["kysely"];
  let table: string;

  /** On PGlite `promise` must fail at once with a ScopeError; on a server it must succeed. */
  async function nested<T>(promise: Promise<T>, what: string): Promise<void> {
    const outcome = await within(
      promise.then(
        () => "ran",
        (err: unknown) => err,
      ),
      what,
    );
    if (embedded) assert.ok(outcome instanceof ScopeError, `${what}: expected a ScopeError, got ${String(outcome)}`);
    else assert.equal(outcome, "ran", `${what} runs on another pooled connection`);
  }

  before(async () => {
    table = uniqueName("nest_t");
    await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
  });
  after(async () => {
    await engine().begin((conn) => conn.execute(`drop table ${table}`));
  });

  test("db.connection() whose callback queries db again: a ScopeError at once on PGlite, another connection on a server", async () => {
    await db()
      .connection()
      .execute(async (c) => {
        await sql`select 1`.execute(c);
        await nested(db().selectFrom(table).selectAll().execute(), "db inside db.connection()");
      });
  });

  test("db.transaction() inside engine.begin()", async () => {
    await engine().begin(async () => nested(db().transaction().execute(async () => undefined), "db.transaction() inside begin()"));
  });

  test("db.startTransaction() inside engine.connect()", async () => {
    await engine().connect(async () =>
      nested(
        db()
          .startTransaction()
          .execute()
          .then((trx) => trx.rollback().execute()),
        "db.startTransaction() inside connect()",
      ),
    );
  });

  test("db.connection() inside engine.connect()", async () => {
    await engine().connect(async () => nested(db().connection().execute(async () => undefined), "db.connection() inside connect()"));
  });

  test("engine.begin() inside a db.transaction() callback", async () => {
    await db()
      .transaction()
      .execute(async () => nested(engine().begin(async () => undefined), "begin() inside db.transaction()"));
  });

  test("engine.connect() inside engine.begin()", async () => {
    await engine().begin(async () => nested(engine().connect(async () => undefined), "connect() inside begin()"));
  });

  test("engine.dispose() inside one of its own scopes is a ScopeError on every engine, and the engine stays usable", async () => {
    await engine().begin(async () => {
      await assert.rejects(within(engine().dispose(), "dispose() inside begin()"), (err: unknown) => err instanceof ScopeError && /wait forever/.test((err as Error).message));
    });
    await db()
      .transaction()
      .execute(async () => {
        await assert.rejects(within(engine().dispose(), "dispose() inside db.transaction()"), ScopeError);
      });
    assert.equal(engine().disposed, false);
    assert.equal(await engine().connect((conn) => conn.scalar("select 1")), 1);
  });

  test("conn.db.connection() inside a scope runs on the scope's own session", async () => {
    await engine().begin(async (conn) => {
      await conn.execute(`insert into ${table} values (1)`);
      const seen = await within(conn.db.connection().execute((c) => c.selectFrom(table).select("x").execute()), "conn.db.connection()");
      assert.deepEqual(seen, [{ x: 1 }]);
      throw new Error("roll back");
    }).catch(() => undefined);
  });

  test("a timer a scope left behind opens its own scope later without being taken for nesting", async () => {
    let later: Promise<unknown> | undefined;
    await engine().connect(async () => {
      later = new Promise((resolve) => setTimeout(resolve, 20)).then(() => engine().connect((conn) => conn.scalar("select 2")));
    });
    assert.equal(await within(later as Promise<unknown>, "a scope opened by a timer after its scope ended"), 2);
  });
});

describeEachTarget(
  "nesting past the pool",
  ({ engine }) => {
    test("a nested scope that would need more sessions than the engine has is a ScopeError at once", async () => {
      await engine().begin(async () => {
        await assert.rejects(within(engine().begin(async () => 1), "a nested begin() with a pool of one"), (err: unknown) => {
          assert.ok(err instanceof ScopeError);
          assert.match((err as Error).message, /would wait for itself/);
          return true;
        });
      });
    });
  },
  { poolSize: 1 },
);
