import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IntegrityError, MetaData, SchemaError, Table, integer, json, text, type Engine } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

/** Whether `fn` throws a SchemaError whose message matches every pattern. */
function refuses(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SchemaError, `expected a SchemaError, got ${String(err)}`);
    for (const pattern of patterns) assert.match(err.message, pattern);
    return true;
  });
}

async function count(engine: Engine, table: string): Promise<number> {
  return engine.connect(async (conn) => (await conn.execute<{ n: number }>(`select count(*)::int as n from "${table.replaceAll('"', '""')}"`)).scalar() as number);
}

describeEachTarget("hostile table and column names", ({ engine }) => {
  test('a table named "<victim> as x" is its own table: its select, update and delete never reach the victim', async () => {
    const md = new MetaData();
    const victim = md.table(uniqueName("victim"), { id: integer().primaryKey(), t: text() });
    const evil = md.table(`${victim.name} as x`, { id: integer().primaryKey(), t: text() });
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(victim.insert(), [{ t: "keep" }]);
      await conn.execute(evil.insert(), [{ t: "e1" }, { t: "e2" }]);
    });
    try {
      const seen = await engine().connect(async (conn) => (await conn.execute(evil.select().orderBy("id"))).rows.map((r) => r.t));
      assert.deepEqual(seen, ["e1", "e2"]);
      await engine().begin((conn) => conn.execute(evil.update().set({ t: "changed" })));
      await engine().begin((conn) => conn.execute(evil.delete()));
      assert.equal(await count(engine(), evil.name), 0);
      const kept = await engine().connect(async (conn) => (await conn.execute(victim.select())).rows);
      assert.deepEqual(kept, [{ id: 1, t: "keep" }]);
    } finally {
      await engine().begin((conn) => md.dropAll(conn));
    }
  });

  test('a table "a.b" with columns "c.d" and "x as y" is one identifier each in DDL, insert, returning and select', async () => {
    const md = new MetaData();
    const dotted = md.table(`${uniqueName("a")}.b`, { id: integer().primaryKey(), "c.d": text(), "x as y": integer() });
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      const returned = await conn.execute(dotted.insert().returning(), [{ "c.d": "v", "x as y": 3 }]);
      assert.deepEqual(returned.rows, [{ id: 1, "c.d": "v", "x as y": 3 }]);
      assert.deepEqual((await conn.execute(dotted.select())).rows, [{ id: 1, "c.d": "v", "x as y": 3 }]);
      const found = await conn.execute("select count(*)::int from pg_catalog.pg_class where relname = $1", [dotted.name]);
      assert.equal(found.scalar(), 1);
      await md.dropAll(conn);
    });
  });

  test("quotes, spaces, keywords, mixed case and other scripts in names are taken exactly as written", async () => {
    const md = new MetaData();
    const name = `${uniqueName("we")}"ird 表 select`;
    const weird = md.table(name, { id: integer().primaryKey(), '"quoted"': text(), order: text(), "naïve ✓": integer(), "Mixed Case": text() });
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(weird.insert(), [{ '"quoted"': "q", order: "o", "naïve ✓": 1, "Mixed Case": "m" }]);
      await conn.execute(weird.update().set({ order: "o2" }).where("id", "=", 1));
      const row = (await conn.execute(weird.select())).one();
      assert.deepEqual(row, { id: 1, '"quoted"': "q", order: "o2", "naïve ✓": 1, "Mixed Case": "m" });
      const columns = await conn.execute(
        "select column_name from information_schema.columns where table_name = $1 order by ordinal_position",
        [name],
      );
      assert.deepEqual(columns.scalars(), ["id", '"quoted"', "order", "naïve ✓", "Mixed Case"]);
      await md.dropAll(conn);
    });
  });

  test("a foreign key to a table with a hostile name points at that table", async () => {
    const md = new MetaData();
    const parent = md.table(`${uniqueName("p")} as x.y`, { id: integer().primaryKey() });
    const child = md.table(uniqueName("child"), { id: integer().primaryKey(), parentId: integer().references(parent.c.id) });
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(parent.insert(), [{}]);
      await conn.execute(child.insert(), [{ parentId: 1 }]);
    });
    try {
      await assert.rejects(engine().begin((conn) => conn.execute(child.insert(), [{ parentId: 2 }])), IntegrityError);
      assert.equal(await count(engine(), child.name), 1);
    } finally {
      await engine().begin((conn) => md.dropAll(conn));
    }
  });

  test("a 63-byte name of two-byte characters works, and a second createAll finds it", async () => {
    const md = new MetaData();
    const prefix = uniqueName("t");
    const rest = 63 - prefix.length;
    const name = prefix + (rest % 2 ? "x" : "") + "é".repeat(Math.floor(rest / 2));
    assert.equal(Buffer.byteLength(name), 63);
    const t = md.table(name, { id: integer().primaryKey() });
    await engine().begin((conn) => md.createAll(conn));
    await engine().begin((conn) => md.createAll(conn)); // found, so not created twice
    await engine().begin((conn) => conn.execute(t.insert(), [{}]));
    assert.equal(await count(engine(), name), 1);
    await engine().begin((conn) => md.dropAll(conn));
  });

  test("columns named constructor, toString and __proto__ are columns like any other, left out means NULL", async () => {
    const md = new MetaData();
    const t = md.table(uniqueName("proto"), { id: integer().primaryKey(), constructor: text(), toString: text(), ["__proto__"]: text() });
    assert.deepEqual(t.columnNames, ["id", "constructor", "toString", "__proto__"]);
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      const given = JSON.parse('{"constructor": "c", "toString": "s", "__proto__": "p"}') as Record<string, string>;
      await conn.execute(t.insert(), [{}, given] as never);
      const rows = (await conn.execute(t.select().orderBy("id"))).rows;
      assert.deepEqual(rows.map((r) => ({ ...r })), [
        { id: 1, constructor: null, toString: null, ["__proto__"]: null },
        { id: 2, constructor: "c", toString: "s", ["__proto__"]: "p" },
      ]);
      await md.dropAll(conn);
    });
  });

  test("a refused definition leaves the engine usable and the tables unchanged", async () => {
    const md = new MetaData();
    const t = md.table(uniqueName("kept"), { id: integer().primaryKey(), t: text() });
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(t.insert(), [{ t: "a" }]);
    });
    refuses(() => md.table("pg_type", { oid: integer() }));
    refuses(() => md.table(t.name, { id: integer() }), /already has a table/);
    await engine().begin((conn) => md.createAll(conn));
    assert.equal(await count(engine(), t.name), 1);
    assert.ok((await engine().connect(async (conn) => (await conn.execute("select count(*)::int from pg_catalog.pg_type")).scalar())) as number > 0);
    await engine().begin((conn) => md.dropAll(conn));
  });

  test("a json default is written as JSON, so a string default reads back as that string", async () => {
    const md = new MetaData();
    const t = md.table(uniqueName("jdef"), { id: integer().primaryKey(), doc: json<string>().default("abc") });
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      const row = (await conn.execute(t.insert().returning("doc"), [{}])).one();
      assert.equal(row.doc, "abc");
      await md.dropAll(conn);
    });
  });
});

describe("names PostgreSQL cannot hold as written are refused when the table is defined", () => {
  test("a table name starting with pg_ is a SchemaError naming it: pg_type would read and drop the catalog", () => {
    refuses(() => new MetaData().table("pg_type", { id: integer() }), /"pg_type"/, /pg_catalog\.pg_type/);
    refuses(() => new MetaData().table("pg_class", { id: integer() }), /"pg_class"/);
    refuses(() => new Table("pg_anything", { id: integer() }), /"pg_anything"/);
  });

  test("a name longer than 63 bytes in UTF-8 is refused, counting bytes, not characters", () => {
    refuses(() => new MetaData().table("x".repeat(64), { id: integer() }), /64 bytes/, /63/);
    refuses(() => new MetaData().table("é".repeat(32), { id: integer() }), /"é{32}"/, /64 bytes/);
    new MetaData().table("x".repeat(63), { id: integer() });
    refuses(() => new MetaData().table("t", { ["c".repeat(64)]: integer() }), /Table "t"/, /64 bytes/);
  });

  test("a NUL in a table or column name is refused naming the table", () => {
    refuses(() => new MetaData().table("a\u0000b", { id: integer() }), /Table name "a\\u0000b"/, /NUL/);
    refuses(() => new MetaData().table("t", { ["a\u0000b"]: integer() }), /Table "t"/, /NUL/);
  });

  test("empty names are refused", () => {
    refuses(() => new MetaData().table("", { id: integer() }), /non-empty/);
    refuses(() => new MetaData().table("t", { [""]: integer() }), /Table "t" has a column with an empty name/);
  });

  test("control characters, which would rewrite a terminal through the statement log, are refused", () => {
    refuses(() => new MetaData().table("t\u001b[2J", { id: integer() }), /control character/);
    refuses(() => new MetaData().table("t", { ["a\nb"]: integer() }), /Table "t"/, /control character/);
  });

  test("a lone surrogate, which PostgreSQL would store as U+FFFD, is refused", () => {
    refuses(() => new MetaData().table("a\uD800b", { id: integer() }), /lone UTF-16 surrogate/);
  });

  test("system column names are refused naming the table", () => {
    for (const column of ["xmin", "ctid", "tableoid", "xmax", "cmin", "cmax"]) {
      refuses(() => new MetaData().table("t", { [column]: integer() }), /Table "t"/, new RegExp(`"${column}" is the name of a system column`));
    }
  });

  test("a __proto__ key written as a literal, which sets the prototype instead of a column, is refused", () => {
    refuses(() => new MetaData().table("t", { id: integer(), __proto__: text() } as never), /plain object/, /__proto__/);
  });

  test("a default its column does not take is refused naming the column", () => {
    refuses(() => new MetaData().table("t", { n: integer().default(1.5) }), /"t\.n"/, /whole numbers/);
    refuses(() => new MetaData().table("t", { s: text().default("a\u0000b") }), /"t\.s"/, /NUL/);
  });
});
