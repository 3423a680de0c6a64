import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { describeEachTarget, uniqueName } from "./support/targets.js";

// kysely-pglite hands every caller the same PGlite session, so concurrent
// transactions interleave and one's ROLLBACK undoes the other's committed work
// (PEERS.md). Scopes must be isolated on every target.
describeEachTarget("isolation of concurrent scopes", ({ engine }) => {
  const accounts = 10;
  const start = 1000;
  let table: string;

  before(async () => {
    table = uniqueName("accounts");
    await engine().begin(async (conn) => {
      await conn.execute(`create table ${table} (id int primary key, balance int not null)`);
      await conn.execute(`insert into ${table} select i, ${start} from generate_series(1, ${accounts}) as i`);
      await conn.execute(`create table ${table}_log (transfer int primary key)`);
    });
  });
  after(async () => {
    await engine().begin(async (conn) => {
      await conn.execute(`drop table ${table}`);
      await conn.execute(`drop table ${table}_log`);
    });
  });

  test("200 concurrent transfers, a quarter failing midway, keep the total and every successful transfer", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        engine().begin(async (conn) => {
          const from = (i % accounts) + 1;
          const to = ((i * 7 + 3) % accounts) + 1;
          const amount = (i % 13) + 1;
          // Lock both accounts in id order first: on a server the transfers really run at once, and
          // two of them locking the same rows in opposite orders would deadlock (SQLSTATE 40P01).
          await conn.execute(`select id from ${table} where id in ($1, $2) order by id for update`, [from, to]);
          await conn.execute(`update ${table} set balance = balance - $1 where id = $2`, [amount, from]);
          // Yield to the event loop so that other scopes get every chance to interleave.
          await new Promise((r) => setTimeout(r, i % 3));
          if (i % 4 === 0) throw new Error(`transfer ${i} fails midway`);
          await conn.execute(`update ${table} set balance = balance + $1 where id = $2`, [amount, to]);
          await conn.execute(`insert into ${table}_log values ($1)`, [i]);
        }),
      ),
    );
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(failed.length, 50);
    for (const f of failed) assert.match(String((f as PromiseRejectedResult).reason), /fails midway/);

    await engine().connect(async (conn) => {
      const total = (await conn.execute(`select sum(balance)::int as total from ${table}`)).scalar();
      assert.equal(total, accounts * start);
      const logged = (await conn.execute<{ transfer: number }>(`select transfer from ${table}_log order by transfer`)).scalars();
      const expected = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 4 !== 0);
      assert.deepEqual(logged, expected);
      // Each account's balance is exactly what the successful transfers make it.
      const want = new Map<number, number>();
      for (let id = 1; id <= accounts; id++) want.set(id, start);
      for (const i of expected) {
        const from = (i % accounts) + 1;
        const to = ((i * 7 + 3) % accounts) + 1;
        const amount = (i % 13) + 1;
        want.set(from, (want.get(from) ?? 0) - amount);
        want.set(to, (want.get(to) ?? 0) + amount);
      }
      const rows = (await conn.execute<{ id: number; balance: number }>(`select id, balance from ${table} order by id`)).rows;
      assert.deepEqual(rows.map((r) => [r.id, r.balance]), [...want.entries()].sort((a, b) => a[0] - b[0]));
    });
  });
});
