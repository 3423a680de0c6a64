/**
 * Quoting identifiers and literals, for the few places SQL is written as text.
 *
 * @module
 */
/** Quotes an SQL identifier: always, so that any name (mixed case, keywords, spaces) is taken as written. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Renders a JavaScript value as an SQL literal, for the one place bind
 * parameters are not allowed: column defaults inside CREATE TABLE.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `'${String(value)}'`;
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return quoteString(value.toISOString());
  if (typeof value === "string") return quoteString(value);
  return quoteString(JSON.stringify(value));
}

function quoteString(text: string): string {
  // E'' strings would treat backslashes specially; a standard string only needs '' doubling.
  return `'${text.replaceAll("'", "''")}'`;
}
