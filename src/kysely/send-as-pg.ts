/**
 * `sendAsPg`: how the Kysely drivers send a statement, the way node-postgres
 * sends it under Kysely's PostgresDialect.
 *
 * @module
 */
import type { RawResult } from "../backends/backend.js";
import type { SessionLease } from "../internal/session-lease.js";

/**
 * Sends a Kysely statement as node-postgres does: one without parameters
 * through the simple protocol, so that raw SQL holding several statements
 * (``sql.raw(migrationScript).execute(db)``) runs as it does with
 * PostgresDialect; one with parameters through the extended protocol.
 */
export function sendAsPg(lease: SessionLease, sql: string, parameters: readonly unknown[]): Promise<RawResult> {
  return parameters.length === 0 ? lease.script(sql) : lease.query(sql, parameters);
}
