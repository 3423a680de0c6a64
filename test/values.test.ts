// How PostgreSQL values come back and go in (src/backends/value-parsers.ts):
// the same assertions on every target, then the same queries side by side on
// both engines when DATABASE_URL is set.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { bigint, createEngine, integer, json, jsonb, MetaData, numeric, type Engine } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const serverUrl = process.env["DATABASE_URL"];

/** One row of a query, on a fresh scope. */
function one(engine: Engine, sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>> {
  return engine.connect(async (conn) => (await conn.execute(sql, parameters)).one() as Record<string, unknown>);
}

describeEachTarget("values coming back", ({ engine }) => {
  test("bigint is a number when it is a safe integer and a bigint beyond 2^53", async () => {
    const row = await one(engine(), "select 5::int8 as small, 9007199254740991::int8 as max_safe, 9007199254740993::int8 as big, -9007199254740993::int8 as neg, count(*) as n from (values (1), (2)) v");
    assert.deepEqual(row, { small: 5, max_safe: Number.MAX_SAFE_INTEGER, big: 9007199254740993n, neg: -9007199254740993n, n: 2 });
  });

  test("numeric is a string with every digit, in arrays too", async () => {
    const row = await one(engine(), "select 12345678901234567890.123456789::numeric as n, 1.50::numeric(5, 2) as price, array[1.5, 2]::numeric[] as list");
    assert.deepEqual(row, { n: "12345678901234567890.123456789", price: "1.50", list: ["1.5", "2"] });
  });

  test("timestamp without time zone reads the stored wall time as UTC", async () => {
    const row = await one(engine(), "select '2024-01-02 03:04:05.123456'::timestamp as ts, array['2024-01-02 03:04:05'::timestamp] as list");
    assert.deepEqual(row, { ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123)), list: [new Date(Date.UTC(2024, 0, 2, 3, 4, 5))] });
  });

  test("timestamptz is the instant, whatever offset it was written with", async () => {
    const row = await one(engine(), "select '2024-01-02 03:04:05+02'::timestamptz as a, '2024-01-02 01:04:05Z'::timestamptz as b");
    assert.deepEqual(row, { a: new Date("2024-01-02T01:04:05Z"), b: new Date("2024-01-02T01:04:05Z") });
  });

  test("date is a Date at UTC midnight of that day", async () => {
    const row = await one(engine(), "select '2024-02-29'::date as d, array['2024-01-01'::date, null] as list");
    assert.deepEqual(row, { d: new Date("2024-02-29T00:00:00Z"), list: [new Date("2024-01-01T00:00:00Z"), null] });
  });

  test("infinity, BC years and years past 9999 keep their meaning", async () => {
    const row = await one(
      engine(),
      "select 'infinity'::timestamp as inf, '-infinity'::timestamptz as ninf, 'infinity'::date as dinf, '0044-03-15 12:00:00 BC'::timestamp as bc, '10000-01-01'::date as far",
    );
    const bc = new Date(Date.UTC(2000, 2, 15, 12));
    bc.setUTCFullYear(-43); // 44 BC is year -43 in the proleptic Gregorian calendar
    assert.deepEqual(row, { inf: Infinity, ninf: -Infinity, dinf: Infinity, bc, far: new Date(Date.UTC(10000, 0, 1)) });
  });

  test("json and jsonb come back parsed", async () => {
    const row = await one(engine(), `select '[1, "a", {"b": null}]'::json as j, '{"x": [true, 1.5]}'::jsonb as jb, array['{"a": 1}'::jsonb] as list, 'null'::jsonb as jnull`);
    assert.deepEqual(row, { j: [1, "a", { b: null }], jb: { x: [true, 1.5] }, list: [{ a: 1 }], jnull: null });
  });

  test("other types: booleans, floats, bytea, and the text of interval, time, uuid, money", async () => {
    const row = await one(
      engine(),
      "select true as t, 1.5::real as r, 'NaN'::float8 as nan, '\\x01ff'::bytea as bytes, '1 day 02:00:00'::interval as iv, '12:30'::time as tm, " +
        "'00000000-0000-0000-0000-000000000001'::uuid as id, '{{1,2},{3,4}}'::int[] as grid, array['a b', null, 'q\"x\\y']::text[] as words",
    );
    assert.deepEqual(row, {
      t: true,
      r: 1.5,
      nan: NaN,
      bytes: Uint8Array.from([1, 255]),
      iv: "1 day 02:00:00",
      tm: "12:30:00",
      id: "00000000-0000-0000-0000-000000000001",
      grid: [[1, 2], [3, 4]],
      words: ["a b", null, 'q"x\\y'],
    });
  });

  test("sessions run in UTC, so SQL-side conversions agree with the values read", async () => {
    const row = await one(engine(), "select current_setting('TimeZone') as tz, '2024-01-02 03:04:05+02'::timestamptz::timestamp as wall");
    assert.deepEqual(row, { tz: "UTC", wall: new Date("2024-01-02T01:04:05Z") });
  });
});

describeEachTarget("values going in", ({ engine }) => {
  const md = new MetaData();
  const name = uniqueName("values_in");
  const t = md.table(name, {
    id: integer().primaryKey(),
    big: bigint(),
    amount: numeric(30, 10),
    doc: json<unknown>(),
    docb: jsonb<unknown>(),
  });
  before(async () => {
    await engine().begin((conn) => md.createAll(conn));
  });
  after(async () => {
    await engine().begin((conn) => md.dropAll(conn));
  });

  test("a bigint beyond 2^53 goes in and comes back exactly, by every route", async () => {
    const big = 2n ** 60n + 1n;
    const rows = await engine().begin(async (conn) => {
      await conn.execute(`insert into ${name} (big) values ($1)`, [big]);
      await conn.execute(t.insert(), [{ big }]);
      await conn.db.insertInto(name).values({ big }).execute();
      const read = (await conn.execute(`select big, big::text as text from ${name} where big > 0 order by id`)).rows;
      await conn.execute(`delete from ${name}`);
      return read;
    });
    assert.deepEqual(rows, Array(3).fill({ big, text: "1152921504606846977" }));
  });

  test("numbers and strings go into numeric without losing digits", async () => {
    const rows = await engine().begin(async (conn) => {
      await conn.execute(t.insert(), [{ amount: "12345678901234567890.0123456789" }, { amount: 0.1 }]);
      const read = (await conn.execute(`select amount from ${name} order by id`)).scalars();
      await conn.execute(`delete from ${name}`);
      return read;
    });
    assert.deepEqual(rows, ["12345678901234567890.0123456789", "0.1000000000"]);
  });

  test("a JS array into json or jsonb is a JSON array, by every route", async () => {
    const doc = [1, "two", { three: [3] }, null];
    const rows = await engine().begin(async (conn) => {
      await conn.execute(`insert into ${name} (doc, docb) values ($1, $2)`, [doc, doc]);
      await conn.execute(t.insert(), [{ doc, docb: doc }]);
      await conn.db.insertInto(name).values({ doc, docb: doc }).execute();
      const read = (await conn.execute(`select doc, docb, jsonb_typeof(docb) as kind from ${name} order by id`)).rows;
      await conn.execute(`delete from ${name}`);
      return read;
    });
    assert.deepEqual(rows, Array(3).fill({ doc, docb: doc, kind: "array" }));
  });

  test("objects go in as JSON, with a bigint inside written as a string", async () => {
    const row = await one(engine(), "select $1::jsonb as doc, $2::json as text_doc", [{ n: 10n, nested: { ok: true } }, '{"kept": "as written"}']);
    assert.deepEqual(row, { doc: { n: "10", nested: { ok: true } }, text_doc: { kept: "as written" } });
  });

  test("a JS array into an array-typed parameter is a PostgreSQL array", async () => {
    const row = await one(engine(), "select $1::int[] as ints, $2::text[] as words, cardinality($1::int[]) as n, $3::timestamptz[] as times", [
      [1, 2, 3],
      ["a", "b,c", 'd"e'],
      [new Date("2024-01-02T03:04:05Z")],
    ]);
    assert.deepEqual(row, { ints: [1, 2, 3], words: ["a", "b,c", 'd"e'], n: 3, times: [new Date("2024-01-02T03:04:05Z")] });
  });

  test("a Date into timestamp, timestamptz and date is stored as its UTC wall time and day", async () => {
    const at = new Date("2024-03-10T23:30:00.123Z");
    const row = await one(engine(), "select $1::timestamp as ts, $1::timestamptz as tstz, $1::date as d, $1::timestamp::text as ts_text", [at]);
    assert.deepEqual(row, { ts: at, tstz: at, d: new Date("2024-03-10T00:00:00Z"), ts_text: "2024-03-10 23:30:00.123" });
  });

  test("Dates round-trip unchanged when the process runs in another time zone", async () => {
    const url = engine().dialect === "postgres" ? (serverUrl ?? "") : "";
    const expected = { ts: "2024-03-10T23:30:00.123Z", tstz: "2024-03-10T23:30:00.123Z", d: "2024-03-10T00:00:00.000Z", ts_text: "2024-03-10 23:30:00.123", d_text: "2024-03-10" };
    // East and west of UTC, one with a half-hour offset; both processes at once (each starts an engine).
    const runs = await Promise.all(
      ["Asia/Kolkata", "America/Los_Angeles"].map(async (zone) => {
        const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", path.join(here, "fixtures/time-zone-values.ts"), url], {
          env: { ...process.env, TZ: zone },
          timeout: 90_000,
        });
        return { zone, ...(JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { offsetMinutes: number; rows: Record<string, unknown>[] }) };
      }),
    );
    for (const run of runs) {
      assert.notEqual(run.offsetMinutes, 0, `TZ=${run.zone} is not UTC`);
      assert.deepEqual(run.rows, [
        { how: "sql string", ...expected },
        { how: "table.insert()", ...expected },
        { how: "kysely", ...expected },
      ], `TZ=${run.zone}`);
    }
  });
});

/** Queries whose results must be deep-equal on both engines. */
const SIDE_BY_SIDE: Array<[string, unknown[]]> = [
  ["select 1::int2 as a, 2::int4 as b, 3::int8 as c, 9223372036854775807::int8 as d, 1.25::float4 as e, 1e300::float8 as f, 'NaN'::numeric as g", []],
  ["select 3.14159265358979323846::numeric as pi, array[1.1, 2.2]::numeric[] as list, '$1.50'::money as cash", []],
  ["select now()::date = current_date as today, '2024-06-01 12:00'::timestamp as ts, '2024-06-01 12:00-07'::timestamptz as tz, '2024-06-01'::date as d", []],
  ["select '1 year 2 mons 3 days 04:05:06'::interval as iv, '23:59:59.999'::time as t, '12:00+05'::timetz as ttz", []],
  [`select '{"a": [1, 2, {"b": null}]}'::json as j, '[{"k": "v"}]'::jsonb as jb, array['{}'::json] as ja`, []],
  ["select '\\xdeadbeef'::bytea as b, 'a'::char(3) as c, 'x'::varchar as v, 'name'::name as n, true as t, false as f, null::int as nothing", []],
  ["select '192.168.0.1/24'::inet as ip, point(1, 2) as pt, '[1,5)'::int4range as r, 'a & b'::tsquery as q", []],
  ["select array[array[1, 2], array[3, null]] as grid, array['x', null, '', 'NULL', 'a\"b']::text[] as words, '{}'::int[] as empty", []],
  ["select $1::int8 as big, $2::numeric as num, $3::jsonb as doc, $4::json as arr, $5::timestamp as ts, $6::timestamptz as tz, $7::date as d, $8::text as txt", [
    2n ** 62n, "1e-20", { deep: [1, { n: 2n }] }, [[1, 2], { x: "y" }], new Date("1999-12-31T23:59:59.999Z"), new Date(0), new Date("2000-02-29T18:00:00Z"), "plain",
  ]],
  ["select $1::bool as b, $2::int[] as ints, $3::text[] as texts, $4::bytea as bytes, $5::float8 as x", [true, [3, 2, 1], ["é", "ü"], Uint8Array.from([0, 1, 255]), -0.5]],
];

describe("the same values on both engines, side by side", { skip: serverUrl ? false : "DATABASE_URL is not set: there is no server to compare the embedded engine with" }, () => {
  let embedded: Engine;
  let server: Engine;
  before(async () => {
    embedded = await createEngine();
    server = await createEngine(serverUrl);
  });
  after(async () => {
    await embedded?.dispose();
    await server?.dispose();
  });

  for (const [sql, parameters] of SIDE_BY_SIDE) {
    test(sql.length > 90 ? `${sql.slice(0, 90)}…` : sql, async () => {
      const a = await one(embedded, sql, parameters);
      const b = await one(server, sql, parameters);
      assert.deepStrictEqual(b, a);
    });
  }
});
