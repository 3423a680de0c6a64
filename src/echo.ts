/**
 * The statement log that `echo: true` turns on.
 *
 * @module
 */

/**
 * Receives each line of the statement log.
 *
 * Pass one as `echo` (see {@link EngineOptions}) to send the log somewhere
 * other than stdout: a file, a test's array, a logging library.
 *
 * @example
 * ```ts
 * import { createEngine, type EchoLogger } from "pglite-lab";
 *
 * const lines: string[] = [];
 * const logger: EchoLogger = (line) => lines.push(line);
 * const engine = await createEngine({ echo: logger });
 * await engine.begin((conn) => conn.execute("select $1::int as n", [7]));
 * await engine.dispose();
 * console.log(lines); // [ 'BEGIN (implicit)', 'select $1::int as n', '[parameters] (7)', 'COMMIT' ]
 * ```
 */
export type EchoLogger = (line: string) => void;

/** How many parameter sets or array items a log line shows before it summarises the rest. */
const SHOWN = 10;

/**
 * Writes the statement log in SQLAlchemy's shape: `BEGIN (implicit)`, each
 * statement followed by its parameters, `COMMIT` / `ROLLBACK`. Lines go to
 * stdout (through `console.log`) so that notebooks show them as ordinary
 * output, or to the logger function given as `echo`.
 */
export class Echo {
  readonly #log: EchoLogger | undefined;

  constructor(target: boolean | EchoLogger | undefined) {
    this.#log = typeof target === "function" ? target : target ? (line) => console.log(line) : undefined;
  }

  /** Whether anything is logged; lets callers skip formatting work. */
  get enabled(): boolean {
    return this.#log !== undefined;
  }

  /** Logs a transaction event such as `BEGIN (implicit)`. */
  event(text: string): void {
    this.#log?.(text);
  }

  /** Logs a statement and, if it has any, its parameters. */
  statement(sql: string, parameters: readonly unknown[]): void {
    if (!this.#log) return;
    this.#log(sql);
    if (parameters.length > 0) this.#log(`[parameters] ${formatList(parameters)}`);
  }

  /**
   * Logs an executemany statement with a sample of the rows it carries, after
   * `note` (which form the statement takes and why) or the row count.
   */
  many(sql: string, rows: readonly Record<string, unknown>[], columns: readonly string[], note?: string): void {
    if (!this.#log) return;
    this.#log(sql);
    const shown = rows.slice(0, SHOWN).map((row) => `(${columns.map((c) => formatValue(row[c])).join(", ")})`);
    const more = rows.length > SHOWN ? ` ... ${rows.length - SHOWN} more` : "";
    const head = `[${note ?? `${rows.length} ${rows.length === 1 ? "row" : "rows"}`}]`;
    this.#log(columns.length === 0 ? head : `${head} ${shown.join(", ")}${more}`);
  }
}

function formatList(values: readonly unknown[]): string {
  const shown = values.slice(0, SHOWN).map(formatValue);
  if (values.length > SHOWN) shown.push(`... ${values.length - SHOWN} more`);
  return `(${shown.join(", ")})`;
}

/** Formats one value the way a reader would type it: strings quoted, arrays shortened. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "DEFAULT";
  if (value === null) return "NULL";
  if (typeof value === "string") {
    const text = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return `'${text.replaceAll("'", "\\'")}'`;
  }
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (Array.isArray(value)) {
    const shown = value.slice(0, SHOWN).map(formatValue);
    if (value.length > SHOWN) shown.push(`... ${value.length - SHOWN} more`);
    return `[${shown.join(", ")}]`;
  }
  if (typeof value === "object") {
    try {
      const text = JSON.stringify(value);
      return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
      return "[object]";
    }
  }
  return String(value);
}
