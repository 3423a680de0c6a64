/**
 * `ScopeDriver`: the Kysely driver behind `conn.db`, bound to one scope's connection.
 *
 * @module
 */
import type { CompiledQuery, DatabaseConnection, Driver, QueryResult } from "kysely";
import type { CursorBatch, RawResult } from "../backends/backend.js";
import { ScopeError } from "../errors.js";
import { checkBatchSize } from "../engine-options.js";
import { toQueryResult } from "./query-result.js";

/** How `conn.db` runs statements: through its connection, inside the scope's transaction. */
export interface ScopeStatements {
  run(sql: string, parameters: readonly unknown[]): Promise<RawResult>;
  batches(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<CursorBatch, void, undefined>;
}

/**
 * Every query of `conn.db` runs on the scope's one connection, inside the
 * transaction the scope manages, so Kysely's own transactions are refused:
 * the scope already has one (a savepoint is `conn.beginNested()`).
 */
export class ScopeDriver implements Driver {
  readonly #connection: DatabaseConnection;

  constructor(statements: ScopeStatements) {
    this.#connection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => toQueryResult<R>(await statements.run(query.sql, query.parameters)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> => {
        // Kysely passes its own default (100) when .stream() is called without a size.
        const batches = statements.batches(query.sql, query.parameters, checkBatchSize(chunkSize ?? 100, "Kysely's .stream(chunkSize)"));
        // Kysely hands out each result's rows one by one: a whole batch per result is enough.
        return (async function* () {
          for await (const batch of batches) yield { rows: batch.rows as R[] };
        })();
      },
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }

  async beginTransaction(): Promise<void> {
    throw new ScopeError(
      "conn.db cannot open its own transaction: the scope already has one. Use conn.beginNested() for a savepoint, " +
        "conn.begin() in an engine.connect() scope, or engine.kysely outside this scope.",
    );
  }

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}
