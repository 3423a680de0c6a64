/**
 * Starting PGlite: from the cached data directory where one is wanted, with
 * the engine's start parameters, and with PostgreSQL's own report kept when
 * it fails.
 *
 * PGlite rejects a failed start with little more than `Aborted()` or
 * "PGlite failed to initialize properly"; PostgreSQL's reason (a PANIC about
 * `global/pg_control`, a FATAL about an incompatible version) goes to its
 * stderr, which PGlite prints only in debug mode. It is captured here while
 * the database starts, and put into the error.
 *
 * @module
 */
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { buildCachedDump, discardCachedDump, dumpBlob, readCachedDump } from "./data-dir-cache.js";

/**
 * How every embedded database starts: PGlite's own parameters, with
 * shared_buffers at 32 MB instead of the 128 MB that initdb writes into
 * postgresql.conf. PostgreSQL zeroes its buffer pool at start, which in
 * PGlite's WebAssembly took about 0.5 s of a 1.5 s start at 128 MB; the
 * memory is never given back, either. Measured here (fresh processes, same
 * cached data directory): start + first query 1.5–1.7 s at 128 MB, 1.1–1.3 s
 * at 32 MB, 0.9–1.0 s at 16 MB, RSS after start 450 → 380 → 350 MB; inserting
 * 100k or 1M rows and streaming 1M ran the same at 32 MB as at 128 MB within
 * the noise, and about 10% slower at 16 MB, so 32 MB.
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"];

/** A PGlite start that failed, with what PostgreSQL wrote to its log meanwhile. */
export class PgliteStartFailure extends Error {
  /** PostgreSQL's log lines of the failed start, oldest first, without their timestamp prefix. */
  readonly log: readonly string[];

  constructor(cause: unknown, log: readonly string[]) {
    super(`PGlite failed to start: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "PgliteStartFailure";
    this.log = log;
  }

  /**
   * PostgreSQL's FATAL/PANIC/ERROR lines and their DETAIL, which say what went
   * wrong (its HINTs are left out: they suggest initdb, which would start an
   * empty database).
   */
  get reasons(): string[] {
    return this.log.filter((line) => /^(FATAL|PANIC|ERROR|DETAIL):/.test(line));
  }

  /** Whether PostgreSQL refused the data directory as made by another PostgreSQL version. */
  get incompatible(): boolean {
    return this.log.some((line) => line.includes("was initialized by PostgreSQL version"));
  }
}

/** "PostgreSQL reported: …." for a failed start (PGlite's own message where PostgreSQL said nothing), for error messages. */
export function reportOf(err: unknown): string {
  const reasons = err instanceof PgliteStartFailure ? err.reasons : [];
  const original = causeOf(err);
  let text = reasons.length > 0 ? reasons.join(" ") : original instanceof Error ? original.message : String(original);
  if (text.length > 800) text = `${text.slice(0, 800)}…`;
  return `${reasons.length > 0 ? "PostgreSQL" : "PGlite"} reported: ${text}${/[.!?…]$/.test(text) ? "" : "."}`;
}

/** The error a failed start was about, to keep as a ConnectionError's cause: PGlite's own, not the wrapper. */
export function causeOf(err: unknown): unknown {
  return err instanceof PgliteStartFailure ? err.cause : err;
}

/** Keeps the last lines of PostgreSQL's stderr while a start is under way; afterwards drops them. */
function logCapture(): { lines: string[]; onStderr: (text: string) => boolean; stop: () => void } {
  const lines: string[] = [];
  let capturing = true;
  return {
    lines,
    onStderr: (text) => {
      if (capturing) {
        // "2026-12-01 09:13:35.390 UTC [42] PANIC:  could not read …" → "PANIC: could not read …"
        lines.push(text.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \S+ \[\d+\] /, "").replace(/^([A-Z]+):\s+/, "$1: "));
        if (lines.length > 100) lines.shift();
      }
      return false; // PGlite still prints it in debug mode, as it would without us
    },
    stop: () => {
      capturing = false;
    },
  };
}

/** Starts PGlite with the engine's parameters, waits for a first answer, and turns a failure into a {@link PgliteStartFailure}. */
async function create(options: PGliteOptions): Promise<PGlite> {
  const capture = logCapture();
  try {
    const db = await PGlite.create({ ...options, startParams: START_PARAMS, onStderr: capture.onStderr });
    await db.query("SELECT 1");
    return db;
  } catch (err) {
    throw new PgliteStartFailure(err, capture.lines);
  } finally {
    capture.stop();
  }
}

/** Opens the database already in `dataDir` (which must hold PG_VERSION: PGlite runs initdb where there is none). */
export function startExisting(dataDir: string): Promise<PGlite> {
  return create({ dataDir });
}

/**
 * Starts a new database, in memory or in the (empty) folder `dataDir`, from
 * the cached data directory, building the cache first if there is none (once
 * per machine and PGlite version). A cache that fails to load is discarded;
 * `clear` then removes what the failed load wrote into the folder, and
 * PGlite starts the slow way, with initdb.
 */
export async function startNew(dataDir: string | undefined, clear: () => void): Promise<PGlite> {
  const dump = readCachedDump() ?? (await buildCachedDump());
  if (dump) {
    try {
      return await create({ ...(dataDir ? { dataDir } : {}), loadDataDir: dumpBlob(dump) });
    } catch {
      discardCachedDump();
      clear();
    }
  }
  return create(dataDir ? { dataDir } : {});
}
