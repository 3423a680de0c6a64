import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  ArgumentError,
  DataError,
  IntegrityError,
  MetaData,
  bigint,
  boolean,
  doublePrecision,
  integer,
  json,
  jsonb,
  numeric,
  real,
  sql,
  text,
  timestamptz,
  uuid,
  varchar,
} from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

describeEachTarget("executemany", ({ engine }) => {
  const md = new MetaData();
  const people = md.table(uniqueName("people"), {
    id: integer().primaryKey(),
    name: text().notNull(),
    city: text().default("nowhere"),
    code: varchar(3),
    doc: jsonb<{ tags: string[] }>(),
    seen: timestamptz(),
  });

  before(async () => {
    await engine().begin((conn) => md.createAll(conn));
  });
  after(async () => {
    await engine().begin((conn) => md.dropAll(conn));
  });

  async function reset(): Promise<void> {
    await engine().begin((conn) => conn.execute(`truncate ${people.name} restart identity`));
  }

  async function count(): Promise<number> {
    return engine().connect(async (conn) => Number((await conn.execute(`select count(*) as n from ${people.name}`)).scalar()));
  }

  test("1,000,000 rows go in with one call, every row intact", async () => {
    await reset();
    const n = 1_000_000;
    const rows = Array.from({ length: n }, (_, i) => ({ name: `person ${i}`, code: i % 2 ? "odd" : null }));
    const res = await engine().begin((conn) => conn.execute(people.insert(), rows));
    assert.equal(res.rowCount, n);
    await engine().connect(async (conn) => {
      const stats = (
        await conn.execute<{ n: number; ids: number; odd: number; last: string }>(
          `select count(*)::int as n, count(distinct id)::int as ids, count(*) filter (where code = 'odd')::int as odd,
                  max(name) filter (where id = ${n}) as last from ${people.name}`,
        )
      ).one();
      assert.deepEqual(stats, { n, ids: n, odd: n / 2, last: `person ${n - 1}` });
    });
  });

  test("one bad row fails the whole call and leaves no rows", async () => {
    await reset();
    const rows = Array.from({ length: 1000 }, (_, i) => ({ name: `p${i}` }));
    rows[700] = { name: null as unknown as string };
    await assert.rejects(engine().begin((conn) => conn.execute(people.insert(), rows)), (err: unknown) => {
      assert.ok(err instanceof IntegrityError);
      assert.equal(err.column, "name");
      assert.match(err.message, new RegExp(`"${people.name}"`));
      assert.match(err.message, /No rows were inserted/);
      assert.ok(err.cause, "the driver error is kept as cause");
      return true;
    });
    assert.equal(await count(), 0);
  });

  test("a failure in a later statement of a split call leaves no rows, and the transaction goes on", async () => {
    await reset();
    // Runs of more than ten rows with different key sets split the call into several statements.
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 36; i++) rows.push(Math.floor(i / 12) % 2 ? { name: `p${i}`, city: "x" } : { name: `p${i}` });
    rows.push({ name: "too long", code: "abcd" });
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute(people.insert(), rows as never), DataError);
      await conn.execute(people.insert(), [{ name: "after" }]);
      await conn.commit();
    });
    const names = await engine().connect(async (conn) => (await conn.execute(`select name from ${people.name}`)).scalars());
    assert.deepEqual(names, ["after"]);
  });

  test("a key left out gets the column default in every row, whichever row leaves it out", async () => {
    await reset();
    const rows = [{ name: "a", city: "Paris" }, { name: "b" }, { name: "c", city: undefined }, { name: "d", city: null }, { name: "e", city: "Oslo" }];
    await engine().begin((conn) => conn.execute(people.insert(), rows));
    const got = await engine().connect(async (conn) => (await conn.execute<{ name: string; city: string | null }>(`select name, city from ${people.name} order by id`)).rows);
    assert.deepEqual(got, [
      { name: "a", city: "Paris" },
      { name: "b", city: "nowhere" },
      { name: "c", city: "nowhere" },
      { name: "d", city: null },
      { name: "e", city: "Oslo" },
    ]);
  });

  test("ids follow the order of the rows even when the call is split into VALUES and array statements", async () => {
    await reset();
    // 12 alike (arrays), 3 mixed (VALUES), 15 alike (arrays), 2 (VALUES).
    const rows = Array.from({ length: 32 }, (_, i) => (i < 12 || (i >= 15 && i < 30) || i === 13 ? { name: `r${i}` } : { name: `r${i}`, city: "c" }));
    const res = await engine().begin((conn) => conn.execute(people.insert().returning("id", "name"), rows));
    assert.deepEqual(res.rows, rows.map((r, i) => ({ id: i + 1, name: r.name })));
  });

  test("an unknown key is an ArgumentError naming the table, the column and the row, and nothing is written", async () => {
    await reset();
    await assert.rejects(
      engine().begin((conn) => conn.execute(people.insert(), [{ name: "ok" }, { nmae: "typo" } as never])),
      (err: unknown) => {
        assert.ok(err instanceof ArgumentError);
        assert.match(err.message, new RegExp(`Table "${people.name}" has no column "nmae" \\(row 1\\)`));
        return true;
      },
    );
    assert.equal(await count(), 0);
  });

  test("values are bound, never spliced: an injection string is stored as written", async () => {
    await reset();
    const evil = ["Robert'); DROP TABLE students;--", 'quote " and \\ backslash', "{braces,commas}", "NULL", ""];
    await engine().begin((conn) => conn.execute(people.insert(), evil.map((name) => ({ name }))));
    const names = await engine().connect(async (conn) => (await conn.execute(`select name from ${people.name} order by id`)).scalars());
    assert.deepEqual(names, evil);
  });

  test("json documents and dates round-trip", async () => {
    await reset();
    const seen = new Date("2024-05-06T07:08:09.123Z");
    await engine().begin((conn) =>
      conn.execute(people.insert(), [
        { name: "j", doc: { tags: ["a", "b\"c"] }, seen },
        { name: "k", doc: null, seen: "2024-01-01T00:00:00Z" },
      ]),
    );
    const rows = await engine().connect(async (conn) => (await conn.execute(people.select().orderBy("id"))).rows);
    assert.deepEqual(rows[0]?.doc, { tags: ["a", "b\"c"] });
    assert.equal(rows[0]?.seen?.toISOString(), seen.toISOString());
    assert.equal(rows[1]?.doc, null);
    assert.equal(rows[1]?.seen?.toISOString(), "2024-01-01T00:00:00.000Z");
  });

  test("a single object inserts one row, an empty array inserts none", async () => {
    await reset();
    await engine().begin(async (conn) => {
      const one = await conn.execute(people.insert(), { name: "solo" });
      assert.equal(one.rowCount, 1);
      const none = await conn.execute(people.insert(), []);
      assert.equal(none.rowCount, 0);
    });
    assert.equal(await count(), 1);
  });

  test("rows that set no column at all each get their defaults", async () => {
    const md2 = new MetaData();
    const counters = md2.table(uniqueName("counters"), { id: integer().primaryKey(), n: integer().default(5) });
    await engine().begin(async (conn) => {
      await md2.createAll(conn);
      const res = await conn.execute(counters.insert().returning(), [{}, {}, { n: 7 }]);
      assert.deepEqual(res.rows, [{ id: 1, n: 5 }, { id: 2, n: 5 }, { id: 3, n: 7 }]);
      const many = await conn.execute(counters.insert().returning(), Array.from({ length: 20 }, () => ({})));
      assert.deepEqual(many.rows, Array.from({ length: 20 }, (_, i) => ({ id: i + 4, n: 5 })));
      await md2.dropAll(conn);
    });
  });

  test("insert() without rows explains how to pass them", async () => {
    await engine().begin(async (conn) => {
      await assert.rejects((conn.execute as (s: unknown) => Promise<unknown>)(people.insert()), (err: unknown) => {
        assert.ok(err instanceof ArgumentError);
        assert.match(err.message, /needs rows/);
        return true;
      });
    });
  });

  test("a row that is not an object is refused by index", async () => {
    await engine().begin(async (conn) => {
      await assert.rejects(conn.execute(people.insert(), [{ name: "a" }, ["b"] as never]), /Row 1 .* is an array/);
    });
  });

  test("a typed array given as the rows is refused as one, not read as a row whose keys are 0, 1, 2", async () => {
    await engine().begin(async (conn) => {
      await assert.rejects(conn.execute(people.insert(), new Uint8Array(3) as never), (err: unknown) => err instanceof ArgumentError && /Row 0 .* is a Uint8Array; each row must be an object/.test((err as Error).message));
    });
  });

  test("a raw sql default is written into the DDL", async () => {
    const md3 = new MetaData();
    const stamped = md3.table(uniqueName("stamped"), { id: integer().primaryKey(), at: timestamptz().notNull().default(sql`now()`) });
    await engine().begin(async (conn) => {
      await md3.createAll(conn);
      const row = (await conn.execute(stamped.insert().returning(), [{}])).one();
      assert.ok(row.at instanceof Date);
      await md3.dropAll(conn);
    });
  });
});

describeEachTarget("executemany checks every value against its column before sending", ({ engine }) => {
  const md = new MetaData();
  const t = md.table(uniqueName("typed"), {
    id: integer().primaryKey(),
    s: text(),
    i: integer(),
    b: bigint(),
    r: real(),
    d: doublePrecision(),
    n: numeric(),
    f: boolean(),
    at: timestamptz(),
    j: json(),
    jb: jsonb(),
    v: varchar(3),
    u: uuid(),
    price: numeric(5, 2),
  });

  before(async () => {
    await engine().begin((conn) => md.createAll(conn));
  });
  after(async () => {
    await engine().begin((conn) => md.dropAll(conn));
  });

  async function rowCount(): Promise<number> {
    return engine().connect(async (conn) => (await conn.execute<{ n: number }>(`select count(*)::int as n from "${t.name}"`)).scalar() as number);
  }

  /** Inserts a good row and then `bad` at row 1; expects `kind` naming the table, the column and row 1, and no row written. */
  async function refused(column: string, bad: unknown, kind: typeof ArgumentError | typeof DataError): Promise<void> {
    const before = await rowCount();
    await assert.rejects(
      engine().begin((conn) => conn.execute(t.insert(), [{ s: "fine" }, { [column]: bad }] as never)),
      (err: unknown) => {
        assert.ok(err instanceof kind, `${column} ← ${String(bad)}: expected ${kind.name}, got ${String(err)}`);
        assert.match((err as Error).message, new RegExp(`Row 1 for table "${t.name}": column "${column}"`));
        assert.match((err as Error).message, /No rows were inserted/);
        return true;
      },
    );
    assert.equal(await rowCount(), before, `nothing written for ${column} ← ${String(bad)}`);
  }

  async function roundTrip<K extends string>(column: K, values: unknown[]): Promise<unknown[]> {
    return engine().begin(async (conn) => {
      const res = await conn.execute(t.insert().returning(column as "id"), values.map((v) => ({ [column]: v })) as never);
      return res.rows.map((r) => (r as Record<string, unknown>)[column]);
    });
  }

  test("one row holding an array for a text column is refused, not stored as two rows", async () => {
    await refused("s", ["a", "b"], ArgumentError);
  });

  test("an array for an integer column is refused, not stored as three rows", async () => {
    await refused("i", [1, 2, 3], ArgumentError);
  });

  test("an object, a Symbol, a function, a Uint8Array, a number or a Date for a text column is an ArgumentError", async () => {
    for (const bad of [{ a: 1 }, Symbol("s"), () => 1, new Uint8Array([1, 2]), 12, new Date(0), true, 5n]) await refused("s", bad, ArgumentError);
  });

  test("a lone surrogate or a NUL in text is a DataError, not U+FFFD or a server error", async () => {
    await refused("s", "a\uD800b", DataError);
    await refused("s", "a\uDC00", DataError);
    await refused("s", "a\u0000b", DataError);
  });

  test("text that JSON would escape, and well-formed surrogate pairs, round-trip", async () => {
    const values = ['q"uote', "back\\slash", "tab\tnew\nline", "emoji 😀", "\u0001", "NULL", ""];
    assert.deepEqual(await roundTrip("s", values), values);
  });

  test("integer takes whole numbers in range and refuses NaN, Infinity, fractions, out-of-range values and strings", async () => {
    assert.deepEqual(await roundTrip("i", [2147483647, -2147483648, 0, 5n]), [2147483647, -2147483648, 0, 5]);
    for (const bad of [NaN, Infinity, -Infinity, 1.5, 2147483648, -2147483649, 2n ** 31n]) await refused("i", bad, DataError);
    for (const bad of ["12", true, {}]) await refused("i", bad, ArgumentError);
  });

  test("bigint takes safe numbers and bigints in range, and refuses unsafe numbers with a hint to use a bigint", async () => {
    assert.deepEqual(await roundTrip("b", [Number.MAX_SAFE_INTEGER, 2n ** 63n - 1n, -(2n ** 63n)]), [Number.MAX_SAFE_INTEGER, 2n ** 63n - 1n, -(2n ** 63n)]);
    await refused("b", 2n ** 63n, DataError);
    await refused("b", 1e300, DataError);
    await refused("b", 0.5, DataError);
    await assert.rejects(engine().begin((conn) => conn.execute(t.insert(), [{ b: 2 ** 60 }])), /pass a bigint such as 1152921504606846976n/);
  });

  test("floats take NaN and ±Infinity; real refuses what it cannot hold", async () => {
    assert.deepEqual(await roundTrip("d", [NaN, Infinity, -Infinity, 1.5]), [NaN, Infinity, -Infinity, 1.5]);
    assert.deepEqual(await roundTrip("r", [NaN, 0.5]), [NaN, 0.5]);
    await refused("r", 1e39, DataError);
    await refused("r", 1e-50, DataError);
    await refused("d", "1.5", ArgumentError);
  });

  test("numeric takes numbers, bigints and decimal strings, and refuses other strings before sending", async () => {
    assert.deepEqual(await roundTrip("n", ["12.50", 3, 10n ** 30n, " -1e3 ", "NaN"]), ["12.50", "3", "1000000000000000000000000000000", "-1000", "NaN"]);
    await refused("n", "12,50", DataError);
    await refused("n", { v: 1 }, ArgumentError);
  });

  test("boolean takes only true and false", async () => {
    assert.deepEqual(await roundTrip("f", [true, false]), [true, false]);
    for (const bad of ["true", 1, 0]) await refused("f", bad, ArgumentError);
  });

  test("timestamps take a valid Date or a string; an invalid Date is a DataError and a number an ArgumentError", async () => {
    const at = new Date("2024-05-06T07:08:09.123Z");
    const got = (await roundTrip("at", [at, "2024-01-01T00:00:00Z"])) as Date[];
    assert.deepEqual(got.map((d) => d.toISOString()), [at.toISOString(), "2024-01-01T00:00:00.000Z"]);
    await refused("at", new Date(NaN), DataError);
    await refused("at", Date.now(), ArgumentError);
  });

  test("Dates before year 1 or after year 9999 go in and come back as the same instant, as a few rows and as many", async () => {
    const far = [new Date("+010000-01-01T00:00:00.000Z"), new Date("+275760-09-13T00:00:00.000Z"), new Date("0000-06-01T12:00:00.000Z"), new Date("-004713-11-24T00:00:00.000Z")];
    for (const values of [far, Array.from({ length: 12 }, (_, i) => far[i % far.length]!)]) {
      const got = (await roundTrip("at", values)) as Date[];
      assert.deepEqual(got.map((d) => d.toISOString()), values.map((d) => d.toISOString()));
    }
  });

  test("-0 into a float column comes back as -0, as a few rows and as many", async () => {
    for (const count of [1, 12]) {
      const got = await roundTrip("d", Array.from({ length: count }, () => -0));
      assert.ok(got.every((v) => Object.is(v, -0)), `${count} rows: ${String(got)}`);
    }
  });

  test("a JSON document holding NaN, Infinity, a Map, a Set, a function or a typed array is refused, naming what is inside", async () => {
    for (const [bad, shown] of [
      [{ ratio: NaN }, /NaN at "ratio"/],
      [[1, Infinity], /Infinity at index 1/],
      [{ tags: new Set(["a"]) }, /a Set at "tags"/],
      [new Map([["a", 1]]), /a Map/],
      [{ f: () => 1 }, /a function at "f"/],
      [{ bytes: new Uint8Array([1, 2]) }, /a Uint8Array at "bytes"/],
    ] as const) {
      await refused("j", bad, ArgumentError);
      await assert.rejects(engine().begin((conn) => conn.execute(t.insert(), [{ jb: bad }] as never)), shown);
    }
    // A value with a toJSON() of its own is written as that says.
    const at = new Date("2024-01-02T03:04:05.000Z");
    assert.deepEqual(await roundTrip("j", [{ at, buf: Buffer.from("hi") }]), [{ at: at.toISOString(), buf: { type: "Buffer", data: [104, 105] } }]);
  });

  test("a getter or a Proxy that throws while a row is read is an ArgumentError naming the row, with the error as its cause", async () => {
    const boom = new Error("getter boom");
    const throwing = [
      {
        get s(): unknown {
          throw boom;
        },
      },
      new Proxy({ s: "x" }, { get: () => { throw boom; } }),
      new Proxy({ s: "x" }, { ownKeys: () => { throw boom; } }),
    ];
    for (const row of throwing) {
      const before = await rowCount();
      await assert.rejects(engine().begin((conn) => conn.execute(t.insert(), [{ s: "fine" }, row] as never)), (err: unknown) => {
        assert.ok(err instanceof ArgumentError, String(err));
        assert.match((err as Error).message, new RegExp(`Row 1 for table "${t.name}" threw while .*getter boom.*No rows were inserted`));
        assert.equal((err as Error).cause, boom);
        return true;
      });
      assert.equal(await rowCount(), before);
    }
  });

  test("json takes any JSON value, a string as a JSON string, and keeps \\u0000 and lone surrogates as written", async () => {
    const values = [{ a: [1, "x"] }, [1, 2], "abc", 5, true, "a\u0000b", "a\uD800b"];
    assert.deepEqual(await roundTrip("j", values), values);
  });

  test("jsonb refuses \\u0000 and lone surrogates as a DataError, and both refuse what JSON cannot write", async () => {
    assert.deepEqual(await roundTrip("jb", [{ tags: ["a"] }, "😀"]), [{ tags: ["a"] }, "😀"]);
    await refused("jb", { s: "a\u0000b" }, DataError);
    await refused("jb", "a\uD800b", DataError);
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    for (const bad of [() => 1, Symbol("s"), 5n, circular]) {
      await refused("j", bad, ArgumentError);
      await refused("jb", bad, ArgumentError);
    }
  });

  test("keys named constructor, __proto__ or toString are not columns of every table", async () => {
    for (const key of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
      const row = JSON.parse(`{"s": "x", "${key}": 1}`) as Record<string, unknown>;
      await assert.rejects(engine().begin((conn) => conn.execute(t.insert(), [row] as never)), new RegExp(`has no column "${key}" \\(row 0\\)`));
    }
  });

  test("a row made with Object.create(null) inserts like any other", async () => {
    const row = Object.create(null) as { s: string };
    row.s = "no prototype";
    const res = await engine().begin((conn) => conn.execute(t.insert().returning("s"), [row]));
    assert.deepEqual(res.scalars(), ["no prototype"]);
  });

  test("each value is read once: a getter cannot show the check one value and the statement another", async () => {
    let reads = 0;
    const row = {
      get s(): unknown {
        reads++;
        return reads === 1 ? "checked" : ["a", "b"];
      },
    };
    const res = await engine().begin((conn) => conn.execute(t.insert().returning("s"), [row as never]));
    assert.deepEqual(res.scalars(), ["checked"]);
  });

  test("a Map or other non-plain object without own values is refused as a row", async () => {
    await assert.rejects(
      engine().begin((conn) => conn.execute(t.insert(), [new Map([["s", "x"]]) as never])),
      (err: unknown) => err instanceof ArgumentError && /Row 0 for table .* is a Map/.test((err as Error).message),
    );
  });

  test("varchar(n) takes up to n characters, counted as PostgreSQL counts them, and refuses more, trailing spaces too", async () => {
    assert.deepEqual(await roundTrip("v", ["abc", "ééé", "😀😀😀", "", null]), ["abc", "ééé", "😀😀😀", "", null]);
    await refused("v", "abcd", DataError);
    await refused("v", "😀😀😀😀", DataError);
    await assert.rejects(
      engine().begin((conn) => conn.execute(t.insert(), [{ v: "abc  " }])),
      (err: unknown) => err instanceof DataError && /at most 3 characters, not 5 .*trailing spaces/.test((err as Error).message),
    );
    await refused("v", 123, ArgumentError);
  });

  test("uuid takes every form PostgreSQL reads and refuses other strings before sending", async () => {
    const id = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    const forms = [id, id.toUpperCase(), `{${id}}`, id.replaceAll("-", ""), "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"];
    assert.deepEqual(await roundTrip("u", forms), forms.map(() => id));
    for (const bad of ["not-a-uuid", id.slice(1), ` ${id}`, `${id} `, `{${id}`, `a${id}`, "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11"]) {
      await refused("u", bad, DataError);
    }
    await refused("u", 5, ArgumentError);
  });

  test("a value only PostgreSQL can refuse is located: the error names its row and column, as few rows and as many", async () => {
    for (const count of [2, 20]) {
      const rows: Record<string, unknown>[] = Array.from({ length: count }, (_, i) => ({ s: `row ${i}`, at: "2024-01-01T00:00:00Z", price: 1.5 }));
      const last = count - 1;
      for (const [column, bad, pattern] of [
        ["at", "not a date", /invalid input syntax for type timestamp/],
        ["at", "2020-02-30", /out of range/],
        ["price", 1000, /numeric field overflow/],
        ["price", "-999.999", /numeric field overflow/],
      ] as const) {
        const before = await rowCount();
        const sent = rows.map((row, i) => (i === last ? { ...row, [column]: bad } : row));
        await assert.rejects(
          engine().begin((conn) => conn.execute(t.insert(), sent as never)),
          (err: unknown) => {
            assert.ok(err instanceof DataError, String(err));
            assert.match((err as Error).message, pattern);
            const where = (err as Error).message.split("\n").find((line) => line.startsWith("The value PostgreSQL refused"));
            assert.equal(where, `The value PostgreSQL refused is row ${last}'s "${column}" (${t.columns[column].spec.sqlType}). No rows were inserted into "${t.name}".`);
            return true;
          },
        );
        assert.equal(await rowCount(), before);
      }
    }
  });

  test("after every refusal the engine is usable", async () => {
    const before = await rowCount();
    await engine().begin((conn) => conn.execute(t.insert(), [{ s: "after" }]));
    assert.equal(await rowCount(), before + 1);
  });
});
