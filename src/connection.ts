/**
 * `Connection`: what a scope hands its callback — execute, stream, commit.
 *
 * @module
 */
import { Kysely, type Compilable, type CompiledQuery, type RawBuilder } from "kysely";
import { AsyncResult, type AsyncFilterResult } from "./async-result.js";
import { ArgumentError, ScopeError } from "./errors.js";
import type { Echo } from "./echo.js";
import type { KyselyOptions } from "./engine-options.js";
import { checkParameters, checkTransactionControl, describeStatement, isCompilable } from "./executable.js";
import { executeMany } from "./internal/executemany.js";
import { RowStream } from "./internal/row-stream.js";
import type { ScopeSession } from "./internal/scope-session.js";
import { postgresDialect } from "./kysely/postgres-dialect.js";
import { ScopeDriver } from "./kysely/scope-driver.js";
import { sendAsPg } from "./kysely/send-as-pg.js";
import { Result, type ValueOf } from "./result.js";
import { isInsert, type Insert, type InsertBudget } from "./schema/insert.js";
import type { AnyTable, InsertRow } from "./schema/table.js";
import { streamArguments, type StreamOptions } from "./stream-options.js";
import { checkTransactionOptions, type TransactionOptions } from "./transaction-options.js";

/** What a connection needs from its engine. */
export interface ConnectionContext {
  readonly echo: Echo;
  readonly batchSize: number;
  readonly insertBudget: InsertBudget;
  readonly kysely: KyselyOptions;
}

/** The first column's value of a row of type `Row`, as `Result.scalar()` types it. */
type Scalar<Row> = ReturnType<Result<Row>["scalar"]>;

let savepointCounter = 0;

/**
 * A database connection inside a scope: `engine.begin(async (conn) => …)` or
 * `engine.connect(async (conn) => …)`. The first statement starts a
 * transaction (`BEGIN (implicit)`); the scope ends it. Do not keep a
 * connection past its scope: it refuses use once the callback has returned,
 * and whatever the callback started (a statement it did not await, a stream
 * it did not finish) is finished or closed before the scope ends.
 *
 * @example
 * ```ts
 * import { createEngine, sql } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.connect(async (conn) => {
 *   await conn.execute("create table notes (body text)");
 *   await conn.execute("insert into notes values ($1), ($2)", ["first", "second"]);
 *   await conn.commit();
 *   const n = await conn.execute(sql<{ n: number }>`select count(*)::int as n from notes`);
 *   console.log(n.scalar()); // 2
 *   for await (const row of conn.stream("select body from notes order by body")) console.log(row);
 * });
 * await engine.dispose();
 * ```
 */
export class Connection<DB = any> {
  readonly #scope: ScopeSession;
  readonly #context: ConnectionContext;
  readonly #mode: "begin" | "connect";
  readonly #check = () => this.#scope.assertOpen();
  #db: Kysely<DB> | undefined;

  /**
   * Made by `engine.begin()` and `engine.connect()`; not meant to be constructed directly.
   *
   * @internal
   */
  constructor(scope: ScopeSession, context: ConnectionContext, mode: "begin" | "connect") {
    this.#scope = scope;
    this.#context = context;
    this.#mode = mode;
  }

  /**
   * Kysely bound to this connection: queries built here run inside this
   * scope's transaction, fully typed when the engine was created with a
   * `Database` type. `.stream()` on them uses a server-side cursor. Kysely's
   * own transactions are refused here (the scope has one): use
   * `conn.beginNested()` for a savepoint.
   */
  get db(): Kysely<DB> {
    this.#scope.assertOpen();
    if (!this.#db) {
      // Kysely's own transactions are refused by the driver; raw SQL through conn.db is checked as conn.execute()'s is.
      const driver = new ScopeDriver({
        run: (sql, parameters) => {
          checkTransactionControl(sql, "conn.db", this.#mode);
          return this.#scope.track(this.#scope.run(sql, parameters, { send: sendAsPg }));
        },
        batches: (sql, parameters, batchSize) => {
          checkTransactionControl(sql, "conn.db", this.#mode);
          return this.#scope.batches(sql, parameters, batchSize);
        },
      });
      const { log, plugins = [] } = this.#context.kysely;
      this.#db = new Kysely<DB>({ dialect: postgresDialect(() => driver), ...(log ? { log } : {}), plugins: [...plugins] });
    }
    return this.#db;
  }

  /** Whether a transaction is open (a statement has run since the last commit or rollback). */
  get inTransaction(): boolean {
    return this.#scope.inTransaction;
  }

  /** Whether the scope has ended; a closed connection refuses every call. */
  get closed(): boolean {
    return this.#scope.closed;
  }

  /**
   * Runs a statement and returns its {@link Result}. Takes `table.insert()`
   * with rows (any number, inserted all or nothing), `table.select()` and any
   * Kysely query, the `sql` template, or an SQL string with `$1 …`
   * parameters (an array). Values are always sent as bind parameters, never
   * spliced into the SQL; before anything is sent, parameters must fill the
   * placeholders `$1 … $n` exactly, and a value no SQL type takes (a Symbol,
   * a function, a hole in the array) is an `ArgumentError`, a string with a
   * lone surrogate or an invalid Date a `DataError`, each naming the
   * parameter. `COPY … FROM STDIN` / `TO STDOUT` are refused: there is no
   * stream to copy through. A second argument the statement cannot take (rows
   * after an UPDATE, an object after an SQL string) is an `ArgumentError`,
   * and nothing runs. SQL that would start or end the scope's transaction
   * behind its back (`COMMIT`, `ROLLBACK`, `BEGIN`, `END`, `ABORT`) is a
   * `ScopeError` that names the method to use instead (`conn.commit()`,
   * `conn.rollback()`, `conn.begin()`, `conn.beginNested()`).
   */
  execute<T extends AnyTable, R>(statement: Insert<T, R>, rows: InsertRow<T> | readonly InsertRow<T>[]): Promise<Result<R>>;
  execute<O>(statement: Compilable<O> | RawBuilder<O>): Promise<Result<O>>;
  execute<O = Record<string, unknown>>(statement: string, parameters?: readonly unknown[]): Promise<Result<O>>;
  execute(statement: unknown, extra?: unknown): Promise<Result<any>> {
    return this.#scope.track(this.#execute(statement, extra, "conn.execute()"));
  }

  /**
   * Runs a statement and returns the first column of its first row, or
   * `undefined` when there is no row: `conn.execute(…).scalar()` in one call
   * (SQLAlchemy's `conn.scalar()`).
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * const n = await engine.connect((conn) => conn.scalar<{ n: number }>("select $1::int * 2 as n", [21]));
   * console.log(n); // 42
   * await engine.dispose();
   * ```
   */
  scalar<T extends AnyTable, R>(statement: Insert<T, R>, rows: InsertRow<T> | readonly InsertRow<T>[]): Promise<Scalar<R>>;
  scalar<O>(statement: Compilable<O> | RawBuilder<O>): Promise<Scalar<O>>;
  scalar<O = Record<string, unknown>>(statement: string, parameters?: readonly unknown[]): Promise<Scalar<O>>;
  async scalar(statement: unknown, extra?: unknown): Promise<unknown> {
    return (await this.#scope.track(this.#execute(statement, extra, "conn.scalar()"))).scalar();
  }

  /**
   * Runs a statement and returns the first column of every row
   * (SQLAlchemy's `conn.scalars(…).all()`).
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * const squares = await engine.connect((conn) => conn.scalars<{ sq: number }>("select x * x as sq from generate_series(1, 4) as x"));
   * console.log(squares); // [ 1, 4, 9, 16 ]
   * await engine.dispose();
   * ```
   */
  scalars<T extends AnyTable, R>(statement: Insert<T, R>, rows: InsertRow<T> | readonly InsertRow<T>[]): Promise<Array<NonNullable<Scalar<R>>>>;
  scalars<O>(statement: Compilable<O> | RawBuilder<O>): Promise<Array<NonNullable<Scalar<O>>>>;
  scalars<O = Record<string, unknown>>(statement: string, parameters?: readonly unknown[]): Promise<Array<NonNullable<Scalar<O>>>>;
  async scalars(statement: unknown, extra?: unknown): Promise<unknown[]> {
    return (await this.#scope.track(this.#execute(statement, extra, "conn.scalars()"))).scalars();
  }

  /**
   * Streams the rows of a statement through a server-side cursor (a named
   * portal of PostgreSQL's wire protocol, on PGlite and on a server alike),
   * `batchSize` rows per round trip, so memory stays flat however many rows
   * there are. Any statement that returns rows streams: SELECT, VALUES,
   * TABLE, `INSERT/UPDATE/DELETE … RETURNING`, a data-modifying `WITH`, SHOW.
   * PostgreSQL runs a statement that writes to its end before the first row
   * arrives, so its writes are all made (in the scope's transaction) however
   * much of the stream is read. Other statements of the scope may run between
   * rows. Leaving the loop early (`break`, `return`, a throw) closes the cursor; so
   * does the end of the scope, for a stream left unfinished. Options go after
   * the parameters of an SQL string, or in their place. Read it with
   * `for await`, or with the {@link AsyncResult} methods (`fetchMany()`,
   * `partitions()`, `scalars()`, …).
   */
  stream<O>(statement: Compilable<O> | RawBuilder<O>, options?: StreamOptions): AsyncResult<O>;
  stream<O = Record<string, unknown>>(statement: string, options: StreamOptions): AsyncResult<O>;
  stream<O = Record<string, unknown>>(statement: string, parameters?: readonly unknown[], options?: StreamOptions): AsyncResult<O>;
  stream(statement: unknown, second?: unknown, third?: unknown): AsyncResult<any> {
    const call = streamArguments(statement, second, third, this.#context.batchSize, (s) => this.#compile(s, "conn.stream()"));
    checkTransactionControl(call.sql, "conn.stream()", this.#mode);
    return new AsyncResult(new RowStream(this.#scope.batches(call.sql, call.parameters, call.batchSize), this.#check), call.batchSize);
  }

  /**
   * Streams the first column of each row: `conn.stream(…).scalars()`, as
   * SQLAlchemy's `conn.stream_scalars()`. Takes what {@link Connection.stream} takes.
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * const total = await engine.connect(async (conn) => {
   *   let sum = 0;
   *   for await (const n of conn.streamScalars<{ n: number }>("select generate_series(1, 100) as n")) sum += n;
   *   return sum;
   * });
   * console.log(total); // 5050
   * await engine.dispose();
   * ```
   */
  streamScalars<O>(statement: Compilable<O> | RawBuilder<O>, options?: StreamOptions): AsyncFilterResult<ValueOf<O>>;
  streamScalars<O = Record<string, unknown>>(statement: string, options: StreamOptions): AsyncFilterResult<ValueOf<O>>;
  streamScalars<O = Record<string, unknown>>(statement: string, parameters?: readonly unknown[], options?: StreamOptions): AsyncFilterResult<ValueOf<O>>;
  streamScalars(statement: unknown, second?: unknown, third?: unknown): AsyncFilterResult<unknown> {
    return (this.stream as (s: unknown, p?: unknown, o?: unknown) => AsyncResult<any>)(statement, second, third).scalars();
  }

  /** Commits the open transaction ("commit as you go"); only in `engine.connect()` scopes. */
  async commit(): Promise<void> {
    this.#assertManual("conn.commit()");
    await this.#scope.settlePending();
    await this.#scope.end("COMMIT");
  }

  /** Rolls back the open transaction; only in `engine.connect()` scopes. */
  async rollback(): Promise<void> {
    this.#assertManual("conn.rollback()");
    await this.#scope.settlePending();
    await this.#scope.end("ROLLBACK");
  }

  /**
   * Runs `fn` in a transaction of its own inside an `engine.connect()`
   * scope: BEGIN now, COMMIT when `fn` resolves, ROLLBACK (and the error
   * rethrown) when it throws (SQLAlchemy's `async with conn.begin():`). The
   * connection must have no transaction open: commit or roll back first.
   * `options` set the isolation level and read-only mode of this transaction.
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * await engine.connect(async (conn) => {
   *   await conn.begin(async () => {
   *     await conn.execute("create table t (x int)");
   *     await conn.execute("insert into t values (1)");
   *   }); // COMMIT
   *   await conn.begin(async () => {
   *     await conn.execute("insert into t values (2)");
   *     throw new Error("undo");
   *   }).catch(() => {}); // ROLLBACK
   *   console.log(await conn.scalars("select x from t")); // [ 1 ]
   * });
   * await engine.dispose();
   * ```
   */
  async begin<T>(fn: (conn: Connection<DB>) => Promise<T> | T, options?: TransactionOptions): Promise<T> {
    const { retries: _, ...mode } = checkTransactionOptions(options, "conn.begin()", false);
    this.#scope.assertOpen();
    if (typeof fn !== "function") throw new ArgumentError("conn.begin() takes a callback: conn.begin(async (conn) => { … }).");
    if (this.#mode === "begin") {
      throw new ScopeError(
        "conn.begin() is for engine.connect() scopes: engine.begin() already runs its whole callback in one transaction. Use conn.beginNested() for a savepoint.",
      );
    }
    if (this.#scope.explicit) throw new ScopeError("conn.begin() is already running on this connection; use conn.beginNested() inside it.");
    await this.#scope.settlePending();
    if (this.#scope.inTransaction) {
      throw new ScopeError(
        "conn.begin() found a transaction already open on this connection, begun by an earlier statement. " +
          "Call conn.commit() or conn.rollback() first, or use conn.beginNested() for a savepoint.",
      );
    }
    this.#scope.explicit = true;
    try {
      await this.#scope.ensure({ ...this.#scope.mode, ...mode }, false);
      const value = await fn(this);
      await this.#scope.settlePending();
      await this.#scope.end("COMMIT");
      return value;
    } catch (err) {
      if (!this.#scope.closed) await this.#scope.end("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      this.#scope.explicit = false;
    }
  }

  /**
   * Runs `fn` inside a SAVEPOINT: if it throws, only its work is undone and
   * the error is rethrown; the surrounding transaction goes on. This is the
   * way to nest a transaction inside a scope (SQLAlchemy's `begin_nested()`).
   */
  async beginNested<T>(fn: (conn: Connection<DB>) => Promise<T> | T): Promise<T> {
    this.#scope.assertOpen();
    if (typeof fn !== "function") throw new ArgumentError("conn.beginNested() takes a callback: conn.beginNested(async (conn) => { … }).");
    const name = `pglite_lab_sp_${++savepointCounter}`;
    await this.execute(`SAVEPOINT ${name}`);
    try {
      const value = await fn(this);
      await this.#scope.settlePending();
      await this.execute(`RELEASE SAVEPOINT ${name}`);
      return value;
    } catch (err) {
      if (!this.#scope.closed && this.#scope.inTransaction) {
        await this.#scope.run(`ROLLBACK TO SAVEPOINT ${name}`, []).catch(() => undefined);
        await this.#scope.run(`RELEASE SAVEPOINT ${name}`, []).catch(() => undefined);
      }
      throw err;
    }
  }

  async #execute(statement: unknown, extra: unknown, where: string): Promise<Result<any>> {
    if (isInsert(statement)) return executeMany(this.#scope, statement, extra, this.#context.insertBudget);
    const parameters = checkParameters(statement, extra, where);
    const compiled = typeof statement === "string" ? { sql: statement, parameters } : this.#compile(statement, where);
    checkTransactionControl(compiled.sql, where, this.#mode);
    const raw = await this.#scope.run(compiled.sql, compiled.parameters);
    return new Result(raw.rows, raw.fields, raw.rowCount, raw.command);
  }

  #compile(statement: unknown, where: string): CompiledQuery {
    this.#scope.assertOpen();
    // Query builders ignore the argument; raw `sql` templates need a database to compile against.
    if (isCompilable(statement)) return (statement as unknown as RawBuilder<unknown>).compile(this.db);
    if (isInsert(statement)) {
      throw new ArgumentError(`${where} cannot take ${String(statement)}; run inserts with conn.execute(table.insert(), rows).`);
    }
    throw new ArgumentError(
      `${where} takes an SQL string, the sql\`\` template, table.select(), or a Kysely query; got ${describeStatement(statement)}.`,
    );
  }

  #assertManual(what: string): void {
    this.#scope.assertOpen();
    if (this.#mode === "begin") {
      throw new ScopeError(
        what === "conn.commit()"
          ? "engine.begin() commits when its callback returns; use engine.connect() to commit as you go."
          : "engine.begin() rolls back when its callback throws; throw to roll back, or use engine.connect().",
      );
    }
    if (this.#scope.explicit) {
      throw new ScopeError(`${what} cannot end a conn.begin() block: it commits when its callback returns and rolls back when it throws.`);
    }
  }
}
