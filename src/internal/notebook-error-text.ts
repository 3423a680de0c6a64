/**
 * `notebookErrorText` and `installNotebookErrorDisplay`: how an error of the
 * library reads in a notebook.
 *
 * tslab prints a failed cell's error with `console.error(err)`, that is
 * `util.inspect`: the stack (frames of the library's build, minified PGlite,
 * WebAssembly), every own property and the whole `cause`, forty lines and
 * more around the three that matter. Inside a kernel, errors of the library
 * inspect as those lines only; `err.stack` and `err.cause` keep the rest.
 *
 * @module
 */
import { formatValue } from "../echo.js";
import { inTslabKernel } from "./tslab-kernel.js";

/**
 * `util.inspect.custom`, by its registered name: the same symbol Node's
 * inspect looks up, without importing node:util (the browser build has none).
 */
const INSPECT_CUSTOM = Symbol.for("nodejs.util.inspect.custom");

/** How many parameters or rows the text shows before it counts the rest. */
const SHOWN = 10;

/** The parts of an error the text reads; a `StatementError` has them all. */
interface ErrorParts {
  readonly name: string;
  readonly message: string;
  readonly cause?: unknown;
  readonly parameters?: readonly unknown[];
  readonly rows?: readonly Record<string, unknown>[];
}

/**
 * The error as a notebook shows it: `Class: message` (PostgreSQL's message,
 * its detail and hint, and the statement, which the message already holds),
 * then the values the caller passed: the rows of an executemany as given, or
 * the statement's parameters. A cause whose text the message does not
 * already include adds one line. Nothing else: no stack, no driver fields.
 */
export function notebookErrorText(error: ErrorParts): string {
  const lines = [`${error.name}: ${error.message}`];
  if (error.rows !== undefined && error.rows.length > 0) {
    lines.push(`Rows: ${countOf(error.rows.length, "row")} ${sample(error.rows, formatRow)}`);
  } else if (Array.isArray(error.parameters) && error.parameters.length > 0) {
    lines.push(`Parameters: (${sample(error.parameters, formatValue)})`);
  }
  const cause = causeLine(error.cause, error.message);
  if (cause !== undefined) lines.push(`Cause: ${cause}`);
  return lines.join("\n");
}

/**
 * Makes errors of the library inspect as {@link notebookErrorText} when this
 * process is a tslab kernel; elsewhere it does nothing, so Node prints them
 * as usual (stack, properties, cause). Defined on the prototype, not on each
 * error, so `Object.keys(err)` and JSON are unchanged.
 */
export function installNotebookErrorDisplay(prototype: Error): void {
  if (!inTslabKernel()) return;
  Object.defineProperty(prototype, INSPECT_CUSTOM, {
    configurable: true,
    writable: true,
    value(this: ErrorParts) {
      return notebookErrorText(this);
    },
  });
}

function countOf(n: number, noun: string): string {
  return `[${n} ${n === 1 ? noun : `${noun}s`}]`;
}

function sample<T>(values: readonly T[], format: (value: T) => string): string {
  const shown = values.slice(0, SHOWN).map(format);
  if (values.length > SHOWN) shown.push(`... ${values.length - SHOWN} more`);
  return shown.join(", ");
}

function formatRow(row: Record<string, unknown>): string {
  if (row === null || typeof row !== "object") return formatValue(row);
  const entries = Object.entries(row).map(([key, value]) => `${key}: ${formatValue(value)}`);
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

// A driver error's text is already the first line of a StatementError's message; a
// ConnectionError ("Could not begin a transaction.") needs its cause's to be useful.
function causeLine(cause: unknown, message: string): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  const text = cause instanceof Error ? cause.message : typeof cause === "string" ? cause : undefined;
  const first = text?.split("\n")[0]?.trim();
  if (!first || message.includes(first)) return undefined;
  const name = cause instanceof Error && cause.name !== "Error" ? `${cause.name}: ` : "";
  return `${name}${first}`;
}
