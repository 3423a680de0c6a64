/**
 * `createEngine()` and `Engine`: where connections come from.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from "kysely";
import type { PGlite } from "@electric-sql/pglite";
import { Connection, type ScopeControl } from "./connection.js";
import { Echo, type EchoLogger } from "./echo.js";
import { ArgumentError, EngineDisposedError, ScopeError, statementError } from "./errors.js";
import { postgresDialect } from "./kysely/postgres-dialect.js";
import { parseEngineUrl } from "./url.js";
import { PgliteBackend } from "./backends/pglite-backend.js";
import type { Backend, Session } from "./backends/backend.js";
import type { InsertBudget } from "./schema/insert.js";

/**
 * Options of {@link createEngine}.
 *
 * All are optional. `echo` and `batchSize` apply to every engine; `poolSize`
 * and `connectTimeoutMs` only to a server engine (`postgres://…`), since the
 * embedded engine has a single PGlite session.
 *
 * @example
 * ```ts
 * import { createEngine, type EngineOptions } from "pglite-lab";
 *
 * const options: EngineOptions = { echo: true, batchSize: 500 };
 * const engine = await createEngine("pglite://memory", options);
 * console.log(engine.url, engine.dialect); // pglite://memory pglite
 * await engine.connect((conn) => conn.execute("select 1 as one")); // logs BEGIN (implicit), the SELECT, ROLLBACK
 * await engine.dispose();
 * ```
 */
export interface EngineOptions {
  /**
   * Log every statement, SQLAlchemy style: `true` prints to stdout, a
   * function receives each line. Default `false`.
   */
  readonly echo?: boolean | EchoLogger;
  /** Rows per round trip when streaming (`conn.stream()`). Default 5000 (chosen by measurement: bench/README.md). */
  readonly batchSize?: number;
  /**
   * Most connections a server engine opens at once, so the most scopes that run at the same time.
   * Default 10; the embedded engine has one session. Further scopes wait their turn, without a time limit.
   */
  readonly poolSize?: number;
  /**
   * How long a server engine may take to reach the server and log in, per connection, before the
   * scope fails with a `ConnectionError`, in milliseconds. Default 10000.
   */
  readonly connectTimeoutMs?: number;
}

/**
 * The default stream batch, chosen by measurement (`npm run bench -- --only
 * batch`: 1M rows of the bench table on PGlite, medians of 5–7 alternating
 * runs against a hand-written DECLARE / FETCH 1000 loop). At 100 rows the
 * per-FETCH cost (parsing the FETCH, a round trip through PGlite's protocol
 * layer) dominates (1.4×); 500, 1000 and 2000 came out level with the
 * hand-written loop; 5000 was the fastest (0.84–0.87×) with RSS growth of
 * 18–19 MB; 10000 was no faster and grew RSS by about 90 MB (whole batches
 * of row objects living long enough to leave V8's young generation). A batch
 * of 5000 wide rows (1 KB each) is a few MB.
 */
const DEFAULT_BATCH_SIZE = 5000;

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

/** Engines with an open scope in the current async context: how a nested scope is recognised. */
const openScopes = new AsyncLocalStorage<ReadonlySet<object>>();

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
  const url = typeof first === "string" || first === undefined ? first : undefined;
  const options = (typeof first === "object" && first !== null ? first : second) ?? {};
  if (first !== undefined && typeof first !== "string" && (typeof first !== "object" || first === null)) {
    throw new ArgumentError("createEngine() takes a URL string, an options object, or both (URL first).");
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ArgumentError(`batchSize must be a positive whole number, not ${String(batchSize)}.`);
  }
  const target = parseEngineUrl(url);
  let backend: Backend;
  if (target.dialect === "pglite") {
    backend = await PgliteBackend.open(target.location, target.display);
  } else {
    const { PostgresBackend } = await import("./backends/postgres-backend.js");
    backend = await PostgresBackend.open(target.connectionString, target.display, {
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    });
  }
  return new Engine<DB>(backend, target.display, new Echo(options.echo), batchSize);
}

/**
 * A source of connections to one database, made by {@link createEngine}.
 * Work happens in scopes: `begin()` for a unit of work that commits as a
 * whole, `connect()` to commit as you go.
 *
 * On the embedded engine PGlite is a single PostgreSQL session, so scopes
 * take turns in the order they were requested; on a server they run at once
 * on pooled connections.
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
  readonly #batchSize: number;
  #disposed: Promise<void> | undefined;
  #kysely: Kysely<DB> | undefined;

  /**
   * Made by {@link createEngine}; not meant to be constructed directly.
   *
   * @internal
   */
  constructor(backend: Backend, url: string, echo: Echo, batchSize: number) {
    this.#backend = backend;
    this.url = url;
    this.dialect = backend.dialect;
    this.#echo = echo;
    this.#batchSize = batchSize;
  }

  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK (and the
   * error rethrown) when it throws. Returns what `fn` returns.
   */
  begin<T>(fn: (conn: Connection<DB>) => Promise<T> | T): Promise<T> {
    return this.#scope("begin", fn);
  }

  /**
   * Runs `fn` with a connection that commits as you go: call
   * `conn.commit()` / `conn.rollback()`; whatever is uncommitted when `fn`
   * ends is rolled back. Returns what `fn` returns.
   */
  connect<T>(fn: (conn: Connection<DB>) => Promise<T> | T): Promise<T> {
    return this.#scope("connect", fn);
  }

  /**
   * Kysely on this engine, for queries outside a scope: each statement runs
   * on its own (autocommit), taking its turn like a scope does, and
   * `engine.kysely.transaction()` works as in Kysely.
   */
  get kysely(): Kysely<DB> {
    this.#assertUsable();
    this.#kysely ??= new Kysely<DB>({ dialect: postgresDialect(() => this.#kyselyDriver()) });
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
   * or waiting have finished. Safe to call twice; any other use afterwards
   * throws {@link EngineDisposedError}.
   */
  dispose(): Promise<void> {
    this.#disposed ??= this.#backend.close();
    return this.#disposed;
  }

  /** Lets `await using engine = await createEngine()` dispose of it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** `Engine(<url>)`, password hidden, as the REPL and notebooks show an engine. */
  toString(): string {
    return `Engine(${this.url})`;
  }

  async #scope<T>(mode: "begin" | "connect", fn: (conn: Connection<DB>) => Promise<T> | T): Promise<T> {
    this.#assertUsable();
    if (typeof fn !== "function") {
      throw new ArgumentError(`engine.${mode}() takes a callback: engine.${mode}(async (conn) => { … }).`);
    }
    this.#assertNotNested(`engine.${mode}()`);
    const session = await this.#acquire();
    const control: ScopeControl = {};
    const conn = new Connection<DB>(session, { echo: this.#echo, batchSize: this.#batchSize, insertBudget: INSERT_BUDGET }, mode, control);
    const finish = control.finish as (outcome: "commit" | "rollback") => Promise<void>;
    const scopes = new Set(openScopes.getStore() ?? []);
    scopes.add(this);
    let broken = false;
    try {
      const value = await openScopes.run(scopes, () => fn(conn));
      await finish(mode === "begin" ? "commit" : "rollback");
      return value;
    } catch (err) {
      await finish("rollback").catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      await session.release(broken);
    }
  }

  async #acquire(): Promise<Session> {
    // A scope requested before dispose() is still served: the backend closes
    // only after the sessions queued ahead of its own turn. One that loses the
    // race anyway gets the disposal named rather than a driver error.
    try {
      return await this.#backend.acquire();
    } catch (err) {
      if (this.#disposed) throw disposedError();
      throw err;
    }
  }

  #assertUsable(): void {
    if (this.#disposed) throw disposedError();
  }

  #assertNotNested(what: string): void {
    if (this.#backend.exclusive && openScopes.getStore()?.has(this)) {
      throw new ScopeError(
        `${what} was called inside an open scope of the same embedded engine. PGlite runs one scope at a time, ` +
          "so it would wait for itself forever. Use the `conn` you already have, or conn.beginNested() for a savepoint.",
      );
    }
  }

  #kyselyDriver(): Driver {
    const echo = this.#echo;
    const sessions = new WeakMap<DatabaseConnection, Session>();
    const run = async (session: Session, sql: string, parameters: readonly unknown[]) => {
      echo.statement(sql, parameters);
      try {
        return await session.query(sql, parameters);
      } catch (err) {
        throw statementError(err, sql, parameters);
      }
    };
    const inTransaction = new WeakSet<DatabaseConnection>();
    const control = async (connection: DatabaseConnection, command: "BEGIN" | "COMMIT" | "ROLLBACK") => {
      const session = sessions.get(connection);
      if (!session) throw new ScopeError("This Kysely connection was already released.");
      echo.event(command);
      await session.query(command, []);
      if (command === "BEGIN") inTransaction.add(connection);
      else inTransaction.delete(connection);
    };
    return {
      init: async () => undefined,
      acquireConnection: async () => {
        this.#assertUsable();
        this.#assertNotNested("A query on engine.kysely");
        const session = await this.#acquire();
        const connection: DatabaseConnection = {
          executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
            const raw = await run(session, query.sql, query.parameters);
            const affected = ["INSERT", "UPDATE", "DELETE", "MERGE"].includes(raw.command);
            return affected ? { rows: raw.rows as R[], numAffectedRows: BigInt(raw.rowCount) } : { rows: raw.rows as R[] };
          },
          streamQuery: <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> => {
            const batchSize = chunkSize ?? this.#batchSize;
            // A cursor lives in a transaction; outside Kysely's own, the stream gets one of its own.
            const own = !inTransaction.has(connection);
            return (async function* () {
              // Made first: a chunk size no portal can be read with is an ArgumentError before anything runs.
              const cursor = session.cursor(query.sql, query.parameters, batchSize);
              if (own) await session.query("BEGIN", []);
              let failed = false;
              try {
                echo.statement(query.sql, query.parameters);
                for await (const rows of cursor) yield { rows: rows as R[] };
              } catch (err) {
                failed = true;
                throw statementError(err, query.sql, query.parameters);
              } finally {
                // As for a statement run outside a transaction: once it has run, its writes stay, however much was read.
                if (own) await session.query(failed ? "ROLLBACK" : "COMMIT", []).catch(() => undefined);
              }
            })();
          },
        };
        sessions.set(connection, session);
        return connection;
      },
      beginTransaction: (connection) => control(connection, "BEGIN"),
      commitTransaction: (connection) => control(connection, "COMMIT"),
      rollbackTransaction: (connection) => control(connection, "ROLLBACK"),
      releaseConnection: async (connection) => {
        const session = sessions.get(connection);
        sessions.delete(connection);
        await session?.release();
      },
      destroy: async () => undefined,
    };
  }
}

function disposedError(): EngineDisposedError {
  return new EngineDisposedError("This engine has been disposed; create a new one with createEngine().");
}
