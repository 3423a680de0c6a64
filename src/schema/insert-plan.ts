/**
 * `planInsert`: executemany as few INSERT statements, a VALUES list for a few
 * rows and one array per column for many.
 *
 * @module
 */
import { quoteIdent } from "../internal/quote.js";
import type { Insert, InsertBudget } from "./insert.js";
import { readRows, type ReadRows } from "./insert-rows.js";
import type { AnyTable } from "./table.js";

/** One statement of an executemany plan. */
export interface InsertStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** The rows this statement carries (for the echo log). */
  readonly rows: readonly Record<string, unknown>[];
  /** The columns it sets, in order. */
  readonly columns: readonly string[];
  /** Which form it takes and why, for the echo log. */
  readonly note: string;
}

/**
 * Rows of one column set up to this many go in a VALUES list; more go as
 * arrays. On PGlite, warm, two text columns: VALUES took 0.6–0.85× the time of
 * unnest for 1 to 5 rows, the same at 10, 1.13× at 20 and 1.3× at 100.
 */
export const VALUES_MAX_ROWS = 10;
/** Most rows of one VALUES statement that gathers short runs of different column sets. */
const VALUES_BATCH_ROWS = 1000;
/** PostgreSQL's bind message counts parameters in 16 bits. */
const MAX_PARAMETERS = 65535;

/**
 * Checks every row and value (see {@link readRows}), then splits the rows
 * into statements, in order:
 *
 * - a run of more than {@link VALUES_MAX_ROWS} consecutive rows that set the
 *   same columns is one statement that sends one array per column,
 *   `INSERT … SELECT unnest($1::text[]), …`: a fixed number of bind
 *   parameters however many rows, and PostgreSQL's fastest path short of COPY
 *   (a statement stops at the budget's rows or bytes, so a huge input goes in
 *   pieces rather than as one giant parameter);
 * - shorter runs are gathered into `INSERT … VALUES ($1, DEFAULT), ($2, $3)`,
 *   one parameter per value, DEFAULT where a row leaves a column out: what a
 *   reader of the log expects for a few rows, and faster for them.
 *
 * Throws before returning, so nothing is sent for a bad row; the statements
 * are then made one at a time, so that only one statement's parameters exist at once.
 */
export function planInsert(insert: Insert<AnyTable, unknown>, rows: readonly Record<string, unknown>[], budget: InsertBudget): Generator<InsertStatement> {
  const table = insert.table;
  const target = quoteIdent(table.name);
  const returning =
    insert.returningColumns && insert.returningColumns.length > 0 ? ` RETURNING ${insert.returningColumns.map(quoteIdent).join(", ")}` : "";
  const unnestSql = (columns: readonly { name: string; baseType: string }[]): string =>
    // The arrays are cast to the bare type: an explicit cast to varchar(3) would silently
    // truncate, where the INSERT's own assignment to the column refuses a value too long.
    // unnest in the select list, one call per column, rather than `FROM unnest($1, $2, …)`: a
    // function in FROM first collects all its rows in a tuplestore; the select list streams them
    // into the INSERT (bench/README.md). PostgreSQL 10 and later zip several set-returning calls in
    // a select list row by row, as unnest(a, b) would.
    `INSERT INTO ${target} (${columns.map((c) => quoteIdent(c.name)).join(", ")}) SELECT ${columns.map((c, i) => `unnest($${i + 1}::${c.baseType}[])`).join(", ")}${returning}`;
  const read = readRows(table, rows, (names) => `INSERT INTO ${target} (${names.map(quoteIdent).join(", ")}) VALUES (…)${returning}`);
  return statements(read, rows, budget, { target, returning, unnestSql });
}

interface Sql {
  readonly target: string;
  readonly returning: string;
  unnestSql(columns: readonly { name: string; baseType: string }[]): string;
}

function* statements(read: ReadRows, rows: readonly Record<string, unknown>[], budget: InsertBudget, sql: Sql): Generator<InsertStatement> {
  const { signatures, bytes } = read;
  const unnestStatements = new Map<number | string, string>();
  let pending = -1; // first row of the VALUES batch being gathered, -1 for none
  let start = 0;
  while (start < rows.length) {
    // The run of rows from `start` that set the same columns, within the budget.
    const signature = signatures[start]!;
    let size = bytes[start]!;
    let end = start + 1;
    while (end < rows.length && end - start < budget.rows && size < budget.bytes && signatures[end] === signature) size += bytes[end++]!;
    const present = presentColumns(read, signature);
    if (end - start > VALUES_MAX_ROWS && present.length > 0) {
      if (pending >= 0) yield* valuesStatements(read, rows, pending, start, budget, sql);
      pending = -1;
      let text = unnestStatements.get(signature);
      if (text === undefined) unnestStatements.set(signature, (text = sql.unnestSql(present.map((c) => read.columns[c]!))));
      yield {
        sql: text,
        parameters: present.map((c) => columnParameter(read.values[c]!, start, end, rows.length)),
        rows: start === 0 && end === rows.length ? rows : rows.slice(start, end),
        columns: present.map((c) => read.columns[c]!.name),
        note: `${count(end - start)} as column arrays: more than ${VALUES_MAX_ROWS} rows with the same columns`,
      };
    } else if (end - start > VALUES_MAX_ROWS) {
      // Many rows that set no column at all: a SELECT of no columns inserts them with every default.
      if (pending >= 0) yield* valuesStatements(read, rows, pending, start, budget, sql);
      pending = -1;
      yield {
        sql: `INSERT INTO ${sql.target} SELECT FROM generate_series(1, $1::integer)${sql.returning}`,
        parameters: [end - start],
        rows: rows.slice(start, end),
        columns: [],
        note: `${count(end - start)} of defaults only`,
      };
    } else if (pending < 0) {
      pending = start;
    }
    start = end;
  }
  if (pending >= 0) yield* valuesStatements(read, rows, pending, rows.length, budget, sql);
}

/** The indexes of the columns a signature sets. */
function presentColumns(read: ReadRows, signature: number | string): number[] {
  const present: number[] = [];
  for (let c = 0; c < read.columns.length; c++) {
    if (typeof signature === "number" ? (signature & (1 << c)) !== 0 : signature[c] === "1") present.push(c);
  }
  return present;
}

/** Rows `from` to `to` as VALUES statements of at most {@link VALUES_BATCH_ROWS} rows and {@link MAX_PARAMETERS} parameters. */
function* valuesStatements(
  read: ReadRows,
  rows: readonly Record<string, unknown>[],
  from: number,
  to: number,
  budget: InsertBudget,
  sql: Sql,
): Generator<InsertStatement> {
  let start = from;
  while (start < to) {
    // The columns any row of the batch sets; a table with none set still needs one column to say DEFAULT in.
    let union: number | string = 0;
    let end = start;
    let width = 0;
    let size = 0;
    let mixed = false;
    while (end < to && end - start < VALUES_BATCH_ROWS && size < budget.bytes) {
      const merged = mergeSignatures(union, read.signatures[end]!);
      const columns = presentColumns(read, merged).length;
      if (end > start && columns * (end - start + 1) > MAX_PARAMETERS) break;
      union = merged;
      width = columns;
      size += read.bytes[end]!;
      mixed ||= read.signatures[end] !== read.signatures[start];
      end++;
    }
    const present = width > 0 ? presentColumns(read, union) : [0];
    const parameters: unknown[] = [];
    const tuples: string[] = [];
    for (let r = start; r < end; r++) {
      const cells = present.map((c) => {
        const value = read.values[c]?.[r];
        if (value === undefined) return "DEFAULT";
        parameters.push(value);
        return `$${parameters.length}`;
      });
      tuples.push(`(${cells.join(", ")})`);
    }
    const names = present.map((c) => read.columns[c]!.name);
    yield {
      sql: `INSERT INTO ${sql.target} (${names.map(quoteIdent).join(", ")}) VALUES ${tuples.join(", ")}${sql.returning}`,
      parameters,
      rows: rows.slice(start, end),
      columns: names,
      // One row has no other form to explain; more say why they are not column arrays.
      note:
        end - start === 1 && !mixed
          ? count(1)
          : `${count(end - start)} as VALUES: ${mixed ? "runs of " : ""}${VALUES_MAX_ROWS} rows or fewer${mixed ? " with the same columns" : ""}`,
    };
    start = end;
  }
}

function count(rows: number): string {
  return `${rows} ${rows === 1 ? "row" : "rows"}`;
}

function mergeSignatures(a: number | string, b: number | string): number | string {
  if (typeof b === "number") return (a as number) | b;
  if (a === 0) return b;
  let merged = "";
  for (let i = 0; i < b.length; i++) merged += (a as string)[i] === "1" || b[i] === "1" ? "1" : "0";
  return merged;
}

/**
 * Rows `start` to `end` of one column as an array parameter. When every value
 * is text (or null), the parameter is the array literal itself,
 * `{"a","b",NULL}`: JSON.stringify writes it natively, several times faster
 * than the drivers' own element-by-element serializers, and both drivers
 * send a string as it is. A value JSON would escape (a quote, a backslash, a
 * control character) sends the plain array instead, as does any value that
 * is not text.
 */
function columnParameter(column: readonly unknown[], start: number, end: number, total: number): unknown {
  const values = start === 0 && end === total ? column : column.slice(start, end);
  for (let r = 0; r < values.length; r++) {
    const value = values[r];
    if (value !== null && typeof value !== "string") return values;
  }
  const literal = JSON.stringify(values);
  // Without a backslash, no element needed escaping, and JSON's ["a","b",null] is PostgreSQL's {"a","b",null}.
  return literal.includes("\\") ? values : `{${literal.slice(1, -1)}}`;
}
