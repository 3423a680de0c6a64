/**
 * `Connection`: what a scope hands its callback — execute, stream, commit.
 *
 * @module
 */
import { Kysely, type Compilable, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type RawBuilder } from "kysely";
import { ArgumentError, ConnectionError, ScopeError, statementError } from "./errors.js";
import type { Echo } from "./echo.js";
import { postgresDialect } from "./kysely/postgres-dialect.js";
import { Result } from "./result.js";
import { RowStream } from "./internal/row-stream.js";
import { isInsert, type Insert, type InsertBudget } from "./schema/insert.js";
import { planInsert, type InsertStatement } from "./schema/insert-plan.js";
import type { AnyTable, InsertRow } from "./schema/table.js";
import type { RawResult, Session } from "./backends/backend.js";

/**
 * Options of {@link Connection.stream}.
 *
 * `batchSize` sets how many rows each round trip to the server-side cursor
 * fetches: larger batches mean fewer round trips, smaller ones less memory.
 *
 * @example
 * ```ts
 * import { createEngine, type StreamOptions } from "pglite-lab";
 *
 * const engine = await createEngine({ echo: true });
 * const options: StreamOptions = { batchSize: 2 };   // two rows per FETCH
 * const seen: number[] = [];
 * await engine.connect(async (conn) => {
 *   for await (const row of conn.stream<{ n: number }>("select generate_series(1, 5) as n", [], options)) seen.push(row.n);
 * });
 * console.log(seen); // [ 1, 2, 3, 4, 5 ]
 * await engine.dispose();
 * ```
 */
export interface StreamOptions {
  /** Rows fetched from the cursor per round trip. Defaults to the engine's `batchSize`. */
  readonly batchSize?: number;
}

/** What a connection needs from its engine. */
export interface ConnectionContext {
  readonly echo: Echo;
  readonly batchSize: number;
  readonly insertBudget: InsertBudget;
}

/** Hooks the engine uses to end a scope; filled in by the connection. */
export interface ScopeControl {
  finish?: (outcome: "commit" | "rollback") => Promise<void>;
}

/**
 * A statement `conn.execute()` runs (besides `table.insert()` with rows).
 *
 * Any Kysely query (`table.select()`, `conn.db.selectFrom(…)`), the `sql`
 * template, or an SQL string with `$1 …` parameters; `O` is the row type.
 * `conn.execute()` has one overload per kind, so a helper that takes an
 * `Executable` narrows it before the call.
 *
 * @example
 * ```ts
 * import { createEngine, sql, type Connection, type Executable } from "pglite-lab";
 *
 * type Row = { n: number };
 * const run = (conn: Connection, statement: Executable<Row>) =>
 *   typeof statement === "string" ? conn.execute<Row>(statement) : conn.execute(statement);
 *
 * const engine = await createEngine();
 * const values = await engine.connect(async (conn) => [
 *   (await run(conn, "select 1 as n")).scalar(),
 *   (await run(conn, sql<Row>`select 2 as n`)).scalar(),
 * ]);
 * console.log(values); // [ 1, 2 ]
 * await engine.dispose();
 * ```
 */
export type Executable<O> = Compilable<O> | RawBuilder<O> | string;

const KYSELY_DML = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);
let savepointCounter = 0;

/**
 * A database connection inside a scope: `engine.begin(async (conn) => …)` or
 * `engine.connect(async (conn) => …)`. The first statement starts a
 * transaction (`BEGIN (implicit)`); the scope ends it. Do not keep a
 * connection past its scope: it refuses use once the callback has returned.
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
  readonly #session: Session;
  readonly #context: ConnectionContext;
  readonly #mode: "begin" | "connect";
  #inTransaction = false;
  #beginning: Promise<void> | undefined;
  #closed = false;
  readonly #pending = new Set<Promise<unknown>>();
  #db: Kysely<DB> | undefined;

  /**
   * Made by `engine.begin()` and `engine.connect()`; not meant to be constructed directly.
   *
   * @internal
   */
  constructor(session: Session, context: ConnectionContext, mode: "begin" | "connect", control: ScopeControl) {
    this.#session = session;
    this.#context = context;
    this.#mode = mode;
    control.finish = (outcome) => this.#finish(outcome);
  }

  /**
   * Kysely bound to this connection: queries built here run inside this
   * scope's transaction, fully typed when the engine was created with a
   * `Database` type. `.stream()` on them uses a server-side cursor.
   */
  get db(): Kysely<DB> {
    this.#assertOpen();
    this.#db ??= new Kysely<DB>({ dialect: postgresDialect(() => this.#kyselyDriver()) });
    return this.#db;
  }

  /** Whether a transaction is open (a statement has run since the last commit or rollback). */
  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  /** Whether the scope has ended; a closed connection refuses every call. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs a statement and returns its {@link Result}. Takes `table.insert()`
   * with rows (any number, inserted all or nothing), `table.select()` and any
   * Kysely query, the `sql` template, or an SQL string with `$1 …`
   * parameters. Values are always sent as bind parameters, never spliced into
   * the SQL.
   */
  execute<T extends AnyTable, R>(statement: Insert<T, R>, rows: InsertRow<T> | readonly InsertRow<T>[]): Promise<Result<R>>;
  execute<O>(statement: Compilable<O> | RawBuilder<O>): Promise<Result<O>>;
  execute<O = Record<string, unknown>>(statement: string, parameters?: readonly unknown[]): Promise<Result<O>>;
  execute(statement: unknown, extra?: unknown): Promise<Result<any>> {
    return this.#track(this.#execute(statement, extra));
  }

  /**
   * Streams the rows of a query through a server-side cursor (`DECLARE …
   * CURSOR` / `FETCH n`, on PGlite and on a server alike), `batchSize` rows
   * per round trip, so memory stays flat however many rows there are.
   * Leaving the loop early (`break`, `return`, a throw) closes the cursor.
   */
  stream<O>(statement: Compilable<O> | RawBuilder<O>, options?: StreamOptions): AsyncGenerator<O, void, undefined>;
  stream<O = Record<string, unknown>>(statement: string, parameters?: readonly unknown[], options?: StreamOptions): AsyncGenerator<O, void, undefined>;
  stream(statement: unknown, second?: unknown, third?: unknown): AsyncGenerator<any, void, undefined> {
    let compiled: { sql: string; parameters: readonly unknown[] };
    let options: StreamOptions | undefined;
    if (typeof statement === "string") {
      compiled = { sql: statement, parameters: (second as readonly unknown[] | undefined) ?? [] };
      options = third as StreamOptions | undefined;
    } else {
      compiled = this.#compile(statement, "conn.stream()");
      options = second as StreamOptions | undefined;
    }
    const batchSize = options?.batchSize ?? this.#context.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ArgumentError(`batchSize must be a positive whole number, not ${String(batchSize)}.`);
    }
    return this.#streamRows(compiled.sql, compiled.parameters, batchSize);
  }

  /** Commits the open transaction ("commit as you go"); only in `engine.connect()` scopes. */
  async commit(): Promise<void> {
    this.#assertOpen();
    if (this.#mode === "begin") {
      throw new ScopeError("engine.begin() commits when its callback returns; use engine.connect() to commit as you go.");
    }
    await this.#settlePending();
    await this.#end("COMMIT");
  }

  /** Rolls back the open transaction; only in `engine.connect()` scopes. */
  async rollback(): Promise<void> {
    this.#assertOpen();
    if (this.#mode === "begin") {
      throw new ScopeError("engine.begin() rolls back when its callback throws; throw to roll back, or use engine.connect().");
    }
    await this.#settlePending();
    await this.#end("ROLLBACK");
  }

  /**
   * Runs `fn` inside a SAVEPOINT: if it throws, only its work is undone and
   * the error is rethrown; the surrounding transaction goes on. This is the
   * way to nest a transaction inside a scope (SQLAlchemy's `begin_nested()`).
   */
  async beginNested<T>(fn: (conn: Connection<DB>) => Promise<T> | T): Promise<T> {
    const name = `pglite_lab_sp_${++savepointCounter}`;
    await this.execute(`SAVEPOINT ${name}`);
    try {
      const value = await fn(this);
      await this.#settlePending();
      await this.execute(`RELEASE SAVEPOINT ${name}`);
      return value;
    } catch (err) {
      if (!this.#closed && this.#inTransaction) {
        await this.#run(`ROLLBACK TO SAVEPOINT ${name}`, []).catch(() => undefined);
        await this.#run(`RELEASE SAVEPOINT ${name}`, []).catch(() => undefined);
      }
      throw err;
    }
  }

  async #execute(statement: unknown, extra: unknown): Promise<Result<any>> {
    if (isInsert(statement)) return this.#insertMany(statement, extra);
    if (typeof statement === "string") {
      if (extra !== undefined && !Array.isArray(extra)) {
        throw new ArgumentError("The parameters of an SQL string must be an array, as in conn.execute(\"… $1\", [value]).");
      }
      return toResult(await this.#run(statement, (extra as readonly unknown[] | undefined) ?? []));
    }
    const compiled = this.#compile(statement, "conn.execute()");
    return toResult(await this.#run(compiled.sql, compiled.parameters));
  }

  #compile(statement: unknown, where: string): CompiledQuery {
    this.#assertOpen();
    if (statement !== null && typeof statement === "object" && typeof (statement as Compilable).compile === "function") {
      // Query builders ignore the argument; raw `sql` templates need a database to compile against.
      return (statement as RawBuilder<unknown>).compile(this.db);
    }
    if (isInsert(statement)) {
      throw new ArgumentError(`${where} cannot take ${String(statement)}; run inserts with conn.execute(table.insert(), rows).`);
    }
    throw new ArgumentError(
      `${where} takes an SQL string, the sql\`\` template, table.select(), or a Kysely query; got ${describe(statement)}.`,
    );
  }

  async #insertMany(insert: Insert<AnyTable, unknown>, rows: unknown): Promise<Result<any>> {
    this.#assertOpen();
    const table = insert.table;
    if (rows === undefined) {
      throw new ArgumentError(`${table.name}.insert() needs rows: conn.execute(${table.name}.insert(), [{ … }, …]).`);
    }
    const list = (Array.isArray(rows) ? rows : [rows]) as Record<string, unknown>[];
    // Checks every row and value before anything is sent, the BEGIN included.
    const plan = planInsert(insert, list, this.#context.insertBudget);
    const columns = insert.returningColumns ?? [];
    if (list.length === 0) return new Result<any>([], columns, 0, "INSERT");
    await this.#ensureTransaction();

    const first = plan.next();
    const second = plan.next();
    // One statement is atomic by itself; several get a savepoint so a failure part-way leaves no rows.
    const savepoint = second.done ? undefined : `pglite_lab_many_${++savepointCounter}`;
    const returned: Record<string, unknown>[] = [];
    let count = 0;
    if (savepoint) await this.#run(`SAVEPOINT ${savepoint}`, []);
    const peeked = [first, second].flatMap((step) => (step.done ? [] : [step.value]));
    try {
      for (const statements of [peeked, plan]) {
        for (const step of statements) {
          const result = await this.#runInsert(step, table);
          count += result.rowCount;
          if (columns.length > 0) for (const row of result.rows) returned.push(row);
        }
      }
    } catch (err) {
      if (savepoint) await this.#session.query(`ROLLBACK TO SAVEPOINT ${savepoint}`, []).catch(() => undefined);
      throw err;
    }
    if (savepoint) await this.#run(`RELEASE SAVEPOINT ${savepoint}`, []);
    return new Result(returned, columns, count, "INSERT");
  }

  async #runInsert(statement: InsertStatement, table: AnyTable): Promise<RawResult> {
    this.#assertOpen();
    this.#context.echo.many(statement.sql, statement.rows, statement.columns, statement.note);
    try {
      return await this.#session.query(statement.sql, statement.parameters);
    } catch (err) {
      throw statementError(err, statement.sql, statement.parameters, `No rows were inserted into "${table.name}".`);
    }
  }

  /** Runs one statement inside the transaction, with echo and error wrapping. */
  async #run(sql: string, parameters: readonly unknown[]): Promise<RawResult> {
    this.#assertOpen();
    await this.#ensureTransaction();
    this.#context.echo.statement(sql, parameters);
    try {
      return await this.#session.query(sql, parameters);
    } catch (err) {
      throw statementError(err, sql, parameters);
    }
  }

  #streamRows(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<any, void, undefined> {
    return new RowStream(this.#streamBatches(sql, parameters, batchSize), () => this.#assertOpen());
  }

  /** The cursor's batches; leaving early (return, throw, an error) closes the cursor while the scope is open. */
  async *#streamBatches(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<Record<string, unknown>[], void, undefined> {
    this.#assertOpen();
    await this.#ensureTransaction();
    this.#context.echo.statement(sql, parameters);
    const cursor = this.#session.cursor(sql, parameters, batchSize);
    try {
      for (;;) {
        let next: IteratorResult<Record<string, unknown>[], void>;
        try {
          next = await cursor.next();
        } catch (err) {
          throw statementError(err, sql, parameters);
        }
        if (next.done) return;
        yield next.value;
        this.#assertOpen();
      }
    } finally {
      if (!this.#closed) await cursor.return(undefined);
    }
  }

  async #ensureTransaction(): Promise<void> {
    if (this.#inTransaction) return;
    this.#beginning ??= (async () => {
      this.#context.echo.event("BEGIN (implicit)");
      try {
        await this.#session.query("BEGIN", []);
      } catch (err) {
        throw new ConnectionError("Could not begin a transaction.", { cause: err });
      }
      this.#inTransaction = true;
    })().finally(() => {
      this.#beginning = undefined;
    });
    await this.#beginning;
  }

  async #end(command: "COMMIT" | "ROLLBACK"): Promise<void> {
    if (!this.#inTransaction) return;
    this.#context.echo.event(command);
    this.#inTransaction = false;
    let result: RawResult;
    try {
      result = await this.#session.query(command, []);
    } catch (err) {
      throw statementError(err, command, []);
    }
    if (command === "COMMIT" && result.command === "ROLLBACK") {
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an error.
      this.#context.echo.event("ROLLBACK (the transaction had failed; nothing was committed)");
      throw new ScopeError(
        "COMMIT found the transaction aborted by an earlier failed statement, so PostgreSQL rolled it back: nothing was committed.",
      );
    }
  }

  async #finish(outcome: "commit" | "rollback"): Promise<void> {
    try {
      await this.#settlePending();
      await this.#end(outcome === "commit" ? "COMMIT" : "ROLLBACK");
    } finally {
      this.#closed = true;
    }
  }

  /** Waits for statements the callback started but did not await, so none runs after COMMIT. */
  async #settlePending(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    const done = () => this.#pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ScopeError(
        "This connection's scope has ended; use the connection only inside the callback of engine.begin() or engine.connect().",
      );
    }
  }

  #kyselyDriver(): Driver {
    const connection: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const raw = await this.#track(this.#run(query.sql, query.parameters));
        return kyselyResult<R>(raw);
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> => {
        const batches = this.#streamBatches(query.sql, query.parameters, chunkSize ?? this.#context.batchSize);
        // Kysely hands out each result's rows one by one: a whole batch per result is enough.
        return (async function* () {
          for await (const rows of batches) yield { rows: rows as R[] };
        })();
      },
    };
    const refuse = async (): Promise<void> => {
      throw new ScopeError(
        "conn.db cannot open its own transaction: the scope already has one. Use conn.beginNested() for a savepoint, or engine.begin() outside this scope.",
      );
    };
    return {
      init: async () => undefined,
      acquireConnection: async () => connection,
      beginTransaction: refuse,
      commitTransaction: refuse,
      rollbackTransaction: refuse,
      releaseConnection: async () => undefined,
      destroy: async () => undefined,
    };
  }
}

function kyselyResult<R>(raw: RawResult): QueryResult<R> {
  const base = { rows: raw.rows as R[] };
  return KYSELY_DML.has(raw.command) ? { ...base, numAffectedRows: BigInt(raw.rowCount) } : base;
}

function toResult(raw: RawResult): Result<any> {
  return new Result(raw.rows, raw.fields, raw.rowCount, raw.command);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  return typeof value;
}

