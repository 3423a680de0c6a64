/**
 * `toQueryResult`: a statement's result as a Kysely driver reports it.
 *
 * @module
 */
import type { QueryResult } from "kysely";
import type { RawResult } from "../backends/backend.js";

const AFFECTING = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/** Kysely's shape of a result: the rows, and `numAffectedRows` for statements that change rows, as PostgresDialect reports it. */
export function toQueryResult<R>(raw: RawResult): QueryResult<R> {
  const rows = raw.rows as R[];
  return AFFECTING.has(raw.command) ? { rows, numAffectedRows: BigInt(raw.rowCount) } : { rows };
}
