/**
 * The embedded backend: one PGlite database in this process, one scope at a time.
 *
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { ConnectionError } from "../errors.js";
import { FifoLock } from "../internal/fifo-lock.js";
import { buildCachedDump, discardCachedDump, dumpBlob, readCachedDump } from "./data-dir-cache.js";
import type { Backend, RawResult, Session } from "./backend.js";
import { PglitePortal } from "./pglite-portal.js";
import { portalCursor } from "./portal-cursor.js";
import { pgliteParsers } from "./value-parsers.js";

/** Where an embedded database keeps its data. */
export type PgliteLocation = { readonly kind: "memory" } | { readonly kind: "directory"; readonly path: string };

function toRaw(result: { rows: unknown[]; fields: { name: string }[]; affectedRows?: number; command?: string }): RawResult {
  const command = result.command ?? "";
  const rows = result.rows as Record<string, unknown>[];
  const counted = command === "SELECT" || command === "FETCH" || command === "";
  return {
    rows,
    fields: result.fields.map((f) => f.name),
    rowCount: counted ? rows.length : (result.affectedRows ?? rows.length),
    command,
  };
}

class PgliteSession implements Session {
  readonly #db: PGlite;
  readonly #portal: PglitePortal;
  readonly #release: () => void;

  constructor(db: PGlite, portal: PglitePortal, release: () => void) {
    this.#db = db;
    this.#portal = portal;
    this.#release = release;
  }

  async query(sql: string, parameters: readonly unknown[]): Promise<RawResult> {
    return toRaw(await this.#db.query(sql, parameters as unknown[], { rowMode: "object", parsers: pgliteParsers }));
  }

  cursor(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<Record<string, unknown>[], void, undefined> {
    return portalCursor(this.#portal, sql, parameters, batchSize);
  }

  async release(): Promise<void> {
    this.#release();
  }
}

/** The file in a data folder that says which process holds it. */
const LOCK_FILE = ".pglite-lab.lock";

/** Holds a data folder for this process, so a second engine (here or in another process) is refused instead of corrupting it. */
class FolderLock {
  readonly #file: string;
  #held = false;

  constructor(folder: string) {
    this.#file = path.join(folder, LOCK_FILE);
  }

  take(display: string): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.#file, "wx");
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.#held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const owner = Number(readFileSync(this.#file, "utf8").trim());
        if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
          throw new ConnectionError(
            `The database folder of ${display} is already open ${owner === process.pid ? "in this process" : `in process ${owner}`}. ` +
              "PGlite lets one engine at a time use a folder: dispose the other engine first.",
          );
        }
        rmSync(this.#file, { force: true }); // left behind by a process that died
      }
    }
  }

  free(): void {
    if (this.#held) rmSync(this.#file, { force: true });
    this.#held = false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

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

async function createFresh(dataDir: string | undefined): Promise<PGlite> {
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), startParams: START_PARAMS });
}

/**
 * Starts PGlite from the cached data directory, building the cache first if
 * there is none (once per machine and PGlite version). A cache that fails to
 * load is discarded, and PGlite starts the slow way, with initdb.
 */
async function startPglite(dataDir: string | undefined): Promise<PGlite> {
  const dump = readCachedDump() ?? (await buildCachedDump());
  if (dump) {
    try {
      const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), loadDataDir: dumpBlob(dump), startParams: START_PARAMS });
      await db.query("SELECT 1");
      return db;
    } catch {
      discardCachedDump();
      // Clear what the failed load left, but keep this process's lock on the folder.
      if (dataDir && existsSync(dataDir)) {
        for (const entry of readdirSync(dataDir)) {
          if (entry !== LOCK_FILE) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
        }
      }
    }
  }
  return createFresh(dataDir);
}

function isEmptyFolder(folder: string): boolean {
  return !existsSync(folder) || readdirSync(folder).filter((f) => f !== LOCK_FILE).length === 0;
}

/** The embedded backend: every scope and statement takes turns on one PGlite session. */
export class PgliteBackend implements Backend {
  readonly dialect = "pglite" as const;
  readonly exclusive = true;
  readonly description: string;
  readonly db: PGlite;
  readonly #portal: PglitePortal;
  readonly #lock = new FifoLock();
  readonly #folderLock: FolderLock | undefined;

  private constructor(db: PGlite, description: string, folderLock: FolderLock | undefined) {
    this.db = db;
    this.#portal = new PglitePortal(db);
    this.description = description;
    this.#folderLock = folderLock;
  }

  /** Opens the database; `display` names it in messages as the user wrote it (the URL, not the resolved path). */
  static async open(location: PgliteLocation, display: string): Promise<PgliteBackend> {
    if (location.kind === "memory") {
      try {
        return new PgliteBackend(await startPglite(undefined), "in-memory PGlite", undefined);
      } catch (err) {
        throw new ConnectionError("Could not start in-memory PGlite.", { cause: err });
      }
    }
    const folder = location.path;
    const description = `PGlite at ${display}`;
    let folderLock: FolderLock | undefined;
    try {
      mkdirSync(folder, { recursive: true });
      folderLock = new FolderLock(folder);
      folderLock.take(display);
      // A new folder starts from the cached data directory; an existing one opens as it is.
      const db = isEmptyFolder(folder) ? await startPglite(folder) : await createFresh(folder);
      return new PgliteBackend(db, description, folderLock);
    } catch (err) {
      folderLock?.free();
      if (err instanceof ConnectionError) throw err;
      throw new ConnectionError(`Could not open the PGlite database folder of ${display}.`, { cause: err });
    }
  }

  async acquire(): Promise<Session> {
    const release = await this.#lock.acquire();
    if (this.db.closed) {
      release();
      throw new ConnectionError(`${this.description} is closed.`);
    }
    return new PgliteSession(this.db, this.#portal, release);
  }

  async close(): Promise<void> {
    const release = await this.#lock.acquire();
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      this.#folderLock?.free();
      release();
    }
  }
}
