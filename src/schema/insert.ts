/**
 * `table.insert()` and executemany: any number of rows as column arrays.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { quoteIdent } from "../internal/quote.js";
import type { AnyTable, SelectRow, TableShape } from "./table.js";

const INSERT_BRAND = Symbol.for("pglite-lab.insert");

/** Whether a value is a `table.insert()` statement (by brand, so that two builds of the library agree). */
export function isInsert(value: unknown): value is Insert<AnyTable, unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[INSERT_BRAND] === true;
}

/**
 * An INSERT into a table, made by `table.insert()`. Run it with rows:
 * `conn.execute(emps.insert(), rows)` inserts every row in one call, however
 * many there are, all or nothing. Add `.returning(...)` to get columns of the
 * inserted rows back.
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
 *   const res = await conn.execute(emps.insert().returning("id"), [{ name: "Ada" }, { name: "Grace" }]);
 *   console.log(res.scalars()); // [ 1, 2 ]
 * });
 * await engine.dispose();
 * ```
 */
export class Insert<T extends AnyTable, R = never> {
  /** Brand read by {@link isInsert}. */
  readonly [INSERT_BRAND] = true;
  /** The table rows go into. */
  readonly table: T;
  /** Columns to return from the inserted rows; undefined for none. */
  readonly returningColumns: readonly string[] | undefined;
  /** Type-only: the row type of the result. */
  declare readonly $result: R;

  constructor(table: T, returningColumns?: readonly string[]) {
    this.table = table;
    this.returningColumns = returningColumns;
  }

  /** Returns every column of the inserted rows. */
  returning(): Insert<T, SelectRow<T>>;
  /** Returns the named columns of the inserted rows. */
  returning<K extends keyof T["columns"] & string>(...columns: [K, ...K[]]): Insert<T, Pick<SelectRow<T>, K>>;
  returning(...columns: string[]): Insert<T, any> {
    for (const column of columns) {
      if (!(column in this.table.columns)) {
        throw new ArgumentError(`Table "${this.table.name}" has no column "${column}" to return.`);
      }
    }
    return new Insert(this.table, columns.length > 0 ? columns : this.table.columnNames);
  }

  toString(): string {
    return `Insert(${this.table.name})`;
  }
}

/** One statement of an executemany plan. */
export interface InsertStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** The rows this statement carries (for the echo log). */
  readonly rows: readonly Record<string, unknown>[];
  /** The columns it sets, in order. */
  readonly columns: readonly string[];
}

/** Limits on one INSERT statement of an executemany. */
export interface InsertBudget {
  /** Most rows per statement. */
  readonly rows: number;
  /** Most estimated bytes of parameter text per statement. */
  readonly bytes: number;
}

/**
 * Checks rows against the table before anything is sent, so a typo in a key
 * fails with the table and column named, and nothing is written.
 */
export function validateRows(table: AnyTable, rows: readonly unknown[]): void {
  rows.forEach((row, index) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new ArgumentError(
        `Row ${index} for table "${table.name}" is ${Array.isArray(row) ? "an array" : String(row)}; each row must be an object of column values.`,
      );
    }
    for (const key of Object.keys(row)) {
      if (!(key in table.columns)) {
        throw new ArgumentError(
          `Table "${table.name}" has no column "${key}" (row ${index}). Its columns are: ${table.columnNames.join(", ")}.`,
        );
      }
    }
  });
}

/** Which columns a row sets: a key with the value `undefined` counts as left out, as in Kysely. */
function presentColumns(table: AnyTable, row: Record<string, unknown>): string[] {
  return table.columnNames.filter((name) => row[name] !== undefined);
}

/**
 * Splits rows into INSERT statements. Consecutive rows that set the same
 * columns share statements; a column a row leaves out gets its default in
 * that row, whatever other rows do. Each statement sends one array per column
 * (`INSERT … SELECT * FROM unnest($1::text[], …)`): a fixed number of bind
 * parameters however many rows, and PostgreSQL's fastest path short of COPY.
 * Yields one statement at a time so that only one chunk's arrays exist at once.
 */
export function* planInsert(
  insert: Insert<AnyTable, unknown>,
  rows: readonly Record<string, unknown>[],
  budget: InsertBudget,
): Generator<InsertStatement> {
  const table = insert.table;
  const returning =
    insert.returningColumns && insert.returningColumns.length > 0
      ? ` RETURNING ${insert.returningColumns.map(quoteIdent).join(", ")}`
      : "";
  let start = 0;
  while (start < rows.length) {
    const first = rows[start] as Record<string, unknown>;
    const columns = presentColumns(table, first);
    const signature = columns.join("\u0000");
    let end = start + 1;
    let bytes = estimateBytes(first, columns);
    while (end < rows.length && end - start < budget.rows && bytes < budget.bytes) {
      const row = rows[end] as Record<string, unknown>;
      if (presentColumns(table, row).join("\u0000") !== signature) break;
      bytes += estimateBytes(row, columns);
      end++;
    }
    const chunk = rows.slice(start, end);
    if (columns.length === 0) {
      // Rows with no values at all: PostgreSQL has no multi-row DEFAULT VALUES.
      for (const row of chunk) {
        yield { sql: `INSERT INTO ${quoteIdent(table.name)} DEFAULT VALUES${returning}`, parameters: [], rows: [row], columns };
      }
    } else {
      const types = columns.map((name) => table.columns[name]?.spec.sqlType ?? "text");
      const parameters = columns.map((name, i) => chunk.map((row) => toParameter(row[name], types[i] ?? "text", table.name, name)));
      // The arrays are cast to the bare type: an explicit cast to varchar(3) would silently
      // truncate, where the INSERT's own assignment to the column refuses a value too long.
      const casts = types.map((type, i) => `$${i + 1}::${type.replace(/\s*\(.*\)$/, "")}[]`).join(", ");
      const sql =
        `INSERT INTO ${quoteIdent(table.name)} (${columns.map(quoteIdent).join(", ")}) ` +
        `SELECT * FROM unnest(${casts})${returning}`;
      yield { sql, parameters, rows: chunk, columns };
    }
    start = end;
  }
}

function estimateBytes(row: Record<string, unknown>, columns: readonly string[]): number {
  let bytes = 0;
  for (const column of columns) {
    const value = row[column];
    bytes += typeof value === "string" ? value.length + 3 : 12;
  }
  return bytes;
}

/**
 * Converts one value for an array parameter. JSON goes as text (a JS array
 * would otherwise be read as a PostgreSQL array), dates as ISO strings (so
 * both drivers send the same instant), bigints as decimal text.
 */
function toParameter(value: unknown, sqlType: string, table: string, column: string): unknown {
  if (value === null || value === undefined) return null;
  if (sqlType === "json" || sqlType === "jsonb") {
    try {
      return JSON.stringify(value);
    } catch (err) {
      throw new ArgumentError(`Column "${table}.${column}" got a value that cannot be written as JSON.`, { cause: err });
    }
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ArgumentError(`Column "${table}.${column}" got an invalid Date.`);
    return value.toISOString();
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
