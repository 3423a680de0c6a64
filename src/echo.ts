/**
 * The statement log that `echo: true` turns on.
 *
 * @module
 */
import { ArgumentError } from "./errors.js";

/**
 * Receives each line of the statement log.
 *
 * Pass one as `echo` (see {@link EngineOptions}) to send the log somewhere
 * other than stdout: a file, a test's array, a logging library. A logger
 * that throws never fails the statement it logs: the first error is reported
 * once as a process warning, and the lines it fails on are dropped.
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

/**
 * What `echo` (see {@link EngineOptions}) accepts.
 *
 * - `true`: statements to stdout, as SQLAlchemy's `echo=True`;
 * - `"debug"`: the rows each statement returned too, as SQLAlchemy's
 *   `echo="debug"`: a `Col (…)` line with the column names, then a
 *   `Row (…)` line per row, the first ten of each statement, and a line
 *   that counts the rest;
 * - an {@link EchoLogger}: statements to that function;
 * - `{ level: "debug", logger }`: statements and rows to that function;
 * - `false` (the default): nothing.
 *
 * @example
 * ```ts
 * import { createEngine, type EchoOption } from "pglite-lab";
 *
 * const lines: string[] = [];
 * const echo: EchoOption = { level: "debug", logger: (line) => lines.push(line) };
 * const engine = await createEngine({ echo });
 * await engine.connect((conn) => conn.execute("select x, x * 10 as tens from generate_series(1, 2) as x"));
 * await engine.dispose();
 * console.log(lines.slice(1, -1));
 * // [
 * //   'select x, x * 10 as tens from generate_series(1, 2) as x',
 * //   "Col ('x', 'tens')",
 * //   'Row (1, 10)',
 * //   'Row (2, 20)'
 * // ]
 * ```
 */
export type EchoOption =
  | boolean
  | "debug"
  | EchoLogger
  | {
      /** `"info"`: statements, as `true` logs them; `"debug"`: statements and rows. */
      readonly level: "info" | "debug";
      /** Where the lines go; stdout when left out. */
      readonly logger?: EchoLogger;
    };

/**
 * Counts the rows of one streamed statement as its batches arrive, so that
 * its log shows the first rows and, when the stream ends, how many were left out.
 */
export interface RowLog {
  batch(columns: readonly string[], rows: readonly Record<string, unknown>[]): void;
  end(): void;
}

const NO_ROW_LOG: RowLog = { batch: () => undefined, end: () => undefined };

/** How many parameter sets, array items or result rows a log shows before it summarises the rest. */
const SHOWN = 10;

const stdout: EchoLogger = (line) => console.log(line);

/**
 * The caller's logger, made unable to fail the work it logs: a logger that
 * throws at `COMMIT` would otherwise fail the scope half-way through ending
 * its transaction (on PGlite leaving it open for the next scope to commit).
 * Its errors are reported once, as a process warning, and its lines dropped.
 */
function guarded(logger: EchoLogger): EchoLogger {
  let warned = false;
  return (line) => {
    try {
      logger(line);
    } catch (err) {
      if (warned) return;
      warned = true;
      const warning = `pglite-lab: the echo logger threw (${err instanceof Error ? err.message : String(err)}); the statements ran as usual, and log lines it fails on are dropped.`;
      const emit = (globalThis as { process?: { emitWarning?: (message: string) => void } }).process?.emitWarning;
      if (emit) emit.call((globalThis as { process?: object }).process, warning);
    }
  };
}

/**
 * Writes the statement log in SQLAlchemy's shape: `BEGIN (implicit)`, each
 * statement followed by its parameters, `COMMIT` / `ROLLBACK`. Lines go to
 * stdout (through `console.log`) so that notebooks show them as ordinary
 * output, or to the logger function given as `echo`.
 */
export class Echo {
  readonly #log: EchoLogger | undefined;
  readonly #debug: boolean;

  constructor(target: EchoOption | undefined) {
    if (target === undefined || typeof target === "boolean") {
      this.#log = target ? stdout : undefined;
      this.#debug = false;
    } else if (typeof target === "function") {
      this.#log = guarded(target);
      this.#debug = false;
    } else if (target === "debug") {
      this.#log = stdout;
      this.#debug = true;
    } else if (
      typeof target === "object" &&
      target !== null &&
      (target.level === "info" || target.level === "debug") &&
      (target.logger === undefined || typeof target.logger === "function")
    ) {
      this.#log = target.logger ? guarded(target.logger) : stdout;
      this.#debug = target.level === "debug";
    } else {
      throw new ArgumentError(
        `echo must be true, false, "debug", a function that takes each line, or { level: "info" | "debug", logger }; got ${formatValue(target)}.`,
      );
    }
  }

  /** Whether anything is logged; lets callers skip formatting work. */
  get enabled(): boolean {
    return this.#log !== undefined;
  }

  /** Whether the rows statements return are logged too (`echo: "debug"`). */
  get debug(): boolean {
    return this.#debug;
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

  /** Logs the rows a statement returned (debug only): `Col (…)`, then the first rows, then how many more. */
  rows(columns: readonly string[], rows: readonly Record<string, unknown>[]): void {
    const log = this.rowLog();
    log.batch(columns, rows);
    log.end();
  }

  /** A log for the rows of one streamed statement, fed batch by batch; does nothing unless debugging. */
  rowLog(): RowLog {
    const log = this.#log;
    if (!log || !this.#debug) return NO_ROW_LOG;
    let seen = 0;
    let described = false;
    return {
      batch(columns, rows) {
        // Statements that return no rows at all (DDL, INSERT without RETURNING) have no columns: nothing to log.
        if (columns.length === 0) return;
        if (!described) log(`Col (${columns.map((c) => formatValue(c)).join(", ")})`);
        described = true;
        for (let i = 0; i < rows.length && seen + i < SHOWN; i++) {
          const row = rows[i] as Record<string, unknown>;
          log(`Row (${columns.map((c) => formatValue(row[c])).join(", ")})`);
        }
        seen += rows.length;
      },
      end() {
        if (seen > SHOWN) log(`... ${seen - SHOWN} more ${seen - SHOWN === 1 ? "row" : "rows"} (${seen} in all)`);
      },
    };
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
