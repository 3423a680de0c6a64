// Type tests: `npm test` type-checks this file with tsc before running it, so a
// wrong inferred type fails the suite. The runtime part checks that the typed
// queries really return what the types claim.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createEngine,
  MetaData,
  bigint,
  boolean,
  integer,
  jsonb,
  numeric,
  text,
  timestamptz,
  varchar,
  type Database,
  type InsertRow,
  type SelectRow,
  type UpdateRow,
} from "../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const md = new MetaData();
const depts = md.table("type_depts", { id: integer().primaryKey(), title: varchar(50).notNull() });
const emps = md.table("type_emps", {
  id: integer().primaryKey(),
  name: text().notNull(),
  nickname: text(),
  active: boolean().notNull().default(true),
  salary: numeric(10, 2),
  big: bigint(),
  deptId: integer().notNull().references(depts.c.id),
  tags: jsonb<string[]>(),
  hired: timestamptz(),
});
type DB = Database<typeof depts | typeof emps>;

// Selected rows: NOT NULL and primary keys are plain, the rest nullable.
expectType<
  Equal<
    SelectRow<typeof emps>,
    {
      id: number;
      name: string;
      nickname: string | null;
      active: boolean;
      salary: string | null;
      big: number | bigint | null;
      deptId: number;
      tags: string[] | null;
      hired: Date | null;
    }
  >
>();

// Inserts: the generated key, defaults and nullable columns may be left out.
const minimal: InsertRow<typeof emps> = { name: "Ada", deptId: 1 };
// @ts-expect-error a NOT NULL column without a default is required
const missingName: InsertRow<typeof emps> = { deptId: 1 };
// @ts-expect-error NULL is refused for a NOT NULL column
const nullName: InsertRow<typeof emps> = { name: null, deptId: 1 };
// @ts-expect-error an unknown column is refused
const typo: InsertRow<typeof emps> = { name: "x", deptId: 1, nmae: "typo" };
expectType<Equal<InsertRow<typeof emps>["salary"], string | number | null | undefined>>();
expectType<Equal<InsertRow<typeof emps>["hired"], Date | string | null | undefined>>();

// Keys the database generates are exactly the ones its DDL makes serial: a lone
// integer key, not a key that references another table, not a composite key.
const profiles = md.table("type_profiles", { empId: integer().primaryKey().references(emps.c.id), bio: text() });
const memberships = md.table("type_memberships", {
  empId: integer().primaryKey().references(emps.c.id),
  deptId: integer().primaryKey().references(depts.c.id),
  since: timestamptz(),
});
const pairs = md.table("type_pairs", { a: integer().primaryKey(), b: integer().primaryKey() });
const numbered = md.table("type_numbered", { n: integer().primaryKey().default(7), label: text() });
expectType<Equal<InsertRow<typeof depts>["id"], number | undefined>>();
expectType<Equal<InsertRow<typeof profiles>["empId"], number>>();
expectType<Equal<InsertRow<typeof memberships>["empId"], number>>();
expectType<Equal<InsertRow<typeof pairs>["a"], number>>();
expectType<Equal<InsertRow<typeof numbered>["n"], number | undefined>>();
// @ts-expect-error a key that references another table is not generated
const noProfileKey: InsertRow<typeof profiles> = { bio: "x" };
// @ts-expect-error no column of a composite key is generated
const halfPair: InsertRow<typeof pairs> = { a: 1 };

// Updates: every column optional.
const update: UpdateRow<typeof emps> = { nickname: null };

// The Database type makes conn.db fully typed.
expectType<Equal<keyof DB, "type_depts" | "type_emps">>();

test("typed queries through conn.db and table statements return what their types say", async () => {
  const engine = await createEngine<DB>();
  try {
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(depts.insert(), [{ title: "Research" }]);
      const inserted = await conn.execute(emps.insert().returning("id", "name"), [minimal, { name: "Grace", deptId: 1, salary: 1234.5, tags: ["navy"] }]);
      expectType<Equal<(typeof inserted.rows)[number], { id: number; name: string }>>();
      assert.deepEqual(inserted.rows, [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }]);

      const rows = await conn.db
        .selectFrom("type_emps")
        .innerJoin("type_depts", "type_depts.id", "type_emps.deptId")
        .select(["type_emps.name", "type_depts.title", "type_emps.salary", "type_emps.tags"])
        .orderBy("type_emps.id")
        .execute();
      expectType<Equal<(typeof rows)[number], { name: string; title: string; salary: string | null; tags: string[] | null }>>();
      assert.deepEqual(rows, [
        { name: "Ada", title: "Research", salary: null, tags: null },
        { name: "Grace", title: "Research", salary: "1234.50", tags: ["navy"] },
      ]);

      const selected = await conn.execute(emps.select().where("name", "=", "Grace"));
      expectType<Equal<(typeof selected.rows)[number], SelectRow<typeof emps>>>();
      assert.equal(selected.one().active, true);

      await conn.execute(emps.update().set(update).where("id", "=", 1));
      // @ts-expect-error the table has no such column
      conn.db.selectFrom("type_emps").select("nmae");
      await md.dropAll(conn);
    });
  } finally {
    await engine.dispose();
  }
  void missingName;
  void nullName;
  void typo;
});

test("an insert without returning gives a Result assignable to the plain Result type", async () => {
  const engine = await createEngine();
  try {
    const count = await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(depts.insert(), [{ title: "R&D" }]);
      const res: import("../src/index.js").Result = await conn.execute(emps.insert(), [{ name: "x", deptId: 1 }]);
      await md.dropAll(conn);
      return res.rowCount;
    });
    assert.equal(count, 1);
  } finally {
    await engine.dispose();
  }
});
