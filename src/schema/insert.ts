/**
 * `table.insert()`: the statement executemany runs with any number of rows.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import type { AnyTable, SelectRow } from "./table.js";

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
 * A few rows go as `INSERT … VALUES ($1), ($2)`; more than 10 consecutive rows
 * that set the same columns go as one array per column,
 * `INSERT … SELECT unnest($1::text[])`, which has no bind-parameter limit and
 * is PostgreSQL's fastest path short of COPY. The echo log says which form ran.
 *
 * Every row is checked before anything is sent: only a row's own keys count,
 * each must be a column, and each value must be one its column takes. A key
 * whose value is `undefined` is left out (the column gets its default); `null`
 * is NULL. What each type takes:
 *
 * | column | takes |
 * |---|---|
 * | `text`, `varchar(n)`, `uuid` | a string (no NUL character, no lone surrogate) |
 * | `integer`, `bigint` | a whole number in the type's range: a number up to `Number.MAX_SAFE_INTEGER`, or a bigint |
 * | `real`, `doublePrecision` | a number (NaN, ±Infinity and -0 too), or a bigint; `real` refuses what it cannot hold |
 * | `numeric` | a number, a bigint, or a decimal string such as `"12.50"` |
 * | `boolean` | `true` or `false` |
 * | `timestamp`, `timestamptz`, `date` | a valid `Date` (sent as its UTC ISO text; years before 1 and after 9999 too), or a string PostgreSQL parses |
 * | `json`, `jsonb` | any value `JSON.stringify` writes as it is: not NaN or ±Infinity (it would write null), a function, a Symbol, a Map, a Set or a typed array (dropped or written as `{}`), anywhere in the document; `jsonb` cannot hold `\u0000` or a lone surrogate |
 *
 * Nothing is converted silently: a string is not an integer, a number is not
 * text, an array is not text (nor several rows), and an object, a Symbol, a
 * function or a `Uint8Array` goes into no column but json. The wrong kind of value is an
 * {@link ArgumentError}; a value of the right kind that the type cannot hold
 * (1.5 or 2^31 into `integer`, NaN into `bigint`, a lone surrogate into `text`)
 * is a {@link DataError}, as PostgreSQL would raise. Either names the table,
 * the column and the row, and no row is written. A row whose getter or
 * Proxy throws while it is read is an `ArgumentError` naming the row, with
 * the thrown error as its `cause`.
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
      if (!this.table.hasColumn(column)) {
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

/** Limits on one INSERT statement of an executemany. */
export interface InsertBudget {
  /** Most rows per statement. */
  readonly rows: number;
  /** Most estimated bytes of parameter text per statement. */
  readonly bytes: number;
}
