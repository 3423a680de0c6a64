import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ArgumentError, IntegrityError, MetaData, integer, jsonb, text, timestamptz, varchar, DataError, sql } from "../src/index.js";
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
    // Alternating key sets split the call into several statements.
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 10; i++) rows.push(i % 2 ? { name: `p${i}`, city: "x" } : { name: `p${i}` });
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

  test("ids follow the order of the rows even when the call is split", async () => {
    await reset();
    const rows = Array.from({ length: 9 }, (_, i) => (i % 3 === 0 ? { name: `r${i}`, city: "c" } : { name: `r${i}` }));
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
