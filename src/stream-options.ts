/**
 * `StreamOptions`, and the one reading of what `conn.stream()` was given.
 *
 * @module
 */
import { ArgumentError } from "./errors.js";
import { checkBatchSize } from "./engine-options.js";
import { checkParameters } from "./executable.js";
import { checkOptions, describeValue, isPlainObject } from "./internal/options.js";

/**
 * Options of {@link Connection.stream}.
 *
 * `batchSize` sets how many rows each round trip to the server-side cursor
 * fetches (1 to 1,000,000): larger batches mean fewer round trips, smaller
 * ones less memory. For an SQL string the options come after the
 * parameters, or in their place: `conn.stream("select …", { batchSize })`.
 *
 * @example
 * ```ts
 * import { createEngine, type StreamOptions } from "pglite-lab";
 *
 * const engine = await createEngine({ echo: true });
 * const options: StreamOptions = { batchSize: 2 };   // two rows per round trip
 * const seen: number[] = [];
 * await engine.connect(async (conn) => {
 *   for await (const row of conn.stream<{ n: number }>("select generate_series(1, 5) as n", options)) seen.push(row.n);
 * });
 * console.log(seen); // [ 1, 2, 3, 4, 5 ]
 * await engine.dispose();
 * ```
 */
export interface StreamOptions {
  /** Rows fetched from the cursor per round trip. Defaults to the engine's `batchSize`. */
  readonly batchSize?: number;
}

/** What a call of `conn.stream()` asks for, checked. */
export interface StreamCall {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly batchSize: number;
}

/**
 * Reads `conn.stream(statement, second, third)`: `(sql, parameters?,
 * options?)`, `(sql, options)` or `(query, options?)`. `compile` turns a
 * query into SQL (and refuses what is not one).
 */
export function streamArguments(
  statement: unknown,
  second: unknown,
  third: unknown,
  defaultBatchSize: number,
  compile: (statement: unknown) => { sql: string; parameters: readonly unknown[] },
): StreamCall {
  let sql: string;
  let parameters: readonly unknown[];
  let options: unknown;
  if (typeof statement === "string") {
    const optionsFirst = isPlainObject(second);
    if (optionsFirst && third !== undefined) {
      throw new ArgumentError(`conn.stream() got options twice: ${describeValue(second)} and ${describeValue(third)}. Pass one options object.`);
    }
    sql = statement;
    parameters = optionsFirst ? [] : checkParameters(statement, second, "conn.stream()");
    options = optionsFirst ? second : third;
  } else {
    if (third !== undefined || Array.isArray(second)) {
      throw new ArgumentError(
        "conn.stream(query, options) takes a query, which carries its own values, and then options such as { batchSize: 1000 }; " +
          `got ${describeValue(second)}${third === undefined ? "" : ` and ${describeValue(third)}`}.`,
      );
    }
    ({ sql, parameters } = compile(statement));
    options = second;
  }
  const { batchSize = defaultBatchSize } = checkOptions(options, "conn.stream()", ["batchSize"]) as StreamOptions;
  return { sql, parameters, batchSize: checkBatchSize(batchSize, "conn.stream()") };
}
