import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, AsyncFilterResult, AsyncResult, ResultError, ScopeError, sql, type Connection } from "../src/index.js";
import { describeEachTarget } from "./support/targets.js";

const SERIES = "select n, n * 10 as tens from generate_series(1, 10) as n";
type Row = { n: number; tens: number };

async function openCursors(conn: Connection): Promise<number> {
  return (await conn.execute<{ n: number }>("select count(*)::int as n from pg_cursors where name like 'pglite_lab%'")).scalarOne();
}

describeEachTarget("AsyncResult", ({ engine }) => {
  test("conn.stream returns an AsyncResult that for await still reads row by row", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 3 });
      assert.ok(stream instanceof AsyncResult);
      const seen: number[] = [];
      for await (const row of stream) seen.push(row.n);
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });
  });

  test("fetchOne, fetchMany and all continue where the last read stopped, across batches", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 3 });
      assert.equal((await stream.fetchOne())?.n, 1);
      assert.deepEqual((await stream.fetchMany(5)).map((r) => r.n), [2, 3, 4, 5, 6]);
      assert.deepEqual((await stream.all()).map((r) => r.n), [7, 8, 9, 10]);
      assert.deepEqual(await stream.fetchMany(5), []);
      assert.equal(await stream.fetchOne(), undefined);
      assert.deepEqual(await stream.fetchAll(), []);
    });
  });

  test("fetchMany without a size reads one batch's worth", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 4 });
      assert.deepEqual((await stream.fetchMany()).map((r) => r.n), [1, 2, 3, 4]);
      await stream.fetchOne();
      assert.deepEqual((await stream.fetchMany()).map((r) => r.n), [6, 7, 8, 9], "four more, across the batch boundary");
    });
  });

  test("partitions yields arrays of n, the last shorter, none empty, and defaults to the batch size", async () => {
    await engine().connect(async (conn) => {
      const parts: number[][] = [];
      for await (const part of conn.stream<Row>(SERIES, [], { batchSize: 3 }).partitions(4)) parts.push(part.map((r) => r.n));
      assert.deepEqual(parts, [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
      const sizes: number[] = [];
      for await (const part of conn.stream<Row>(SERIES, [], { batchSize: 3 }).partitions()) sizes.push(part.length);
      assert.deepEqual(sizes, [3, 3, 3, 1]);
      const exact: number[] = [];
      for await (const part of conn.stream<Row>(SERIES, [], { batchSize: 5 }).partitions(5)) exact.push(part.length);
      assert.deepEqual(exact, [5, 5], "no empty partition at the end");
    });
  });

  test("partitions after a partial read yields only the rows not yet read", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 3 });
      await stream.fetchMany(7);
      const parts: number[][] = [];
      for await (const part of stream.partitions(2)) parts.push(part.map((r) => r.n));
      assert.deepEqual(parts, [[8, 9], [10]]);
    });
  });

  test("break out of partitions closes the cursor", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 2 });
      for await (const part of stream.partitions(3)) {
        assert.equal(part.length, 3);
        break;
      }
      assert.equal(await openCursors(conn), 0);
      assert.deepEqual(await stream.fetchMany(3), [], "reads after closing find nothing");
    });
  });

  test("fetchMany and partitions refuse a size that is not a positive whole number, at the call", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream(SERIES);
      assert.throws(() => stream.partitions(0), (err: unknown) => err instanceof ArgumentError && /partitions\(size\)/.test((err as Error).message));
      await assert.rejects(stream.fetchMany(-2), (err: unknown) => err instanceof ArgumentError && /fetchMany\(size\)/.test((err as Error).message));
      assert.equal((await stream.fetchOne())?.["n"], 1, "nothing was read by the refused calls");
      await stream.close();
    });
  });

  test("scalars, mappings and tuples are views of the same cursor", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 3 });
      assert.deepEqual(await stream.fetchOne(), { n: 1, tens: 10 });
      assert.equal(await stream.scalars().fetchOne(), 2);
      assert.deepEqual(await stream.scalars("tens").fetchMany(2), [30, 40]);
      assert.deepEqual(await stream.mappings().fetchOne(), { n: 5, tens: 50 });
      assert.deepEqual(await stream.tuples().fetchMany(2), [[6, 60], [7, 70]]);
      const rest: number[] = [];
      for await (const n of stream.scalars()) rest.push(n);
      assert.deepEqual(rest, [8, 9, 10]);
    });
  });

  test("tuples and scalars follow the statement's column order, even for integer-like names", async () => {
    await engine().connect(async (conn) => {
      const query = `select 'Oslo' as city, 3 as "2024", 4 as "2025"`;
      assert.deepEqual(await conn.stream(query).tuples().all(), [["Oslo", 3, 4]]);
      assert.deepEqual(await conn.stream(query).scalars().all(), ["Oslo"]);
      assert.deepEqual(await conn.stream(query).keys(), ["city", "2024", "2025"]);
    });
  });

  test("tuples refuse two columns of one name and close the cursor", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.stream("select 1 as a, 2 as a").tuples().all(), (err: unknown) => err instanceof ResultError && /"a"/.test((err as Error).message));
      assert.equal(await openCursors(conn), 0);
    });
  });

  test("scalars of a column the statement lacks is an ArgumentError naming it, and the cursor closes", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES);
      await assert.rejects(stream.scalars("nope" as "n").fetchOne(), (err: unknown) => err instanceof ArgumentError && /"nope".*"n", "tens"/.test((err as Error).message));
      assert.equal(await openCursors(conn), 0);
      assert.equal(await stream.fetchOne(), undefined);
    });
  });

  test("scalars of a column the statement lacks is an ArgumentError even when the statement returns no rows", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.stream("select 1 as n where false").scalars("nope" as never).all(), (err: unknown) => err instanceof ArgumentError && /"nope".*"n"/.test((err as Error).message));
      assert.equal(await openCursors(conn), 0);
    });
  });

  test("scalar of a stream whose first column's name is repeated is a ResultError, not the other column's value", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.stream("select 1, 2").scalar(), (err: unknown) => err instanceof ResultError && /columns named "\?column\?"/.test((err as Error).message));
      await assert.rejects(conn.streamScalars("select 1 as a, 2 as a").all(), ResultError);
      assert.deepEqual(await conn.streamScalars("select 1 as a, 2 as b").all(), [1]);
    });
  });

  test("first returns the next row and closes the cursor", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 2 });
      assert.deepEqual(await stream.first(), { n: 1, tens: 10 });
      assert.equal(await openCursors(conn), 0);
      assert.equal(await stream.fetchOne(), undefined);
      assert.equal(await conn.stream("select 1 as n where false").first(), undefined);
    });
  });

  test("one returns the only row, and throws ResultError for none or several, closing the cursor", async () => {
    await engine().connect(async (conn) => {
      assert.deepEqual(await conn.stream("select 7 as n").one(), { n: 7 });
      await assert.rejects(conn.stream("select 1 where false").one(), (err: unknown) => err instanceof ResultError && /none/.test((err as Error).message));
      await assert.rejects(conn.stream(SERIES, [], { batchSize: 1 }).one(), (err: unknown) => err instanceof ResultError && /more than one/.test((err as Error).message));
      assert.equal(await openCursors(conn), 0);
    });
  });

  test("oneOrNone gives undefined for no row and throws ResultError for several", async () => {
    await engine().connect(async (conn) => {
      assert.equal(await conn.stream("select 1 where false").oneOrNone(), undefined);
      assert.deepEqual(await conn.stream("select 7 as n").oneOrNone(), { n: 7 });
      await assert.rejects(conn.stream(SERIES).oneOrNone(), (err: unknown) => err instanceof ResultError && /at most one row/.test((err as Error).message));
    });
  });

  test("scalar, scalarOne and scalarOneOrNone read the first column", async () => {
    await engine().connect(async (conn) => {
      assert.equal(await conn.stream(SERIES).scalar(), 1);
      assert.equal(await conn.stream("select 42 as answer").scalarOne(), 42);
      assert.equal(await conn.stream("select null::int as n").scalarOneOrNone(), null);
      assert.equal(await conn.stream("select 1 where false").scalarOneOrNone(), undefined);
      await assert.rejects(conn.stream("select 1 where false").scalarOne(), ResultError);
      assert.equal(await openCursors(conn), 0);
    });
  });

  test("keys reads no row, and names the columns of a statement that returns none", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 3 });
      assert.deepEqual(await stream.keys(), ["n", "tens"]);
      assert.equal((await stream.fetchOne())?.n, 1);
      assert.deepEqual(await conn.stream("select 1 as a, 'x' as b where false").keys(), ["a", "b"]);
    });
  });

  test("close closes the cursor, twice is harmless, and reads after it find nothing", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<Row>(SERIES, [], { batchSize: 2 });
      await stream.fetchOne();
      await stream.close();
      await stream.close();
      assert.equal(await openCursors(conn), 0);
      assert.equal(await stream.fetchOne(), undefined);
      assert.deepEqual(await stream.all(), []);
    });
  });

  test("a throw inside a loop over a view closes the cursor and rolls the scope back", async () => {
    await assert.rejects(
      engine().begin(async (conn) => {
        for await (const n of conn.stream<Row>(SERIES, [], { batchSize: 2 }).scalars()) {
          if (n === 3) throw new Error("stop at 3");
        }
      }),
      /stop at 3/,
    );
  });

  test("an error from the database part-way through fetchMany reaches the caller as a StatementError", async () => {
    await engine().connect(async (conn) => {
      const stream = conn.stream<{ q: number }>("select 10 / (3 - n) as q from generate_series(1, 5) as n", [], { batchSize: 1 });
      await assert.rejects(stream.fetchMany(5), /division by zero/);
      await conn.rollback();
      assert.equal(await stream.fetchOne(), undefined);
    });
  });

  test("streamScalars streams the first column of a Kysely query, an sql template and a string", async () => {
    await engine().connect(async (conn) => {
      const fromSql = conn.streamScalars(sql<{ n: number }>`select generate_series(1, 3) as n`);
      assert.ok(fromSql instanceof AsyncFilterResult);
      assert.deepEqual(await fromSql.all(), [1, 2, 3]);
      assert.deepEqual(await conn.streamScalars<{ s: string }>("select $1::text as s", ["hi"]).all(), ["hi"]);
      const kysely = conn.db.selectNoFrom(sql<number>`5`.as("five"));
      const five: number[] = await conn.streamScalars(kysely).all();
      assert.deepEqual(five, [5]);
    });
  });

  test("reading a stream after its scope ended is a ScopeError, whatever the method", async () => {
    const stream = await engine().connect(async (conn) => {
      const s = conn.stream<Row>(SERIES, [], { batchSize: 2 });
      await s.fetchOne();
      return s;
    });
    await assert.rejects(stream.fetchMany(2), ScopeError);
  });
});
