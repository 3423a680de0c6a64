/**
 * `EngineConnection`: a connection Kysely takes from `engine.kysely`, holding one engine session.
 *
 * @module
 */
import { CompiledQuery, type DatabaseConnection, type QueryResult } from "kysely";
import type { Echo } from "../echo.js";
import { failedStatement } from "../errors.js";
import { checkBatchSize } from "../engine-options.js";
import { checkKyselyTransactionControl } from "../executable.js";
import { cursorBatches } from "../internal/cursor-batches.js";
import { withInMemoryHint } from "../internal/in-memory-hint.js";
import { isHeldHere } from "../internal/held-sessions.js";
import type { SessionLease } from "../internal/session-lease.js";
import { beginStatement, type TransactionMode } from "../transaction-options.js";
import { toQueryResult } from "./query-result.js";
import { sendAsPg } from "./send-as-pg.js";

/** What an engine connection needs from its engine. */
export interface EngineConnectionContext {
  readonly echo: Echo;
  /** The engine's URL, password hidden: a missing table on an in-memory engine gets a hint (see in-memory-hint.ts). */
  readonly url: string;
  /** The isolation level the engine gives transactions that ask for none. */
  readonly defaults: TransactionMode;
  /** Called when a connection turns out to be held outside its callback (see `SessionLease.detached`). */
  readonly detached: () => void;
}

/** Transaction control statements the driver sends: logged and echoed, but not counted as the holder's statements. */
const control = new WeakSet<CompiledQuery>();

/** A compiled transaction-control statement (`begin`, `savepoint "a"`), sent through the connection so that Kysely's log sees it. */
export function controlQuery(sql: string): CompiledQuery {
  return markControl(CompiledQuery.raw(sql));
}

/** Marks `query` as transaction control. */
export function markControl(query: CompiledQuery): CompiledQuery {
  control.add(query);
  return query;
}

export class EngineConnection implements DatabaseConnection {
  readonly lease: SessionLease;
  readonly #context: EngineConnectionContext;
  // Kept apart from the connection, so that the lease's revoke hook does not keep a dropped connection alive.
  readonly #state = { inTransaction: false };
  /** The command tag of the last transaction-control statement: a COMMIT of an aborted transaction reports ROLLBACK. */
  lastControlCommand = "";

  constructor(lease: SessionLease, context: EngineConnectionContext) {
    this.lease = lease;
    this.#context = context;
    const state = this.#state;
    lease.onRevoke = (_error, reason) => {
      if (state.inTransaction) context.echo.event(`ROLLBACK (${reason})`);
      state.inTransaction = false;
    };
  }

  /** Whether Kysely began a transaction on this connection that it has not ended yet. */
  get inTransaction(): boolean {
    return this.#state.inTransaction;
  }

  set inTransaction(value: boolean) {
    this.#state.inTransaction = value;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.lease.revoked) throw this.lease.revoked;
    const isControl = control.has(query);
    if (!isControl) checkKyselyTransactionControl(query.sql, this.inTransaction);
    this.#notice();
    this.#context.echo.statement(query.sql, query.parameters);
    if (!isControl) this.lease.countStatement();
    try {
      const raw = await sendAsPg(this.lease, query.sql, query.parameters);
      if (isControl) this.lastControlCommand = raw.command;
      else this.#context.echo.rows(raw.fields, raw.rows);
      return toQueryResult<R>(raw);
    } catch (err) {
      throw err === this.lease.revoked ? err : withInMemoryHint(failedStatement(err, query.sql, query.parameters), this.#context.url);
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    // Kysely passes its own default (100) when .stream() is called without a size.
    const batchSize = checkBatchSize(chunkSize ?? 100, "Kysely's .stream(chunkSize)");
    checkKyselyTransactionControl(query.sql, true);
    this.#notice();
    return this.#stream<R>(query, batchSize);
  }

  /** Notes a use from outside the callback the connection was acquired for: a controlled transaction or a stream. */
  #notice(): void {
    if (!this.lease.detached && !isHeldHere(this.lease)) {
      this.lease.detached = true;
      this.#context.detached();
    }
  }

  async *#stream<R>(query: CompiledQuery, batchSize: number): AsyncGenerator<QueryResult<R>, void, undefined> {
    const lease = this.lease;
    const echo = this.#context.echo;
    // A cursor lives in a transaction; outside one of Kysely's, the stream gets its own, which ends with it.
    const own = !this.inTransaction;
    if (own) {
      echo.event("BEGIN (implicit)");
      await lease.query(beginStatement(this.#context.defaults), []);
    }
    let failed = false;
    try {
      const check = () => undefined;
      for await (const batch of cursorBatches(lease, echo, query.sql, query.parameters, batchSize, check)) yield { rows: batch.rows as R[] };
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      if (own && !lease.revoked) {
        echo.event(failed ? "ROLLBACK" : "COMMIT");
        await lease.query(failed ? "ROLLBACK" : "COMMIT", []).catch(() => undefined);
      }
    }
  }
}
