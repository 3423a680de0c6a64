/**
 * The embedded backend: one PGlite database in this process, one scope at a time.
 *
 * @module
 */
import { protocol, type PGlite } from "@electric-sql/pglite";
import { ConnectionError } from "../errors.js";
import { FifoLock } from "../internal/fifo-lock.js";
import type { Backend, CursorBatch, RawResult, Session } from "./backend.js";
import { openDataFolder } from "./data-folder.js";
import type { FolderLock } from "./folder-lock.js";
import { PglitePortal } from "./pglite-portal.js";
import { causeOf, reportOf, startNew } from "./pglite-start.js";
import { portalCursor } from "./portal-cursor.js";
import { checkBindParameters } from "../internal/bind-parameters.js";
import { checkCopy, checkEmbeddedNesting } from "../internal/statement-limits.js";
import { pgliteParsers } from "./value-parsers.js";
import { resolveToPostgres } from "./resolve-to-postgres.js";

/** Where an embedded database keeps its data. */
export type PgliteLocation = { readonly kind: "memory" } | { readonly kind: "directory"; readonly path: string };

function toRaw(result: { rows: unknown[]; fields: { name: string }[]; affectedRows?: number; rowCount?: number; command?: string }): RawResult {
  const command = result.command ?? "";
  const rows = result.rows as Record<string, unknown>[];
  const counted = command === "SELECT" || command === "FETCH" || command === "";
  return {
    rows,
    fields: result.fields.map((f) => f.name),
    // affectedRows adds up the statements of a script; rowCount is the statement's own.
    rowCount: counted ? rows.length : (result.rowCount ?? result.affectedRows ?? rows.length),
    command,
  };
}

/** What PGlite would break on (a wrapped parameter count, a value its writer chokes on, a WebAssembly stack overflow): refused before it is sent. */
function checkStatement(sql: string, parameters: readonly unknown[]): void {
  checkBindParameters(sql, parameters);
  checkCopy(sql);
  checkEmbeddedNesting(sql);
}

/**
 * Empties PGlite's protocol writers after a failed statement. They are shared
 * by every message, and a value that makes a serializer throw half-way
 * through a Bind (a json parameter whose `toJSON()` returns undefined, say)
 * leaves the written part behind, to be sent ahead of the next statement's
 * messages: that statement then fails with "invalid message format", or
 * worse, binds the stale values. Writing an empty Bind and dropping it
 * flushes both writers (the message's and its values') without sending anything.
 */
function discardPartialMessage(): void {
  protocol.serialize.bind({ values: [] });
}

/** `batches`, with the protocol writers emptied when a step fails. */
async function* discardingOnError<T>(batches: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  try {
    yield* batches;
  } catch (err) {
    discardPartialMessage();
    throw err;
  }
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
    const values = resolveToPostgres(parameters) as unknown[];
    checkStatement(sql, values);
    try {
      return toRaw(await this.#db.query(sql, values, { rowMode: "object", parsers: pgliteParsers }));
    } catch (err) {
      discardPartialMessage();
      throw err;
    }
  }

  async script(sql: string): Promise<RawResult[]> {
    checkStatement(sql, []);
    return (await this.#db.exec(sql, { rowMode: "object", parsers: pgliteParsers })).map(toRaw);
  }

  cursor(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<CursorBatch, void, undefined> {
    const values = resolveToPostgres(parameters);
    checkStatement(sql, values);
    return discardingOnError(portalCursor(this.#portal, sql, values, batchSize));
  }

  async release(broken?: boolean): Promise<void> {
    try {
      // The one session is handed to the next scope as it is: one that could not end cleanly may still
      // be inside its transaction, which the next scope's statements would join and its COMMIT commit.
      if (broken && !this.#db.closed) await this.#db.exec("ROLLBACK").catch(() => undefined);
    } finally {
      this.#release();
    }
  }
}

/** The embedded backend: every scope and statement takes turns on one PGlite session. */
export class PgliteBackend implements Backend {
  readonly dialect = "pglite" as const;
  readonly exclusive = true;
  readonly capacity = 1;
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
    if (location.kind === "directory") {
      const { db, lock } = await openDataFolder(location.path, display);
      return new PgliteBackend(db, `PGlite at ${display}`, lock);
    }
    try {
      return new PgliteBackend(await startNew(undefined, () => undefined), "in-memory PGlite", undefined);
    } catch (err) {
      throw new ConnectionError(`Could not start in-memory PGlite. ${reportOf(err)}`, { cause: causeOf(err) });
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
      this.#folderLock?.release();
      release();
    }
  }
}
