/**
 * `readRows`: the rows of an executemany read once, checked, into one array per column.
 *
 * @module
 */
import { ArgumentError, DataError, PgliteLabError } from "../errors.js";
import { REFUSED, baseType, ruleFor, type ValueRule } from "./column-values.js";
import type { AnyTable } from "./table.js";

/** A column of the table as the planner uses it. */
export interface PlannedColumn {
  readonly name: string;
  /** The column's SQL type without a modifier: `varchar(3)` → `varchar`, what array casts name. */
  readonly baseType: string;
}

/** The rows, checked and converted: what every statement of the plan is cut from. */
export interface ReadRows {
  readonly columns: readonly PlannedColumn[];
  /**
   * Per column, each row's value as it is sent (null for NULL, undefined where the row leaves
   * the column out); undefined for a column no row sets.
   */
  readonly values: readonly (unknown[] | undefined)[];
  /**
   * Per row, the columns it sets: bit i for column i. Tables wider than {@link MASK_BITS} use
   * one string of 0s and 1s per row instead. Equal signatures can share an unnest statement.
   */
  readonly signatures: Int32Array | string[];
  /** Per row, a rough size of its values as parameter text, to keep a statement near its byte budget. */
  readonly bytes: Float64Array;
}

/** Columns a bitmask can hold; a wider table gets string signatures. */
export const MASK_BITS = 30;

/** Keys that every object inherits (`constructor`, `toString`, `__proto__`, …): read as a row's own values only. */
function inherited(name: string): boolean {
  return name in Object.prototype;
}

/**
 * Reads every value of every row once, column by column, through its column's
 * rule (see {@link Insert}); throws an {@link ArgumentError} for a row that is
 * not an object, a key that is not a column, or a value of the wrong kind, and a
 * {@link DataError} for a value its column's type cannot hold, each naming the
 * table, the column and the row. Nothing is sent before this returns.
 *
 * Reading once means a getter or a Proxy cannot show one value to the check
 * and another to the statement. Only a row's own keys count, so `constructor`
 * or `toString` never pass as columns of every table, and a row made with
 * `Object.create(null)` reads like any other.
 */
export function readRows(table: AnyTable, rows: readonly unknown[], statementOf: (columns: readonly string[]) => string): ReadRows {
  checkKeys(table, rows);
  const names = table.columnNames as readonly string[];
  const wide = names.length > MASK_BITS;
  const masks = wide ? undefined : new Int32Array(rows.length);
  const bytes = new Float64Array(rows.length);
  const values: (unknown[] | undefined)[] = [];
  names.forEach((name, c) => {
    const rule = ruleFor(table.columns[name]!.spec.sqlType);
    const own = inherited(name);
    let column: unknown[] | undefined;
    let r = 0;
    try {
      for (; r < rows.length; r++) {
        const row = rows[r] as Record<string, unknown>;
        const value = own && !Object.hasOwn(row, name) ? undefined : row[name];
        if (value === undefined) continue;
        column ??= new Array<unknown>(rows.length);
        if (masks) masks[r]! |= 1 << c;
        if (value === null) {
          column[r] = null;
          bytes[r]! += 4;
          continue;
        }
        // Strings into text columns are the common case: kept cheap, and the same check as the rule's.
        const converted = rule.text && typeof value === "string" && isPlainText(value) ? value : rule.convert(value);
        if (converted === REFUSED) throw refused(table, name, r, value, rule, statementOf);
        column[r] = converted;
        bytes[r]! += typeof converted === "string" ? converted.length + 3 : 12;
      }
    } catch (err) {
      throw readFailure(err, table, r, `reading column "${name}"`);
    }
    values.push(column);
  });
  const signatures = masks ?? rows.map((_, r) => values.map((column) => (column !== undefined && column[r] !== undefined ? "1" : "0")).join(""));
  return { columns: names.map((name) => ({ name, baseType: baseType(table.columns[name]!.spec.sqlType) })), values, signatures, bytes };
}

/** A string text columns take as it is: no NUL, no lone surrogate. */
function isPlainText(value: string): boolean {
  return value.indexOf("\u0000") === -1 && (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function checkKeys(table: AnyTable, rows: readonly unknown[]): void {
  let index = 0;
  try {
    for (; index < rows.length; index++) checkRow(table, rows[index], index);
  } catch (err) {
    throw readFailure(err, table, index, "reading its keys");
  }
}

/**
 * An error thrown while a row was read (a getter, a Proxy trap, a value's own
 * method) as an ArgumentError naming the table and the row, the error as its
 * cause; the library's own errors pass as they are.
 */
function readFailure(err: unknown, table: AnyTable, row: number, doing: string): unknown {
  if (err instanceof PgliteLabError) return err;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ArgumentError(`Row ${row} for table "${table.name}" threw while ${doing} (${what}). No rows were inserted.`, { cause: err });
}

function checkRow(table: AnyTable, row: unknown, index: number): void {
  if (row === null || typeof row !== "object" || Array.isArray(row) || ArrayBuffer.isView(row)) {
    // A typed array passed as the rows would otherwise be one row whose keys "0", "1", … are no columns.
    const what = Array.isArray(row) ? "an array" : ArrayBuffer.isView(row) ? `a ${row.constructor.name}` : String(row);
    throw new ArgumentError(`Row ${index} for table "${table.name}" is ${what}; each row must be an object of column values.`);
  }
  const keys = Object.keys(row);
  if (keys.length === 0 && !isPlain(row)) {
    // A Map or a Date has no own keys: it would insert a row of defaults.
    throw new ArgumentError(
      `Row ${index} for table "${table.name}" is a ${row.constructor?.name ?? "object"} with no values of its own; each row must be an object of column values.`,
    );
  }
  for (const key of keys) {
    if (!table.hasColumn(key)) {
      throw new ArgumentError(`Table "${table.name}" has no column "${key}" (row ${index}). Its columns are: ${table.columnNames.join(", ")}.`);
    }
  }
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function refused(
  table: AnyTable,
  column: string,
  row: number,
  value: unknown,
  rule: ValueRule,
  statementOf: (columns: readonly string[]) => string,
): Error {
  const { kind, reason } = rule.refusal(value);
  const message =
    `Row ${row} for table "${table.name}": column "${column}" (${table.columns[column]!.spec.sqlType}) ${reason}. ` +
    "No rows were inserted.";
  if (kind === "argument") return new ArgumentError(message);
  // DataError is what PostgreSQL would have raised for the same value; here nothing was sent.
  return new DataError(message, statementOf([column]), [], undefined);
}
