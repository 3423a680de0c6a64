/**
 * `SessionLease`: one holder's claim on a database session, from the moment
 * it asks for one until it gives it back.
 *
 * Scopes (`engine.begin()`, `engine.connect()`) and the connections Kysely
 * takes from `engine.kysely` reach their session only through a lease, so
 * that the engine can see what each holder is doing (statements run, whether
 * one is in flight) and end a hold from outside: on interrupt, on dispose, or
 * when an abandoned holder blocks others. Once a lease is revoked nothing it
 * handed out touches the session again except the lease's own ROLLBACK: a
 * forgotten stream's FETCH or CLOSE would otherwise run inside the next
 * holder's transaction, and its error would abort that transaction.
 *
 * @module
 */
import type { CursorBatch, RawResult, Session } from "../backends/backend.js";
import { ScopeError } from "../errors.js";

/** Who holds a lease, as reports and messages name it. */
export type LeaseKind = "engine.begin()" | "engine.connect()" | "engine.kysely";

/** A cursor's batches, as a lease hands them out: `return()` closes the cursor while the lease is usable. */
export interface LeasedCursor {
  next(): Promise<IteratorResult<CursorBatch, void>>;
  return(): Promise<IteratorResult<CursorBatch, void>>;
}

const DONE: IteratorResult<CursorBatch, void> = Object.freeze({ value: undefined, done: true });

export class SessionLease {
  readonly kind: LeaseKind;
  /** The engine the session comes from: how a nested request for a session of the same engine is recognised. */
  readonly owner: object;
  /**
   * Whether the holder uses the lease outside the callback it was acquired for: a controlled
   * transaction (`startTransaction()`) or a stream left open. Only such holds are ended when
   * they sit idle while others wait, since no callback's end will ever give them back.
   */
  detached = false;
  /** Set by the holder when it starts its final COMMIT / ROLLBACK: too late to interrupt. */
  ending = false;
  /** Called once, when the lease is revoked: the holder stops using it; `reason` is a few words for the statement log. */
  onRevoke: ((error: Error, reason: string) => void) | undefined;
  #session: Session | undefined;
  #rejectWait: ((error: Error) => void) | undefined;
  #revoked: Error | undefined;
  #busy = 0;
  #drained: Array<() => void> = [];
  #statements = 0;
  #idleSince = Date.now();
  #released = false;
  #ended: Promise<void> | undefined;
  readonly #onDone: (lease: SessionLease) => void;

  constructor(kind: LeaseKind, owner: object, onDone: (lease: SessionLease) => void) {
    this.kind = kind;
    this.owner = owner;
    this.#onDone = onDone;
  }

  /** Waits for the session `acquiring` brings; revoked meanwhile, it rejects at once and gives the session back when it comes. */
  async acquire(acquiring: Promise<Session>): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.#rejectWait = reject;
        acquiring.then((session) => {
          // Taken the moment it arrives, so that an interrupt from now on finds it to roll back.
          if (this.#revoked) void session.release().catch(() => undefined);
          else this.#session = session;
          resolve();
        }, reject);
        if (this.#revoked) reject(this.#revoked);
      });
      if (!this.#session) throw this.#revoked;
    } catch (err) {
      if (!this.#session) {
        this.#released = true;
        this.#onDone(this);
      }
      throw err;
    } finally {
      this.#rejectWait = undefined;
    }
  }

  /** Whether the lease holds a session now (acquired, not given back, not revoked). */
  get holding(): boolean {
    return this.#session !== undefined && !this.#released && !this.#revoked;
  }

  /** Whether the lease is still waiting for its session. */
  get waiting(): boolean {
    return this.#session === undefined && !this.#released;
  }

  /** Why the lease was revoked, if it was: the error every later call gets. */
  get revoked(): Error | undefined {
    return this.#revoked;
  }

  /** Statements the holder has run (as it counts them: FETCHes of a stream are not statements). */
  get statements(): number {
    return this.#statements;
  }

  /** Whether a statement or fetch is on its way. */
  get busy(): boolean {
    return this.#busy > 0;
  }

  /** When the last statement or fetch finished (or the lease was made), in epoch milliseconds. */
  get idleSince(): number {
    return this.#idleSince;
  }

  /** Counts one statement for reports. */
  countStatement(): void {
    this.#statements++;
  }

  query(sql: string, parameters: readonly unknown[]): Promise<RawResult> {
    const session = this.#usable();
    if (session instanceof Error) return Promise.reject(session);
    return this.#use(session.query(sql, parameters));
  }

  /**
   * Runs parameterless SQL text as node-postgres does (see `Session.script`):
   * the result of its one statement or, for text holding several, an empty
   * result, which is what Kysely's PostgresDialect reports for a script
   * (node-postgres then answers with an array that it does not read).
   */
  async script(sql: string): Promise<RawResult> {
    const session = this.#usable();
    if (session instanceof Error) throw session;
    const results = await this.#use(session.script(sql));
    return results.length === 1 && results[0] ? results[0] : { rows: [], fields: [], rowCount: 0, command: "" };
  }

  /** The batches of a server-side cursor; nothing reaches the session once the lease is revoked or given back. */
  cursor(sql: string, parameters: readonly unknown[], batchSize: number): LeasedCursor {
    const session = this.#usable();
    if (session instanceof Error) throw session;
    const inner = session.cursor(sql, parameters, batchSize);
    let started = false;
    return {
      next: () => {
        const usable = this.#usable();
        if (usable instanceof Error) return Promise.reject(usable);
        started = true;
        return this.#use(inner.next());
      },
      return: () => (!started || this.#usable() instanceof Error ? Promise.resolve(DONE) : this.#use(inner.return(undefined))),
    };
  }

  /** Resolves once nothing is in flight. */
  drain(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Refuses every later call with `error`; what is in flight finishes (see {@link end}). */
  revoke(error: Error, reason: string): void {
    if (this.#revoked || this.#released) return;
    this.#revoked = error;
    this.#rejectWait?.(error);
    this.onRevoke?.(error, reason);
  }

  /**
   * Ends the hold from outside: revokes it, cancels the statement in flight
   * if asked (where the driver can), waits for it, rolls back and gives the
   * session back. Resolves when the session is free.
   */
  end(error: Error, reason: string, cancel: boolean): Promise<void> {
    this.revoke(error, reason);
    this.#ended ??= (async () => {
      const session = this.#session;
      if (!session || this.#released) return;
      if (cancel && this.#busy > 0) await session.cancel?.().catch(() => undefined);
      await this.drain();
      let broken = false;
      // Outside a transaction PostgreSQL only warns; a ROLLBACK that fails leaves the session suspect.
      await session.query("ROLLBACK", []).catch(() => {
        broken = true;
      });
      await this.#release(broken);
    })();
    return this.#ended;
  }

  /** Gives the session back (once); after {@link end}, waits for it instead. */
  release(broken = false): Promise<void> {
    return this.#ended ?? this.#release(broken);
  }

  async #release(broken: boolean): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#onDone(this);
    await this.#session?.release(broken);
  }

  #usable(): Session | Error {
    if (this.#revoked) return this.#revoked;
    if (!this.#session || this.#released) {
      return new ScopeError(`This ${this.kind} session has been given back; it cannot run statements any more.`);
    }
    return this.#session;
  }

  #use<T>(running: Promise<T>): Promise<T> {
    this.#busy++;
    const settle = () => {
      if (--this.#busy > 0) return;
      this.#idleSince = Date.now();
      for (const wake of this.#drained.splice(0)) wake();
    };
    running.then(settle, settle);
    return running;
  }
}
