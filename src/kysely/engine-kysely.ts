/**
 * `engineKysely`: the Kysely instance behind `engine.kysely`.
 *
 * @module
 */
import { Kysely, type ConnectionProvider, type KyselyConfig } from "kysely";
import type { KyselyOptions } from "../engine-options.js";
import { runHolding } from "../internal/held-sessions.js";
import { EngineConnection } from "./engine-connection.js";
import type { EngineDriver } from "./engine-driver.js";
import { postgresDialect } from "./postgres-dialect.js";

/**
 * Kysely over `driver`, with the engine's Kysely options, whose callbacks
 * (`connection().execute(cb)`, `transaction().execute(cb)`) run marked as
 * holding their session: a request inside one for another session of the
 * same engine that could never be served is then refused at once instead of
 * waiting for itself.
 *
 * Kysely has no hook for that, so the instance is built twice: once the usual
 * way, for its executor (with Kysely's own log wrapped around the driver's
 * connections), then again from that executor with a connection provider that
 * runs each callback inside the mark. This relies on `getExecutor()` and the
 * `KyselyProps` constructor form, both in Kysely 0.28's declarations.
 */
export function engineKysely<DB>(driver: EngineDriver, options: KyselyOptions): Kysely<DB> {
  const dialect = postgresDialect(() => driver);
  const config: KyselyConfig = { dialect, ...(options.log ? { log: options.log } : {}), plugins: [...(options.plugins ?? [])] };
  const executor = new Kysely<DB>(config).getExecutor();
  const provider: ConnectionProvider = {
    provideConnection: (consumer) =>
      executor.provideConnection((connection) =>
        connection instanceof EngineConnection ? runHolding(connection.lease, () => consumer(connection)) : consumer(connection),
      ),
  };
  return new Kysely<DB>({ config, dialect, driver, executor: executor.withConnectionProvider(provider) });
}
