import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ArgumentError,
  createEngine,
  EngineDisposedError,
  ScopeError,
  sql,
  type Engine,
} from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

describe("engine URLs", () => {
  test("an unknown scheme is an ArgumentError naming the scheme", async () => {
    await assert.rejects(createEngine("mysql://localhost/db"), (err: unknown) => {
      assert.ok(err instanceof ArgumentError);
      assert.match((err as Error).message, /"mysql:"/);
      return true;
    });
  });

  test("a pglite URL without a folder path explains the two forms", async () => {
    await assert.rejects(createEngine("pglite://data"), (err: unknown) => {
      assert.ok(err instanceof ArgumentError);
      assert.match((err as Error).message, /pglite:\/\/\.\/data/);
      assert.match((err as Error).message, /pglite:\/\/\/data/);
      return true;
    });
  });

  test("a URL without a scheme is refused", async () => {
    await assert.rejects(createEngine("just-a-name"), ArgumentError);
  });

  test("a password holding @, / or ? never shows, in the engine's URL or in the error of a URL that cannot be used", async () => {
    const engine = await createEngine("postgres://ada:p@ss?w0rd@127.0.0.1:1/db?sslpassword=key-secret", { connectTimeoutMs: 2000 });
    assert.equal(engine.url, "postgres://ada:***@127.0.0.1:1/db?sslpassword=***");
    await engine.dispose();
    await assert.rejects(createEngine("postgres://ada:sec/ret@127.0.0.1:1/db"), (err: unknown) => {
      assert.ok(err instanceof ArgumentError);
      assert.doesNotMatch((err as Error).message, /sec\/ret|ret@/);
      assert.match((err as Error).message, /postgres:\/\/ada:\*\*\*@127\.0\.0\.1:1\/db/);
      return true;
    });
  });

  test("a pglite URL with a query string, a fragment or a control character is refused, not taken as a folder name", async () => {
    const refused = (url: string, pattern: RegExp) =>
      assert.rejects(createEngine(url), (err: unknown) => err instanceof ArgumentError && pattern.test((err as Error).message));
    await refused("pglite://./data?mode=ro", /query string \(\?…\).*%3F/);
    await refused("pglite://./data#main", /fragment \(#…\).*%23/);
    await refused("pglite://./data%0A", /control character/);
    await refused("pglite://./data\n", /control character/);
  });

  test("the pglite scheme and the word memory are understood in any case", async () => {
    const engine = await createEngine("PGLITE://Memory");
    assert.equal(engine.url, "pglite://memory");
    await engine.dispose();
  });

  test("a bad batchSize is refused before anything starts", async () => {
    await assert.rejects(createEngine({ batchSize: 0 }), /batchSize/);
  });
});

describe("engine lifetime", () => {
  test("dispose is idempotent and any use afterwards is EngineDisposedError", async () => {
    const engine = await createEngine();
    assert.equal(engine.dialect, "pglite");
    assert.equal(engine.url, "pglite://memory");
    await engine.dispose();
    await engine.dispose();
    assert.equal(engine.disposed, true);
    await assert.rejects(engine.begin(async () => 1), EngineDisposedError);
    await assert.rejects(engine.connect(async () => 1), EngineDisposedError);
    assert.throws(() => engine.kysely, EngineDisposedError);
    assert.throws(() => engine.pglite, EngineDisposedError);
  });
});

describeEachTarget("scopes", ({ target, engine }) => {
  let table: string;
  before(async () => {
    table = uniqueName("scope_t");
    await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
  });
  after(async () => {
    await engine().begin((conn) => conn.execute(`drop table ${table}`));
  });

  test("begin commits when the callback resolves and returns its value", async () => {
    const value = await engine().begin(async (conn) => {
      await conn.execute(`insert into ${table} values (1)`);
      return "done";
    });
    assert.equal(value, "done");
    const count = await engine().connect(async (conn) => (await conn.execute(`select count(*)::int as n from ${table} where x = 1`)).scalar());
    assert.equal(count, 1);
  });

  test("begin rolls back and rethrows when the callback throws", async () => {
    const boom = new Error("boom");
    await assert.rejects(
      engine().begin(async (conn) => {
        await conn.execute(`insert into ${table} values (2)`);
        throw boom;
      }),
      (err) => err === boom,
    );
    const count = await engine().connect(async (conn) => (await conn.execute(`select count(*)::int as n from ${table} where x = 2`)).scalar());
    assert.equal(count, 0);
  });

  test("connect keeps what was committed and rolls back the rest at the end", async () => {
    await engine().connect(async (conn) => {
      await conn.execute(`insert into ${table} values (3)`);
      await conn.commit();
      await conn.execute(`insert into ${table} values (4)`);
    });
    const xs = await engine().connect(async (conn) => (await conn.execute(`select x from ${table} where x in (3, 4) order by x`)).scalars());
    assert.deepEqual(xs, [3]);
  });

  test("connect's rollback undoes work since the last commit", async () => {
    await engine().connect(async (conn) => {
      await conn.execute(`insert into ${table} values (5)`);
      await conn.rollback();
      assert.equal(conn.inTransaction, false);
      await conn.execute(`insert into ${table} values (6)`);
      await conn.commit();
    });
    const xs = await engine().connect(async (conn) => (await conn.execute(`select x from ${table} where x in (5, 6)`)).scalars());
    assert.deepEqual(xs, [6]);
  });

  test("commit and rollback are refused inside begin, which ends the transaction itself", async () => {
    await engine().begin(async (conn) => {
      await assert.rejects(conn.commit(), ScopeError);
      await assert.rejects(conn.rollback(), ScopeError);
    });
  });

  test("COMMIT sent as SQL inside engine.begin() is a ScopeError, and a later throw still rolls back the whole scope", async () => {
    const before = await engine().connect((conn) => conn.scalar(`select count(*)::int from ${table}`));
    await assert.rejects(
      engine().begin(async (conn) => {
        await conn.execute(`insert into ${table} values (41)`);
        await assert.rejects(conn.execute("/* done */ commit"), (err: unknown) => {
          assert.ok(err instanceof ScopeError);
          assert.match((err as Error).message, /conn\.execute\(\) was given COMMIT inside engine\.begin\(\)/);
          return true;
        });
        await conn.execute(`insert into ${table} values (42)`);
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    assert.equal(await engine().connect((conn) => conn.scalar(`select count(*)::int from ${table}`)), before);
  });

  test("transaction control as SQL is a ScopeError that names the method to use, in connect scopes and streams too", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute("ROLLBACK"), /conn\.rollback\(\)/);
      await assert.rejects(conn.execute("end"), /conn\.commit\(\)/);
      await assert.rejects(conn.scalar("abort"), /conn\.rollback\(\)/);
      await assert.rejects(conn.execute("start  transaction isolation level serializable"), /conn\.begin\(fn, \{ isolationLevel, readOnly \}\)/);
      assert.throws(() => conn.stream("commit"), ScopeError);
      await assert.rejects(conn.execute(sql`begin`), ScopeError);
      await assert.rejects(sql`commit`.execute(conn.db), /conn\.db was given COMMIT inside engine\.connect\(\)/);
      // A savepoint of one's own stays possible, and so do words that merely start alike.
      await conn.execute("savepoint mine");
      await conn.execute("rollback to savepoint mine");
      await conn.execute("ROLLBACK TO mine");
      assert.equal(await conn.scalar("select 1 as ending"), 1);
    });
  });

  test("a script that ends the scope's transaction part-way is refused whole, through conn.db too", async () => {
    const before = await engine().connect((conn) => conn.scalar(`select count(*)::int from ${table}`));
    await assert.rejects(
      engine().begin(async (conn) => {
        await assert.rejects(
          sql.raw(`insert into ${table} values (51); /* done */ commit`).execute(conn.db),
          /conn\.db was given COMMIT inside engine\.begin\(\)/,
        );
        // A semicolon in a literal, a quoted name or a dollar-quoted body splits nothing.
        await sql.raw(`insert into ${table} select length('a; commit'); select $$ ; rollback $$ as "x;end"`).execute(conn.db);
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    assert.equal(await engine().connect((conn) => conn.scalar(`select count(*)::int from ${table}`)), before);
  });

  test("engine.kysely refuses raw transaction control that would break its transactions or leave one open, and runs BEGIN … COMMIT scripts", async () => {
    const db = engine().kysely;
    const count = () => engine().connect(async (conn) => (await conn.scalar(`select count(*)::int from ${table} where x = 61`)) as number);
    const before = await count();
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await sql.raw(`insert into ${table} values (61)`).execute(trx);
        await assert.rejects(sql`commit`.execute(trx), /engine\.kysely was given COMMIT inside a Kysely transaction/);
        await assert.rejects(sql.raw(`insert into ${table} values (61); commit`).execute(trx), ScopeError);
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    assert.equal(await count(), before, "the transaction rolled back whole");
    await assert.rejects(sql`begin`.execute(db), /engine\.kysely was given BEGIN without a COMMIT or ROLLBACK after it/);
    await assert.rejects(sql.raw(`commit; start transaction; insert into ${table} values (61)`).execute(db), /START TRANSACTION without a COMMIT/);
    await assert.rejects(engine().begin(async () => { throw new Error("a scope after the refusals"); }), /a scope after/);
    assert.equal(await count(), before, "nothing ran, nothing stayed open");
    await sql.raw(`begin; insert into ${table} values (61); commit`).execute(db);
    assert.equal(await count(), before + 1);
    const stream = db.selectNoFrom(sql<number>`1`.as("one")).stream();
    assert.equal((await stream.next()).done, false);
    await stream.return?.(undefined);
  });

  test("a connection used after its scope ended is a ScopeError", async () => {
    const leaked = await engine().connect(async (conn) => conn);
    assert.equal(leaked.closed, true);
    await assert.rejects(leaked.execute("select 1"), ScopeError);
    assert.throws(() => leaked.db, ScopeError);
  });

  test("statements started but not awaited finish before the scope commits", async () => {
    await engine().begin(async (conn) => {
      void conn.execute(`insert into ${table} values (7)`);
      void conn.execute(`insert into ${table} values (7)`);
    });
    const count = await engine().connect(async (conn) => (await conn.execute(`select count(*)::int from ${table} where x = 7`)).scalar());
    assert.equal(count, 2);
  });

  test("a swallowed statement error makes the scope's COMMIT fail instead of silently losing work", async () => {
    await assert.rejects(
      engine().begin(async (conn) => {
        await conn.execute(`insert into ${table} values (8)`);
        await conn.execute("select * from no_such_table_here").catch(() => undefined);
      }),
      (err: unknown) => err instanceof ScopeError && /nothing was committed/.test((err as Error).message),
    );
    const count = await engine().connect(async (conn) => (await conn.execute(`select count(*)::int from ${table} where x = 8`)).scalar());
    assert.equal(count, 0);
  });

  test("beginNested without a callback is an ArgumentError, and no savepoint is left behind", async () => {
    await engine().begin(async (conn) => {
      await assert.rejects(conn.beginNested(5 as never), (err: unknown) => err instanceof ArgumentError && /conn\.beginNested\(\) takes a callback/.test((err as Error).message));
      assert.equal(conn.inTransaction, false);
    });
  });

  test("beginNested undoes only its own work when it throws", async () => {
    await engine().begin(async (conn) => {
      await conn.execute(`insert into ${table} values (9)`);
      await assert.rejects(
        conn.beginNested(async (inner) => {
          await inner.execute(`insert into ${table} values (10)`);
          throw new Error("undo the savepoint");
        }),
        /undo the savepoint/,
      );
    });
    const xs = await engine().connect(async (conn) => (await conn.execute(`select x from ${table} where x in (9, 10)`)).scalars());
    assert.deepEqual(xs, [9]);
  });

  test("engine.kysely runs statements outside a scope, and its transactions commit", async () => {
    const db = engine().kysely as Engine<any>["kysely"];
    await db.insertInto(table).values({ x: 11 }).execute();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto(table).values({ x: 11 }).execute();
    });
    const rows = await db.selectFrom(table).select("x").where("x", "=", 11).execute();
    assert.equal(rows.length, 2);
  });

  test("conn.db refuses to open a transaction of its own inside a scope", async () => {
    await engine().begin(async (conn) => {
      await assert.rejects(conn.db.transaction().execute(async () => undefined), ScopeError);
    });
  });

  if (target.name === "pglite") {
    test("a nested engine.begin on the embedded engine is a ScopeError, not a deadlock", async () => {
      await engine().begin(async () => {
        await assert.rejects(engine().begin(async () => 1), (err: unknown) => {
          assert.ok(err instanceof ScopeError);
          assert.match((err as Error).message, /conn/);
          return true;
        });
        await assert.rejects(engine().connect(async () => 1), ScopeError);
        await assert.rejects(engine().kysely.selectFrom(table).selectAll().execute(), ScopeError);
      });
    });

    test("scopes on the embedded engine run one at a time, in the order they were requested", async () => {
      const events: string[] = [];
      await Promise.all(
        [1, 2, 3].map((i) =>
          engine().begin(async (conn) => {
            events.push(`start ${i}`);
            await conn.execute("select pg_sleep(0.01)");
            events.push(`end ${i}`);
          }),
        ),
      );
      assert.deepEqual(events, ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
    });

    test("engine.pglite gives the PGlite instance", async () => {
      const res = await engine().pglite.query<{ one: number }>("select 1 as one");
      assert.equal(res.rows[0]?.one, 1);
    });
  }
});

describe("dispose with work in flight", () => {
  let engine: Engine;
  before(async () => {
    engine = await createEngine();
  });

  test("dispose waits for the running scope, and scopes requested afterwards are refused", async () => {
    let finished = false;
    const running = engine.begin(async (conn) => {
      await conn.execute("select pg_sleep(0.05)");
      finished = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    const queued = engine.connect(async (conn) => (await conn.execute("select 2 as two")).scalar());
    const disposing = engine.dispose();
    await assert.rejects(engine.begin(async () => 1), EngineDisposedError);
    await running;
    assert.equal(await queued, 2, "a scope queued before dispose() is still served");
    await disposing;
    assert.equal(finished, true);
  });
});
