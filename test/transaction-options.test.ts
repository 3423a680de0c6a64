import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { ArgumentError, createEngine, ScopeError, StatementError, type Connection } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

const echoed: string[] = [];
const isolation = (conn: Connection) => conn.scalar<{ transaction_isolation: string }>("show transaction_isolation");
const raise = (code: string) => `do $$ begin raise exception 'conflict' using errcode = '${code}'; end $$`;

describeEachTarget(
  "transaction options of scopes",
  ({ target, engine }) => {
    let table: string;
    before(async () => {
      table = uniqueName("options_t");
      await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
    });
    after(async () => {
      await engine().begin((conn) => conn.execute(`drop table ${table}`));
    });

    test("begin({ isolationLevel, readOnly }) starts its transaction so, and the log says it", async () => {
      echoed.length = 0;
      const level = await engine().begin(isolation, { isolationLevel: "serializable", readOnly: true });
      assert.equal(level, "serializable");
      assert.equal(echoed[0], "BEGIN (implicit; isolation level SERIALIZABLE, read only)");
    });

    test("a read-only scope cannot write, and nothing is written", async () => {
      await assert.rejects(
        engine().begin((conn) => conn.execute(`insert into ${table} values (1)`), { readOnly: true }),
        (err: unknown) => err instanceof StatementError && err.code === "25006",
      );
      assert.equal(await engine().connect((conn) => conn.scalar(`select count(*)::int from ${table}`)), 0);
    });

    test("connect's options apply to every transaction the scope begins, also after a commit", async () => {
      const levels = await engine().connect(async (conn) => {
        const first = await isolation(conn);
        await conn.commit();
        return [first, await isolation(conn)];
      }, { isolationLevel: "REPEATABLE READ" });
      assert.deepEqual(levels, ["repeatable read", "repeatable read"]);
    });

    test("an unknown isolation level, option or value is an ArgumentError naming it, and the callback never runs", async () => {
      let ran = false;
      const fn = async () => {
        ran = true;
      };
      const cases: Array<[unknown, RegExp]> = [
        [{ isolationLevel: "snapshot" }, /"snapshot"/],
        [{ isolationLevel: 3 }, /the number 3/],
        [{ isolation: "serializable" }, /no option "isolation"/],
        [{ readOnly: "yes" }, /readOnly/],
        [{ retries: -1 }, /retries/],
        [{ retries: 1.5 }, /retries/],
        [{ retries: 1000 }, /retries/],
        ["serializable", /must be an object/],
      ];
      for (const [options, message] of cases) {
        await assert.rejects(engine().begin(fn, options as never), (err: unknown) => err instanceof ArgumentError && message.test((err as Error).message));
      }
      await assert.rejects(engine().connect(fn, { retries: 2 } as never), (err: unknown) => err instanceof ArgumentError && /retries/.test((err as Error).message));
      assert.equal(ran, false);
    });

    test("retries re-runs the whole callback after a serialization failure and says so in the log", async () => {
      echoed.length = 0;
      let attempts = 0;
      await engine().begin(async (conn) => {
        attempts++;
        await conn.execute(`insert into ${table} values (${attempts})`);
        if (attempts < 3) await conn.execute(raise("40001"));
      }, { retries: 3 });
      assert.equal(attempts, 3);
      assert.ok(echoed.includes("retry 1 of 3: serialization failure (SQLSTATE 40001)"));
      assert.ok(echoed.includes("retry 2 of 3: serialization failure (SQLSTATE 40001)"));
      const xs = await engine().connect((conn) => conn.scalars(`select x from ${table}`));
      assert.deepEqual(xs, [3], "only the attempt that committed left its row");
      await engine().begin((conn) => conn.execute(`delete from ${table}`));
    });

    test("retries covers deadlocks (40P01) and gives up after the last retry with the error", async () => {
      let attempts = 0;
      await assert.rejects(
        engine().begin(async (conn) => {
          attempts++;
          await conn.execute(raise("40P01"));
        }, { retries: 2 }),
        (err: unknown) => err instanceof StatementError && err.code === "40P01",
      );
      assert.equal(attempts, 3);
    });

    test("retries never re-runs a callback that failed for another reason", async () => {
      let attempts = 0;
      await assert.rejects(
        engine().begin(async (conn) => {
          attempts++;
          await conn.execute(raise("23505"));
        }, { retries: 5 }),
        StatementError,
      );
      assert.equal(attempts, 1);
    });

    if (target.name === "postgres") {
      test("serializable with retries makes concurrent read-modify-write transactions on a server all count", async () => {
        const counter = uniqueName("counter");
        await engine().begin((conn) => conn.execute(`create table ${counter} (n int); insert into ${counter} values (0)`.split(";")[0] as string));
        await engine().begin((conn) => conn.execute(`insert into ${counter} values (0)`));
        await Promise.all(
          Array.from({ length: 5 }, () =>
            engine().begin(async (conn) => {
              const n = (await conn.scalar<{ n: number }>(`select n from ${counter}`)) as number;
              await new Promise((resolve) => setTimeout(resolve, 10));
              await conn.execute(`update ${counter} set n = $1`, [n + 1]);
            }, { isolationLevel: "serializable", retries: 20 }),
          ),
        );
        assert.equal(await engine().connect((conn) => conn.scalar(`select n from ${counter}`)), 5);
        await engine().begin((conn) => conn.execute(`drop table ${counter}`));
      });
    }
  },
  { echo: (line) => echoed.push(line) },
);

describeEachTarget(
  "an engine-wide isolation level",
  ({ engine }) => {
    test("applies to scopes and to Kysely transactions that ask for none", async () => {
      assert.equal(await engine().begin(isolation), "serializable");
      assert.equal(await engine().connect(isolation), "serializable");
      const viaKysely = await engine()
        .kysely.transaction()
        .execute(async (trx) => (await sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(trx)).rows[0]?.transaction_isolation);
      assert.equal(viaKysely, "serializable");
    });

    test("a scope's own isolation level wins over the engine's", async () => {
      assert.equal(await engine().begin(isolation, { isolationLevel: "read committed" }), "read committed");
    });
  },
  { isolationLevel: "serializable" },
);

test("createEngine refuses an unknown isolation level, naming it, before anything starts", async () => {
  await assert.rejects(createEngine({ isolationLevel: "chaos" as never }), (err: unknown) => err instanceof ArgumentError && /"chaos"/.test((err as Error).message));
});

describeEachTarget("conn.begin() in a connect scope", ({ engine }) => {
  let table: string;
  before(async () => {
    table = uniqueName("conn_begin");
    await engine().begin((conn) => conn.execute(`create table ${table} (x int)`));
  });
  after(async () => {
    await engine().begin((conn) => conn.execute(`drop table ${table}`));
  });
  const xs = () => engine().connect((conn) => conn.scalars<{ x: number }>(`select x from ${table} order by x`));

  test("commits at the end of its callback, and the scope goes on", async () => {
    const after = await engine().connect(async (conn) => {
      await conn.begin(async (c) => {
        await c.execute(`insert into ${table} values (1)`);
      });
      assert.equal(conn.inTransaction, false);
      return conn.scalar(`select count(*)::int from ${table}`);
    });
    assert.equal(after, 1);
    assert.deepEqual(await xs(), [1]);
  });

  test("rolls back and rethrows when its callback throws", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(
        conn.begin(async () => {
          await conn.execute(`insert into ${table} values (2)`);
          throw new Error("undo");
        }),
        /undo/,
      );
    });
    assert.deepEqual(await xs(), [1]);
  });

  test("takes isolation options for its transaction", async () => {
    const level = await engine().connect((conn) => conn.begin(isolation, { isolationLevel: "serializable" }));
    assert.equal(level, "serializable");
  });

  test("is refused while a transaction is open, inside engine.begin(), and around conn.commit()", async () => {
    await engine().connect(async (conn) => {
      await conn.execute("select 1");
      await assert.rejects(conn.begin(async () => undefined), (err: unknown) => err instanceof ScopeError && /already open/.test((err as Error).message));
      await conn.rollback();
      await assert.rejects(conn.begin(() => conn.commit()), ScopeError);
    });
    await engine().begin(async (conn) => {
      await assert.rejects(conn.begin(async () => undefined), ScopeError);
    });
  });
});

describeEachTarget("conn.scalar() and conn.scalars()", ({ engine }) => {
  test("return the first column of the first row, and of every row", async () => {
    await engine().connect(async (conn) => {
      assert.equal(await conn.scalar("select $1::int + 1 as n", [41]), 42);
      assert.equal(await conn.scalar("select 1 where false"), undefined);
      assert.deepEqual(await conn.scalars(sql<{ n: number }>`select generate_series(1, 3) as n`), [1, 2, 3]);
      assert.deepEqual(await conn.scalars(conn.db.selectNoFrom(sql<string>`'a'`.as("s"))), ["a"]);
    });
  });

  test("take the same arguments as execute and refuse the same wrong ones", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.scalar("select $1::int", { x: 1 } as never), ArgumentError);
      const scalars = conn.scalars.bind(conn) as (...args: unknown[]) => Promise<unknown>;
      await assert.rejects(scalars(sql`select 1`, [1]), ArgumentError);
    });
  });
});
