/**
 * The server backend: node-postgres with a pool, pg-cursor for streams.
 */
import pg from "pg";
import Cursor from "pg-cursor";
import { ConnectionError } from "../errors.js";
import { valueParsers } from "./value-parsers.js";
import type { Backend, RawResult, Session } from "./session.js";

/** Options of a server engine. */
export interface PostgresBackendOptions {
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
}

function toRaw(result: pg.QueryResult<Record<string, unknown>>): RawResult {
  const command = result.command ?? "";
  return {
    rows: result.rows,
    fields: (result.fields ?? []).map((f) => f.name),
    rowCount: command === "SELECT" || command === "FETCH" ? result.rows.length : (result.rowCount ?? result.rows.length),
    command,
  };
}

class PostgresSession implements Session {
  readonly #client: pg.PoolClient;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  async query(sql: string, parameters: readonly unknown[]): Promise<RawResult> {
    return toRaw(await this.#client.query<Record<string, unknown>>(sql, parameters as unknown[]));
  }

  async *cursor(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<Record<string, unknown>[], void, undefined> {
    const cursor = this.#client.query(new Cursor<Record<string, unknown>>(sql, parameters as unknown[]));
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length > 0) yield rows;
        if (rows.length < batchSize) return;
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  async release(broken?: boolean): Promise<void> {
    this.#client.release(broken ? true : undefined);
  }
}

/** A PostgreSQL server reached through a pool of node-postgres clients. */
export class PostgresBackend implements Backend {
  readonly dialect = "postgres" as const;
  readonly exclusive = false;
  readonly description: string;
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool, description: string) {
    this.#pool = pool;
    this.description = description;
  }

  static async open(connectionString: string, display: string, options: PostgresBackendOptions): Promise<PostgresBackend> {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      types: { getTypeParser: valueParsers.getTypeParser } as pg.CustomTypesConfig,
    });
    // An idle client that loses its server emits 'error' on the pool; without a listener that would crash the process.
    pool.on("error", () => undefined);
    const url = new URL(connectionString);
    const where = `${url.hostname || "localhost"}:${url.port || "5432"}/${decodeURIComponent(url.pathname.slice(1)) || "(default database)"}`;
    return new PostgresBackend(pool, `PostgreSQL at ${where} (${display})`);
  }

  async acquire(): Promise<Session> {
    try {
      return new PostgresSession(await this.#pool.connect());
    } catch (err) {
      const reason = (err as Error).message || String(err);
      throw new ConnectionError(`Could not connect to ${this.description}: ${reason}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
