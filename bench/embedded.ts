/**
 * The contenders on PGlite: pglite-lab, raw PGlite written the way its docs
 * recommend, Kysely + kysely-pglite, and the in-database floor.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { KyselyPGlite } from "kysely-pglite";
import { createEngine, type Engine } from "../src/index.js";
import { readCachedDump } from "../src/backends/data-dir-cache.js";
import { COUNT_EMPS, CREATE_EMPS, DROP_EMPS, FILL_EMPS, checkCount, makeRows } from "./data.js";
import { afterWarmups, startClock, timeFetchAll } from "./memory.js";
import { emps, md, type BenchDatabase } from "./schema.js";
import { fetchLoop, kyselyStream, labStream, timeStream } from "./stream.js";
import type { Measure, Task } from "./task.js";

const UNNEST_INSERT = "INSERT INTO emps (name, city) SELECT * FROM unnest($1::text[], $2::text[])";
/** Before each insert: an empty table, and no dirty pages or WAL left over from the previous round. */
const RESET_EMPS = `${DROP_EMPS}; ${CREATE_EMPS}; CHECKPOINT`;
const CHUNK = 1000;

/**
 * A PGlite for the workloads that do not time the start: every contender
 * starts from the same cached data directory, so setup takes a second, not five.
 */
async function openPglite(): Promise<PGlite> {
  const dump = readCachedDump();
  return dump ? PGlite.create({ loadDataDir: new Blob([dump]) }) : PGlite.create();
}

export async function measureEmbedded(task: Task): Promise<Measure> {
  switch (task.kind) {
    case "lab":
      return task.workload === "start" ? labStart() : withEngine(task);
    case "pglite":
    case "pglite-gzip":
    case "pglite-tar":
      if (task.workload === "start") return pgliteStart(task);
      return withPglite(task);
    case "floor":
    case "pglite-unnest":
    case "pglite-chunked":
      return withPglite(task);
    case "kysely-pglite":
      return kyselyPglite(task);
    default:
      throw new Error(`${task.kind} is not an embedded contender`);
  }
}

async function labStart(): Promise<Measure> {
  const clock = startClock();
  const engine = await createEngine();
  await engine.connect((conn) => conn.execute("select 1"));
  const time = clock();
  await engine.dispose();
  return time;
}

async function pgliteStart(task: Task): Promise<Measure> {
  const file = task.kind === "pglite-gzip" ? "datadir.tar.gz" : "datadir.tar";
  const clock = startClock();
  const db =
    task.kind === "pglite"
      ? await PGlite.create()
      : await PGlite.create({ loadDataDir: new Blob([readFileSync(path.join(task.dumpDir ?? ".", file))]) });
  await db.query("select 1");
  const time = clock();
  await db.close();
  return time;
}

async function withEngine(task: Task): Promise<Measure> {
  const engine = await createEngine();
  try {
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      if (task.workload === "fetchall" || task.workload === "stream" || task.workload === "batch") {
        await conn.execute(FILL_EMPS, [task.rows]);
      }
    });
    return await labWorkload(engine, task);
  } finally {
    await engine.dispose();
  }
}

async function labWorkload(engine: Engine, task: Task): Promise<Measure> {
  switch (task.workload) {
    case "insert":
    case "many": {
      const rows = makeRows(task.rows);
      const reset = async () => {
        await engine.begin(async (conn) => {
          await md.dropAll(conn);
          await md.createAll(conn);
        });
        await engine.connect((conn) => conn.execute("CHECKPOINT"));
      };
      const { time, rssGrowthMb } = await afterWarmups(task.warmups, reset, () => engine.begin((conn) => conn.execute(emps.insert(), rows)));
      checkCount(await engine.connect(async (conn) => (await conn.execute(COUNT_EMPS)).first() as never), task.rows);
      return { ...time, rssGrowthMb };
    }
    case "fetchall":
      return timeFetchAll(task, () => engine.connect(async (conn) => (await conn.execute(emps.select())).fetchAll()));
    case "stream":
    case "batch":
      return labStream(engine, task.batchSize, task.rows);
    default:
      throw new Error(`pglite-lab has no ${task.workload} workload`);
  }
}

async function withPglite(task: Task): Promise<Measure> {
  const db = await openPglite();
  try {
    await db.exec(CREATE_EMPS);
    if (task.workload === "fetchall" || task.workload === "stream" || task.workload === "batch") {
      await db.query(FILL_EMPS, [task.rows]);
    }
    const measure = await rawWorkload(db, task);
    if (task.workload === "insert" || task.workload === "many") {
      checkCount((await db.query<{ n: number; names: number }>(COUNT_EMPS)).rows[0], task.rows);
    }
    return measure;
  } finally {
    await db.close();
  }
}

async function rawWorkload(db: PGlite, task: Task): Promise<Measure> {
  if (task.workload === "fetchall") return timeFetchAll(task, async () => (await db.query("SELECT * FROM emps")).rows);
  if (task.workload === "stream" || task.workload === "batch") return rawCursor(db, task);
  const rows = task.kind === "floor" ? [] : makeRows(task.rows);
  const insert = async (): Promise<void> => {
    if (task.kind === "floor") {
      await db.query(FILL_EMPS, [task.rows]);
    } else if (task.kind === "pglite-unnest") {
      const names = new Array<string>(rows.length);
      const cities = new Array<string>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as { name: string; city: string };
        names[i] = row.name;
        cities[i] = row.city;
      }
      await db.query(UNNEST_INSERT, [names, cities]);
    } else {
      await db.transaction(async (tx) => {
        for (let start = 0; start < rows.length; start += CHUNK) {
          const chunk = rows.slice(start, start + CHUNK);
          const params: string[] = [];
          for (const row of chunk) params.push(row.name, row.city);
          await tx.query(multiRowInsert(chunk.length), params);
        }
      });
    }
  };
  const { time, rssGrowthMb } = await afterWarmups(task.warmups, () => db.exec(RESET_EMPS).then(() => undefined), insert);
  return { ...time, rssGrowthMb };
}

const multiRowSql = new Map<number, string>();

/** `INSERT … VALUES ($1, $2), ($3, $4), …` for `count` rows, built once per size. */
function multiRowInsert(count: number): string {
  let text = multiRowSql.get(count);
  if (!text) {
    const tuples = Array.from({ length: count }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`);
    text = `INSERT INTO emps (name, city) VALUES ${tuples.join(", ")}`;
    multiRowSql.set(count, text);
  }
  return text;
}

/** The hand-written stream: DECLARE a cursor in a transaction, FETCH batches until one comes back short. */
function rawCursor(db: PGlite, task: Task): Promise<Measure> {
  const batch = task.batchSize > 0 ? task.batchSize : 1000;
  return timeStream(task.rows, (sink) =>
    db.transaction(async (tx) => {
      await fetchLoop((sql) => tx.query<{ id: number; name: string }>(sql), batch, sink);
      await tx.query("CLOSE emps_cursor");
    }),
  );
}

async function kyselyPglite(task: Task): Promise<Measure> {
  if (task.workload === "start") {
    const clock = startClock();
    const { dialect, client } = await KyselyPGlite.create();
    const db = new Kysely<BenchDatabase>({ dialect });
    await sql`select 1`.execute(db);
    const time = clock();
    await client.close();
    return time;
  }
  const pglite = await openPglite();
  const db = new Kysely<BenchDatabase>({ dialect: new KyselyPGlite(pglite).dialect });
  try {
    await pglite.exec(CREATE_EMPS);
    if (task.workload === "insert") {
      const rows = makeRows(task.rows);
      const { time } = await afterWarmups(task.warmups, () => pglite.exec(RESET_EMPS).then(() => undefined), () =>
        db.insertInto("emps").values(rows).execute(),
      );
      checkCount((await pglite.query<{ n: number; names: number }>(COUNT_EMPS)).rows[0], task.rows);
      return time;
    }
    await pglite.query(FILL_EMPS, [task.rows]);
    if (task.workload === "fetchall") return await timeFetchAll(task, () => db.selectFrom("emps").selectAll().execute());
    return await kyselyStream(db, task.rows);
  } finally {
    await pglite.close();
  }
}
