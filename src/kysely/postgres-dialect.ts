/**
 * The Kysely dialect every pglite-lab Kysely instance uses: PostgreSQL's
 * adapter, compiler and introspector, with a driver supplied by the caller.
 *
 * @module
 */
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Dialect, type Driver } from "kysely";

/** A Kysely dialect for PostgreSQL with the driver supplied by the caller. */
export function postgresDialect(createDriver: () => Driver): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver,
    createIntrospector: (db: Kysely<any>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
