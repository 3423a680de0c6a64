/**
 * `EngineDriver`: the Kysely driver behind `engine.kysely`.
 *
 * @module
 */
import { Buffer } from "../internal/node-buffer.js";
import { createQueryId, IdentifierNode, RawNode, type DatabaseConnection, type Driver, type QueryCompiler, type TransactionSettings } from "kysely";
import { ArgumentError, ScopeError } from "../errors.js";
import type { SessionLease } from "../internal/session-lease.js";
import { checkIsolationLevel, withDefaults, type TransactionMode } from "../transaction-options.js";
import { controlQuery, EngineConnection, markControl, type EngineConnectionContext } from "./engine-connection.js";

/** What the driver needs from its engine. */
export interface EngineDriverContext extends EngineConnectionContext {
  /** A session of the engine, taking its turn like a scope (and refused at once where it would wait for itself). */
  acquire(): Promise<SessionLease>;
}

/** PostgreSQL truncates longer names, so that two long savepoint names could silently become one. */
const MAX_NAME_BYTES = 63;

/**
 * Each connection Kysely acquires holds one engine session, taking its turn
 * like a scope does. Transactions honour Kysely's isolation level and access
 * mode, and every BEGIN, COMMIT, ROLLBACK and SAVEPOINT is sent through the
 * connection, in the very words Kysely's PostgresDialect uses, so that
 * Kysely's `log` sees the same statements with either dialect.
 */
export class EngineDriver implements Driver {
  readonly #context: EngineDriverContext;
  /** Rolls back what a dropped controlled transaction or stream still holds, when it is collected. */
  readonly #dropped = new FinalizationRegistry<SessionLease>((lease) => {
    if (!lease.holding) return;
    const error = new ScopeError(`A ${lease.kind} transaction or stream was dropped unfinished; it was rolled back when it was garbage-collected.`);
    void lease.end(error, "dropped unfinished", false).catch(() => undefined);
  });

  constructor(context: EngineDriverContext) {
    this.#context = context;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const lease = await this.#context.acquire();
    const connection = new EngineConnection(lease, this.#context);
    this.#dropped.register(connection, lease, connection);
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const mode = withDefaults(kyselyMode(settings), this.#context.defaults);
    let sql = "begin";
    if (mode.isolationLevel || mode.readOnly !== undefined) {
      sql = "start transaction";
      if (mode.isolationLevel) sql += ` isolation level ${mode.isolationLevel}`;
      if (mode.readOnly !== undefined) sql += mode.readOnly ? " read only" : " read write";
    }
    await connection.executeQuery(controlQuery(sql));
    engineConnection(connection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = engineConnection(connection);
    await connection.executeQuery(controlQuery("commit"));
    conn.inTransaction = false;
    if (conn.lastControlCommand === "ROLLBACK") {
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error.
      throw new ScopeError(
        "COMMIT found the transaction aborted by an earlier failed statement, so PostgreSQL rolled it back: nothing was committed.",
      );
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = engineConnection(connection);
    // Whoever ended the hold from outside (an interrupt, dispose) has rolled it back already.
    if (conn.lease.revoked) return;
    conn.inTransaction = false;
    await connection.executeQuery(controlQuery("rollback"));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    await connection.executeQuery(savepointCommand("savepoint", name, compile));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    await connection.executeQuery(savepointCommand("rollback to", name, compile));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    await connection.executeQuery(savepointCommand("release", name, compile));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const conn = engineConnection(connection);
    this.#dropped.unregister(conn);
    let broken = false;
    if (conn.inTransaction && !conn.lease.revoked) {
      // Kysely ends its transactions before it releases; this is a safety net, so the next holder starts clean.
      await conn.lease.query("ROLLBACK", []).catch(() => {
        broken = true;
      });
    }
    await conn.lease.release(broken);
  }

  /** `engine.kysely.destroy()` leaves the engine open: `engine.dispose()` closes it. */
  async destroy(): Promise<void> {}
}

function engineConnection(connection: DatabaseConnection): EngineConnection {
  if (!(connection instanceof EngineConnection)) throw new ScopeError("This connection does not belong to engine.kysely.");
  return connection;
}

function kyselyMode(settings: TransactionSettings): TransactionMode {
  const isolationLevel = checkIsolationLevel(settings.isolationLevel, "Kysely's setIsolationLevel()");
  const readOnly = settings.accessMode === undefined ? undefined : settings.accessMode === "read only";
  return { ...(isolationLevel ? { isolationLevel } : {}), ...(readOnly !== undefined ? { readOnly } : {}) };
}

/**
 * `savepoint "name"` and the like, compiled by Kysely's own compiler as
 * PostgresDialect does (the name quoted, so any text is a name and none is
 * SQL), once the name is checked.
 */
function savepointCommand(command: string, name: unknown, compile: QueryCompiler["compileQuery"]): ReturnType<typeof controlQuery> {
  if (typeof name !== "string" || name.length === 0 || name.includes("\0") || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new ArgumentError(
      `Savepoint name ${typeof name === "string" ? JSON.stringify(name) : String(name)} is not usable: ` +
        `give a non-empty string of at most ${MAX_NAME_BYTES} bytes, without NUL characters.`,
    );
  }
  const node = RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
  return markControl(compile(node, createQueryId()));
}
