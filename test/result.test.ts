import assert from "node:assert/strict";
import { test } from "node:test";
import { Result, ResultError } from "../src/index.js";

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
