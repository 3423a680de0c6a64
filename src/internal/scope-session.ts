/**
 * `ScopeSession`: a scope's session as its connection uses it — the
 * transaction it opens and ends, and everything the callback started.
 *
 * @module
 */
import type { CursorBatch, RawResult } from "../backends/backend.js";
import type { Echo } from "../echo.js";
import { ConnectionError, ScopeError, failedStatement } from "../errors.js";
import { beginStatement, describeMode, type TransactionMode } from "../transaction-options.js";
import { cursorBatches } from "./cursor-batches.js";
import type { SessionLease } from "./session-lease.js";

type Batches = AsyncGenerator<CursorBatch, void, undefined>;

/** How {@link ScopeSession.run} logs, reports and sends a statement. */
export interface RunOptions {
  /** Logs the statement instead of the usual echo (an executemany's summary line). */
  readonly log?: () => void;
  /** A sentence the error adds, such as what was not written. */
  readonly note?: string;
  /** An executemany's rows as the caller gave them, for the error (rather than their column arrays). */
  readonly rows?: readonly Record<string, unknown>[];
  /** Sends the statement instead of `lease.query` (Kysely's statements go as node-postgres sends them). */
  readonly send?: (lease: SessionLease, sql: string, parameters: readonly unknown[]) => Promise<RawResult>;
}

export class ScopeSession {
  readonly lease: SessionLease;
  readonly echo: Echo;
  /** How the scope's transactions start (its options, with the engine's isolation level filled in). */
  readonly mode: TransactionMode;
  /** Whether a `conn.begin()` block is running: it, not the caller, ends the transaction. */
  explicit = false;
  #inTransaction = false;
  #beginning: Promise<void> | undefined;
  #closed: Error | undefined;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #streams = new Set<Batches>();

  constructor(lease: SessionLease, echo: Echo, mode: TransactionMode) {
    this.lease = lease;
    this.echo = echo;
    this.mode = mode;
    lease.onRevoke = (error, reason) => {
      if (this.#inTransaction) echo.event(`ROLLBACK (${reason})`);
      this.#inTransaction = false;
      this.#closed = error;
    };
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Throws why the scope refuses use: it has ended, or it was interrupted. */
  assertOpen(): void {
    if (this.#closed) throw this.#closed;
  }

  /** Begins the transaction unless one is open: implicitly before a statement, explicitly for `conn.begin()`. */
  async ensure(mode: TransactionMode = this.mode, implicit = true): Promise<void> {
    if (this.#inTransaction) return;
    this.#beginning ??= (async () => {
      const described = describeMode(mode);
      this.echo.event(implicit ? `BEGIN (implicit${described ? `; ${described}` : ""})` : `BEGIN${described ? ` (${described})` : ""}`);
      try {
        await this.lease.query(beginStatement(mode), []);
      } catch (err) {
        if (err === this.lease.revoked) throw err;
        throw new ConnectionError("Could not begin a transaction.", { cause: err });
      }
      this.#inTransaction = true;
    })().finally(() => {
      this.#beginning = undefined;
    });
    await this.#beginning;
  }

  /**
   * Runs one statement inside the transaction, with echo and error wrapping;
   * see {@link RunOptions}.
   */
  async run(sql: string, parameters: readonly unknown[], options: RunOptions = {}): Promise<RawResult> {
    const { log, note, rows, send } = options;
    this.assertOpen();
    await this.ensure();
    if (log) log();
    else this.echo.statement(sql, parameters);
    this.lease.countStatement();
    let result: RawResult;
    try {
      result = await (send ? send(this.lease, sql, parameters) : this.lease.query(sql, parameters));
    } catch (err) {
      throw err === this.lease.revoked ? err : failedStatement(err, sql, parameters, note, rows);
    }
    this.echo.rows(result.fields, result.rows);
    return result;
  }

  /** Runs a statement the caller does not see (undoing a failed executemany), without echo. */
  quietly(sql: string): Promise<RawResult> {
    return this.lease.query(sql, []);
  }

  /** A stream's batches, closed by the end of the scope if the caller has not finished it. */
  batches(sql: string, parameters: readonly unknown[], batchSize: number): Batches {
    const generator: Batches = this.#batches(sql, parameters, batchSize, () => this.#streams.delete(generator));
    this.#streams.add(generator);
    return generator;
  }

  /** Ends the transaction, if one is open. */
  async end(command: "COMMIT" | "ROLLBACK"): Promise<void> {
    if (!this.#inTransaction) return;
    this.echo.event(command);
    this.#inTransaction = false;
    let result: RawResult;
    try {
      result = await this.lease.query(command, []);
    } catch (err) {
      throw err === this.lease.revoked ? err : failedStatement(err, command, []);
    }
    if (command === "COMMIT" && result.command === "ROLLBACK") {
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error.
      this.echo.event("ROLLBACK (the transaction had failed; nothing was committed)");
      throw new ScopeError(
        "COMMIT found the transaction aborted by an earlier failed statement, so PostgreSQL rolled it back: nothing was committed.",
      );
    }
  }

  /** Ends the scope: waits for what the callback started, closes its streams, then commits or rolls back. */
  async finish(outcome: "commit" | "rollback"): Promise<void> {
    try {
      await this.settlePending();
      const streams = [...this.#streams];
      this.#streams.clear();
      // A stream's fetch in flight finishes first (an async generator queues return() behind it).
      await Promise.allSettled(streams.map((stream) => stream.return(undefined)));
      await this.settlePending();
      this.assertOpen();
      this.lease.ending = true;
      await this.end(outcome === "commit" ? "COMMIT" : "ROLLBACK");
    } finally {
      this.#closed ??= new ScopeError(
        "This connection's scope has ended; use the connection only inside the callback of engine.begin() or engine.connect().",
      );
    }
  }

  /** Waits for statements the callback started but did not await, so none runs after COMMIT. */
  async settlePending(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Counts `promise` as a statement in flight until it settles. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    const done = () => this.#pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  async *#batches(sql: string, parameters: readonly unknown[], batchSize: number, done: () => void): Batches {
    try {
      this.assertOpen();
      await this.ensure();
      yield* cursorBatches(this.lease, this.echo, sql, parameters, batchSize, () => this.assertOpen());
    } finally {
      done();
    }
  }
}
