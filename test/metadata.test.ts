import assert from "node:assert/strict";
import { test, describe } from "node:test";
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
  text,
  timestamp,
  timestamptz,
  uuid,
  varchar,
  sql,
} from "../src/index.js";
import { createTableSql } from "../src/schema/ddl.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

describe("MetaData definitions", () => {
  test("sortedTables puts referenced tables first, whatever the definition order", () => {
    const md = new MetaData();
    md.table("orders", { id: integer().primaryKey(), customerId: integer().references("customers.id"), itemId: integer().references("items.id") });
    const customers = md.table("customers", { id: integer().primaryKey(), regionId: integer() });
    md.table("items", { id: integer().primaryKey() });
    md.table("regions", { id: integer().primaryKey() });
    md.table("notes", { id: integer().primaryKey(), orderId: integer().references("orders.id"), by: integer().references(customers.c.id) });
    const order = md.sortedTables.map((t) => t.name);
    assert.deepEqual(order, ["customers", "items", "orders", "regions", "notes"]);
  });

  test("a self-reference does not block the order", () => {
    const md = new MetaData();
    md.table("nodes", { id: integer().primaryKey(), parent: integer().references("nodes.id") });
    assert.deepEqual(md.sortedTables.map((t) => t.name), ["nodes"]);
  });

  test("a duplicate table name is a SchemaError naming the table", () => {
    const md = new MetaData();
    md.table("emps", { id: integer().primaryKey() });
    assert.throws(() => md.table("emps", { id: integer().primaryKey() }), (err: unknown) => err instanceof SchemaError && /"emps"/.test((err as Error).message));
  });

  test("a reference to a missing table is a SchemaError naming the column and the table", () => {
    const md = new MetaData();
    md.table("emps", { id: integer().primaryKey(), deptId: integer().references("depts.id") });
    assert.throws(() => md.sortedTables, (err: unknown) => {
      assert.ok(err instanceof SchemaError);
      assert.match((err as Error).message, /"emps\.deptId" references "depts\.id", but this MetaData has no table "depts"/);
      return true;
    });
  });

  test("a reference to a missing column is a SchemaError naming it", () => {
    const md = new MetaData();
    md.table("depts", { id: integer().primaryKey() });
    md.table("emps", { id: integer().primaryKey(), deptId: integer().references("depts.code") });
    assert.throws(() => md.sortedTables, /table "depts" has no column "code"/);
  });

  test("tables that reference each other in a cycle are a SchemaError", () => {
    const md = new MetaData();
    md.table("a", { id: integer().primaryKey(), b: integer().references("b.id") });
    md.table("b", { id: integer().primaryKey(), a: integer().references("a.id") });
    assert.throws(() => md.sortedTables, (err: unknown) => err instanceof SchemaError && /"a", "b"/.test((err as Error).message));
  });

  test("a table needs columns built with column builders", () => {
    const md = new MetaData();
    assert.throws(() => md.table("empty", {}), SchemaError);
    assert.throws(() => md.table("bad", { x: "text" as never }), /"bad\.x" is not a column definition/);
    assert.throws(() => md.table("", { id: integer() }), SchemaError);
  });

  test("a malformed reference string is refused when the column is defined", () => {
    assert.throws(() => integer().references("depts" as never), ArgumentError);
  });

  test("varchar needs a positive length", () => {
    assert.throws(() => varchar(0), ArgumentError);
  });

  test("varchar and numeric take only whole numbers in PostgreSQL's range, never text spliced into the DDL", () => {
    const refused = (make: () => unknown, pattern: RegExp) =>
      assert.throws(make, (err: unknown) => err instanceof ArgumentError && pattern.test((err as Error).message));
    refused(() => varchar(10_485_761), /varchar\(10485761\).*from 1 to 10,485,760/);
    refused(() => numeric("1); drop table x; --" as never), /numeric\("1\); drop table x; --"\): the precision/);
    refused(() => numeric(NaN), /numeric\(NaN\): the precision/);
    refused(() => numeric(0), /precision/);
    refused(() => numeric(1001), /precision/);
    refused(() => numeric(10, 2.5), /numeric\(10, 2.5\): the scale/);
    refused(() => numeric(10, "2) check (true" as never), /the scale/);
    refused(() => numeric(undefined, 2), /a scale needs a precision/);
    assert.equal(numeric(1000, -1000).spec.sqlType, "numeric(1000, -1000)");
  });

  test("references() refuses an action it does not know, or SQL after one, naming the option", () => {
    const md = new MetaData();
    const depts = md.table("depts", { id: integer().primaryKey() });
    const refused = (options: unknown, pattern: RegExp) =>
      assert.throws(
        () => integer().references(depts.c.id, options as never),
        (err: unknown) => err instanceof ArgumentError && pattern.test((err as Error).message),
      );
    refused({ onDelete: "cascade; drop table depts" }, /onDelete must be one of "cascade", "restrict", "set null", "set default", "no action"/);
    refused({ onUpdate: 1 }, /onUpdate must be one of/);
    refused({ ondelete: "cascade" }, /references\(\) has no option "ondelete"/);
    refused("cascade", /must be an object/);
    // SQL's own spelling is understood, and written in one form.
    const emps = md.table("emps", { deptId: integer().references(depts.c.id, { onDelete: "SET  NULL" as never }) });
    assert.deepEqual(emps.columns.deptId.spec.references?.options, { onDelete: "set null" });
  });

  test("CREATE TABLE spells out every type and constraint, with defaults as escaped literals", () => {
    const md = new MetaData();
    const parent = md.table("parent", { id: bigint().primaryKey() });
    const t = md.table("every_type", {
      id: integer().primaryKey(),
      b: bigint().notNull(),
      t: text().default("it's"),
      v: varchar(20).unique(),
      flag: boolean().default(false),
      n: numeric(10, 2),
      r: real(),
      d: doublePrecision(),
      ts: timestamp().default(sql`now()`),
      tz: timestamptz(),
      day: date(),
      j: json(),
      jb: jsonb().default({ a: 1 }),
      u: uuid(),
      p: bigint().references(parent.c.id, { onDelete: "cascade" }),
    });
    assert.equal(
      createTableSql(md, t),
      [
        'CREATE TABLE "every_type" (',
        '  "id" serial PRIMARY KEY,',
        '  "b" bigint NOT NULL,',
        "  \"t\" text DEFAULT 'it''s',",
        '  "v" varchar(20) UNIQUE,',
        '  "flag" boolean DEFAULT FALSE,',
        '  "n" numeric(10, 2),',
        '  "r" real,',
        '  "d" double precision,',
        '  "ts" timestamp DEFAULT now(),',
        '  "tz" timestamptz,',
        '  "day" date,',
        '  "j" json,',
        "  \"jb\" jsonb DEFAULT '{\"a\":1}',",
        '  "u" uuid,',
        '  "p" bigint REFERENCES "parent" ("id") ON DELETE CASCADE',
        ")",
      ].join("\n"),
    );
    assert.match(createTableSql(md, parent), /"id" bigserial PRIMARY KEY/);
  });

  test("several primaryKey() columns make a composite key and no generated column", () => {
    const md = new MetaData();
    const t = md.table("pairs", { a: integer().primaryKey(), b: text().primaryKey() });
    assert.equal(createTableSql(md, t), 'CREATE TABLE "pairs" (\n  "a" integer NOT NULL,\n  "b" text NOT NULL,\n  PRIMARY KEY ("a", "b")\n)');
  });

  test("a primary key that references another table is a plain column: its values come from that table", () => {
    const md = new MetaData();
    const users = md.table("users", { id: integer().primaryKey() });
    const profiles = md.table("profiles", { userId: integer().primaryKey().references(users.c.id), bio: text() });
    assert.equal(
      createTableSql(md, profiles),
      'CREATE TABLE "profiles" (\n  "userId" integer PRIMARY KEY REFERENCES "users" ("id"),\n  "bio" text\n)',
    );
    assert.equal(profiles.columns.userId.spec.autoIncrement, false);
    assert.match(createTableSql(md, users), /"id" serial PRIMARY KEY/);
  });

  test("table.c gives references and columnNames keeps definition order", () => {
    const md = new MetaData();
    const t = md.table("t", { z: text(), a: integer().primaryKey() });
    assert.deepEqual(t.c.a, { table: "t", column: "a" });
    assert.deepEqual(t.columnNames, ["z", "a"]);
    assert.deepEqual(t.primaryKey, ["a"]);
  });

  test("a query built from a table refuses to run by itself, and says how", async () => {
    const md = new MetaData();
    const t = md.table("t", { id: integer().primaryKey() });
    await assert.rejects(t.select().execute(), (err: unknown) => err instanceof ArgumentError && /conn\.execute\(query\)/.test((err as Error).message));
  });
});

describeEachTarget("createAll and dropAll", ({ engine }) => {
  function schema() {
    const md = new MetaData();
    const prefix = uniqueName("ddl");
    // Defined child-first on purpose.
    const lines = md.table(`${prefix}_lines`, { id: integer().primaryKey(), orderId: integer().notNull().references(`${prefix}_orders.id`, { onDelete: "cascade" }) });
    const orders = md.table(`${prefix}_orders`, { id: integer().primaryKey(), customerId: integer().references(`${prefix}_customers.id`) });
    const customers = md.table(`${prefix}_customers`, { id: integer().primaryKey(), name: text().notNull() });
    return { md, lines, orders, customers };
  }

  async function existing(names: string[]): Promise<string[]> {
    return engine().connect(async (conn) =>
      (await conn.execute<{ table_name: string }>("select table_name from information_schema.tables where table_name = any($1) order by table_name", [names])).scalars(),
    );
  }

  test("createAll, dropAll and reflect given the engine instead of a connection say which to pass", async () => {
    const md = new MetaData();
    md.table(uniqueName("conn_arg"), { id: integer().primaryKey() });
    for (const call of [() => md.createAll(engine() as never), () => md.dropAll(engine() as never), () => md.reflect(engine() as never)]) {
      await assert.rejects(call(), (err: unknown) => err instanceof ArgumentError && /takes the connection of a scope, as in engine\.begin\(\(conn\) => md\.\w+\(conn\)\), not the engine itself/.test((err as Error).message));
    }
  });

  test("createAll and dropAll refuse options they do not know and a checkFirst that is not a boolean, creating nothing", async () => {
    const md = new MetaData();
    const t = md.table(uniqueName("opts_arg"), { id: integer().primaryKey() });
    await engine().begin(async (conn) => {
      await assert.rejects(md.createAll(conn, { checkfirst: false } as never), /md\.createAll\(\) has no option "checkfirst"/);
      await assert.rejects(md.createAll(conn, { checkFirst: "no" } as never), /checkFirst must be true or false/);
      await assert.rejects(md.dropAll(conn, null as never), ArgumentError);
    });
    assert.equal(await engine().connect((conn) => conn.scalar(`select count(*)::int from pg_class where relname = '${t.name}'`)), 0);
  });

  test("createAll creates referenced tables first and dropAll drops them last", async () => {
    const { md, lines, orders, customers } = schema();
    const log: string[] = [];
    await engine().begin(async (conn) => {
      await md.createAll(conn);
    });
    assert.deepEqual(await existing([lines.name, orders.name, customers.name]), [customers.name, lines.name, orders.name].sort());
    await engine().begin(async (conn) => {
      await conn.execute(customers.insert(), [{ name: "c" }]);
      await conn.execute(orders.insert(), [{ customerId: 1 }]);
      await conn.execute(lines.insert(), [{ orderId: 1 }]);
      await md.dropAll(conn);
    });
    assert.deepEqual(await existing([lines.name, orders.name, customers.name]), []);
    void log;
  });

  test("createAll with checkFirst leaves existing tables alone, without it fails naming the table", async () => {
    const { md, customers } = schema();
    await engine().begin((conn) => md.createAll(conn));
    await engine().begin(async (conn) => {
      await conn.execute(customers.insert(), [{ name: "kept" }]);
    });
    await engine().begin((conn) => md.createAll(conn)); // no error, data kept
    const names = await engine().connect(async (conn) => (await conn.execute(customers.select())).rows.map((r) => r.name));
    assert.deepEqual(names, ["kept"]);
    await assert.rejects(engine().begin((conn) => md.createAll(conn, { checkFirst: false })), new RegExp(`"${customers.name}" already exists`));
    await engine().begin((conn) => md.dropAll(conn));
  });

  test("dropAll with checkFirst skips missing tables, without it fails and rolls back", async () => {
    const { md, customers } = schema();
    await engine().begin((conn) => md.dropAll(conn)); // nothing there: fine
    await engine().begin((conn) => md.createAll(conn));
    await engine().begin((conn) => conn.execute(`drop table ${customers.name} cascade`));
    await assert.rejects(engine().begin((conn) => md.dropAll(conn, { checkFirst: false })), new RegExp(customers.name));
    await engine().begin((conn) => md.dropAll(conn));
  });

  test("a foreign-key violation is refused and the engine stays usable", async () => {
    const { md, orders } = schema();
    await engine().begin((conn) => md.createAll(conn));
    await assert.rejects(engine().begin((conn) => conn.execute(orders.insert(), [{ customerId: 999 }])), /violates foreign key constraint/);
    const n = await engine().connect(async (conn) => (await conn.execute(`select count(*)::int from ${orders.name}`)).scalar());
    assert.equal(n, 0);
    await engine().begin((conn) => md.dropAll(conn));
  });
});
