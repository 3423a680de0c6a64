/**
 * pglite-lab: asynchronous SQL in TypeScript, the way SQLAlchemy's asyncio
 * tutorial teaches it — an engine, tables, create/drop-all, executemany,
 * fetchall and streaming — on Kysely over in-process PostgreSQL (PGlite), and
 * the same code on a PostgreSQL server.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, text } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text() });
 * const engine = await createEngine();
 * await engine.begin(async (conn) => {
 *   await md.createAll(conn);
 *   await conn.execute(emps.insert(), [{ name: "Ada" }, { name: "Grace" }]);
 * });
 * await engine.connect(async (conn) => console.log((await conn.execute(emps.select())).fetchAll()));
 * // [ { id: 1, name: 'Ada' }, { id: 2, name: 'Grace' } ]
 * await engine.dispose();
 * ```
 *
 * @module pglite-lab
 */
export { createEngine, Engine } from "./engine.js";
export type { EngineOptions, KyselyOptions } from "./engine-options.js";
export { Connection } from "./connection.js";
export type { StreamOptions } from "./stream-options.js";
export type { Executable } from "./executable.js";
export type { BeginOptions, IsolationLevel, TransactionOptions } from "./transaction-options.js";
export type { InterruptReport, InterruptedScope } from "./interrupt.js";
export { Result } from "./result.js";
export { AsyncResult, AsyncFilterResult } from "./async-result.js";
export { MetaData, type CreateDropOptions } from "./schema/metadata.js";
export type { ReflectOptions } from "./schema/reflect.js";
export { inspect, Inspector } from "./inspect.js";
export type {
  InspectOptions,
  ReflectedColumn,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedPrimaryKey,
  ReflectedUniqueConstraint,
} from "./reflected.js";
export {
  Table,
  type AnyTable,
  type Columns,
  type ColumnRefs,
  type Database,
  type InsertRow,
  type SelectRow,
  type TableShape,
  type TableType,
  type UpdateRow,
} from "./schema/table.js";
export { Insert } from "./schema/insert.js";
export {
  Column,
  type AnyColumn,
  type ColumnFlags,
  type ColumnRef,
  type ColumnSpec,
  type FreshFlags,
  type ReferenceOptions,
  type ReferenceTarget,
  type ReferentialAction,
} from "./schema/column.js";
export {
  bigint,
  boolean,
  date,
  doublePrecision,
  integer,
  json,
  jsonb,
  numeric,
  real,
  text,
  timestamp,
  timestamptz,
  uuid,
  varchar,
} from "./schema/types.js";
export { show, showSvg, type ShowOptions, type ShowSvgOptions } from "./display.js";
export type { EchoLogger, EchoOption } from "./echo.js";
export {
  ArgumentError,
  ConnectionError,
  DataError,
  EngineDisposedError,
  IntegrityError,
  InterruptedError,
  PgliteLabError,
  ProgrammingError,
  ResultError,
  SchemaError,
  ScopeError,
  StatementError,
} from "./errors.js";
/**
 * Kysely's `sql` template tag, re-exported: raw SQL whose values are sent as bind parameters.
 *
 * Use it anywhere a statement goes (``conn.execute(sql`…`)``, `conn.stream()`,
 * inside Kysely queries) and for column defaults such as ``sql`now()` ``.
 * Interpolated values never become SQL text; `sql.ref()`, `sql.raw()` and the
 * rest of Kysely's helpers are there too. Give the row type as `sql<Row>`.
 *
 * @example
 * ```ts
 * import { createEngine, sql } from "pglite-lab";
 *
 * const engine = await createEngine();
 * const name = "Robert'); drop table students; --";
 * const res = await engine.connect((conn) => conn.execute(sql<{ greeting: string }>`select 'Hello, ' || ${name} as greeting`));
 * console.log(res.scalar()); // Hello, Robert'); drop table students; --
 * await engine.dispose();
 * ```
 */
export { sql } from "kysely";
