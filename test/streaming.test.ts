import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ArgumentError, IntegrityError, ProgrammingError, ScopeError, StatementError, type Connection, type Engine } from "../src/index.js";
import type { Kysely } from "kysely";
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

/** Every row of a stream, in order. */
async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Tables made by `tableOf`, dropped after each target's tests. */
const made: string[] = [];

/** A fresh table `(id int primary key, label text)` holding ids 1..count. */
async function tableOf(engine: Engine, prefix: string, count: number): Promise<string> {
  const name = uniqueName(prefix);
  made.push(name);
  await engine.begin(async (conn) => {
    await conn.execute(`create table ${name} (id int primary key, label text not null)`);
    await conn.execute(`insert into ${name} select i, 'row ' || i from generate_series(1, ${count}) as i`);
  });
  return name;
}

async function countOf(conn: Connection, table: string): Promise<number> {
  return (await conn.execute<{ n: number }>(`select count(*)::int as n from ${table}`)).scalar() as number;
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

  test("a row handed out is not kept alive by the stream while the rest of its batch is read", async () => {
    const gc = collector();
    await engine().connect(async (conn) => {
      const stream = conn.stream<{ id: number }>(`select id from ${table} where id <= 10 order by id`, [], { batchSize: 10 });
      const first = new WeakRef(((await stream.next()) as IteratorYieldResult<object>).value);
      const taken = new WeakRef((await stream.fetchMany(2))[0] as object);
      // A turn of the event loop: a WeakRef keeps its target alive until the end of the job that made it.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      assert.equal(first.deref(), undefined, "the row from next() was collected");
      assert.equal(taken.deref(), undefined, "the row from fetchMany() was collected");
      assert.deepEqual((await stream.fetchMany(7)).map((row) => row.id), [4, 5, 6, 7, 8, 9, 10]);
    });
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

describeEachTarget("streaming every statement that returns rows", ({ engine }) => {
  type Row = { id: number; label: string };
  after(async () => {
    const tables = made.splice(0);
    if (tables.length > 0) await engine().begin((conn) => conn.execute(`drop table if exists ${tables.join(", ")}`));
  });
  const apis = ["conn.stream()", "conn.db … .stream()", "engine.kysely … .stream()"] as const;
  type Api = (typeof apis)[number];
  type Kind = "insert" | "update" | "delete";

  /** `kind … returning` built on `db` and streamed 2 rows at a time. */
  function kyselyReturning(db: Kysely<any>, kind: Kind, table: string): Promise<Row[]> {
    const columns = ["id", "label"] as const;
    const query =
      kind === "insert"
        ? db.insertInto(table).values([11, 12, 13].map((id) => ({ id, label: `new ${id}` }))).returning(columns)
        : kind === "update"
          ? db.updateTable(table).set({ label: "changed" }).where("id", "<=", 3).returning(columns)
          : db.deleteFrom(table).where("id", "<=", 3).returning(columns);
    return collect(query.stream(2)) as Promise<Row[]>;
  }

  /** The rows `kind … returning` streams through `api`; conn.stream and conn.db run in a begin() scope. */
  async function returning(api: Api, kind: Kind, table: string): Promise<Row[]> {
    if (api === "engine.kysely … .stream()") return kyselyReturning(engine().kysely, kind, table);
    return engine().begin(async (conn) => {
      if (api === "conn.db … .stream()") return kyselyReturning(conn.db, kind, table);
      const statement =
        kind === "insert"
          ? `insert into ${table} values (11, 'new 11'), (12, 'new 12'), (13, 'new 13') returning id, label`
          : kind === "update"
            ? `update ${table} set label = 'changed' where id <= 3 returning id, label`
            : `delete from ${table} where id <= 3 returning id, label`;
      return collect(conn.stream<Row>(statement, [], { batchSize: 2 }));
    });
  }

  const expected: Record<Kind, { rows: Row[]; count: number }> = {
    insert: { rows: [{ id: 11, label: "new 11" }, { id: 12, label: "new 12" }, { id: 13, label: "new 13" }], count: 8 },
    update: { rows: [1, 2, 3].map((id) => ({ id, label: "changed" })), count: 5 },
    delete: { rows: [1, 2, 3].map((id) => ({ id, label: `row ${id}` })), count: 2 },
  };

  for (const api of apis) {
    for (const kind of ["insert", "update", "delete"] as const) {
      test(`${kind} … returning streams its rows through ${api}, and the change is made`, async () => {
        const table = await tableOf(engine(), `stream_${kind}`, 5);
        const rows = await returning(api, kind, table);
        assert.deepEqual(
          rows.sort((a, b) => a.id - b.id),
          expected[kind].rows,
        );
        await engine().connect(async (conn) => {
          assert.equal(await countOf(conn, table), expected[kind].count);
          if (kind === "update") assert.equal((await conn.execute(`select count(*)::int from ${table} where label = 'changed'`)).scalar(), 3);
        });
      });
    }
  }

  test("a data-modifying WITH streams the rows of its final query", async () => {
    const table = await tableOf(engine(), "stream_with", 6);
    const rows = await engine().begin((conn) =>
      collect(conn.stream(`with gone as (delete from ${table} where id > 2 returning id) select id * 10 as tens from gone order by id`, [], { batchSize: 3 })),
    );
    assert.deepEqual(rows, [{ tens: 30 }, { tens: 40 }, { tens: 50 }, { tens: 60 }]);
    assert.equal(await engine().connect((conn) => countOf(conn, table)), 2);
  });

  test("VALUES, TABLE and SHOW stream like SELECT", async () => {
    const table = await tableOf(engine(), "stream_table", 3);
    await engine().connect(async (conn) => {
      assert.deepEqual(await collect(conn.stream("values (1, 'a'), (2, 'b'), (3, 'c')", [], { batchSize: 2 })), [
        { column1: 1, column2: "a" },
        { column1: 2, column2: "b" },
        { column1: 3, column2: "c" },
      ]);
      const all = await collect(conn.stream<Row>(`table ${table}`, [], { batchSize: 2 }));
      assert.deepEqual(all.map((r) => r.id).sort(), [1, 2, 3]);
      assert.deepEqual(await collect(conn.stream("show timezone")), [{ TimeZone: "UTC" }]);
    });
  });

  test("a statement that returns no rows runs and streams nothing", async () => {
    const table = await tableOf(engine(), "stream_norows", 0);
    const rows = await engine().begin((conn) => collect(conn.stream(`insert into ${table} select i, 'x' from generate_series(1, 4) as i`)));
    assert.deepEqual(rows, []);
    assert.equal(await engine().connect((conn) => countOf(conn, table)), 4);
  });

  test("a streamed row holds exactly the values conn.execute() returns for it", async () => {
    const query = `select 9007199254740993::int8 as big, 7::int8 as small, 1.50::numeric(5, 2) as price,
      '2024-01-02 03:04:05.123'::timestamp as ts, '2024-01-02 03:04:05+02'::timestamptz as tz, '2024-02-29'::date as d,
      '{"a": [1, null]}'::jsonb as jb, '[1]'::json as j, '\\x00ff'::bytea as b, array[1, 2]::int8[] as ints,
      array['2024-01-01'::date, null] as dates, '1 day 02:00'::interval as iv, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u,
      true as yes, 1.5::float8 as f, 'ünïcødé ✓ 𝄞' as t, null::text as nothing, 1 as dup, 2 as dup, 3 as gone, null::int as gone, $1::text as param`;
    await engine().connect(async (conn) => {
      const fetched = (await conn.execute(query, ["given"])).rows;
      assert.deepStrictEqual(await collect(conn.stream(query, ["given"])), fetched);
      assert.equal(Object.keys(fetched[0] as object).length, 20);
      assert.equal((fetched[0] as { gone: unknown }).gone, null, "under a repeated name the last value wins, NULL too");
    });
  });

  test("values larger than a chunk of output arrive whole, in order", async () => {
    // PGlite writes its output 8 KB at a time; a row larger than that spans several writes.
    const query = "select i, repeat('é✓', i * 3000) as wide from generate_series(1, 6) as i";
    await engine().connect(async (conn) => {
      const fetched = (await conn.execute(query)).rows;
      assert.deepStrictEqual(await collect(conn.stream(query, [], { batchSize: 4 })), fetched);
    });
  });

  test("a failing RETURNING statement fails before its first row, names the statement, and leaves nothing written", async () => {
    const table = await tableOf(engine(), "stream_fail", 0);
    const yielded: unknown[] = [];
    const statement = `insert into ${table} select case when i = 50 then 1 else i end, 'x' from generate_series(1, 100) as i returning id`;
    await assert.rejects(
      engine().begin(async (conn) => {
        for await (const row of conn.stream(statement, [], { batchSize: 10 })) yielded.push(row);
      }),
      (err: unknown) => err instanceof IntegrityError && (err as Error).message.includes(statement),
    );
    // PostgreSQL runs a statement with RETURNING to its end before it hands out a row.
    assert.deepEqual(yielded, []);
    assert.equal(await engine().connect((conn) => countOf(conn, table)), 0);
  });

  test("breaking out of a RETURNING stream leaves every row written, and begin() commits them", async () => {
    const table = await tableOf(engine(), "stream_break_begin", 0);
    const seen = await engine().begin(async (conn) => {
      const out: unknown[] = [];
      for await (const row of conn.stream(`insert into ${table} select i, 'x' from generate_series(1, 100) as i returning id`, [], { batchSize: 10 })) {
        out.push(row);
        if (out.length === 3) break;
      }
      // The statement ran to completion at the first batch; leaving the loop only closed its portal.
      assert.equal(await countOf(conn, table), 100);
      return out;
    });
    assert.equal(seen.length, 3);
    assert.equal(await engine().connect((conn) => countOf(conn, table)), 100);
  });

  test("breaking out of a RETURNING stream in connect() writes nothing unless the scope commits", async () => {
    const table = await tableOf(engine(), "stream_break_connect", 0);
    await engine().connect(async (conn) => {
      for await (const _ of conn.stream(`insert into ${table} select i, 'x' from generate_series(1, 100) as i returning id`, [], { batchSize: 10 })) break;
      assert.equal(await countOf(conn, table), 100);
    });
    assert.equal(await engine().connect((conn) => countOf(conn, table)), 0);
  });

  test("breaking out of an engine.kysely RETURNING stream keeps its writes: the statement ran, its own transaction commits", async () => {
    const table = await tableOf(engine(), "stream_break_kysely", 0);
    const rows = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, label: "k" }));
    for await (const _ of engine().kysely.insertInto(table).values(rows).returning("id").stream(5)) break;
    assert.equal(await engine().connect((conn) => countOf(conn, table)), 20);
  });

  test("a write between two batches of an open stream runs at once, and the stream goes on", { timeout: 60_000 }, async () => {
    const source = await tableOf(engine(), "stream_source", 10);
    const log = await tableOf(engine(), "stream_log", 0);
    await engine().begin(async (conn) => {
      const ids: number[] = [];
      for await (const row of conn.stream<Row>(`select id from ${source} order by id`, [], { batchSize: 3 })) {
        ids.push(row.id);
        await conn.execute(`insert into ${log} values ($1, 'seen')`, [row.id]);
        if (row.id === 4) assert.equal(await countOf(conn, log), 4); // the second batch is open
      }
      assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });
    assert.equal(await engine().connect((conn) => countOf(conn, log)), 10);
  });

  test("a RETURNING stream and writes in the loop share the scope's transaction", { timeout: 60_000 }, async () => {
    const table = await tableOf(engine(), "stream_moves", 6);
    const archive = await tableOf(engine(), "stream_archive", 0);
    await engine().begin(async (conn) => {
      for await (const row of conn.stream<Row>(`delete from ${table} returning id, label`, [], { batchSize: 2 })) {
        await conn.execute(`insert into ${archive} values ($1, $2)`, [row.id, row.label]);
      }
    });
    await engine().connect(async (conn) => {
      assert.equal(await countOf(conn, table), 0);
      assert.equal(await countOf(conn, archive), 6);
    });
  });

  test("a scope can write and end while its stream is unfinished; the stream then refuses to go on", { timeout: 60_000 }, async () => {
    const source = await tableOf(engine(), "stream_unfinished", 10);
    const log = await tableOf(engine(), "stream_unfinished_log", 0);
    const stream = await engine().begin(async (conn) => {
      const s = conn.stream<Row>(`select id from ${source} order by id`, [], { batchSize: 2 });
      assert.equal(((await s.next()) as IteratorYieldResult<Row>).value.id, 1);
      await conn.execute(`insert into ${log} values (1, 'between')`);
      return s;
    });
    assert.equal(await engine().connect((conn) => countOf(conn, log)), 1);
    await assert.rejects(stream.next(), ScopeError);
  });

  test("a commit inside the loop ends the stream with an error that says why", async () => {
    const source = await tableOf(engine(), "stream_commit_inside", 10);
    await engine().connect(async (conn) => {
      await assert.rejects(
        (async () => {
          for await (const row of conn.stream<Row>(`select id from ${source} order by id`, [], { batchSize: 2 })) {
            if (row.id === 1) await conn.commit();
          }
        })(),
        (err: unknown) => err instanceof StatementError && /transaction it was opened in ended/.test((err as Error).message),
      );
    });
  });

  test("two statements in one string are refused as conn.execute() refuses them", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(collect(conn.stream("select 1; select 2")), ProgrammingError);
    });
  });

  test("a batch size equal to the row count, or one more, or the largest allowed, yields each row once", async () => {
    const table = await tableOf(engine(), "stream_exact", 6);
    await engine().connect(async (conn) => {
      for (const batchSize of [1, 3, 6, 7, 1_000_000]) {
        const rows = await collect(conn.stream<Row>(`select id from ${table} order by id`, [], { batchSize }));
        assert.deepEqual(rows.map((r) => r.id), [1, 2, 3, 4, 5, 6], `batchSize ${batchSize}`);
      }
    });
  });

  test("a batch size outside 1 … 1,000,000 is an ArgumentError, and nothing runs", async () => {
    const table = await tableOf(engine(), "stream_badsize", 0);
    const insert = `insert into ${table} values (1, 'x') returning id`;
    await engine().begin(async (conn) => {
      for (const batchSize of [0, -1, 1.5, Number.NaN, 1_000_001, 2 ** 31, 1e12]) {
        // Refused at the call or at the first row: either way before the statement runs.
        await assert.rejects(async () => collect(conn.stream(insert, [], { batchSize })), ArgumentError, `batchSize ${batchSize}`);
      }
      assert.equal(await countOf(conn, table), 0);
    });
  });

  test("a Kysely chunk size the protocol cannot ask for is an ArgumentError, on conn.db and engine.kysely", async () => {
    const table = await tableOf(engine(), "stream_badchunk", 3);
    for (const chunk of [0, -2, 2.5, 1e12]) {
      await engine().connect(async (conn) => {
        await assert.rejects(collect(conn.db.selectFrom(table).select("id").stream(chunk)), ArgumentError, `conn.db chunk ${chunk}`);
      });
      await assert.rejects(collect(engine().kysely.selectFrom(table).select("id").stream(chunk)), ArgumentError, `engine.kysely chunk ${chunk}`);
    }
  });
});
