/**
 * `createEngine()` and `Engine`: where connections come from.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { PGlite } from "@electric-sql/pglite";
import { Connection, type ConnectionContext } from "./connection.js";
import { Echo } from "./echo.js";
import { resolveEngineOptions, type EngineOptions, type ResolvedEngineOptions } from "./engine-options.js";
import { ArgumentError, EngineDisposedError, InterruptedError, PgliteLabError, ScopeError, StatementError } from "./errors.js";
import { interruptAll, interruptMessage, registerEngine, unregisterEngine, type InterruptReport } from "./interrupt.js";
import { heldHere, runHolding } from "./internal/held-sessions.js";
import { noteEngineCreated, withInMemoryHint } from "./internal/in-memory-hint.js";
import { installKernelInterrupt } from "./internal/kernel-interrupt.js";
import type { SessionLease, LeaseKind } from "./internal/session-lease.js";
import { SessionLeases } from "./internal/session-leases.js";
import { ScopeSession } from "./internal/scope-session.js";
import { EngineDriver } from "./kysely/engine-driver.js";
import { engineKysely } from "./kysely/engine-kysely.js";
import { parseEngineUrl } from "./url.js";
import { PgliteBackend } from "./backends/pglite-backend.js";
import type { Backend } from "./backends/backend.js";
import type { InsertBudget } from "./schema/insert.js";
import { checkTransactionOptions, withDefaults, type BeginOptions, type TransactionMode, type TransactionOptions } from "./transaction-options.js";

/**
 * Upper bound of one executemany statement; larger inputs are split into
 * several, inside a savepoint, and only one statement's arrays are built at a
 * time, so 1M rows are never held twice. 100k rows keeps the common "insert
 * 100k rows" a single statement. (Measured on PGlite when the statement read
 * `FROM unnest(…)`: 4 × 25k or 2 × 50k statements ran about 5–7% faster than
 * 1 × 100k, because unnest's tuplestore then stayed within work_mem; the
 * select-list unnest used now keeps no tuplestore. At 1M rows the difference
 * vanished in the noise.)
 */
const INSERT_BUDGET: InsertBudget = { rows: 100_000, bytes: 16 * 1024 * 1024 };

/** SQLSTATEs after which `begin({ retries })` runs the callback again. */
const RETRYABLE: Readonly<Record<string, string>> = { "40001": "serialization failure", "40P01": "deadlock" };

/**
 * Creates an engine. With no URL (or `pglite://memory`) the database is an
 * in-memory PGlite inside this process; `pglite://./folder` keeps it on disk;
 * `postgres://user:pass@host/db` uses a PostgreSQL server.
 *
 * The embedded engine starts from a cached, pre-initialized data directory
 * (built on first use), so a new engine takes about a second instead of the
 * four to six of a fresh PGlite.
 *
 * @example
 * ```ts
 * import { createEngine } from "pglite-lab";
 *
 * const engine = await createEngine({ echo: true });        // in-memory PGlite
 * const n = await engine.connect(async (conn) => (await conn.execute("select 41 + 1 as n")).scalar());
 * console.log(n); // 42
 * await engine.dispose();
 * ```
 */
export async function createEngine<DB = any>(url?: string, options?: EngineOptions): Promise<Engine<DB>>;
export async function createEngine<DB = any>(options: EngineOptions): Promise<Engine<DB>>;
export async function createEngine<DB = any>(first?: string | EngineOptions, second?: EngineOptions): Promise<Engine<DB>> {
  if (first !== undefined && typeof first !== "string" && (typeof first !== "object" || first === null)) {
    throw new ArgumentError("createEngine() takes a URL string, an options object, or both (URL first).");
  }
  const url = typeof first === "string" ? first : undefined;
  const options = resolveEngineOptions(typeof first === "object" ? first : second);
  const target = parseEngineUrl(url);
  let backend: Backend;
  if (target.dialect === "pglite") {
    backend = await PgliteBackend.open(target.location, target.display);
  } else {
    const { PostgresBackend } = await import("./backends/postgres-backend.js");
    backend = await PostgresBackend.open(target.connectionString, target.display, options);
  }
  noteEngineCreated(target.display);
  // In a notebook kernel, the stop button rolls back what the engines are running (a no-op elsewhere).
  installKernelInterrupt(interruptEverything);
  return new Engine<DB>(backend, target.display, options);
}

/** What the kernel's interrupt prints: one line per engine that had work, or that there was none. */
function interruptEverything(): { message: string } {
  const reports = interruptAll();
  return { message: reports.length > 0 ? reports.map((report) => report.message).join("\n") : "Interrupted: no database work was running." };
}

/**
 * A source of connections to one database, made by {@link createEngine}.
 * Work happens in scopes: `begin()` for a unit of work that commits as a
 * whole, `connect()` to commit as you go.
 *
 * On the embedded engine PGlite is a single PostgreSQL session, so scopes
 * take turns in the order they were requested; on a server they run at once
 * on pooled connections. A scope opened inside another scope of the same
 * embedded engine (or anything else that would need a second session there:
 * `engine.kysely`, `engine.dispose()`) is a `ScopeError` at once, never a
 * wait for itself.
 *
 * @example
 * ```ts
 * import { createEngine } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.begin(async (conn) => {
 *   await conn.execute("create table t (x int)");
 *   await conn.execute("insert into t values (1)");
 * }); // COMMIT
 * await engine.begin(async (conn) => {
 *   await conn.execute("insert into t values (2)");
 *   throw new Error("changed my mind");
 * }).catch(() => {}); // ROLLBACK
 * const rows = await engine.connect(async (conn) => (await conn.execute("select x from t")).scalars());
 * console.log(rows); // [ 1 ]
 * await engine.dispose();
 * ```
 */
export class Engine<DB = any> {
  /** The URL the engine was created with, password hidden. */
  readonly url: string;
  /** `pglite` for the embedded database, `postgres` for a server. */
  readonly dialect: "pglite" | "postgres";
  readonly #backend: Backend;
  readonly #echo: Echo;
  readonly #context: ConnectionContext;
  readonly #defaults: TransactionMode;
  readonly #leases: SessionLeases;
  #disposed: Promise<void> | undefined;
  #kysely: Kysely<DB> | undefined;
  /** Bumped by every interrupt: a `begin()` waiting to retry gives up when it changes. */
  #interrupts = 0;

  /**
   * Made by {@link createEngine}; not meant to be constructed directly.
   *
   * @internal
   */
  constructor(backend: Backend, url: string, options: ResolvedEngineOptions) {
    this.#backend = backend;
    this.url = url;
    this.dialect = backend.dialect;
    this.#echo = new Echo(options.echo);
    this.#context = { echo: this.#echo, batchSize: options.batchSize, insertBudget: INSERT_BUDGET, kysely: options.kysely };
    this.#defaults = options.isolationLevel ? { isolationLevel: options.isolationLevel } : {};
    this.#leases = new SessionLeases(backend, this, options.idleTransactionTimeoutMs);
    registerEngine(this);
  }

  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK (and the
   * error rethrown) when it throws. Returns what `fn` returns. `options` set
   * the isolation level and read-only mode, and `retries` re-runs `fn` after
   * a serialization failure or deadlock (see {@link BeginOptions}).
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine({ echo: true });
   * await engine.begin((conn) => conn.execute("select 1"), { isolationLevel: "serializable", readOnly: true });
   * // BEGIN (implicit; isolation level SERIALIZABLE, read only)
   * // select 1
   * // COMMIT
   * await engine.dispose();
   * ```
   */
  async begin<T>(fn: (conn: Connection<DB>) => Promise<T> | T, options?: BeginOptions): Promise<T> {
    this.#assertUsable();
    const { retries, ...mode } = checkTransactionOptions(options, "engine.begin()", true);
    const interrupts = this.#interrupts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#scope("begin", fn, mode);
      } catch (err) {
        const code = retryableCode(err);
        if (code === undefined || attempt > retries || this.#interrupts !== interrupts) throw err;
        this.#echo.event(`retry ${attempt} of ${retries}: ${RETRYABLE[code]} (SQLSTATE ${code})`);
        // Random, growing pauses, so that transactions that collided do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random())));
        if (this.#interrupts !== interrupts) {
          throw new InterruptedError(`This engine.begin() scope on ${this.url} was interrupted while it waited to retry; nothing it did was committed.`, { cause: err });
        }
      }
    }
  }

  /**
   * Runs `fn` with a connection that commits as you go: call
   * `conn.commit()` / `conn.rollback()` (or `conn.begin()` for a block that
   * commits at its end); whatever is uncommitted when `fn` ends is rolled
   * back. Returns what `fn` returns. `options` set the isolation level and
   * read-only mode of each transaction the scope begins.
   */
  async connect<T>(fn: (conn: Connection<DB>) => Promise<T> | T, options?: TransactionOptions): Promise<T> {
    this.#assertUsable();
    const { retries: _, ...mode } = checkTransactionOptions(options, "engine.connect()", false);
    return this.#scope("connect", fn, mode);
  }

  /**
   * Kysely on this engine, for queries outside a scope: each statement runs
   * on its own (autocommit), taking its turn like a scope does. Kysely's
   * transactions work as in Kysely: `transaction()` with
   * `setIsolationLevel()` / `setAccessMode()`, and controlled transactions
   * (`startTransaction()`, savepoints). A controlled transaction left open
   * is rolled back by `dispose()`, or once it has been idle for
   * `idleTransactionTimeoutMs` while another scope waits for its session.
   * Kysely's `log` and `plugins` come from the engine's `kysely` option.
   * Results, errors and parameters follow Kysely's PostgresDialect with
   * node-postgres, but for the differences the README lists on purpose
   * (int8 as a number, bytea as a `Uint8Array`, errors as
   * {@link StatementError} with node-postgres's fields, …).
   */
  get kysely(): Kysely<DB> {
    this.#assertUsable();
    this.#kysely ??= engineKysely<DB>(
      new EngineDriver({
        echo: this.#echo,
        url: this.url,
        defaults: this.#defaults,
        acquire: () => this.#acquire("engine.kysely", "A query on engine.kysely"),
        detached: () => this.#leases.watch(),
      }),
      this.#context.kysely,
    );
    return this.#kysely;
  }

  /**
   * The PGlite instance of an embedded engine, for what only PGlite does
   * (`dumpDataDir`, extensions). It bypasses the engine's turn-taking: use it
   * when no scope is running.
   */
  get pglite(): PGlite {
    this.#assertUsable();
    if (!(this.#backend instanceof PgliteBackend)) {
      throw new ArgumentError(`engine.pglite exists only on an embedded engine; this one uses ${this.#backend.description}.`);
    }
    return this.#backend.db;
  }

  /** Whether {@link Engine.dispose} has been called. */
  get disposed(): boolean {
    return this.#disposed !== undefined;
  }

  /**
   * Closes the database (or the server pool) once the scopes already running
   * or waiting have finished; controlled transactions of `engine.kysely` left
   * open are rolled back. Safe to call twice; any other use afterwards throws
   * {@link EngineDisposedError}. Called inside one of the engine's own scopes,
   * which it would wait for, it is a `ScopeError`.
   */
  dispose(): Promise<void> {
    if (!this.#disposed && heldHere(this) > 0) {
      return Promise.reject(
        new ScopeError(
          "engine.dispose() was called inside one of this engine's own scopes. It waits for every scope to end, this one " +
            "included, so it would wait forever: dispose of the engine after the scope's callback has returned.",
        ),
      );
    }
    this.#disposed ??= (async () => {
      unregisterEngine(this);
      try {
        await this.#leases.close();
        await this.#backend.close();
      } finally {
        this.#leases.stop();
      }
    })();
    return this.#disposed;
  }

  /**
   * Interrupts every scope of this engine, running or waiting for its turn:
   * each running scope's transaction is rolled back (on a server its
   * statement in flight is cancelled; PGlite finishes the one it is running)
   * and its session given back at once, so a scope asked for afterwards runs
   * straight away. The interrupted scope's next statement, or its stream's
   * next batch, fails with an {@link InterruptedError}. Returns at once with
   * what was interrupted; its `done` settles when the rollbacks have.
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * const scope = engine.connect(async (conn) => {
   *   for await (const row of conn.stream("select generate_series(1, 1000000) as n", { batchSize: 100 })) {
   *     await new Promise((resolve) => setImmediate(resolve));
   *   }
   * });
   * setTimeout(() => console.log(engine.interrupt().message.startsWith("Interrupted pglite://memory: rolled back engine.connect()")), 50); // true
   * await scope.catch((err) => console.log(err.name)); // InterruptedError
   * await engine.dispose();
   * ```
   */
  interrupt(): InterruptReport {
    this.#interrupts++;
    const { scopes, done } = this.#leases.interrupt(this.url);
    return { url: this.url, scopes, message: interruptMessage(this.url, scopes), done };
  }

  /** Lets `await using engine = await createEngine()` dispose of it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** `Engine(<url>)`, password hidden, as the REPL and notebooks show an engine. */
  toString(): string {
    return `Engine(${this.url})`;
  }

  async #scope<T>(mode: "begin" | "connect", fn: (conn: Connection<DB>) => Promise<T> | T, options: TransactionMode): Promise<T> {
    if (typeof fn !== "function") {
      throw new ArgumentError(`engine.${mode}() takes a callback: engine.${mode}(async (conn) => { … }).`);
    }
    const lease = await this.#acquire(`engine.${mode}()`, `engine.${mode}()`);
    const scope = new ScopeSession(lease, this.#echo, withDefaults(options, this.#defaults));
    const conn = new Connection<DB>(scope, this.#context, mode);
    let broken = false;
    try {
      const value = await runHolding(lease, () => fn(conn));
      // An interrupted scope never commits, even if its callback caught the InterruptedError.
      if (lease.revoked) throw lease.revoked;
      await scope.finish(mode === "begin" ? "commit" : "rollback");
      return value;
    } catch (err) {
      if (lease.revoked) throw lease.revoked;
      await scope.finish("rollback").catch(() => {
        broken = true;
      });
      throw withInMemoryHint(err, this.url);
    } finally {
      await lease.release(broken);
    }
  }

  async #acquire(kind: LeaseKind, what: string): Promise<SessionLease> {
    this.#assertUsable();
    // A scope requested before dispose() is still served: the backend closes
    // only after the sessions queued ahead of its own turn. One that loses the
    // race anyway gets the disposal named rather than a driver error.
    try {
      return await this.#leases.acquire(kind, what);
    } catch (err) {
      if (this.#disposed && !(err instanceof InterruptedError || err instanceof ScopeError)) throw disposedError();
      throw err;
    }
  }

  #assertUsable(): void {
    if (this.#disposed) throw disposedError();
  }
}

/** The SQLSTATE that makes `err` worth a retry, looking through causes a caller may have wrapped it in. */
function retryableCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof StatementError && e.code && e.code in RETRYABLE) return e.code;
    if (e instanceof PgliteLabError && !(e instanceof StatementError)) return undefined;
  }
  return undefined;
}

function disposedError(): EngineDisposedError {
  return new EngineDisposedError("This engine has been disposed; create a new one with createEngine().");
}
