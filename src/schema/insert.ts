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
export class Insert<T extends AnyTable, R = Record<string, never>> {
  /**
   * Marks an insert statement, so that two builds of the library (a notebook's and a script's) recognise each other's.
   *
   * @internal
   */
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

  /** `Insert(<table>)`, as error messages and notebooks show the statement. */
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

/** A column of the table as the planner uses it. */
interface PlannedColumn {
  readonly name: string;
  /** The column's SQL type without a length: `varchar(3)` → `varchar`. */
  readonly baseType: string;
  readonly json: boolean;
}

/**
 * The columns a row sets (a key whose value is `undefined` counts as left
 * out, as in Kysely): a bitmask over the table's columns, or a string of 0s
 * and 1s for a table wider than a small integer's bits. Consecutive rows with
 * equal signatures share a statement. Cheap to compute and compare, unlike a
 * per-row list of names, which cost more than the rest of the planning.
 */
type Signature = number | string;
const MASK_BITS = 30;

/**
 * Splits rows into INSERT statements. Consecutive rows that set the same
 * columns share statements; a column a row leaves out gets its default in
 * that row, whatever other rows do. Each statement sends one array per column
 * (`INSERT … SELECT unnest($1::text[]), …`): a fixed number of bind
 * parameters however many rows, and PostgreSQL's fastest path short of COPY.
 * Yields one statement at a time so that only one chunk's arrays exist at
 * once, and a statement stops at the budget's rows or bytes, so a huge input
 * is sent in pieces rather than copied whole into one parameter.
 */
export function* planInsert(
  insert: Insert<AnyTable, unknown>,
  rows: readonly Record<string, unknown>[],
  budget: InsertBudget,
): Generator<InsertStatement> {
  const table = insert.table;
  const all: PlannedColumn[] = table.columnNames.map((name) => {
    const type = table.columns[name]?.spec.sqlType ?? "text";
    return { name, baseType: type.replace(/\s*\(.*\)$/, ""), json: type === "json" || type === "jsonb" };
  });
  const names = all.map((c) => c.name);
  const wide = names.length > MASK_BITS;
  const returning =
    insert.returningColumns && insert.returningColumns.length > 0
      ? ` RETURNING ${insert.returningColumns.map(quoteIdent).join(", ")}`
      : "";
  const target = quoteIdent(table.name);
  const statements = new Map<Signature, string>();
  const size = { bytes: 0 };
  let start = 0;
  while (start < rows.length) {
    size.bytes = 0;
    const signature = signatureOf(rows[start] as Record<string, unknown>, names, wide, size);
    let end = start + 1;
    while (end < rows.length && end - start < budget.rows && size.bytes < budget.bytes) {
      if (signatureOf(rows[end] as Record<string, unknown>, names, wide, size) !== signature) break;
      end++;
    }
    const present = all.filter((_, i) => (wide ? (signature as string)[i] === "1" : ((signature as number) & (1 << i)) !== 0));
    const columns = present.map((c) => c.name);
    const chunk = start === 0 && end === rows.length ? rows : rows.slice(start, end);
    if (present.length === 0) {
      // Rows with no values at all: PostgreSQL has no multi-row DEFAULT VALUES.
      for (const row of chunk) {
        yield { sql: `INSERT INTO ${target} DEFAULT VALUES${returning}`, parameters: [], rows: [row], columns };
      }
    } else {
      let sql = statements.get(signature);
      if (sql === undefined) {
        // The arrays are cast to the bare type: an explicit cast to varchar(3) would silently
        // truncate, where the INSERT's own assignment to the column refuses a value too long.
        // unnest in the select list, one call per column, rather than `FROM unnest($1, $2, …)`: the
        // select list streams rows into the INSERT, where a function in FROM first collects all its
        // rows in a tuplestore, which spills to a temporary file past work_mem (4 MB): 100k narrow
        // rows went in 6% faster this way (PGlite, warm; bench/README.md). PostgreSQL 10 and later
        // zip several set-returning calls in a select list row by row, as unnest(a, b) would.
        const unnests = present.map((c, i) => `unnest($${i + 1}::${c.baseType}[])`).join(", ");
        sql = `INSERT INTO ${target} (${columns.map(quoteIdent).join(", ")}) SELECT ${unnests}${returning}`;
        statements.set(signature, sql);
      }
      yield { sql, parameters: present.map((c) => columnParameter(chunk, c, table.name)), rows: chunk, columns };
    }
    start = end;
  }
}

/** The row's {@link Signature}; adds the row's estimated parameter bytes to `size`. */
function signatureOf(row: Record<string, unknown>, names: readonly string[], wide: boolean, size: { bytes: number }): Signature {
  if (wide) {
    let text = "";
    for (const name of names) {
      const value = row[name];
      text += value === undefined ? "0" : "1";
      if (value !== undefined) size.bytes += estimateBytes(value);
    }
    return text;
  }
  let mask = 0;
  for (let i = 0; i < names.length; i++) {
    const value = row[names[i] as string];
    if (value !== undefined) {
      mask |= 1 << i;
      size.bytes += estimateBytes(value);
    }
  }
  return mask;
}

/** Rough size of a value as parameter text: enough to keep a statement near its byte budget. */
function estimateBytes(value: unknown): number {
  return typeof value === "string" ? value.length + 3 : 12;
}

/**
 * One column of a chunk as an array parameter. When every value is text (or
 * null) once converted, the parameter is the array literal itself,
 * `{"a","b",NULL}`: JSON.stringify writes it natively, several times faster
 * than the drivers' own element-by-element serializers, and both drivers
 * send a string as it is. A value JSON would escape (a quote, a backslash, a
 * control character) sends the plain array instead, as does any value that
 * is not text.
 */
function columnParameter(chunk: readonly Record<string, unknown>[], column: PlannedColumn, table: string): unknown {
  const { name, baseType, json } = column;
  const values = new Array<unknown>(chunk.length);
  let text = true;
  for (let r = 0; r < chunk.length; r++) {
    const value = (chunk[r] as Record<string, unknown>)[name];
    // Strings, numbers and booleans go as they are (the common case, kept cheap); the rest are converted.
    const kind = typeof value;
    const converted = !json && (kind === "string" || kind === "number" || kind === "boolean") ? value : toParameter(value, baseType, table, name);
    if (text && converted !== null && typeof converted !== "string") text = false;
    values[r] = converted;
  }
  if (!text) return values;
  const literal = JSON.stringify(values);
  // Without a backslash, no element needed escaping, and JSON's ["a","b",null] is PostgreSQL's {"a","b",null}.
  return literal.includes("\\") ? values : `{${literal.slice(1, -1)}}`;
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
