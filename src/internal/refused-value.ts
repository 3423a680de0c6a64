/**
 * Where in an executemany's rows is the value PostgreSQL refused: its report
 * quotes the value (`invalid input syntax for type timestamp: "soon"`) or,
 * for a numeric overflow, the bound it broke, but not the column or the row.
 *
 * @module
 */
import { StatementError, statementError } from "../errors.js";
import { dateText } from "../schema/column-values.js";
import type { AnyTable } from "../schema/table.js";

/** The value at the end of PostgreSQL's message: `…: "value"`. */
const QUOTED = /: "([^\n]*)"$/;
/** numeric(p, s)'s overflow detail. */
const OVERFLOW = /precision (\d+), scale (-?\d+) must round to an absolute value less than 10\^(-?\d+)/;

/**
 * `err` with a line naming the row (its index in `rows`) and the column of
 * the value PostgreSQL refused, before `note`; `err` itself where it is not a
 * data error of PostgreSQL's or the value cannot be found.
 */
export function locateRefusedValue(err: unknown, table: AnyTable, rows: readonly Record<string, unknown>[], note: string): unknown {
  if (!(err instanceof StatementError) || !err.code?.startsWith("22") || err.cause === undefined) return err;
  const found = find(err, table, rows);
  if (!found) return err;
  const { row, column } = found;
  const where = `The value PostgreSQL refused is row ${row}'s "${column}" (${table.columns[column]!.spec.sqlType}).`;
  return statementError(err.cause, err.sql, err.parameters, `${where} ${note}`, err.rows);
}

function find(err: StatementError, table: AnyTable, rows: readonly Record<string, unknown>[]): { row: number; column: string } | undefined {
  const message = (err.cause as { message?: unknown }).message;
  const firstLine = typeof message === "string" ? (message.split("\n")[0] ?? "") : "";
  const columns = table.columnNames as readonly string[];
  const quoted = QUOTED.exec(firstLine)?.[1];
  if (quoted !== undefined) {
    return scan(rows, columns, (value) => (value instanceof Date ? !Number.isNaN(value.getTime()) && dateText(value) === quoted : value === quoted));
  }
  const overflow = OVERFLOW.exec(err.detail ?? "");
  if (overflow) {
    const [, precision, scale, power] = overflow;
    const type = new RegExp(`^numeric\\(${precision}(?:, ${scale})?\\)$`);
    const numericColumns = columns.filter((name) => type.test(table.columns[name]!.spec.sqlType));
    const limit = 10 ** Number(power) - 0.5 * 10 ** -Number(scale);
    return scan(rows, numericColumns, (value) => value !== null && value !== undefined && Math.abs(Number(value)) >= limit);
  }
  return undefined;
}

function scan(rows: readonly Record<string, unknown>[], columns: readonly string[], matches: (value: unknown) => boolean) {
  for (let row = 0; row < rows.length; row++) {
    const values = rows[row]!;
    for (const column of columns) {
      if (Object.hasOwn(values, column) && matches(values[column])) return { row, column };
    }
  }
  return undefined;
}
