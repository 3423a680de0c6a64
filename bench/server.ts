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
import { COUNT_EMPS, CREATE_EMPS, DROP_EMPS, FILL_EMPS, checkCount, makeRows } from "./data.js";
import { afterWarmups, startClock, timeFetchAll } from "./memory.js";
import { emps, type BenchDatabase } from "./schema.js";
import { fetchLoop, kyselyStream, labStream, timeStream } from "./stream.js";
import type { Measure, Task } from "./task.js";

/**
 * The schema of one `npm run bench` process, named in the URL's search_path:
 * `emps` never touches the user's tables, and two bench runs sharing a
 * server never drop each other's.
 */
export const BENCH_SCHEMA = `pglite_lab_bench_${process.pid}`;

/** The server URL with search_path set to the bench schema. */
export function benchServerUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set("options", `-c search_path=${BENCH_SCHEMA}`);
  return url.toString();
}

const UNNEST_INSERT = "INSERT INTO emps (name, city) SELECT * FROM unnest($1::text[], $2::text[])";
const CHUNK = 1000;

/** Runs `body` on a client of its own, closed afterwards. */
async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Creates the bench schema (`drop: false`) or drops it with everything in it. */
export async function benchSchema(databaseUrl: string, drop: boolean): Promise<void> {
  await withClient(databaseUrl, (client) =>
    client.query(drop ? `DROP SCHEMA IF EXISTS ${BENCH_SCHEMA} CASCADE` : `CREATE SCHEMA IF NOT EXISTS ${BENCH_SCHEMA}`),
  );
}

/** Before each insert: an empty table. */
async function emptyEmps(url: string): Promise<void> {
  await withClient(url, (client) => client.query("TRUNCATE emps RESTART IDENTITY"));
}

/** A fresh `emps` in the bench schema, filled with `fill` rows. */
async function prepare(url: string, fill: number): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(DROP_EMPS);
    await client.query(CREATE_EMPS);
    if (fill > 0) await client.query(FILL_EMPS, [fill]);
    await client.query("VACUUM ANALYZE emps");
  });
}

async function count(url: string, expected: number): Promise<void> {
  await withClient(url, async (client) => {
    checkCount((await client.query<{ n: number; names: number }>(COUNT_EMPS)).rows[0], expected);
  });
}

export async function measureServer(task: Task): Promise<Measure> {
  const url = task.serverUrl;
  if (!url) throw new Error("no server URL");
  if (task.workload === "start") return start(task, url);
  const filled = task.workload === "fetchall" || task.workload === "stream" || task.workload === "batch";
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
      return await timeFetchAll(task, () => engine.connect(async (conn) => (await conn.execute(emps.select())).fetchAll()));
    }
    return await labStream(engine, task.batchSize, task.rows);
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
    if (task.workload === "fetchall") return await timeFetchAll(task, () => db.selectFrom("emps").selectAll().execute());
    return await kyselyStream(db, task.rows);
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
      case "fetchall":
        return await timeFetchAll(task, async () => (await client.query("SELECT * FROM emps")).rows);
      default:
        return await (task.kind === "pg-fetch" ? rawFetch(client, task) : rawCursor(client, task));
    }
  } finally {
    await client.end();
  }
}

/** pg-cursor read by hand, `CHUNK` rows a read, as its docs show it. */
function rawCursor(client: pg.Client, task: Task): Promise<Measure> {
  return timeStream(task.rows, async (sink) => {
    const cursor = client.query(new Cursor<{ id: number; name: string }>("SELECT * FROM emps"));
    for (;;) {
      const rows = await cursor.read(CHUNK);
      for (const row of rows) sink.take(row);
      if (rows.length < CHUNK) break;
    }
    await cursor.close();
  });
}

/** A cursor declared in a transaction and read by FETCH statements, by hand (what pglite-lab did before it read portals). */
function rawFetch(client: pg.Client, task: Task): Promise<Measure> {
  const batch = task.batchSize > 0 ? task.batchSize : 1000;
  return timeStream(task.rows, async (sink) => {
    await client.query("BEGIN");
    await fetchLoop((sql) => client.query<{ id: number; name: string }>(sql), batch, sink);
    await client.query("COMMIT");
  });
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
