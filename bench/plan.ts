/**
 * Who runs in each workload, which of them is the baseline, and the goals
 * pglite-lab is held to.
 *
 * @module
 */
import type { BenchOptions, Workload } from "./options.js";
import type { ContenderKind } from "./task.js";

/** A ceiling on pglite-lab's ratio to the baseline (and, for streams, on RSS growth). */
export interface Goal {
  readonly maxRatio: number;
  readonly maxRssMb?: number;
}

export interface Contender {
  /** Unique within its panel. */
  readonly key: string;
  readonly label: string;
  readonly kind: ContenderKind;
  /** Stream batch size; 0 for the library's default. */
  readonly batchSize: number;
  readonly baseline?: boolean;
  readonly goal?: Goal;
}

/** One workload on one kind of database: the unit of alternation and of the report. */
export interface Panel {
  readonly workload: Workload;
  readonly group: "PGlite" | "server";
  readonly title: string;
  readonly rows: number;
  /** Untimed repetitions in the same process before the timed one (see Task). */
  readonly warmups: number;
  readonly contenders: readonly Contender[];
}

function c(kind: ContenderKind, label: string, extra: Partial<Contender> = {}): Contender {
  return { key: kind, label, kind, batchSize: 0, ...extra };
}

function count(n: number): string {
  return n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** A warm panel (after `--warmups` untimed runs in the same process) and the same contenders' first call in a fresh process. */
function warmAndFirst(panel: Omit<Panel, "warmups">, o: BenchOptions): Panel[] {
  if (o.warmups === 0) return [{ ...panel, title: `${panel.title}, first call`, warmups: 0 }];
  return [
    { ...panel, title: `${panel.title}, warm`, warmups: o.warmups },
    {
      ...panel,
      title: `${panel.title}, first call in a fresh process`,
      warmups: 0,
      contenders: panel.contenders.map((c) => (c.goal ? { ...c, goal: undefined } : c)),
    },
  ];
}

function embedded(workload: Workload, o: BenchOptions): Panel[] {
  switch (workload) {
    case "start":
      return [{
        workload, group: "PGlite", title: "new engine + first query", rows: 0, warmups: 0,
        contenders: [
          c("pglite", "raw PGlite: `PGlite.create()` (initdb)", { baseline: true }),
          c("lab", "pglite-lab: `createEngine()`", { goal: { maxRatio: 0.3 } }),
          c("pglite-gzip", "raw PGlite: `loadDataDir` from a gzip dump"),
          c("pglite-tar", "raw PGlite: `loadDataDir` from a tar dump"),
          c("kysely-pglite", "Kysely + kysely-pglite"),
        ],
      }];
    case "insert":
      return warmAndFirst({
        workload, group: "PGlite", title: `insert ${count(o.rows)} rows, one call`, rows: o.rows,
        contenders: [
          c("floor", "floor: `INSERT … SELECT … generate_series`", { baseline: true }),
          c("lab", "pglite-lab: `conn.execute(emps.insert(), rows)`", { goal: { maxRatio: 1.2 } }),
          c("pglite-unnest", "raw PGlite: `INSERT … SELECT * FROM unnest($1, $2)`"),
          c("pglite-chunked", "raw PGlite: 1000-row multi-row INSERTs"),
          c("kysely-pglite", "Kysely + kysely-pglite: `insertInto().values(rows)`"),
        ],
      }, o);
    case "fetchall":
      return warmAndFirst({
        workload, group: "PGlite", title: `fetch all ${count(o.rows)} rows`, rows: o.rows,
        contenders: [
          c("pglite", "raw PGlite: `db.query()`", { baseline: true }),
          c("lab", "pglite-lab: `conn.execute(emps.select()).fetchAll()`", { goal: { maxRatio: 1.1 } }),
          c("kysely-pglite", "Kysely + kysely-pglite: `selectAll().execute()`"),
        ],
      }, o);
    case "stream":
      return [{
        workload, group: "PGlite", title: `stream ${count(o.streamRows)} rows`, rows: o.streamRows, warmups: 0,
        contenders: [
          c("pglite", "raw PGlite: hand-written DECLARE / FETCH 1000 loop", { baseline: true, batchSize: 1000 }),
          c("lab", "pglite-lab: `conn.stream(emps.select())`", { goal: { maxRatio: 1.1, maxRssMb: 50 } }),
          c("kysely-pglite", "Kysely + kysely-pglite: `.stream(1000)`"),
        ],
      }];
    case "many":
      return [{
        workload, group: "PGlite", title: `executemany ${count(o.manyRows)} rows, one call (correctness)`, rows: o.manyRows, warmups: 0,
        contenders: [
          c("floor", "floor: `INSERT … SELECT … generate_series`", { baseline: true }),
          c("lab", "pglite-lab: `conn.execute(emps.insert(), rows)`"),
        ],
      }];
    case "batch":
      return [{
        workload, group: "PGlite", title: `stream ${count(o.streamRows)} rows: batch size`, rows: o.streamRows, warmups: 0,
        contenders: [
          c("pglite", "raw PGlite: DECLARE / FETCH 1000 loop", { baseline: true, batchSize: 1000 }),
          ...labBatchSizes("lab", o),
        ],
      }];
  }
}

function server(workload: Workload, o: BenchOptions): Panel[] {
  switch (workload) {
    case "start":
      return [{
        workload, group: "server", title: "new engine + first query", rows: 0, warmups: 0,
        contenders: [
          c("pg", "node-postgres: `new Client()` + `connect()`", { baseline: true }),
          c("lab-server", "pglite-lab: `createEngine(DATABASE_URL)`"),
          c("kysely-pg", "Kysely + pg"),
        ],
      }];
    case "insert":
      return [{
        workload, group: "server", title: `insert ${count(o.rows)} rows, one call${o.warmups > 0 ? ", warm" : ""}`, rows: o.rows, warmups: o.warmups,
        contenders: [
          c("pg-floor", "floor: `INSERT … SELECT … generate_series`", { baseline: true }),
          c("lab-server", "pglite-lab: `conn.execute(emps.insert(), rows)`"),
          c("pg-unnest", "node-postgres: `INSERT … SELECT * FROM unnest($1, $2)`"),
          c("pg-chunked", "node-postgres: 1000-row multi-row INSERTs"),
          c("kysely-pg", "Kysely + pg: `insertInto().values(rows)`"),
        ],
      }];
    case "fetchall":
      return [{
        workload, group: "server", title: `fetch all ${count(o.rows)} rows${o.warmups > 0 ? ", warm" : ""}`, rows: o.rows, warmups: o.warmups,
        contenders: [
          c("kysely-pg", "Kysely + pg: `selectAll().execute()`", { baseline: true }),
          c("lab-server", "pglite-lab: `conn.execute(emps.select()).fetchAll()`", { goal: { maxRatio: 1.1 } }),
          c("pg", "node-postgres: `client.query()`"),
        ],
      }];
    case "stream":
      // The goal is set against Kysely + pg-cursor, what a Kysely user streams a server with; raw pg-cursor is the floor.
      return [{
        workload, group: "server", title: `stream ${count(o.streamRows)} rows`, rows: o.streamRows, warmups: 0,
        contenders: [
          c("kysely-pg", "Kysely + pg + pg-cursor: `.stream(1000)`", { baseline: true }),
          c("lab-server", "pglite-lab: `conn.stream(emps.select())`", { goal: { maxRatio: 1.2, maxRssMb: 50 } }),
          c("pg", "node-postgres + pg-cursor: `read(1000)` loop"),
          c("pg-fetch", "node-postgres: hand-written DECLARE / FETCH 5000 loop", { batchSize: 5000 }),
        ],
      }];
    case "batch":
      return [{
        workload, group: "server", title: `stream ${count(o.streamRows)} rows: batch size`, rows: o.streamRows, warmups: 0,
        contenders: [
          c("kysely-pg", "Kysely + pg + pg-cursor: `.stream(1000)`", { baseline: true }),
          ...labBatchSizes("lab-server", o),
        ],
      }];
    default:
      return []; // the executemany check is about PGlite
  }
}

/** pglite-lab at each batch size of the study. */
function labBatchSizes(kind: "lab" | "lab-server", o: BenchOptions): Contender[] {
  return o.batchSizes.map((size) => c(kind, `pglite-lab: \`conn.stream(q, { batchSize: ${size} })\``, { key: `${kind}-${size}`, batchSize: size }));
}

/** The panels to run, in order: each workload on PGlite, then on the server when there is one (as `--targets` allows). */
export function buildPlan(options: BenchOptions, withServer: boolean): Panel[] {
  const onPglite = options.targets.includes("pglite");
  const onServer = withServer && options.targets.includes("server");
  return options.only.flatMap((workload) => [...(onPglite ? embedded(workload, options) : []), ...(onServer ? server(workload, options) : [])]);
}
