/**
 * `checkBindParameters`: the values of a statement's bind parameters, checked
 * before they are sent, on every path (scopes, streams, `engine.kysely`).
 *
 * Both drivers would turn some values into something else without a word (a
 * Symbol or a function into its text, a lone surrogate into U+FFFD), and
 * PGlite's message writer throws half-way through a Bind message on others
 * (a hole in the array, a Symbol for a json parameter), leaving the rest of
 * the message in its buffer to garble the next statement. Refused here, they
 * are an error that names the parameter and the statement, and nothing is
 * sent.
 *
 * @module
 */
import { ArgumentError, DataError } from "../errors.js";
import { isWellFormed } from "../schema/identifier.js";
import { describeValue } from "../schema/column-values.js";
import { checkParameterCount, highestPlaceholder, shownStatement, statementStartingWith } from "./statement-limits.js";

/**
 * Arrays nested deeper than this are refused: PostgreSQL arrays have at most
 * 6 dimensions, and an array that contains itself would never end.
 */
const MAX_ARRAY_DEPTH = 100;

interface Problem {
  readonly kind: "argument" | "data";
  /** What the value is, as the end of a sentence that starts with the parameter. */
  readonly what: string;
  /** Where in a nested array, such as `[2][0]`; empty for the parameter itself. */
  readonly path: string;
}

/**
 * Throws an {@link ArgumentError} (a value of a kind no SQL type takes, a
 * missing parameter, SQL that is not a string) or a {@link DataError} (a
 * value PostgreSQL would store changed) naming the parameter and the
 * statement; also checks the count ({@link checkParameterCount}).
 *
 * One pass over the values, allocating nothing unless one is refused; arrays
 * are looked into (the drivers write their elements as text), other objects
 * are not (they go as JSON, which escapes everything).
 */
export function checkBindParameters(sql: unknown, parameters: readonly unknown[]): void {
  if (typeof sql !== "string") {
    throw new ArgumentError(`A statement must be SQL text, not ${describeValue(sql)}. Nothing was sent.`);
  }
  // The protocol ends the text at a NUL (the rest would garble the message); a lone surrogate would reach PostgreSQL as U+FFFD.
  if (sql.includes("\u0000") || !isWellFormed(sql)) {
    const what = sql.includes("\u0000") ? "a NUL character (\\u0000), which ends SQL text in PostgreSQL's protocol" : "a lone UTF-16 surrogate, which has no UTF-8 form";
    throw new ArgumentError(`The text of the statement contains ${what}. Nothing was sent. Statement: ${JSON.stringify(shownStatement(sql))}`);
  }
  checkParameterCount(sql, parameters);
  checkPlaceholders(sql, parameters.length);
  for (let i = 0; i < parameters.length; i++) {
    const problem = problemAt(parameters, i, 0);
    if (!problem) continue;
    const where = problem.path ? `Parameter $${i + 1} holds at ${problem.path} ${problem.what}` : `Parameter $${i + 1} is ${problem.what}`;
    const message = `${where}. Nothing was sent. Statement: ${shownStatement(sql)}`;
    throw problem.kind === "argument" ? new ArgumentError(message) : new DataError(message, sql, parameters, undefined);
  }
}

/** PREPARE or CREATE, after any leading comments: statements whose $n may belong to what they define. */
const DEFINES_PARAMETERS = statementStartingWith("(?:prepare|create)\\b");

/**
 * Refuses a parameter list that does not fill the statement's placeholders
 * $1 … $n exactly. PostgreSQL would refuse it too, in words that mislead:
 * `select $2::int` with one value fails with "could not determine data type
 * of parameter $1".
 */
function checkPlaceholders(sql: string, given: number): void {
  const highest = highestPlaceholder(sql);
  // In PREPARE … AS and CREATE FUNCTION … RETURN, $n are the parameters of what is being defined.
  if (highest === given || (given === 0 && DEFINES_PARAMETERS.test(sql))) return;
  const values = (n: number) => `${n} ${n === 1 ? "value" : "values"}`;
  const wanted = highest === 0 ? "no placeholder ($1, $2, …)" : highest === 1 ? "one placeholder, $1" : `placeholders up to $${highest}`;
  throw new ArgumentError(
    `The statement has ${wanted}, but ${values(given)} ${given === 1 ? "was" : "were"} given: pass one value per placeholder, in order. ` +
      `Nothing was sent. Statement: ${shownStatement(sql)}`,
  );
}

/** What is wrong with `values[index]`, or undefined. */
function problemAt(values: readonly unknown[], index: number, depth: number): Problem | undefined {
  if (!(index in values)) {
    return { kind: "argument", what: "missing: the array has a hole there (write null for NULL)", path: "" };
  }
  const value = values[index];
  switch (typeof value) {
    case "string":
      return isWellFormed(value)
        ? undefined
        : { kind: "data", what: "a string with a lone UTF-16 surrogate, which has no UTF-8 form (PostgreSQL would store U+FFFD)", path: "" };
    case "symbol":
    case "function":
      return { kind: "argument", what: `${describeValue(value)}, which no SQL type takes`, path: "" };
    case "object":
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? { kind: "data", what: "an invalid Date", path: "" } : undefined;
      }
      if (Array.isArray(value)) return arrayProblem(value, depth);
      return undefined;
    default:
      return undefined;
  }
}

function arrayProblem(array: readonly unknown[], depth: number): Problem | undefined {
  if (depth >= MAX_ARRAY_DEPTH) {
    return { kind: "argument", what: `an array nested more than ${MAX_ARRAY_DEPTH} levels deep, or one that contains itself`, path: "" };
  }
  for (let i = 0; i < array.length; i++) {
    // Holes in an array parameter are NULL elements to both drivers; only the parameter list may not have them.
    if (!(i in array)) continue;
    const inner = problemAt(array, i, depth + 1);
    if (inner) return { ...inner, path: `[${i}]${inner.path}` };
  }
  return undefined;
}
