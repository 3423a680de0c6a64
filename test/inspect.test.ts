import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, inspect, MetaData, integer, text, SchemaError, ScopeError, type Connection, type Engine } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

/** Runs `fn` in a connect() scope with a schema of its own first on the search_path; the scope rolls it all back. */
function inFreshSchema<T>(engine: Engine, fn: (conn: Connection, schema: string) => Promise<T>): Promise<T> {
  const schema = uniqueName("insp");
  return engine.connect(async (conn) => {
    await conn.execute(`create schema ${schema}`);
    await conn.execute(`set local search_path to ${schema}`);
    return fn(conn, schema);
  });
}

describeEachTarget("inspect", ({ engine }) => {
  test("getTableNames lists the current schema's tables, sorted, without views, including uncommitted ones", async () => {
    const names = await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table zebras (id int)");
      await conn.execute("create table apes (id int)");
      await conn.execute("create view ape_ids as select id from apes");
      return inspect(conn).getTableNames();
    });
    assert.deepEqual(names, ["apes", "zebras"]);
  });

  test("getTableNames never lists PostgreSQL's own catalog tables", async () => {
    const names = await inFreshSchema(engine(), (conn) => inspect(conn).getTableNames());
    assert.deepEqual(names, []);
  });

  test("getTableNames with { schema } looks in that schema only", async () => {
    await inFreshSchema(engine(), async (conn, schema) => {
      const other = uniqueName("insp_other");
      await conn.execute(`create schema ${other}`);
      await conn.execute(`create table ${other}.archived (id int)`);
      await conn.execute("create table live (id int)");
      assert.deepEqual(await inspect(conn).getTableNames({ schema: other }), ["archived"]);
      assert.deepEqual(await inspect(conn).getTableNames({ schema }), ["live"]);
      assert.deepEqual(await inspect(conn).getColumns("archived", { schema: other }).then((c) => c.map((x) => x.name)), ["id"]);
    });
  });

  test("getSchemaNames lists user schemas and leaves out pg_catalog and pg_toast", async () => {
    await inFreshSchema(engine(), async (conn, schema) => {
      const names = await inspect(conn).getSchemaNames();
      assert.ok(names.includes("public") && names.includes(schema), names.join(", "));
      assert.ok(!names.some((n) => n.startsWith("pg_")), names.join(", "));
    });
  });

  test("hasTable is true for a table or view of that exact name and false otherwise", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await conn.execute('create table "Emps" (id int)');
      await conn.execute('create view emp_view as select * from "Emps"');
      const insp = inspect(conn);
      assert.equal(await insp.hasTable("Emps"), true);
      assert.equal(await insp.hasTable("emps"), false, "names are exact, not folded to lower case");
      assert.equal(await insp.hasTable("emp_view"), true);
      assert.equal(await insp.hasTable("pg_class"), false, "catalog tables are not in the current schema");
    });
  });

  test("getColumns reports name, type, nullable, default, autoincrement and comment in table order", async () => {
    const columns = await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table items (id serial primary key, code varchar(12) not null, price numeric(10,2) default 0, tags text[], at timestamptz default now())");
      await conn.execute("comment on column items.code is 'stock code'");
      return inspect(conn).getColumns("items");
    });
    assert.deepEqual(columns, [
      { name: "id", type: "integer", nullable: false, default: "nextval('items_id_seq'::regclass)", autoincrement: true, comment: null },
      { name: "code", type: "character varying(12)", nullable: false, default: null, autoincrement: false, comment: "stock code" },
      { name: "price", type: "numeric(10,2)", nullable: true, default: "0", autoincrement: false, comment: null },
      { name: "tags", type: "text[]", nullable: true, default: null, autoincrement: false, comment: null },
      { name: "at", type: "timestamp with time zone", nullable: true, default: "now()", autoincrement: false, comment: null },
    ]);
  });

  test("getColumns reports identity and generated columns", async () => {
    const columns = await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table shapes (id int generated always as identity, side int, area int generated always as (side * side) stored)");
      return inspect(conn).getColumns("shapes");
    });
    assert.deepEqual(columns[0], { name: "id", type: "integer", nullable: false, default: null, autoincrement: true, comment: null, identity: { always: true } });
    assert.deepEqual(columns[2]?.computed, { sqltext: "(side * side)", persisted: true });
    assert.equal(columns[2]?.default, null);
  });

  test("getPrimaryKey gives a composite key's columns in key order, and an empty key for a table without one", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table grades (course int, student int, grade int, primary key (student, course))");
      await conn.execute("create table loose (x int)");
      assert.deepEqual(await inspect(conn).getPrimaryKey("grades"), { name: "grades_pkey", constrainedColumns: ["student", "course"] });
      assert.deepEqual(await inspect(conn).getPrimaryKey("loose"), { name: null, constrainedColumns: [] });
    });
  });

  test("getForeignKeys reports columns, the referred table and the actions that differ from the defaults", async () => {
    await inFreshSchema(engine(), async (conn) => {
      const other = uniqueName("insp_ref");
      await conn.execute(`create schema ${other}`);
      await conn.execute(`create table ${other}.regions (id int primary key)`);
      await conn.execute("create table depts (id int primary key, a int, b int, unique (a, b))");
      await conn.execute(
        "create table emps (id int primary key, dept_id int references depts (id) on delete set null, " +
          `region_id int references ${other}.regions (id) deferrable initially deferred, x int, y int, ` +
          "constraint emps_pair_fkey foreign key (x, y) references depts (a, b) match full on update cascade)",
      );
      const keys = await inspect(conn).getForeignKeys("emps");
      assert.deepEqual(keys, [
        { name: "emps_dept_id_fkey", constrainedColumns: ["dept_id"], referredSchema: null, referredTable: "depts", referredColumns: ["id"], options: { onDelete: "set null" } },
        { name: "emps_pair_fkey", constrainedColumns: ["x", "y"], referredSchema: null, referredTable: "depts", referredColumns: ["a", "b"], options: { onUpdate: "cascade", match: "full" } },
        { name: "emps_region_id_fkey", constrainedColumns: ["region_id"], referredSchema: other, referredTable: "regions", referredColumns: ["id"], options: { deferrable: true, initially: "deferred" } },
      ]);
    });
  });

  test("getIndexes leaves out the primary key and reports unique, expression, partial and covering indexes", async () => {
    const indexes = await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table users (id int primary key, email text unique, name text, city text)");
      await conn.execute("create index users_name_city on users (lower(name), city) include (email) where city is not null");
      return inspect(conn).getIndexes("users");
    });
    assert.deepEqual(indexes, [
      { name: "users_email_key", columnNames: ["email"], unique: true, duplicatesConstraint: "users_email_key" },
      {
        name: "users_name_city",
        columnNames: [null, "city"],
        unique: false,
        expressions: ["lower(name)", "city"],
        includeColumns: ["email"],
        dialectOptions: { postgresqlWhere: "city IS NOT NULL" },
      },
    ]);
  });

  test("getUniqueConstraints reports each constraint's columns in order", async () => {
    const uniques = await inFreshSchema(engine(), async (conn) => {
      await conn.execute("create table seats (room int, seat int, label text unique, unique (seat, room))");
      return inspect(conn).getUniqueConstraints("seats");
    });
    assert.deepEqual(uniques, [
      { name: "seats_label_key", columnNames: ["label"] },
      { name: "seats_seat_room_key", columnNames: ["seat", "room"] },
    ]);
  });

  test("odd table and column names are taken exactly as they are", async () => {
    await inFreshSchema(engine(), async (conn) => {
      const name = `Odd "Name"; drop table x --`;
      await conn.execute(`create table "${name.replaceAll('"', '""')}" ("Mixed Case" int primary key, "a.b" text)`);
      const insp = inspect(conn);
      assert.deepEqual(await insp.getTableNames(), [name]);
      assert.deepEqual((await insp.getColumns(name)).map((c) => c.name), ["Mixed Case", "a.b"]);
      assert.deepEqual((await insp.getPrimaryKey(name)).constrainedColumns, ["Mixed Case"]);
    });
  });

  test("a table that does not exist is a SchemaError naming it and the schema, and the scope goes on", async () => {
    await inFreshSchema(engine(), async (conn, schema) => {
      const insp = inspect(conn);
      const reads: Array<(table: string) => Promise<unknown>> = [
        (t) => insp.getColumns(t),
        (t) => insp.getPrimaryKey(t),
        (t) => insp.getForeignKeys(t),
        (t) => insp.getIndexes(t),
        (t) => insp.getUniqueConstraints(t),
      ];
      for (const read of reads) {
        await assert.rejects(read("nope"), (err: unknown) => err instanceof SchemaError && err.message === `Table "nope" does not exist in schema "${schema}".`);
      }
      assert.equal((await conn.execute("select 1 as one")).scalar(), 1, "the transaction is still usable");
    });
  });

  test("a dotted name is taken whole, and the error says how to name a schema", async () => {
    await inFreshSchema(engine(), async (conn) => {
      await assert.rejects(inspect(conn).getColumns("public.emps"), (err: unknown) => err instanceof SchemaError && /\{ schema: "public" \}/.test((err as Error).message));
    });
  });

  test("bad arguments are ArgumentErrors", async () => {
    assert.throws(() => inspect(undefined as unknown as Connection), ArgumentError);
    await engine().connect(async (conn) => {
      const insp = inspect(conn);
      await assert.rejects(insp.getColumns(""), ArgumentError);
      await assert.rejects(insp.getColumns(42 as unknown as string), ArgumentError);
      await assert.rejects(insp.getTableNames({ schema: 5 as unknown as string }), ArgumentError);
      await assert.rejects(insp.hasTable(null as unknown as string), ArgumentError);
    });
  });

  test("an option it does not know, or a name with NUL or a lone surrogate, is an ArgumentError naming it, and the scope goes on", async () => {
    await engine().connect(async (conn) => {
      const insp = inspect(conn);
      // A misspelt schema option would have listed the current schema's tables instead.
      await assert.rejects(insp.getTableNames({ shema: "archive" } as never), /getTableNames\(\) has no option "shema"/);
      await assert.rejects(insp.hasTable("a\u0000b"), (err: unknown) => err instanceof ArgumentError && /"a\\u0000b" cannot be a table name: it contains a NUL/.test((err as Error).message));
      await assert.rejects(insp.getColumns("a\uD800"), (err: unknown) => err instanceof ArgumentError && /lone UTF-16 surrogate/.test((err as Error).message));
      await assert.rejects(insp.getTableNames({ schema: "s\u0000" }), (err: unknown) => err instanceof ArgumentError && /cannot be a schema name/.test((err as Error).message));
      assert.equal(await conn.scalar("select 1 as still_usable"), 1);
    });
  });

  test("works inside engine.begin(), on tables the scope created, and sees them committed afterwards", async () => {
    const md = new MetaData();
    const t = md.table(uniqueName("insp_begin"), { id: integer().primaryKey(), name: text().notNull() });
    try {
      const inside = await engine().begin(async (conn) => {
        await md.createAll(conn);
        return inspect(conn).getColumns(t.name);
      });
      assert.deepEqual(inside.map((c) => [c.name, c.type, c.nullable]), [["id", "integer", false], ["name", "text", false]]);
      assert.equal(await engine().connect((conn) => inspect(conn).hasTable(t.name)), true);
    } finally {
      await engine().begin((conn) => md.dropAll(conn));
    }
  });

  test("an inspector used after its scope ended is a ScopeError", async () => {
    const insp = await engine().connect(async (conn) => inspect(conn));
    await assert.rejects(insp.getTableNames(), ScopeError);
  });
});
