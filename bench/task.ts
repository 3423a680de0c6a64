/**
 * What the orchestrator asks a child process to measure, and what comes back.
 *
 * @module
 */
import type { Workload } from "./options.js";

/** Who is measured: the library, a peer written the way its docs recommend, or the in-database floor. */
export type ContenderKind =
  | "lab" // pglite-lab on PGlite
  | "pglite" // @electric-sql/pglite used directly
  | "pglite-gzip" // PGlite.create({ loadDataDir }) from a gzip dump (start only)
  | "pglite-tar" // ... from an uncompressed tar dump (start only)
  | "pglite-unnest" // one INSERT … SELECT FROM unnest(arrays) (insert only)
  | "pglite-chunked" // hand-chunked 1000-row multi-row INSERTs (insert only)
  | "floor" // INSERT … SELECT FROM generate_series (insert, many)
  | "kysely-pglite" // Kysely 0.28 + kysely-pglite 0.6.1
  | "lab-server" // pglite-lab on a PostgreSQL server
  | "pg" // node-postgres (pg-cursor for streams)
  | "pg-unnest"
  | "pg-chunked"
  | "pg-floor"
  | "pg-fetch" // node-postgres, hand-written DECLARE / FETCH loop (stream only)
  | "kysely-pg"; // Kysely + its PostgresDialect over pg (+ pg-cursor)

export interface Task {
  readonly workload: Workload;
  readonly kind: ContenderKind;
  readonly rows: number;
  /** Rows per FETCH / cursor read for streams. */
  readonly batchSize: number;
  /**
   * Untimed repetitions of the workload in the same process, on the same
   * database, before the timed one (insert and fetchall): 0 measures the first
   * call in a fresh process, JIT compilation of PGlite's WebAssembly included.
   */
  readonly warmups: number;
  /** Folder holding `datadir.tar.gz` and `datadir.tar` for the start-format contenders. */
  readonly dumpDir?: string;
  /** The server, with search_path set to the bench schema. */
  readonly serverUrl?: string;
}

/** One run's figures. */
export interface Measure {
  readonly ms: number;
  /** CPU time of the whole process (every thread) over the same section. */
  readonly cpuMs: number;
  /** Peak RSS during the timed part minus RSS just before it. */
  readonly rssGrowthMb?: number;
}

export type Outcome = ({ readonly ok: true } & Measure) | { readonly ok: false; readonly error: string };

/** The prefix of the line a child prints its outcome on. */
export const RESULT_MARK = "BENCH_RESULT ";
