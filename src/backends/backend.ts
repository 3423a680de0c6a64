/**
 * The contract between the engine and its databases: a `Backend` hands out `Session`s, one per scope.
 *
 * @module
 */
/** What a statement returned, as a driver reports it. */
export interface RawResult {
  readonly rows: Record<string, unknown>[];
  readonly fields: readonly string[];
  /** Rows returned (SELECT) or affected (INSERT / UPDATE / DELETE). */
  readonly rowCount: number;
  /** The command tag: `SELECT`, `INSERT`, … (empty when the driver does not say). */
  readonly command: string;
}

/** One batch of a cursor: its rows and the column names, in order. */
export interface CursorBatch {
  readonly rows: Record<string, unknown>[];
  readonly fields: readonly string[];
}

/**
 * One database session held by one scope at a time. Drivers throw their own
 * errors; the connection wraps them with the statement that failed.
 */
export interface Session {
  query(sql: string, parameters: readonly unknown[]): Promise<RawResult>;
  /**
   * Runs SQL text without parameters through the simple-query protocol, as
   * node-postgres sends every query that has no parameters: the text may
   * hold several statements, which PostgreSQL runs in one implicit
   * transaction when none is open. One result per statement, in order.
   */
  script(sql: string): Promise<RawResult[]>;
  /**
   * The rows of any statement in batches of at most `batchSize`, through a
   * named portal (portal-cursor.ts), inside the transaction the caller has
   * opened; statements may run between batches. The first batch comes even
   * when it is empty, so that the column names are known for every query.
   * Throws an ArgumentError at the call for a batch size outside
   * 1 … 2^31 − 1. Closing the generator closes the portal.
   */
  cursor(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<CursorBatch, void, undefined>;
  /**
   * Asks the database to cancel the statement running on this session, if the driver can (a server can;
   * PGlite runs a statement to its end). The statement then fails with SQLSTATE 57014.
   */
  cancel?(): Promise<void>;
  /** Gives the session back. `broken` asks the driver to discard it rather than reuse it. */
  release(broken?: boolean): Promise<void>;
}

/** A source of sessions: the embedded PGlite or a server's connection pool. */
export interface Backend {
  /** `pglite` (in-process) or `postgres` (a server). */
  readonly dialect: "pglite" | "postgres";
  /** Whether only one session exists, so a scope waiting on another in the same task would wait forever. */
  readonly exclusive: boolean;
  /** The most sessions held at once: 1 for PGlite, the pool size for a server. */
  readonly capacity: number;
  /** Where the data lives, for messages: `in-memory PGlite`, `PGlite at ./data`, `PostgreSQL at host:5432/db`. */
  readonly description: string;
  acquire(): Promise<Session>;
  close(): Promise<void>;
}
