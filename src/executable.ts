/**
 * `Executable`: what `conn.execute()` runs, and the check of what may follow it.
 *
 * @module
 */
import type { Compilable, RawBuilder } from "kysely";
import { ArgumentError } from "./errors.js";
import { describeValue, isPlainObject } from "./internal/options.js";
import { isInsert } from "./schema/insert.js";

/**
 * A statement `conn.execute()` runs (besides `table.insert()` with rows).
 *
 * Any Kysely query (`table.select()`, `conn.db.selectFrom(…)`), the `sql`
 * template, or an SQL string with `$1 …` parameters; `O` is the row type.
 * `conn.execute()` has one overload per kind, so a helper that takes an
 * `Executable` narrows it before the call.
 *
 * @example
 * ```ts
 * import { createEngine, sql, type Connection, type Executable } from "pglite-lab";
 *
 * type Row = { n: number };
 * const run = (conn: Connection, statement: Executable<Row>) =>
 *   typeof statement === "string" ? conn.execute<Row>(statement) : conn.execute(statement);
 *
 * const engine = await createEngine();
 * const values = await engine.connect(async (conn) => [
 *   (await run(conn, "select 1 as n")).scalar(),
 *   (await run(conn, sql<Row>`select 2 as n`)).scalar(),
 * ]);
 * console.log(values); // [ 1, 2 ]
 * await engine.dispose();
 * ```
 */
export type Executable<O> = Compilable<O> | RawBuilder<O> | string;

/** Whether `value` compiles to SQL: a Kysely query or an `sql` template. */
export function isCompilable(value: unknown): value is Compilable<unknown> {
  return value !== null && typeof value === "object" && typeof (value as Compilable<unknown>).compile === "function";
}

/** A statement as messages name it: `a Kysely query (UpdateQueryBuilder)`. */
export function describeStatement(statement: unknown): string {
  if (isInsert(statement)) return String(statement);
  if (isCompilable(statement)) return `a Kysely query (${(statement as object).constructor?.name ?? "Object"})`;
  return describeValue(statement);
}

/**
 * The bind parameters that follow a statement in `where` (`conn.execute()`):
 * an array for an SQL string, nothing for a query, which carries its own
 * values. Anything else is refused before anything runs.
 */
export function checkParameters(statement: unknown, extra: unknown, where: string): readonly unknown[] {
  if (typeof statement === "string") {
    if (extra === undefined) return [];
    if (Array.isArray(extra)) return extra;
    const hint = isPlainObject(extra) ? " Options such as { batchSize } belong to conn.stream()." : "";
    throw new ArgumentError(
      `${where}: the parameters of an SQL string must be an array, as in ${where.slice(0, -2)}("select $1::int", [42]); ` +
        `got ${describeValue(extra)}.${hint} Nothing was run.`,
    );
  }
  if (extra !== undefined) {
    throw new ArgumentError(
      `${where} got ${describeValue(extra)} after ${describeStatement(statement)}, which carries its own values: ` +
        "only table.insert() takes rows, and only an SQL string takes parameters. Nothing was run.",
    );
  }
  return [];
}
