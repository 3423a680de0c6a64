/**
 * `UnboundDriver` and the connectionless query builder behind `table.select()`.
 *
 * @module
 */
import { Kysely, type DatabaseConnection, type Driver } from "kysely";
import { ArgumentError } from "../errors.js";
import { postgresDialect } from "./postgres-dialect.js";

/**
 * Statements such as `emps.select()` are built before any connection exists,
 * as in SQLAlchemy. They compile with this Kysely instance; running one
 * directly (`.execute()`) is refused with directions instead of silently
 * returning nothing, as Kysely's DummyDriver would.
 */
class UnboundDriver implements Driver {
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    throw new ArgumentError(
      "This query was built from a table (such as `emps.select()`), which is not bound to a database. " +
        "Run it with `await conn.execute(query)`, or build it from `conn.db`.",
    );
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The shared, connectionless query builder behind `table.select()` and friends. */
export const unboundBuilder: Kysely<any> = new Kysely<any>({ dialect: postgresDialect(() => new UnboundDriver()) });
