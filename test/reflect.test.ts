import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ArgumentError,
  MetaData,
  SchemaError,
  bigint,
  boolean,
  date,
  doublePrecision,
  integer,
  json,
  jsonb,
  numeric,
  real,
  sql,
  text,
  timestamp,
  timestamptz,
  uuid,
  varchar,
  type Connection,
  type Engine,
} from "../src/index.js";
import { createTableSql } from "../src/schema/ddl.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

/** Creates a schema and puts it first on the search_path for the rest of the scope's transaction. */
async function useFreshSchema(conn: Connection): Promise<string> {
  const schema = uniqueName("refl");
  await conn.execute(`create schema ${schema}`);
  await conn.execute(`set local search_path to ${schema}`);
  return schema;
}

/** Runs `fn` in a connect() scope inside a schema of its own; the scope rolls it all back. */
function inFreshSchema<T>(engine: Engine, fn: (conn: Connection) => Promise<T>): Promise<T> {
  return engine.connect(async (conn) => {
    await useFreshSchema(conn);
    return fn(conn);
  });
}

/** Each table's CREATE TABLE, by table name. */
function ddlOf(md: MetaData): Map<string, string> {
  return new Map(md.sortedTables.map((t) => [t.name, createTableSql(md, t)]));
}

/** A schema with every column builder and modifier the reflection carries over. */
function shop(): MetaData {
  const md = new MetaData();
  const depts = md.table("depts", {
    id: integer().primaryKey(),
    name: varchar(40).notNull().unique(),
    budget: numeric(12, 2).default("0.00"),
    headcount: numeric(5),
    exact: numeric(),
    active: boolean().notNull().default(true),
    created: timestamptz().default(sql`now()`),
  });
  const emps = md.table("emps", {
    id: bigint().primaryKey(),
    deptId: integer().references(depts.c.id, { onDelete: "cascade" }),
    name: text().notNull(),
    note: text().default("it's n/a"),
    tags: jsonb().default({ a: [1, 2] }),
    doc: json(),
    born: date(),
    score: doublePrecision().default(-1.5),
    ratio: real(),
    ext: uuid().notNull().default(sql`gen_random_uuid()`),
    at: timestamp(),
    level: integer().default(-5),
  });
  md.table("assignments", {
    empId: bigint().primaryKey().references(emps.c.id),
    slot: integer().primaryKey(),
    managerId: bigint().references("emps.id", { onUpdate: "set null", onDelete: "restrict" }),
  });
  md.table('Odd "Name"', { "Mixed Case": integer().primaryKey(), parent: integer().references('Odd "Name".Mixed Case') });
  return md;
}

describeEachTarget("md.reflect", ({ engine }) => {
  test("reflected tables give the same DDL as the definitions, and again after createAll in another schema", async () => {
    await engine().connect(async (conn) => {
      const md = shop();
      await useFreshSchema(conn);
      await md.createAll(conn);
      const reflected = new MetaData();
      const tables = await reflected.reflect(conn);
      assert.deepEqual(tables.map((t) => t.name).sort(), md.tables.map((t) => t.name).sort());
      assert.deepEqual(ddlOf(reflected), ddlOf(md));

      await useFreshSchema(conn); // another, empty schema
      await reflected.createAll(conn);
      const again = new MetaData();
      await again.reflect(conn);
      assert.deepEqual(ddlOf(again), ddlOf(md));
    });
  });

  test("reflected tables take inserts and selects: generated keys, defaults and foreign keys work", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await shop().createAll(conn);
      const md = new MetaData();
      await md.reflect(conn);
      const depts = md.getTable("depts");
      const emps = md.getTable("emps");
      assert.ok(depts && emps);
      await conn.execute(depts.insert(), [{ name: "Research" }, { name: "Sales" }]);
      await conn.execute(emps.insert(), [{ deptId: 1, name: "Ada" }, { deptId: 2, name: "Grace", tags: { b: true } }]);
      const rows = (await conn.execute(emps.select().orderBy("id"))).pick("id", "name", "note", "tags", "level").tuples();
      assert.deepEqual(rows, [
        [1, "Ada", "it's n/a", { a: [1, 2] }, -5],
        [2, "Grace", "it's n/a", { b: true }, -5],
      ]);
      assert.deepEqual((await conn.execute(depts.select().orderBy("id"))).pick("id", "budget", "active").tuples(), [[1, "0.00", true], [2, "0.00", true]]);
      await conn.execute(depts.delete().where("id", "=", 1));
      assert.deepEqual((await conn.execute(emps.select())).scalars("name"), ["Grace"], "on delete cascade was reflected");
    });
  });

  test("only reflects the named tables and the tables they reference, and returns them", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await shop().createAll(conn);
      await conn.execute("create table unrelated (id int)");
      const md = new MetaData();
      const tables = await md.reflect(conn, { only: ["assignments"] });
      assert.deepEqual(tables.map((t) => t.name), ["assignments", "emps", "depts"]);
      assert.equal(md.getTable("unrelated"), undefined);
    });
  });

  test("a referenced table already in the MetaData is used as it is, not reflected again", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await shop().createAll(conn);
      const md = new MetaData();
      const depts = md.table("depts", { id: integer().primaryKey(), name: varchar(40).notNull() });
      const tables = await md.reflect(conn, { only: ["emps"] });
      assert.deepEqual(tables.map((t) => t.name), ["emps"]);
      assert.equal(md.getTable("depts"), depts);
      assert.deepEqual(md.sortedTables.map((t) => t.name), ["depts", "emps"]);
    });
  });

  test("only naming a table the schema lacks is a SchemaError naming it, and nothing is added", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await shop().createAll(conn);
      const md = new MetaData();
      await assert.rejects(md.reflect(conn, { only: ["emps", "nope"] }), (err: unknown) => err instanceof SchemaError && /no table "nope" in schema "refl_/.test((err as Error).message));
      assert.deepEqual(md.tables, []);
    });
  });

  test("reflecting a table the MetaData already has is a SchemaError naming it, and nothing is added", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await shop().createAll(conn);
      const md = new MetaData();
      md.table("emps", { id: integer().primaryKey() });
      await assert.rejects(md.reflect(conn), (err: unknown) => err instanceof SchemaError && /already has table "emps"/.test((err as Error).message));
      await assert.rejects(md.reflect(conn, { only: ["emps"] }), SchemaError);
      assert.deepEqual(md.tables.map((t) => t.name), ["emps"]);
    });
  });

  test("a column type without a builder is a SchemaError naming the column and type, and nothing is added", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table fine (id serial primary key)");
      await conn.execute("create table odd (id serial primary key, qty smallint)");
      await conn.execute("create table listy (id serial primary key, tags text[])");
      const md = new MetaData();
      await assert.rejects(md.reflect(conn), (err: unknown) => err instanceof SchemaError && /Column "listy.tags" is an array \(text\[\]\)/.test((err as Error).message));
      await assert.rejects(md.reflect(conn, { only: ["fine", "odd"] }), (err: unknown) => err instanceof SchemaError && /Column "odd.qty" has type smallint/.test((err as Error).message));
      assert.deepEqual(md.tables, []);
      assert.deepEqual((await md.reflect(conn, { only: ["fine"] })).map((t) => t.name), ["fine"]);
    });
  });

  test("a generated column and a foreign key to another schema are SchemaErrors naming the column", async () => {
    await inFreshSchema(engine(), async (conn) => {
      const other = uniqueName("refl_other");
      await conn.execute(`create schema ${other}`);
      await conn.execute(`create table ${other}.regions (id int primary key)`);
      await conn.execute(`create table sites (id int primary key, region_id int references ${other}.regions (id))`);
      await conn.execute("create table squares (side int, area int generated always as (side * side) stored)");
      const md = new MetaData();
      await assert.rejects(md.reflect(conn, { only: ["sites"] }), (err: unknown) => err instanceof SchemaError && /"sites.region_id".*another schema/.test((err as Error).message));
      await assert.rejects(md.reflect(conn, { only: ["squares"] }), (err: unknown) => err instanceof SchemaError && /"squares.area" is generated/.test((err as Error).message));
    });
  });

  test("a lone integer key without a sequence stays a plain key; an identity key becomes a generated one", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table plain (id integer primary key, v text)");
      await conn.execute("create table ident (id bigint generated by default as identity primary key)");
      const md = new MetaData();
      await md.reflect(conn);
      const ddl = ddlOf(md);
      assert.match(ddl.get("plain") ?? "", /"id" integer PRIMARY KEY/);
      assert.match(ddl.get("ident") ?? "", /"id" bigserial PRIMARY KEY/);
    });
  });

  test("columns named __proto__, constructor and toString are reflected like any other, and take inserts", async () => {
    const name = uniqueName("reflect_proto");
    await engine().begin((conn) => conn.execute(`create table ${name} (id serial primary key, "__proto__" text, "constructor" int, "toString" text)`));
    try {
      const md = new MetaData();
      const [table] = await engine().connect((conn) => md.reflect(conn, { only: [name] }));
      assert.deepEqual(table?.columnNames, ["id", "__proto__", "constructor", "toString"]);
      const rows = await engine().begin(async (conn) => {
        await conn.execute(table!.insert(), [JSON.parse('{"__proto__": "p", "constructor": 3, "toString": "s"}')]);
        return (await conn.execute(table!.select())).rows;
      });
      assert.deepEqual(rows.map((r) => ({ ...r })), [JSON.parse('{"id": 1, "__proto__": "p", "constructor": 3, "toString": "s"}')]);
    } finally {
      await engine().begin((conn) => conn.execute(`drop table ${name}`));
    }
  });

  test("bad options are ArgumentErrors", async () => {
    await engine().connect(async (conn) => {
      const md = new MetaData();
      await assert.rejects(md.reflect(conn, { only: "emps" as unknown as string[] }), ArgumentError);
      await assert.rejects(md.reflect(conn, { only: [""] }), ArgumentError);
      await assert.rejects(md.reflect(conn, null as unknown as {}), ArgumentError);
    });
  });
});
