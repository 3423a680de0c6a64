/**
 * Which table and column names PostgreSQL can hold exactly as written, checked
 * when a table is defined.
 *
 * Every name the library emits is one quoted identifier, so any character is
 * taken literally; what remains are the names PostgreSQL would change
 * silently (cut to 63 bytes, a lone surrogate turned into U+FFFD), cannot
 * store (NUL), or would resolve to something else (a system catalog, a
 * system column).
 *
 * @module
 */
import { Buffer } from "../internal/node-buffer.js";
import { SchemaError } from "../errors.js";

/** PostgreSQL's NAMEDATALEN − 1: a longer name is cut to this many bytes, with only a NOTICE. */
const MAX_NAME_BYTES = 63;

/**
 * Columns every table has already; CREATE TABLE refuses a column of these names,
 * and `xmin` or `ctid` in a query would read the system column rather than
 * fail.
 */
const SYSTEM_COLUMNS: ReadonlySet<string> = new Set(["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"]);

/**
 * The prefix of every relation in pg_catalog. The schema is searched before
 * the user's own (it is implicitly first on the search path), so an
 * unqualified `pg_type` names the catalog even when the user's schema has a
 * table of that name; PostgreSQL refuses this prefix for schemas and keeps it
 * for its future catalogs.
 */
const CATALOG_PREFIX = "pg_";

/**
 * Control characters (C0, DEL, C1). PostgreSQL stores them, but a name holding
 * an escape sequence or a line break would rewrite the terminal or forge lines
 * in every statement log and error message that shows it.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The name as a message shows it: quoted, with control characters escaped. */
export function shownName(name: string): string {
  return CONTROL.test(name) ? JSON.stringify(name) : `"${name}"`;
}

/** Throws a {@link SchemaError} unless `name` can be a table name as written. */
export function checkTableName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length === 0) {
    throw new SchemaError(`A table needs a non-empty string as its name, not ${typeof name === "string" ? "an empty string" : String(name)}.`);
  }
  const problem = nameProblem(name);
  if (problem) throw new SchemaError(`Table name ${shownName(name)} ${problem}`);
  if (name.startsWith(CATALOG_PREFIX)) {
    throw new SchemaError(
      `Table name ${shownName(name)} starts with "pg_", the prefix of PostgreSQL's system catalogs, which are looked up ` +
        `before your own tables: statements on it could read or drop a catalog such as pg_catalog.${name} instead. Choose another name.`,
    );
  }
}

/** Throws a {@link SchemaError} naming the table unless `column` can be a column name as written. */
export function checkColumnName(table: string, column: string): void {
  const where = `Table ${shownName(table)}`;
  if (column.length === 0) throw new SchemaError(`${where} has a column with an empty name; every column needs a name.`);
  const problem = nameProblem(column);
  if (problem) throw new SchemaError(`${where}: column name ${shownName(column)} ${problem}`);
  if (SYSTEM_COLUMNS.has(column)) {
    throw new SchemaError(
      `${where}: column name "${column}" is the name of a system column that every PostgreSQL table already has ` +
        `(${[...SYSTEM_COLUMNS].join(", ")}). Choose another name.`,
    );
  }
}

/** Why PostgreSQL could not hold `name` exactly as written, as the end of a sentence; undefined when it can. */
function nameProblem(name: string): string | undefined {
  if (name.includes("\u0000")) return "contains a NUL character, which PostgreSQL cannot store in a name.";
  if (CONTROL.test(name)) {
    return "contains a control character (such as a line break or an escape), which would garble every log line and message that shows it.";
  }
  if (!isWellFormed(name)) {
    return "contains a lone UTF-16 surrogate, which has no UTF-8 form: PostgreSQL would store U+FFFD in its place.";
  }
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_NAME_BYTES) {
    return `is ${bytes} bytes long in UTF-8; PostgreSQL keeps at most ${MAX_NAME_BYTES} bytes of a name and would silently cut the rest.`;
  }
  return undefined;
}

/** Whether a string is well-formed UTF-16 (no lone surrogate), so that it has an exact UTF-8 form. */
export function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed is ES2024 (Node 20+); the project's lib setting is ES2023.
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
