import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  DataError,
  IntegrityError,
  MetaData,
  PgliteLabError,
  ProgrammingError,
  StatementError,
  integer,
  text,
} from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

describeEachTarget("errors from the database", ({ engine }) => {
  const md = new MetaData();
  const users = md.table(uniqueName("users"), { id: integer().primaryKey(), email: text().notNull().unique() });

  before(async () => {
    await engine().begin((conn) => md.createAll(conn));
  });
  after(async () => {
    await engine().begin((conn) => md.dropAll(conn));
  });

  test("a syntax error is a ProgrammingError whose message holds the statement, with the driver error as cause", async () => {
    await assert.rejects(engine().connect((conn) => conn.execute("selec 1 from somewhere")), (err: unknown) => {
      assert.ok(err instanceof ProgrammingError);
      assert.ok(err instanceof StatementError && err instanceof PgliteLabError);
      assert.equal(err.code, "42601");
      assert.match(err.message, /syntax error at or near "selec"/);
      assert.match(err.message, /Statement: selec 1 from somewhere/);
      assert.equal(err.sql, "selec 1 from somewhere");
      assert.ok(err.cause instanceof Error);
      return true;
    });
  });

  test("an unknown table is named in the message", async () => {
    await assert.rejects(engine().connect((conn) => conn.execute("select * from missing_table_xyz")), (err: unknown) => {
      assert.ok(err instanceof ProgrammingError);
      assert.match(err.message, /relation "missing_table_xyz" does not exist/);
      return true;
    });
  });

  test("an unknown column is named in the message", async () => {
    await assert.rejects(engine().connect((conn) => conn.execute(`select nmae from ${users.name}`)), /column "nmae" does not exist/);
  });

  test("NULL into NOT NULL is an IntegrityError naming table and column", async () => {
    await assert.rejects(engine().begin((conn) => conn.execute(`insert into ${users.name} (email) values ($1)`, [null])), (err: unknown) => {
      assert.ok(err instanceof IntegrityError);
      assert.equal(err.column, "email");
      assert.equal(err.table, users.name);
      assert.equal(err.code, "23502");
      return true;
    });
  });

  test("a unique violation names the constraint and the key", async () => {
    await engine().begin((conn) => conn.execute(users.insert(), [{ email: "a@example.org" }]));
    await assert.rejects(engine().begin((conn) => conn.execute(users.insert(), [{ email: "a@example.org" }])), (err: unknown) => {
      assert.ok(err instanceof IntegrityError);
      assert.equal(err.code, "23505");
      assert.match(err.message, /Key \(email\)=\(a@example\.org\) already exists/);
      return true;
    });
  });

  test("bad input syntax for a type is a DataError", async () => {
    await assert.rejects(engine().connect((conn) => conn.execute("select $1::int", ["twelve"])), DataError);
  });

  test("statements after a failure in the same transaction explain that it must be rolled back", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute("select * from missing_table_xyz"));
      await assert.rejects(conn.execute("select 1"), /roll back/);
      await conn.rollback();
      assert.equal((await conn.execute("select 1 as one")).scalar(), 1);
    });
  });

  test("the engine stays usable after every kind of failure", async () => {
    const n = await engine().connect(async (conn) => (await conn.execute(`select count(*)::int from ${users.name}`)).scalar());
    assert.equal(n, 1);
  });

  test("parameters are bound: an injection string is stored literally", async () => {
    const evil = "x'); drop table " + users.name + "; --";
    await engine().begin((conn) => conn.execute(`insert into ${users.name} (email) values ($1)`, [evil]));
    const stored = await engine().connect(async (conn) => (await conn.execute(`select email from ${users.name} where email = $1`, [evil])).scalar());
    assert.equal(stored, evil);
  });

  test("parameters of an SQL string must be an array", async () => {
    await assert.rejects(engine().connect((conn) => conn.execute("select $1", "x" as never)), /must be an array/);
  });

  test("execute refuses something that is not a statement, saying what it takes", async () => {
    await assert.rejects(engine().connect((conn) => conn.execute(42 as never)), /takes an SQL string/);
  });
});
