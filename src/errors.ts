/**
 * Error classes thrown by pglite-lab.
 *
 * Every error is a {@link PgliteLabError}. Errors raised by the database keep
 * the driver's error as `cause` and name the statement that failed.
 *
 * @module
 */
import { installNotebookErrorDisplay } from "./internal/notebook-error-text.js";

/**
 * Base class of every error pglite-lab throws.
 *
 * Catch it to handle any failure of the library; the subclasses tell the
 * kinds apart. Errors that come from the database keep the driver's error as
 * `cause`.
 *
 * @example
 * ```ts
 * import { createEngine, PgliteLabError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.dispose();
 * try {
 *   await engine.connect(async () => {});
 * } catch (err) {
 *   console.log(err instanceof PgliteLabError); // true
 * }
 * ```
 */
export class PgliteLabError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A value passed to the API is not usable: a bad URL, an unknown column in a
 * row, a statement of an unknown kind.
 *
 * The message says what was expected instead. Checks on rows (an unknown
 * column, a row that is not an object, a value of the wrong kind for its
 * column) run before anything is sent, so nothing was written.
 *
 * @example
 * ```ts
 * import { createEngine, ArgumentError } from "pglite-lab";
 *
 * try {
 *   await createEngine("mysql://localhost/db");
 * } catch (err) {
 *   console.log(err instanceof ArgumentError, (err as Error).message.includes("mysql:")); // true true
 * }
 * ```
 */
export class ArgumentError extends PgliteLabError {}

/**
 * A table definition is inconsistent: a duplicate table name, a reference to a
 * table or column that does not exist, foreign keys that form a cycle.
 *
 * Most are found when a table is defined (`md.table()`) or when
 * `md.sortedTables` orders the tables, which `createAll()` and `dropAll()` do
 * first.
 *
 * @example
 * ```ts
 * import { MetaData, SchemaError, integer } from "pglite-lab";
 *
 * const md = new MetaData();
 * md.table("emps", { id: integer().primaryKey() });
 * try {
 *   md.table("emps", { id: integer().primaryKey() });
 * } catch (err) {
 *   console.log(err instanceof SchemaError); // true
 * }
 * ```
 */
export class SchemaError extends PgliteLabError {}

/**
 * The engine was disposed; nothing can run on it any more.
 *
 * `engine.dispose()` itself may be called again safely; any other use of a
 * disposed engine (a scope, `engine.kysely`, `engine.pglite`) throws this
 * error. Create a new engine instead.
 *
 * @example
 * ```ts
 * import { createEngine, EngineDisposedError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.dispose();
 * await engine.begin(async () => {}).catch((err) => console.log(err instanceof EngineDisposedError)); // true
 * ```
 */
export class EngineDisposedError extends PgliteLabError {}

/**
 * A connection was used after its scope ended, a scope was opened where it
 * would wait for itself (a nested `engine.begin()` on the embedded engine,
 * `engine.dispose()` inside a scope), or a forgotten controlled transaction
 * of `engine.kysely` was rolled back so that others could run.
 *
 * It points at how the scopes are used rather than at the data; the message
 * says what happened and what to use instead, such as `conn.beginNested()`
 * for a savepoint.
 *
 * @example
 * ```ts
 * import { createEngine, ScopeError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.begin(async () => {
 *   // The embedded engine runs one scope at a time: this would wait for itself.
 *   await engine.begin(async () => {}).catch((err) => console.log(err instanceof ScopeError)); // true
 * });
 * await engine.dispose();
 * ```
 */
export class ScopeError extends PgliteLabError {}

/**
 * A scope was interrupted (`engine.interrupt()`, or Ctrl-C / the stop button
 * in a notebook) and rolled back.
 *
 * The interrupted scope's next statement, or its stream's next batch, rejects
 * with this error; its open transaction was rolled back and its session given
 * back at once, so scopes asked for afterwards run straight away. Work that a
 * `connect()` scope committed before the interrupt stays committed. A scope
 * that was still waiting for its turn never started. `engine.begin()` never
 * commits an interrupted scope, even if its callback catches this error.
 *
 * @example
 * ```ts
 * import { createEngine, InterruptedError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.begin((conn) => conn.execute("create table jobs (n int)"));
 * let started!: () => void;
 * const halfway = new Promise<void>((resolve) => (started = resolve));
 * const running = engine.begin(async (conn) => {
 *   await conn.execute("insert into jobs values (1)");
 *   started();
 *   await new Promise((resolve) => setTimeout(resolve, 50)); // long work between statements
 *   await conn.execute("insert into jobs values (2)");
 * });
 * await halfway;
 * console.log(engine.interrupt().message); // Interrupted pglite://memory: rolled back engine.begin() after 1 statement.
 * await running.catch((err) => console.log(err instanceof InterruptedError)); // true
 * console.log(await engine.connect(async (conn) => (await conn.execute("select count(*)::int from jobs")).scalar())); // 0
 * await engine.dispose();
 * ```
 */
export class InterruptedError extends PgliteLabError {}

/**
 * The engine could not reach its database: an unreachable server, a wrong
 * password, a missing database, a data directory that cannot be opened.
 *
 * The message names the database and, where it can, the likely fix; the
 * driver's error is the `cause`. A server engine waits at most
 * `connectTimeoutMs` (see {@link EngineOptions}) for a connection.
 *
 * @example
 * ```ts
 * import { createEngine, ConnectionError } from "pglite-lab";
 *
 * await createEngine("postgres://nobody@127.0.0.1:1/nowhere", { connectTimeoutMs: 2000 })
 *   .then((engine) => engine.connect(async (conn) => conn.execute("select 1")))
 *   .catch((err) => console.log(err instanceof ConnectionError)); // true
 * ```
 */
export class ConnectionError extends PgliteLabError {}

/**
 * The fields of PostgreSQL's error report, under the names node-postgres's
 * and PGlite's `DatabaseError` give them (both read the same protocol
 * message). A {@link StatementError} carries each one the report had.
 */
const REPORT_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

type ReportField = (typeof REPORT_FIELDS)[number];

/**
 * The database rejected a statement. The message holds PostgreSQL's own text
 * (its first line), its detail and hint, and the statement; `sql` and
 * `parameters` are kept as properties and the driver error is the `cause`.
 * Subclasses sort the failure by SQLSTATE class.
 *
 * The fields of PostgreSQL's report are properties too, under the names
 * node-postgres's `DatabaseError` uses: `code` (the SQLSTATE), `severity`,
 * `detail`, `hint`, `position`, `internalPosition`, `internalQuery`, `where`,
 * `schema`, `table`, `column`, `dataType`, `constraint`, `file`, `line`,
 * `routine` (each a string, or `undefined` where the report had none), so
 * code written against node-postgres or Kysely's PostgresDialect that reads
 * `err.code` or `err.constraint` works unchanged. What differs: the class
 * (`err instanceof DatabaseError` is false; the driver's own error is
 * `err.cause`), `name` (the class name, not `"error"`) and `message` (more
 * lines than PostgreSQL's text, which is `err.cause.message`).
 *
 * In a notebook (the tslab kernel) the error prints as its class, message,
 * statement and the values you passed (the rows of an executemany as you
 * gave them), without stack frames or driver fields; `err.stack` and
 * `err.cause` still hold everything.
 *
 * @example
 * ```ts
 * import { createEngine, StatementError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.connect(async (conn) => {
 *   await conn.execute("create table emps (id int primary key)");
 *   await conn.execute("insert into emps values (1), (1)").catch((err) => {
 *     const e = err as StatementError;
 *     console.log(e instanceof StatementError, e.code, e.constraint, e.detail); // true 23505 emps_pkey Key (id)=(1) already exists.
 *   });
 * });
 * await engine.dispose();
 * ```
 */
export class StatementError extends PgliteLabError {
  /** The SQL text that was sent. */
  readonly sql: string;
  /** The bound parameters, as sent. */
  readonly parameters: readonly unknown[];
  /**
   * For an executemany (`conn.execute(table.insert(), rows)`), the rows of the
   * statement that failed, as the caller passed them; `parameters` then holds
   * the column arrays that were sent in their place.
   */
  readonly rows: readonly Record<string, unknown>[] | undefined;
  // The report's fields are set only where the report has them (see the
  // constructor), so that printing the error lists what PostgreSQL said.
  /** `ERROR`, `FATAL` or `PANIC` (PostgreSQL's severity, untranslated). */
  declare readonly severity: string | undefined;
  /** PostgreSQL's SQLSTATE code, such as `23505` for a unique violation. */
  declare readonly code: string | undefined;
  /** PostgreSQL's detail line, such as `Key (id)=(1) already exists.` */
  declare readonly detail: string | undefined;
  /** PostgreSQL's hint, a suggestion of what to do. */
  declare readonly hint: string | undefined;
  /** Where in `sql` the error was found: a 1-based character index, as text. */
  declare readonly position: string | undefined;
  /** Like `position`, for an internally generated statement (`internalQuery`). */
  declare readonly internalPosition: string | undefined;
  /** The internally generated statement that failed, such as one a PL/pgSQL function ran. */
  declare readonly internalQuery: string | undefined;
  /** The context of the error: a call stack of PL/pgSQL functions, for example. */
  declare readonly where: string | undefined;
  /** The schema of the object PostgreSQL named in its report, if any. */
  declare readonly schema: string | undefined;
  /** The table PostgreSQL named in its report, if any. */
  declare readonly table: string | undefined;
  /** The column PostgreSQL named in its report, if any. */
  declare readonly column: string | undefined;
  /** The data type PostgreSQL named in its report, if any. */
  declare readonly dataType: string | undefined;
  /** The constraint PostgreSQL named in its report, if any. */
  declare readonly constraint: string | undefined;
  /** The PostgreSQL source file that reported the error. */
  declare readonly file: string | undefined;
  /** The line in `file`, as text. */
  declare readonly line: string | undefined;
  /** The PostgreSQL source routine that reported the error. */
  declare readonly routine: string | undefined;

  constructor(message: string, sql: string, parameters: readonly unknown[], cause: unknown, rows?: readonly Record<string, unknown>[]) {
    super(message, { cause });
    this.sql = sql;
    this.parameters = parameters;
    this.rows = rows;
    const report = (typeof cause === "object" && cause !== null ? cause : {}) as Partial<Record<ReportField, unknown>>;
    const fields = this as { -readonly [F in ReportField]?: string };
    for (const field of REPORT_FIELDS) {
      const value = report[field];
      if (typeof value === "string") fields[field] = value;
    }
  }
}

/**
 * A constraint refused the data: NOT NULL, UNIQUE, a foreign key, a CHECK
 * (SQLSTATE class 23).
 *
 * @example
 * ```ts
 * import { createEngine, IntegrityError, MetaData, integer, text } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text().notNull() });
 * const engine = await createEngine();
 * await engine.begin((conn) => md.createAll(conn));
 * await engine
 *   .begin((conn) => conn.execute(emps.insert(), [{ name: null as unknown as string }]))
 *   .catch((err) => console.log(err instanceof IntegrityError, (err as IntegrityError).column)); // true name
 * await engine.dispose();
 * ```
 */
export class IntegrityError extends StatementError {}

/**
 * The statement is wrong: a syntax error, an unknown table or column, a type
 * mismatch (SQLSTATE class 42).
 *
 * It is a {@link StatementError}: running the same statement again fails the
 * same way, so the statement itself needs fixing.
 *
 * @example
 * ```ts
 * import { createEngine, ProgrammingError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine
 *   .connect((conn) => conn.execute("select * from nowhere"))
 *   .catch((err) => console.log(err instanceof ProgrammingError, (err as Error).message.includes("nowhere"))); // true true
 * await engine.dispose();
 * ```
 */
export class ProgrammingError extends StatementError {}

/**
 * A value does not fit its type: bad input syntax, a number out of range, a
 * string too long for `varchar(n)` (SQLSTATE class 22).
 *
 * It is a {@link StatementError}: `sql`, `parameters` and `code` tell which
 * statement and which values were refused. Executemany raises it itself,
 * before sending anything, for a value its column's type cannot hold (2^31
 * into `integer`, four characters into `varchar(3)`, a lone surrogate into
 * `text`); its message then names the table, the column and the row, and it
 * has no `cause` or `code`. A value only PostgreSQL can judge (a date string,
 * a number too large for `numeric(5, 2)`) fails there, and the message then
 * adds which row and column held it.
 *
 * @example
 * ```ts
 * import { createEngine, DataError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine
 *   .connect((conn) => conn.execute("select $1::int", ["twelve"]))
 *   .catch((err) => console.log(err instanceof DataError)); // true
 * await engine.dispose();
 * ```
 */
export class DataError extends StatementError {}

/**
 * `Result.one()` found no row, or more than one.
 *
 * {@link Result.one} is for queries that must match exactly one row; use
 * `first()` when no row is a normal answer.
 *
 * @example
 * ```ts
 * import { createEngine, ResultError } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.connect(async (conn) => {
 *   const res = await conn.execute("select 1 where false");
 *   try { res.one(); } catch (err) { console.log(err instanceof ResultError); } // true
 * });
 * await engine.dispose();
 * ```
 */
export class ResultError extends PgliteLabError {}

/** Longest statement text quoted in full in an error message. */
const MAX_SQL_IN_MESSAGE = 2000;

/**
 * Wraps a driver error for `sql` in the {@link StatementError} subclass its
 * SQLSTATE calls for; `rows` are an executemany's rows, as the caller gave them.
 */
export function statementError(
  cause: unknown,
  sql: string,
  parameters: readonly unknown[],
  note?: string,
  rows?: readonly Record<string, unknown>[],
): StatementError {
  const fields = (cause ?? {}) as { code?: unknown; detail?: unknown; hint?: unknown; message?: string };
  const code = typeof fields.code === "string" ? fields.code : "";
  const kind = code.startsWith("23")
    ? IntegrityError
    : code.startsWith("42")
      ? ProgrammingError
      : code.startsWith("22")
        ? DataError
        : StatementError;
  const shown = sql.length > MAX_SQL_IN_MESSAGE ? `${sql.slice(0, MAX_SQL_IN_MESSAGE)} …` : sql;
  const lines = [`${fields.message ?? String(cause)}`];
  if (fields.detail) lines.push(`Detail: ${fields.detail}`);
  if (fields.hint) lines.push(`Hint: ${fields.hint}`);
  if (code === "25P02") {
    lines.push("An earlier statement in this transaction failed; roll back (or let the scope end) before running more statements.");
  }
  if (note) lines.push(note);
  lines.push(`Statement: ${shown}`);
  return new kind(lines.join("\n"), sql, parameters, cause, rows);
}

/**
 * What a failed statement throws: a driver's error wrapped by
 * {@link statementError}, or the library's own error (a check made just
 * before sending, such as too many bind parameters) unchanged.
 */
export function failedStatement(
  cause: unknown,
  sql: string,
  parameters: readonly unknown[],
  note?: string,
  rows?: readonly Record<string, unknown>[],
): PgliteLabError {
  return cause instanceof PgliteLabError ? cause : statementError(cause, sql, parameters, note, rows);
}

installNotebookErrorDisplay(PgliteLabError.prototype);
