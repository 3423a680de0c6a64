/**
 * `toQueryResult`: a statement's result as a Kysely driver reports it.
 *
 * @module
 */
import type { QueryResult } from "kysely";
import type { RawResult } from "../backends/backend.js";

const AFFECTING = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/**
 * Kysely's shape of a result, exactly as PostgresDialect reports it: `rows`,
 * and `numAffectedRows`, a bigint for statements that change rows and
 * present but `undefined` for the others (so that a deep comparison of a
 * whole result with PostgresDialect's holds too).
 */
export function toQueryResult<R>(raw: RawResult): QueryResult<R> {
  return { numAffectedRows: AFFECTING.has(raw.command) ? BigInt(raw.rowCount) : undefined, rows: raw.rows as R[] };
}
