/**
 * The contenders on a PostgreSQL server (when DATABASE_URL is set):
 * node-postgres with pg-cursor, Kysely + pg, pglite-lab, and the floor.
 *
 * @module
 */
import pg from "pg";
import Cursor from "pg-cursor";
import { Kysely, PostgresDialect, sql } from "kysely";
import { createEngine } from "../src/index.js";
import { COUNT_EMPS, CREATE_EMPS, DROP_EMPS, FILL_EMPS, RowSink, checkCount, fetchLoop, makeRows } from "./data.js";
import { afterWarmups, startClock } from "./memory.js";
import { emps, type BenchDatabase } from "./schema.js";
import type { Measure, Task } from "./task.js";

/** The schema the server contenders work in, named in the URL's search_path. */
export const BENCH_SCHEMA = "pglite_lab_bench";

/** The server URL with search_path set to the bench schema, so `emps` never touches the user's tables. */
export function benchServerUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set("options", `-c search_path=${BENCH_SCHEMA}`);
  return url.toString();
}

const UNNEST_INSERT = "INSERT INTO emps (name, city) SELECT * FROM unnest($1::text[], $2::text[])";
const CHUNK = 1000;
const nothing = async (): Promise<void> => undefined;

/** Before each insert: an empty table. */
async function emptyEmps(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("TRUNCATE emps RESTART IDENTITY");
  } finally {
    await client.end();
  }
}

/** A fresh `emps` in the bench schema, filled with `fill` rows. */
async function prepare(url: string, fill: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${BENCH_SCHEMA}`);
    await client.query(DROP_EMPS);
    await client.query(CREATE_EMPS);
    if (fill > 0) await client.query(FILL_EMPS, [fill]);
    await client.query("VACUUM ANALYZE emps");
  } finally {
    await client.end();
  }
}

async function count(url: string, expected: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    checkCount((await client.query<{ n: number; names: number }>(COUNT_EMPS)).rows[0], expected);
  } finally {
    await client.end();
  }
}

export async function measureServer(task: Task): Promise<Measure> {
  const url = task.serverUrl;
  if (!url) throw new Error("no server URL");
  if (task.workload === "start") return start(task, url);
  const filled = task.workload === "fetchall" || task.workload === "stream";
  await prepare(url, filled ? task.rows : 0);
  const measure =
    task.kind === "lab-server" ? await lab(task, url) : task.kind === "kysely-pg" ? await kysely(task, url) : await raw(task, url);
  if (!filled) await count(url, task.rows);
  return measure;
}

async function start(task: Task, url: string): Promise<Measure> {
  const clock = startClock();
  if (task.kind === "lab-server") {
    const engine = await createEngine(url);
    await engine.connect((conn) => conn.execute("select 1"));
    const time = clock();
    await engine.dispose();
    return time;
  }
  if (task.kind === "kysely-pg") {
    const db = new Kysely<BenchDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
    await sql`select 1`.execute(db);
    const time = clock();
    await db.destroy();
    return time;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("select 1");
  const time = clock();
  await client.end();
  return time;
}

async function lab(task: Task, url: string): Promise<Measure> {
  const engine = await createEngine(url);
  try {
    if (task.workload === "insert") {
      const rows = makeRows(task.rows);
      const { time, rssGrowthMb } = await afterWarmups(task.warmups, () => emptyEmps(url), () =>
        engine.begin((conn) => conn.execute(emps.insert(), rows)),
      );
      return { ...time, rssGrowthMb };
    }
    if (task.workload === "fetchall") {
      const { time, result } = await afterWarmups(task.warmups, nothing, () =>
        engine.connect(async (conn) => (await conn.execute(emps.select())).fetchAll()),
      );
      if (result.length !== task.rows) throw new Error(`fetched ${result.length} rows, expected ${task.rows}`);
      return time;
    }
    const sink = new RowSink();
    const clock = startClock();
    await engine.connect(async (conn) => {
      for await (const row of conn.stream(emps.select())) sink.take(row);
    });
    const time = clock();
    const rssGrowthMb = sink.stop();
    sink.check(task.rows);
    return { ...time, rssGrowthMb };
  } finally {
    await engine.dispose();
  }
}

async function kysely(task: Task, url: string): Promise<Measure> {
  const db = new Kysely<BenchDatabase>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }), cursor: Cursor }),
  });
  try {
    if (task.workload === "insert") {
      const rows = makeRows(task.rows);
      const { time } = await afterWarmups(task.warmups, () => emptyEmps(url), () => db.insertInto("emps").values(rows).execute());
      return time;
    }
    if (task.workload === "fetchall") {
      const { time, result } = await afterWarmups(task.warmups, nothing, () => db.selectFrom("emps").selectAll().execute());
      if (result.length !== task.rows) throw new Error(`fetched ${result.length} rows, expected ${task.rows}`);
      return time;
    }
    const sink = new RowSink();
    const clock = startClock();
    for await (const row of db.selectFrom("emps").selectAll().stream(1000)) sink.take(row);
    const time = clock();
    const rssGrowthMb = sink.stop();
    sink.check(task.rows);
    return { ...time, rssGrowthMb };
  } finally {
    await db.destroy();
  }
}

async function raw(task: Task, url: string): Promise<Measure> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    switch (task.workload) {
      case "insert":
        return await rawInsert(client, task, url);
      case "fetchall": {
        const { time, result } = await afterWarmups(task.warmups, nothing, () => client.query("SELECT * FROM emps"));
        if (result.rows.length !== task.rows) throw new Error(`fetched ${result.rows.length} rows, expected ${task.rows}`);
        return time;
      }
      default: {
        if (task.kind === "pg-fetch") return await rawFetch(client, task);
        const sink = new RowSink();
        const clock = startClock();
        const cursor = client.query(new Cursor<{ id: number; name: string }>("SELECT * FROM emps"));
        for (;;) {
          const rows = await cursor.read(CHUNK);
          for (const row of rows) sink.take(row);
          if (rows.length < CHUNK) break;
        }
        await cursor.close();
        const time = clock();
        const rssGrowthMb = sink.stop();
        sink.check(task.rows);
        return { ...time, rssGrowthMb };
      }
    }
  } finally {
    await client.end();
  }
}

/** The stream pglite-lab runs on a server, written by hand: DECLARE a cursor in a transaction, FETCH until a batch comes back short. */
async function rawFetch(client: pg.Client, task: Task): Promise<Measure> {
  const batch = task.batchSize > 0 ? task.batchSize : 1000;
  const sink = new RowSink();
  const clock = startClock();
  await client.query("BEGIN");
  await fetchLoop((sql) => client.query<{ id: number; name: string }>(sql), batch, sink);
  await client.query("COMMIT");
  const time = clock();
  const rssGrowthMb = sink.stop();
  sink.check(task.rows);
  return { ...time, rssGrowthMb };
}

async function rawInsert(client: pg.Client, task: Task, url: string): Promise<Measure> {
  const rows = task.kind === "pg-floor" ? [] : makeRows(task.rows);
  const insert = async (): Promise<void> => {
    if (task.kind === "pg-floor") {
      await client.query(FILL_EMPS, [task.rows]);
    } else if (task.kind === "pg-unnest") {
      await client.query(UNNEST_INSERT, [rows.map((r) => r.name), rows.map((r) => r.city)]);
    } else {
      await client.query("BEGIN");
      for (let start = 0; start < rows.length; start += CHUNK) {
        const chunk = rows.slice(start, start + CHUNK);
        const params: string[] = [];
        const tuples: string[] = [];
        chunk.forEach((row, i) => {
          params.push(row.name, row.city);
          tuples.push(`($${2 * i + 1}, $${2 * i + 2})`);
        });
        await client.query(`INSERT INTO emps (name, city) VALUES ${tuples.join(", ")}`, params);
      }
      await client.query("COMMIT");
    }
  };
  const { time } = await afterWarmups(task.warmups, () => emptyEmps(url), insert);
  return time;
}
