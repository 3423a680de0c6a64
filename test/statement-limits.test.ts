import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArgumentError } from "../src/index.js";
import {
  highestPlaceholder,
  MAX_BIND_PARAMETERS,
  MAX_EMBEDDED_NESTING,
  checkEmbeddedNesting,
  checkParameterCount,
  nestingDepth,
  scriptStatements,
} from "../src/internal/statement-limits.js";
import { sql as raw } from "kysely";
import { describeEachTarget } from "./support/targets.js";

describe("statement limits checked before sending", () => {
  test("65,535 bind parameters pass; 70,000 are an ArgumentError naming the statement, not a wrapped count", () => {
    checkParameterCount("select 1", new Array(MAX_BIND_PARAMETERS).fill(1));
    assert.throws(
      () => checkParameterCount("insert into emps (name) values ($1), ($2) …", new Array(70_000).fill("x")),
      (err: unknown) => {
        assert.ok(err instanceof ArgumentError);
        assert.match(err.message, /70000 bind parameters/);
        assert.match(err.message, /at most 65535/);
        assert.match(err.message, /Statement: insert into emps \(name\) values/);
        return true;
      },
    );
  });

  test("ordinary statements nest a few levels", () => {
    const ordinary = [
      'select * from "emps" where "id" = $1',
      'INSERT INTO "emps" ("name", "city") SELECT unnest($1::text[]), unnest($2::text[]) RETURNING "id"',
      `select * from t where id in (${Array.from({ length: 10_000 }, (_, i) => i).join(", ")})`,
      `select * from t where ${Array.from({ length: 1000 }, (_, i) => `c${i} = ${i}`).join(" and ")}`,
      `select * from t where ${Array.from({ length: 1000 }, (_, i) => `c = ${i}`).join(" OR ")}`,
      `select ${Array.from({ length: 1000 }, (_, i) => `a${i} + b${i} as s${i}`).join(", ")} from t`,
      "select 'a' || 'b' || 'c', coalesce(x, 0) * 2 - 1 from t order by 1 desc limit 10",
    ];
    for (const sql of ordinary) assert.ok(nestingDepth(sql) < 10, `${sql.slice(0, 60)}: ${nestingDepth(sql)}`);
  });

  test("a chain of 30,000 terms, deep parentheses and deep subqueries are past the embedded limit", () => {
    const deep = [
      `select ${Array(30_000).fill("1").join("+")}`,
      `select ${Array(300).fill("'a'").join(" || ")}`,
      `select ${"(".repeat(300)}1${")".repeat(300)}`,
      `select ${"(select ".repeat(300)}1${")".repeat(300)}`,
      `select ${"abs(".repeat(300)}1${")".repeat(300)}`,
      `select array${"[".repeat(300)}1${"]".repeat(300)}`,
    ];
    for (const sql of deep) assert.ok(nestingDepth(sql) > MAX_EMBEDDED_NESTING, `${sql.slice(0, 40)}: ${nestingDepth(sql)}`);
  });

  test("operators inside literals, quoted identifiers, comments and dollar quotes do not count", () => {
    const pluses = "+".repeat(1000);
    const hidden = [
      `select '${pluses}' as s`,
      `select E'\\'${pluses}' as s`,
      `select 1 as "${pluses}"`,
      `select 1 -- ${pluses}\n`,
      `select 1 /* ${pluses} /* nested */ ${pluses} */`,
      `select $body$ ${pluses} $body$`,
      `select $$ ${pluses} $$`,
    ];
    for (const sql of hidden) assert.ok(nestingDepth(sql) < 5, `${sql.slice(0, 40)}: ${nestingDepth(sql)}`);
  });

  test("highestPlaceholder finds $n as PostgreSQL's lexer does, outside literals, names, comments and dollar quotes", () => {
    assert.equal(highestPlaceholder("select $1, $12::int"), 12);
    assert.equal(highestPlaceholder("select 1"), 0);
    assert.equal(highestPlaceholder(`select '$9', "$8", a$7, $$ $6 $$, $tag$ $5 $tag$, E'\\' $4' -- $3\n /* $2 /* nested */ */ , $1`), 1);
  });

  test("checkEmbeddedNesting is an ArgumentError naming the statement and saying what to do", () => {
    checkEmbeddedNesting(`select ${Array(100).fill("1").join("+")}`);
    assert.throws(() => checkEmbeddedNesting(`select ${Array(30_000).fill("1").join("+")}`), (err: unknown) => {
      assert.ok(err instanceof ArgumentError);
      assert.match(err.message, /more than 200 levels deep/);
      assert.match(err.message, /Statement: select 1\+1\+1/);
      return true;
    });
  });
});

describeEachTarget("statement limits on the engines", ({ target, engine }) => {
  test("70,000 bind parameters are an ArgumentError through conn.execute, engine.kysely and conn.stream, and the engine goes on", async () => {
    const values = new Array(70_000).fill(1);
    const sql = `select ${values.map((_, i) => `$${i + 1}::int`).join(", ")}`;
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute(sql, values), (err: unknown) => err instanceof ArgumentError && /70000 bind parameters/.test((err as Error).message));
      await assert.rejects(
        (async () => {
          for await (const _row of conn.stream(sql, values)) void _row;
        })(),
        ArgumentError,
      );
      assert.equal(await conn.scalar("select 1 as one"), 1, "the scope's transaction is not aborted");
    });
    await assert.rejects(raw`select ${raw.join(values)}`.execute(engine().kysely), ArgumentError);
  });

  test("COPY … FROM STDIN is an ArgumentError at once rather than a wait for ever, and COPY … TO STDOUT one rather than no rows", { timeout: 30_000 }, async () => {
    const table = `copy_${process.pid}`;
    await engine().connect(async (conn) => {
      await conn.execute(`create temp table ${table} (x int)`);
      await assert.rejects(conn.execute(`copy ${table} from stdin`), (err: unknown) => err instanceof ArgumentError && /COPY … FROM STDIN is not supported.*table\.insert\(\)/.test((err as Error).message));
      await assert.rejects(conn.execute(`/* load */ COPY ${table} (x) FROM STDIN WITH (FORMAT csv)`), ArgumentError);
      await assert.rejects(conn.stream(`copy ${table} from stdin`).all(), ArgumentError);
      await assert.rejects(conn.execute(`copy (select 1) to stdout`), (err: unknown) => err instanceof ArgumentError && /TO STDOUT.*thrown away/.test((err as Error).message));
      assert.equal(await conn.scalar("select 2 as two"), 2, "a refused COPY aborted nothing");
    });
    // The words inside a literal are not the statement's: this COPY reaches the database (which refuses the file).
    await assert.rejects(
      engine().connect((conn) => conn.execute(`copy (select 'from stdin') to '/nonexistent/x.csv'`)),
      (err: unknown) => !(err instanceof ArgumentError),
    );
    await assert.rejects(raw`copy ${raw.raw(table)} from stdin`.execute(engine().kysely), ArgumentError);
    // In a script, after another statement: on PGlite this once blocked the whole process, timers included.
    await assert.rejects(raw.raw(`select 1; copy ${table} from stdin`).execute(engine().kysely), (err: unknown) => err instanceof ArgumentError && /Statement: copy/.test((err as Error).message));
  });

  test("an expression nested past the embedded limit is an ArgumentError on PGlite; a server answers it itself", async () => {
    const deep = `select ${Array(3000).fill("1").join("+")} as n`;
    await engine().connect(async (conn) => {
      if (target.name === "pglite") {
        await assert.rejects(conn.execute(deep), (err: unknown) => err instanceof ArgumentError && /levels deep/.test((err as Error).message));
      } else {
        assert.equal(await conn.scalar(deep), 3000);
      }
      assert.equal(await conn.scalar("select 2 as two"), 2);
    });
  });
});

describe("scriptStatements", () => {
  test("splits at the semicolons PostgreSQL splits at", () => {
    assert.deepEqual(scriptStatements("select 1"), ["select 1"]);
    assert.deepEqual(scriptStatements("begin; insert into t values (1);commit;"), ["begin", " insert into t values (1)", "commit", ""]);
    assert.deepEqual(scriptStatements("select ';', \"a;b\", $$;$$, $q$ ; $q$, E'\\'; x' -- c;\n; /* ; /* ; */ */ end"), [
      "select ';', \"a;b\", $$;$$, $q$ ; $q$, E'\\'; x' -- c;\n",
      " /* ; /* ; */ */ end",
    ]);
  });

  test("keeps a BEGIN ATOMIC function body whole, CASE … END inside it too", () => {
    const create = "create function f(x int) returns int language sql begin atomic; select case when x > 0 then 1 else 2 end; end";
    assert.deepEqual(scriptStatements(`${create}; commit`), [create, " commit"]);
    assert.deepEqual(scriptStatements("begin; select 1; end"), ["begin", " select 1", " end"]);
  });
});

