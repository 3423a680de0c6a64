import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ArgumentError, ProgrammingError, ScopeError } from "../src/index.js";
import { collector } from "./support/collector.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

/**
 * Retained memory (after a full GC) sampled every 100k rows from the first
 * 100k on, once the cursor, PGlite's buffers and the JIT have warmed up: flat
 * means it does not grow with the row count. Without the GC the samples would
 * only show the collector's sawtooth. It is the JavaScript heap plus memory
 * held outside it (PGlite's WebAssembly memory, buffers), not RSS: RSS also
 * moves when the allocator hands freed pages back or takes them again (a
 * disposed engine's 400 MB, say), which says nothing about what the stream holds.
 */
function retainedMemory(): { warm(): Promise<void>; sample(seen: number): void; growthMb(): number } {
  const gc = collector();
  let warm: number | undefined;
  let peak = 0;
  const retained = () => {
    gc();
    const { heapUsed, external } = process.memoryUsage();
    return heapUsed + external;
  };
  return {
    /**
     * Takes the baseline now rather than at the 100,000th row. Memory an
     * earlier engine held (a disposed PGlite's WebAssembly memory) goes only
     * after a few collections with turns of the event loop between them.
     */
    async warm() {
      let now = retained();
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        const next = retained();
        if (next > now - 2 ** 20) break;
        now = next;
      }
      warm = peak = Math.min(now, retained());
    },
    sample(seen) {
      if (seen % 100_000 !== 0) return;
      const now = retained();
      if (warm === undefined) warm = now;
      peak = Math.max(peak, now);
    },
    growthMb: () => (peak - (warm ?? peak)) / 2 ** 20,
  };
}

describeEachTarget("streaming", ({ target, engine }) => {
  let table: string;
  const total = 1_000_000;

  before(async () => {
    table = uniqueName("stream_rows");
    await engine().begin(async (conn) => {
      await conn.execute(`create table ${table} (id int primary key, label text not null)`);
      await conn.execute(`insert into ${table} select i, 'row ' || i from generate_series(1, ${total}) as i`);
    });
  });
  after(async () => {
    await engine().begin((conn) => conn.execute(`drop table ${table}`));
  });

  test("streams every row of 1M in order with flat memory", async () => {
    const memory = retainedMemory();
    let seen = 0;
    let ordered = true;
    await engine().connect(async (conn) => {
      for await (const row of conn.stream<{ id: number; label: string }>(`select id, label from ${table} order by id`, [], { batchSize: 1000 })) {
        seen++;
        if (row.id !== seen) ordered = false;
        memory.sample(seen);
      }
    });
    assert.equal(seen, total);
    assert.ok(ordered, "rows arrive in order");
    // The other 900k rows held at once would take several hundred MB (PEERS.md).
    assert.ok(memory.growthMb() < 30, `retained memory grew ${memory.growthMb().toFixed(0)} MB over the last 900k rows`);
  });

  test("partitions of 1M rows arrive in order with flat memory", async () => {
    // The baseline comes before the stream, after a first run of the same query that warms the
    // cursor, PGlite's buffers and the JIT: partitions that read every row ahead would otherwise
    // hold them all from the first partition on, and look flat from there.
    const query = `select id, label from ${table} order by id`;
    await engine().connect(async (conn) => {
      let warmed = 0;
      for await (const part of conn.stream(query, [], { batchSize: 1000 }).partitions(700)) {
        warmed += part.length;
        if (warmed >= 100_000) break;
      }
    });
    const memory = retainedMemory();
    await memory.warm();
    let seen = 0;
    let ordered = true;
    let partitions = 0;
    await engine().connect(async (conn) => {
      const stream = conn.stream<{ id: number; label: string }>(query, [], { batchSize: 1000 });
      // 700 rows a partition: partitions straddle the 1000-row batches.
      for await (const part of stream.partitions(700)) {
        partitions++;
        for (const row of part) {
          seen++;
          if (row.id !== seen) ordered = false;
          memory.sample(seen);
        }
      }
    });
    assert.equal(seen, total);
    assert.equal(partitions, Math.ceil(total / 700));
    assert.ok(ordered, "rows arrive in order");
    assert.ok(memory.growthMb() < 30, `retained memory grew ${memory.growthMb().toFixed(0)} MB over 1M rows`);
  });

  test("batchSize sets the rows per fetch and any batch size yields the same rows", async () => {
    const ids = async (batchSize: number) =>
      engine().connect(async (conn) => {
        const out: number[] = [];
        for await (const row of conn.stream<{ id: number }>(`select id from ${table} where id <= $1 order by id`, [25], { batchSize })) out.push(row.id);
        return out;
      });
    const expected = Array.from({ length: 25 }, (_, i) => i + 1);
    assert.deepEqual(await ids(1), expected);
    assert.deepEqual(await ids(7), expected);
    assert.deepEqual(await ids(25), expected);
    assert.deepEqual(await ids(1000), expected);
  });

  test("break closes the cursor and the next scope is served at once", async () => {
    const first: number[] = [];
    await engine().connect(async (conn) => {
      for await (const row of conn.stream<{ id: number }>(`select id from ${table} order by id`, [], { batchSize: 100 })) {
        first.push(row.id);
        if (first.length === 3) break;
      }
      const cursors = (await conn.execute("select count(*)::int from pg_cursors where name like 'pglite_lab%'")).scalar();
      assert.equal(cursors, 0, "no cursor left open after break");
    });
    assert.deepEqual(first, [1, 2, 3]);
    const started = Date.now();
    const value = await engine().connect(async (conn) => (await conn.execute("select 1 as one")).scalar());
    assert.equal(value, 1);
    assert.ok(Date.now() - started < 5000);
  });

  test("rows asked for without waiting, across batch boundaries, arrive in order, once each", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<{ id: number }>(`select id from ${table} where id <= 7 order by id`, [], { batchSize: 2 });
      const results = await Promise.all(Array.from({ length: 9 }, () => stream.next()));
      assert.deepEqual(
        results.map((r) => (r.done ? "done" : r.value.id)),
        [1, 2, 3, 4, 5, 6, 7, "done", "done"],
      );
    });
  });

  test("return() while a batch is on its way ends the stream and closes the cursor", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<{ id: number }>(`select id from ${table} order by id`, [], { batchSize: 50 });
      const first = stream.next(); // starts the first FETCH
      const ended = stream.return(undefined);
      assert.equal(((await first) as IteratorYieldResult<{ id: number }>).value.id, 1);
      assert.deepEqual(await ended, { value: undefined, done: true });
      assert.deepEqual(await stream.next(), { value: undefined, done: true });
      const cursors = (await conn.execute("select count(*)::int from pg_cursors where name like 'pglite_lab%'")).scalar();
      assert.equal(cursors, 0, "no cursor left open after return()");
    });
  });

  test("a throw inside the loop closes the cursor and rolls the scope back", async () => {
    await assert.rejects(
      engine().begin(async (conn) => {
        await conn.execute(`update ${table} set label = 'changed' where id = 1`);
        for await (const row of conn.stream<{ id: number }>(`select id from ${table} order by id`)) {
          if (row.id === 10) throw new Error("stop here");
        }
      }),
      /stop here/,
    );
    const label = await engine().connect(async (conn) => (await conn.execute(`select label from ${table} where id = 1`)).scalar());
    assert.equal(label, "row 1");
  });

  test("Kysely queries from conn.db and table-built queries stream too", async () => {
    await engine().connect(async (conn) => {
      const rows: unknown[] = [];
      for await (const row of conn.db.selectFrom(table).select("id").where("id", "<=", 3).orderBy("id").stream(2)) rows.push(row);
      assert.deepEqual(rows, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    });
  });

  test("engine.kysely streams outside a scope", async () => {
    const rows: unknown[] = [];
    for await (const row of engine().kysely.selectFrom(table).select("id").where("id", "<=", 2).orderBy("id").stream()) rows.push(row);
    assert.deepEqual(rows, [{ id: 1 }, { id: 2 }]);
  });

  test("a bad query fails at the first fetch with the statement named", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(
        (async () => {
          for await (const _ of conn.stream("select nope from nowhere_at_all")) void _;
        })(),
        (err: unknown) => err instanceof ProgrammingError && /nowhere_at_all/.test((err as Error).message),
      );
    });
  });

  test("a stream read after its scope ended is a ScopeError", async () => {
    const stream = await engine().connect(async (conn) => {
      const s = conn.stream<{ id: number }>(`select id from ${table} order by id`, [], { batchSize: 2 });
      await s.next();
      return s;
    });
    await assert.rejects(stream.next(), ScopeError);
  });

  test("a stream started but not awaited is closed inside its scope, and the next scope is not harmed", async () => {
    await engine().connect(async (conn) => {
      await conn.execute("select 1");
      void conn.stream("select generate_series(1, 10)", [], { batchSize: 2 }).next();
    });
    await engine().begin((conn) => conn.execute(`update ${table} set label = 'after' where id = 1`));
    const label = await engine().connect(async (conn) => (await conn.execute(`select label from ${table} where id = 1`)).scalar());
    assert.equal(label, "after");
    await engine().begin((conn) => conn.execute(`update ${table} set label = 'row 1' where id = 1`));
  });

  test("a stream left half-read does not keep its scope from committing", async () => {
    const conn = await engine().begin(async (c) => {
      await c.execute(`update ${table} set label = 'half' where id = 2`);
      const stream = c.stream<{ id: number }>(`select id from ${table} order by id`, { batchSize: 5 });
      await stream.next();
      return c;
    });
    assert.equal(conn.closed, true);
    const label = await engine().connect((c) => c.scalar(`select label from ${table} where id = 2`));
    assert.equal(label, "half");
    await engine().begin((c) => c.execute(`update ${table} set label = 'row 2' where id = 2`));
  });

  test("a batchSize that is not a positive whole number is refused", async () => {
    await engine().connect(async (conn) => {
      assert.throws(() => conn.stream("select 1", [], { batchSize: 0 }), ArgumentError);
    });
  });

  void target;
});
