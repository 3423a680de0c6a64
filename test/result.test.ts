import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, Result, ResultError } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

const rows = [
  { id: 1, name: "a" },
  { id: 2, name: "b" },
  { id: 3, name: "c" },
];

test("fetchOne walks the rows and returns undefined at the end", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  assert.deepEqual(res.fetchOne(), rows[0]);
  assert.deepEqual(res.fetchOne(), rows[1]);
  assert.deepEqual(res.fetchOne(), rows[2]);
  assert.equal(res.fetchOne(), undefined);
});

test("fetchAll returns the rows not yet fetched", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  res.fetchOne();
  assert.deepEqual(res.fetchAll(), rows.slice(1));
  assert.deepEqual(res.fetchAll(), []);
  assert.equal(res.rows.length, 3, "rows is not consumed by fetching");
});

test("fetchMany returns up to n rows", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  assert.deepEqual(res.fetchMany(2), rows.slice(0, 2));
  assert.deepEqual(res.fetchMany(2), rows.slice(2));
});

test("first, scalar and scalars read the first row and first column", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  assert.deepEqual(res.first(), rows[0]);
  assert.equal(res.scalar(), 1);
  assert.deepEqual(res.scalars(), [1, 2, 3]);
});

test("one throws ResultError for zero or several rows", () => {
  assert.throws(() => new Result([], ["id"], 0, "SELECT").one(), (err: unknown) => err instanceof ResultError && /none/.test((err as Error).message));
  assert.throws(() => new Result(rows, ["id", "name"], 3, "SELECT").one(), (err: unknown) => err instanceof ResultError && /3/.test((err as Error).message));
  assert.deepEqual(new Result([rows[0]], ["id", "name"], 1, "SELECT").one(), rows[0]);
});

test("an empty result gives undefined from first and scalar", () => {
  const res = new Result([], [], 0, "SELECT");
  assert.equal(res.first(), undefined);
  assert.equal(res.scalar(), undefined);
  assert.deepEqual(res.scalars(), []);
});

test("a result prints as a plain table", async () => {
  const { inspect } = await import("node:util");
  const text = inspect(new Result(rows, ["id", "name"], 3, "SELECT"));
  assert.match(text, /^ id \| name/);
  assert.match(text, /\(3 rows\)$/);
});

test("all() is fetchAll(): the rows not yet fetched, then nothing", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  res.fetchOne();
  assert.deepEqual(res.all(), rows.slice(1));
  assert.deepEqual(res.all(), []);
});

test("fetchMany after a partial read continues where fetchOne stopped, and returns [] at the end", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  res.fetchOne();
  assert.deepEqual(res.fetchMany(5), rows.slice(1));
  assert.deepEqual(res.fetchMany(5), []);
});

test("fetchMany and partitions refuse a size that is not a positive whole number", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  for (const size of [0, -1, 1.5, Number.NaN, "2" as unknown as number]) {
    assert.throws(() => res.fetchMany(size), (err: unknown) => err instanceof ArgumentError && /fetchMany\(size\)/.test((err as Error).message));
    assert.throws(() => res.partitions(size), (err: unknown) => err instanceof ArgumentError && /partitions\(size\)/.test((err as Error).message));
  }
  assert.deepEqual(res.fetchAll(), rows, "a refused call moved nothing");
});

test("partitions yields the rows not yet fetched in arrays of n, the last shorter, none empty", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  res.fetchOne();
  assert.deepEqual([...res.partitions(1)], [[rows[1]], [rows[2]]]);
  assert.deepEqual([...res.partitions(2)], [], "nothing is left");
  const again = new Result(rows, ["id", "name"], 3, "SELECT");
  assert.deepEqual([...again.partitions(2)], [rows.slice(0, 2), rows.slice(2)]);
});

test("whole-result reads see every row whatever was fetched", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  res.fetchAll();
  assert.deepEqual(res.first(), rows[0]);
  assert.deepEqual(res.scalars(), [1, 2, 3]);
  assert.deepEqual(res.tuples(), [[1, "a"], [2, "b"], [3, "c"]]);
  assert.deepEqual(res.mappings(), rows);
  assert.deepEqual([...res], rows);
});

test("oneOrNone returns undefined for no row, the row for one, and throws ResultError for two", () => {
  assert.equal(new Result([], ["id"], 0, "SELECT").oneOrNone(), undefined);
  assert.deepEqual(new Result([rows[0]], ["id", "name"], 1, "SELECT").oneOrNone(), rows[0]);
  assert.throws(
    () => new Result(rows.slice(0, 2), ["id", "name"], 2, "SELECT").oneOrNone(),
    (err: unknown) => err instanceof ResultError && /at most one row.*returned 2/.test((err as Error).message),
  );
});

test("scalarOne returns the first column of the only row and throws ResultError for none or two", () => {
  assert.equal(new Result([rows[1]], ["id", "name"], 1, "SELECT").scalarOne(), 2);
  assert.throws(() => new Result([], ["id"], 0, "SELECT").scalarOne(), (err: unknown) => err instanceof ResultError && /none/.test((err as Error).message));
  assert.throws(() => new Result(rows, ["id", "name"], 3, "SELECT").scalarOne(), (err: unknown) => err instanceof ResultError && /3/.test((err as Error).message));
});

test("scalarOneOrNone tells no row (undefined) from a NULL value (null)", () => {
  assert.equal(new Result([], ["email"], 0, "SELECT").scalarOneOrNone(), undefined);
  assert.equal(new Result([{ email: null }], ["email"], 1, "SELECT").scalarOneOrNone(), null);
  assert.throws(() => new Result([{ email: 1 }, { email: 2 }], ["email"], 2, "SELECT").scalarOneOrNone(), ResultError);
});

test("scalars(column) reads the named column and refuses a column the result does not have", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  assert.deepEqual(res.scalars("name"), ["a", "b", "c"]);
  assert.throws(() => res.scalars("nmae" as "name"), (err: unknown) => err instanceof ArgumentError && /"nmae".*"id", "name"/.test((err as Error).message));
});

test("tuples follow the column order, not the order of the row object's keys", () => {
  // Integer-like keys come first in a JavaScript object, whatever order the columns had.
  const res = new Result([{ city: "Oslo", "2024": 3 }], ["city", "2024"], 1, "SELECT");
  assert.deepEqual(Object.keys(res.rows[0] ?? {}), ["2024", "city"]);
  assert.deepEqual(res.tuples(), [["Oslo", 3]]);
});

test("tuples refuse a result with two columns of one name, naming it", () => {
  const res = new Result([{ a: 2 }], ["a", "a"], 1, "SELECT");
  assert.throws(() => res.tuples(), (err: unknown) => err instanceof ResultError && /two columns named "a"/.test((err as Error).message));
});

test("pick keeps the named columns in the given order and leaves the original alone", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  res.fetchOne();
  const picked = res.pick("name", "id");
  assert.deepEqual(picked.columns, ["name", "id"]);
  assert.deepEqual(picked.tuples(), [["a", 1], ["b", 2], ["c", 3]]);
  assert.deepEqual(picked.fetchOne(), { name: "a", id: 1 }, "a new result with a cursor of its own");
  assert.equal(picked.rowCount, 3);
  assert.deepEqual(res.fetchOne(), rows[1], "the original's cursor did not move");
});

test("pick refuses no names, an unknown name and a repeated name", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  assert.throws(() => res.pick(), ArgumentError);
  assert.throws(() => res.pick("id", "nope" as "name"), (err: unknown) => err instanceof ArgumentError && /"nope"/.test((err as Error).message));
  assert.throws(() => res.pick("id", "id"), (err: unknown) => err instanceof ArgumentError && /"id" twice/.test((err as Error).message));
});

test("unique keeps the first of equal rows, in order, comparing values by content", () => {
  const day = (iso: string) => new Date(iso);
  const data = [
    { at: day("2024-01-01"), doc: { b: 1, a: [1, 2] }, n: 1n, bytes: new Uint8Array([1]) },
    { at: day("2024-01-01"), doc: { a: [1, 2], b: 1 }, n: 1n, bytes: new Uint8Array([1]) },
    { at: day("2024-01-02"), doc: { a: [1, 2], b: 1 }, n: 1n, bytes: new Uint8Array([1]) },
    { at: day("2024-01-01"), doc: { a: [1, 2], b: 1 }, n: 1n, bytes: new Uint8Array([2]) },
  ];
  const res = new Result(data, ["at", "doc", "n", "bytes"], 4, "SELECT");
  assert.deepEqual(res.unique().rows, [data[0], data[2], data[3]]);
  assert.equal(res.unique().rowCount, 4, "rowCount still says what the statement did");
});

test("unique tells apart values of different types that print alike", () => {
  const res = new Result([{ v: 1 }, { v: "1" }, { v: 1n }, { v: null }, { v: "null" }, { v: 1 }], ["v"], 6, "SELECT");
  assert.deepEqual(res.unique().scalars(), [1, "1", 1n, null, "null"]);
});

test("unique with a key function keeps the first row of each key", () => {
  const res = new Result(
    [{ city: "Oslo", n: 1 }, { city: "Lima", n: 2 }, { city: "Oslo", n: 3 }],
    ["city", "n"],
    3,
    "SELECT",
  );
  assert.deepEqual(res.unique((row) => row.city).scalars("n"), [1, 2]);
  assert.deepEqual(res.unique((row) => [row.city, row.n > 1]).scalars("n"), [1, 2, 3]);
});

test("unique refuses a key that is not a function", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  assert.throws(() => res.unique("id" as unknown as () => unknown), (err: unknown) => err instanceof ArgumentError && /unique\(\) takes a function/.test((err as Error).message));
});

test("unique refuses a key that contains itself instead of overflowing the stack", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  const loop: unknown[] = [];
  loop.push(loop);
  assert.throws(() => res.unique(() => loop), ArgumentError);
});

test("new Result refuses what is not rows, column names, a count and a command tag, showing the call", () => {
  const refused = (make: () => unknown) => assert.throws(make, (err: unknown) => err instanceof ArgumentError && /new Result\(rows, columns, rowCount, command\)/.test((err as Error).message));
  refused(() => new Result(null as never, ["n"], 0, "SELECT"));
  refused(() => new Result([], "n" as never, 0, "SELECT"));
  refused(() => new Result([], [5] as never, 0, "SELECT"));
  refused(() => new Result([], ["n"], NaN, "SELECT"));
  refused(() => new Result([], ["n"], 0, 5 as never));
});

test("keys returns the column names as a new array", () => {
  const res = new Result(rows, ["id", "name"], 3, "SELECT");
  const keys = res.keys();
  keys.push("extra");
  assert.deepEqual(res.keys(), ["id", "name"]);
});

describeEachTarget("Result on a real statement", ({ engine }) => {
  test("tuples give the seed's [(1, '12'), (2, 'Welcome To My Domain')] shape from a table", async () => {
    const table = uniqueName("result_emps");
    const tuples = await engine().begin(async (conn) => {
      await conn.execute(`create table ${table} (id serial primary key, name text)`);
      await conn.execute(`insert into ${table} (name) values ($1), ($2)`, ["12", "Welcome To My Domain"]);
      const res = await conn.execute(`select * from ${table} order by id`);
      await conn.execute(`drop table ${table}`);
      return res.tuples();
    });
    assert.deepEqual(tuples, [[1, "12"], [2, "Welcome To My Domain"]]);
  });

  test("tuples and scalars follow the statement's column order even for integer-like names", async () => {
    const res = await engine().connect((conn) => conn.execute(`select 'Oslo' as city, 3 as "2024", 4 as "2025"`));
    assert.deepEqual(res.columns, ["city", "2024", "2025"]);
    assert.deepEqual(res.tuples(), [["Oslo", 3, 4]]);
    assert.deepEqual(res.scalars(), ["Oslo"]);
  });

  test("tuples refuse two columns of one name from a real statement", async () => {
    const res = await engine().connect((conn) => conn.execute("select 1 as a, 2 as a"));
    assert.throws(() => res.tuples(), ResultError);
  });

  test("pick keeps a column named __proto__ as a column, not as the row's prototype", async () => {
    const res = await engine().connect((conn) => conn.execute('select 1 as "__proto__", 2 as x'));
    const picked = res.pick("__proto__" as never, "x" as never);
    assert.deepEqual(Object.keys(picked.rows[0]!), ["__proto__", "x"]);
    assert.deepEqual(picked.tuples(), [[1, 2]]);
  });

  test("scalar refuses a first column whose name the statement repeats, rather than answer with the other column", async () => {
    // `select 1, 2` names both columns ?column?; the row object kept only the 2.
    const res = await engine().connect((conn) => conn.execute("select 1, 2"));
    const ambiguous = (err: unknown) => err instanceof ResultError && /2 columns named "\?column\?"/.test((err as Error).message);
    assert.throws(() => res.scalar(), ambiguous);
    assert.throws(() => res.scalarOne(), ambiguous);
    assert.throws(() => res.scalars(), ambiguous);
    assert.throws(() => res.pick("?column?"), ambiguous);
    const named = await engine().connect((conn) => conn.execute("select 1 as a, 2 as b, 3 as b"));
    assert.equal(named.scalar(), 1);
    assert.throws(() => named.scalars("b"), ResultError);
    assert.equal(await engine().connect((conn) => conn.scalar("select 1 as a, 2 as b")), 1);
  });

  test("unique compares dates, JSON documents and numerics from the database by content", async () => {
    const res = await engine().connect((conn) =>
      conn.execute(
        `select d::date as day, j::jsonb as doc, 1.50::numeric as price from (values ('2024-01-01', '{"b":1,"a":2}'), ('2024-01-01', '{"a":2,"b":1}'), ('2024-01-02', '{"a":2,"b":1}')) as v(d, j)`,
      ),
    );
    assert.equal(res.unique().rows.length, 2);
    assert.deepEqual(res.unique((row) => row["doc"]).rows.length, 1);
  });

  test("scalarOne, scalarOneOrNone and oneOrNone on lookups", async () => {
    await engine().connect(async (conn) => {
      assert.equal((await conn.execute("select $1::int * 2 as doubled", [21])).scalarOne(), 42);
      assert.equal((await conn.execute("select 1 as n where false")).oneOrNone(), undefined);
      assert.equal((await conn.execute("select null::text as email")).scalarOneOrNone(), null);
      const two = await conn.execute("select generate_series(1, 2) as n");
      assert.throws(() => two.scalarOne(), (err: unknown) => err instanceof ResultError && /returned 2/.test((err as Error).message));
    });
  });
});
