/**
 * `SessionLeases`: an engine's record of who holds a session and who waits
 * for one, and the ways a hold is ended from outside.
 *
 * @module
 */
import type { Backend } from "../backends/backend.js";
import { InterruptedError, ScopeError } from "../errors.js";
import type { InterruptedScope } from "../interrupt.js";
import { heldHere } from "./held-sessions.js";
import { SessionLease, type LeaseKind } from "./session-lease.js";

export class SessionLeases {
  readonly #backend: Backend;
  readonly #owner: object;
  readonly #idleTimeoutMs: number;
  readonly #leases = new Set<SessionLease>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closing = false;

  constructor(backend: Backend, owner: object, idleTimeoutMs: number) {
    this.#backend = backend;
    this.#owner = owner;
    this.#idleTimeoutMs = idleTimeoutMs;
  }

  /**
   * A session for `kind`, in turn. A request from inside callbacks that
   * already hold every session the engine has (the embedded engine's only
   * one) could never be served: it is refused at once with a ScopeError.
   */
  async acquire(kind: LeaseKind, what: string): Promise<SessionLease> {
    const capacity = this.#backend.capacity;
    if (heldHere(this.#owner) >= capacity) {
      const held = capacity === 1 ? "the engine's only session (PGlite runs one scope at a time)" : `all ${capacity} sessions of the engine's pool`;
      throw new ScopeError(
        `${what} was called inside an open scope that holds ${held}, so it would wait for itself forever. ` +
          "Use the connection you already have (`conn`, or the `trx` Kysely passed to your callback), or conn.beginNested() for a savepoint.",
      );
    }
    const lease = new SessionLease(kind, this.#owner, (done) => this.#leases.delete(done));
    this.#leases.add(lease);
    const acquiring = this.#backend.acquire();
    this.watch();
    await lease.acquire(acquiring);
    return lease;
  }

  /**
   * Interrupts every lease: a running holder's transaction is rolled back
   * (its statement in flight cancelled where the driver can) and its session
   * given back; a waiting one is refused. Holders already ending on their
   * own are left to finish.
   */
  interrupt(url: string): { scopes: InterruptedScope[]; done: Promise<void> } {
    const scopes: InterruptedScope[] = [];
    const ends: Promise<void>[] = [];
    for (const lease of [...this.#leases]) {
      if (lease.ending || lease.revoked) continue;
      const queued = lease.waiting;
      scopes.push({ kind: lease.kind, state: queued ? "queued" : "running", statements: lease.statements });
      const error = new InterruptedError(
        queued
          ? `This ${lease.kind} scope on ${url} was interrupted before it started; nothing ran.`
          : `This ${lease.kind} scope on ${url} was interrupted and rolled back after ${plural(lease.statements, "statement")}; ` +
            "its open transaction was undone and its session given back.",
      );
      ends.push(lease.end(error, "interrupted", true));
    }
    return { scopes, done: Promise.all(ends).then(() => undefined) };
  }

  /**
   * For dispose: rolls back detached holders (controlled transactions,
   * streams left open) now, and any that turn up later once they are idle.
   */
  async close(): Promise<void> {
    this.#closing = true;
    const error = new ScopeError("engine.dispose() rolled back this transaction of engine.kysely: it was still open.");
    await Promise.all([...this.#leases].filter((lease) => lease.detached && lease.holding).map((lease) => lease.end(error, "engine disposed", false)));
    this.watch();
  }

  /** Stops watching for idle holders (the backend is closed). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#closing = false;
  }

  /**
   * While anyone waits for a session (or dispose does), checks for detached
   * holders idle for longer than the timeout, and ends them so that the
   * waiters are served.
   */
  watch(): void {
    if (this.#timer) return;
    const interval = Math.min(250, this.#idleTimeoutMs / 2);
    const tick = () => {
      this.#timer = undefined;
      const leases = [...this.#leases];
      if (!leases.some((lease) => lease.waiting) && !(this.#closing && leases.length > 0)) return;
      const now = Date.now();
      for (const lease of leases) {
        if (lease.detached && lease.holding && !lease.busy && now - lease.idleSince >= this.#idleTimeoutMs) {
          void lease.end(idleError(lease.kind, this.#idleTimeoutMs), "idle while another scope waited", false);
        }
      }
      this.#arm(tick, interval);
    };
    this.#arm(tick, interval);
  }

  /**
   * Schedules the next check. The timer keeps the process alive only while
   * a detached holder exists: then nothing else may be left to wake a waiter.
   */
  #arm(tick: () => void, interval: number): void {
    const timer = setTimeout(tick, interval);
    if (![...this.#leases].some((lease) => lease.detached && lease.holding)) (timer as { unref?: () => void }).unref?.(); // a number in a browser, with nothing to unref
    this.#timer = timer;
  }
}

function idleError(kind: LeaseKind, timeoutMs: number): ScopeError {
  return new ScopeError(
    `This ${kind} transaction (or stream) was rolled back: it sat idle for ${timeoutMs} ms holding a session that another scope ` +
      "was waiting for (idleTransactionTimeoutMs). Finish controlled transactions with commit() or rollback(), and streams by reading them to the end or breaking out of the loop.",
  );
}

/** `1 statement`, `3 statements`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
