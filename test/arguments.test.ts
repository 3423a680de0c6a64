import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { ArgumentError, createEngine, integer, MetaData, text } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

// What follows a statement is checked the same way wherever parameters are
// taken (execute, scalar, scalars, stream), before anything runs.
describeEachTarget("arguments of execute and stream", ({ engine }) => {
  const md = new MetaData();
  const name = uniqueName("args_t");
  const items = md.table(name, { id: integer().primaryKey(), label: text() });

  before(async () => {
    await engine().begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(items.insert(), [{ label: "a" }, { label: "b" }, { label: "c" }]);
    });
  });
  after(async () => {
    await engine().begin((conn) => md.dropAll(conn));
  });

  const labels = () => engine().connect((conn) => conn.scalars<{ label: string }>(`select label from ${name} order by id`));

  test("rows after table.update() are an ArgumentError, and no row is updated", async () => {
    // Plain JavaScript, where no type check stops the call.
    const update: unknown = items.update().set({ label: "changed" });
    const rows: unknown = [{ id: 1, label: "x" }];
    await assert.rejects(engine().begin((conn) => conn.execute(update as never, rows as never)), (err: unknown) => {
      assert.ok(err instanceof ArgumentError);
      assert.match((err as Error).message, /UpdateQueryBuilder/);
      assert.match((err as Error).message, /only table\.insert\(\) takes rows/);
      return true;
    });
    assert.deepEqual(await labels(), ["a", "b", "c"]);
  });

  test("parameters after a Kysely query or an sql template are an ArgumentError", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute(items.select() as never, [1] as never), ArgumentError);
      await assert.rejects(conn.execute(sql`select 1` as never, [] as never), ArgumentError);
    });
  });

  test("an object where an SQL string's parameters go is an ArgumentError that points at conn.stream()", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute(`delete from ${name}`, { batchSize: 2 } as never), (err: unknown) => {
        assert.ok(err instanceof ArgumentError);
        assert.match((err as Error).message, /must be an array/);
        assert.match((err as Error).message, /conn\.stream\(\)/);
        return true;
      });
    });
    assert.deepEqual(await labels(), ["a", "b", "c"]);
  });

  test("conn.stream(sql, { batchSize }) takes the options in place of the parameters", async () => {
    const seen = await engine().connect(async (conn) => {
      const out: number[] = [];
      for await (const row of conn.stream<{ n: number }>("select generate_series(1, 5) as n", { batchSize: 2 })) out.push(row.n);
      return out;
    });
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  test("conn.stream refuses what it cannot take, naming the right call, and starts nothing", async () => {
    await engine().connect(async (conn) => {
      // Called as plain JavaScript would, past the overloads.
      const stream = conn.stream.bind(conn) as (...args: unknown[]) => unknown;
      const cases: Array<[() => unknown, RegExp]> = [
        [() => stream("select 1", { batchSize: 2 }, { batchSize: 3 }), /options twice/],
        [() => stream("select 1", "x"), /must be an array/],
        [() => stream(items.select(), [1]), /conn\.stream\(query, options\)/],
        [() => stream(items.select(), {}, {}), /conn\.stream\(query, options\)/],
        [() => stream("select 1", { bathSize: 2 }), /no option "bathSize"/],
        [() => conn.stream("select 1", [], { batchSize: 1e12 }), /batchSize must be a whole number of rows from 1 to 1,000,000/],
        [() => conn.stream("select 1", { batchSize: 0 }), /batchSize/],
        [() => conn.stream("select 1", { batchSize: 2.5 }), /batchSize/],
      ];
      for (const [call, message] of cases) {
        assert.throws(call, (err: unknown) => err instanceof ArgumentError && message.test((err as Error).message));
      }
      assert.equal(conn.inTransaction, false, "nothing was sent");
    });
  });
});

test("createEngine refuses a batchSize beyond 1,000,000 at the option", async () => {
  await assert.rejects(createEngine({ batchSize: 1e12 }), (err: unknown) => err instanceof ArgumentError && /createEngine\(\): batchSize/.test((err as Error).message));
});

test("createEngine refuses an option it does not know, naming it", async () => {
  await assert.rejects(createEngine({ echoo: true } as never), (err: unknown) => err instanceof ArgumentError && /no option "echoo"/.test((err as Error).message));
});

test("createEngine refuses a bad poolSize or connectTimeoutMs on the embedded engine too, before anything starts", async () => {
  const refused = (options: unknown, pattern: RegExp) =>
    assert.rejects(createEngine(options as never), (err: unknown) => err instanceof ArgumentError && pattern.test((err as Error).message));
  await refused({ poolSize: -1 }, /poolSize must be a whole number of connections from 1/);
  await refused({ poolSize: "5" }, /poolSize/);
  await refused({ connectTimeoutMs: 0 }, /connectTimeoutMs must be a number of milliseconds above 0/);
  await refused({ connectTimeoutMs: "100" }, /connectTimeoutMs/);
});

test("createEngine refuses a connectTimeoutMs longer than a Node.js timer holds, which would fire at once", async () => {
  await assert.rejects(
    createEngine("postgres://nobody@127.0.0.1:1/nowhere", { connectTimeoutMs: 1e12 }),
    (err: unknown) => err instanceof ArgumentError && /at most 2147483647/.test((err as Error).message),
  );
});

test("createEngine refuses Kysely plugins and log settings Kysely could not use", async () => {
  const refused = (kysely: unknown, pattern: RegExp) =>
    assert.rejects(createEngine({ kysely } as never), (err: unknown) => err instanceof ArgumentError && pattern.test((err as Error).message));
  await refused({ plugins: [1] }, /kysely\.plugins must be an array of Kysely plugins/);
  await refused({ plugins: {} }, /kysely\.plugins/);
  await refused({ log: 5 }, /kysely\.log must be a function/);
  await refused({ log: ["queries"] }, /kysely\.log/);
});

test("options are read from the object's own keys only, never from a prototype", async () => {
  // Object.create() hands its prototype's keys to every read; they are refused rather than half-seen.
  await assert.rejects(createEngine(Object.create({ echo: true }) as never), (err: unknown) => err instanceof ArgumentError && /Object\.create/.test((err as Error).message));
  const polluted = Object.prototype as Record<string, unknown>;
  polluted["batchSize"] = 0;
  try {
    const engine = await createEngine({});
    await engine.dispose();
  } finally {
    delete polluted["batchSize"];
  }
});
