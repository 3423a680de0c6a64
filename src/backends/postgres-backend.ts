/**
 * The server backend: a pool of node-postgres clients, one per running scope.
 *
 * It behaves like the embedded backend wherever the same code could tell
 * them apart: values are read and sent as value-parsers.ts says, sessions run
 * in UTC, every statement goes through the extended protocol (one statement
 * per call, as in PGlite) except a script (`Session.script`, the simple
 * protocol on both backends), streams read a named portal inside the scope's
 * transaction with the same loop as PGlite's (portal-cursor.ts, so other
 * statements can run between batches), and a scope waits for a free
 * connection as long as it takes, in the order it asked, as scopes wait
 * their turn on PGlite.
 *
 * @module
 */
import pg from "pg";
import { ArgumentError, ConnectionError } from "../errors.js";
import { nodePostgresTypes } from "./value-parsers.js";
import type { Backend, CursorBatch, RawResult, Session } from "./backend.js";
import { portalCursor } from "./portal-cursor.js";
import { resolveToPostgres } from "./resolve-to-postgres.js";
import { PostgresPortal } from "./postgres-portal.js";
import { serverParameters } from "./server-parameters.js";
import { checkBindParameters } from "../internal/bind-parameters.js";
import { checkCopy } from "../internal/statement-limits.js";

/** Options of a server engine. */
export interface PostgresBackendOptions {
  /** Most connections open at once: the number of scopes that run at the same time. */
  readonly poolSize: number;
  /** Longest time to reach the server and log in, per connection. */
  readonly connectTimeoutMs: number;
}

/** What every new server session runs first, so that it reads and prints values as PGlite does. */
const SESSION_SETUP = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'";

function toRaw(result: pg.QueryResult<Record<string, unknown>>): RawResult {
  const command = result.command ?? "";
  return {
    rows: result.rows,
    fields: (result.fields ?? []).map((f) => f.name),
    rowCount: command === "SELECT" || command === "FETCH" ? result.rows.length : (result.rowCount ?? result.rows.length),
    command,
  };
}

/**
 * Cancels what the server process `pid` is running, from a connection of its
 * own: the session's connection is busy with the statement to cancel, and the
 * pool may have none free. A server ignores a cancel that arrives while the
 * process is idle, so a statement that has just finished is not harmed.
 */
async function cancelBackend(connectionString: string, pid: number, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT pg_cancel_backend($1)", [pid]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

class PostgresSession implements Session {
  readonly #client: pg.PoolClient;
  readonly #portal: PostgresPortal;
  readonly #giveBack: () => void;
  readonly #cancel: (pid: number) => Promise<void>;
  #lost: Error | undefined;
  readonly #onError = (err: Error) => {
    // A checked-out client whose server goes away emits 'error'; the statement in flight fails on its own.
    this.#lost = err;
  };

  constructor(client: pg.PoolClient, giveBack: () => void, cancel: (pid: number) => Promise<void>) {
    this.#client = client;
    this.#portal = new PostgresPortal(client);
    this.#giveBack = giveBack;
    this.#cancel = cancel;
    client.on("error", this.#onError);
  }

  async cancel(): Promise<void> {
    const pid = (this.#client as unknown as { processID?: number }).processID;
    if (typeof pid === "number") await this.#cancel(pid);
  }

  async query(sql: string, parameters: readonly unknown[]): Promise<RawResult> {
    // node-postgres would write a count past 65,535 wrapped, and a Symbol or a lone surrogate as other text.
    const resolved = resolveToPostgres(parameters);
    checkBindParameters(sql, resolved);
    checkCopy(sql);
    const values = await serverParameters(this.#client, sql, resolved);
    // The extended protocol, always: one statement per call, as in PGlite.
    const config = { text: sql, values, queryMode: "extended" } as pg.QueryConfig;
    return toRaw(await this.#client.query<Record<string, unknown>>(config));
  }

  async script(sql: string): Promise<RawResult[]> {
    checkBindParameters(sql, []);
    checkCopy(sql);
    // Without values node-postgres uses the simple protocol, and answers a text of several statements with an array.
    const result: pg.QueryResult<Record<string, unknown>> | pg.QueryResult<Record<string, unknown>>[] = await this.#client.query(sql);
    return (Array.isArray(result) ? result : [result]).map(toRaw);
  }

  cursor(sql: string, parameters: readonly unknown[], batchSize: number): AsyncGenerator<CursorBatch, void, undefined> {
    const values = resolveToPostgres(parameters);
    checkBindParameters(sql, values);
    checkCopy(sql);
    return portalCursor(this.#portal, sql, values, batchSize);
  }

  async release(broken?: boolean): Promise<void> {
    this.#client.removeListener("error", this.#onError);
    try {
      // A client that failed (or whose scope could not end cleanly) is closed, not reused.
      this.#client.release(broken || this.#lost ? (this.#lost ?? true) : undefined);
    } finally {
      this.#giveBack();
    }
  }
}

/**
 * Fair counting semaphore: at most `size` holders, served in the order they
 * asked, with no time limit (a scope waits for a connection as it waits for
 * its turn on PGlite). node-postgres's own queue would apply the connect
 * timeout to that wait too, failing scopes only because others are busy.
 */
class Slots {
  #free: number;
  readonly #size: number;
  readonly #waiters: Array<() => void> = [];
  readonly #idle: Array<() => void> = [];

  constructor(size: number) {
    this.#size = size;
    this.#free = size;
  }

  take(): Promise<void> {
    if (this.#free > 0 && this.#waiters.length === 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  give(): void {
    const next = this.#waiters.shift();
    if (next) {
      next();
      return;
    }
    this.#free++;
    if (this.#free === this.#size) for (const done of this.#idle.splice(0)) done();
  }

  /** Resolves once every holder, and everyone waiting now, has given back. */
  drained(): Promise<void> {
    if (this.#free === this.#size && this.#waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** Where a connection string points, for messages: host, port, database and user, never the password. */
function describeTarget(connectionString: string, display: string): { where: string; user: string } {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch (err) {
    throw new ArgumentError(`Engine URL "${display}" is not a valid URL.`, { cause: err });
  }
  const params = url.searchParams;
  const host = decodeURIComponent(url.hostname) || params.get("host") || "localhost";
  const port = url.port || params.get("port") || "5432";
  const database = decodeURIComponent(url.pathname.slice(1)) || params.get("dbname") || "(the user's default database)";
  const user = decodeURIComponent(url.username) || params.get("user") || process.env["PGUSER"] || "(the login user)";
  return { where: `${host}:${port}/${database}`, user };
}

/** What to check, by the driver error's code. */
function hintFor(err: unknown, where: string, timeoutMs: number): string {
  const e = err as { code?: string; message?: string } | undefined;
  const message = e?.message ?? "";
  switch (e?.code) {
    case "ECONNREFUSED":
      return `Is PostgreSQL running and listening on ${where.split("/")[0]}?`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "The host name could not be resolved.";
    case "28P01":
    case "28000":
      return "Check the user name and password in the URL.";
    case "3D000":
      return "Create the database first (CREATE DATABASE, or createdb), or name one that exists.";
  }
  if (/timeout/i.test(message)) return `The server did not answer within ${timeoutMs} ms (connectTimeoutMs).`;
  return "";
}

/** A PostgreSQL server reached through a pool of node-postgres clients. */
export class PostgresBackend implements Backend {
  readonly dialect = "postgres" as const;
  readonly exclusive = false;
  readonly capacity: number;
  readonly description: string;
  readonly #pool: pg.Pool;
  readonly #slots: Slots;
  readonly #where: string;
  readonly #user: string;
  readonly #connectTimeoutMs: number;
  readonly #connectionString: string;
  #closing = false;

  private constructor(pool: pg.Pool, connectionString: string, where: string, user: string, options: PostgresBackendOptions) {
    this.#pool = pool;
    this.#connectionString = connectionString;
    this.description = `PostgreSQL at ${where}`;
    this.#where = where;
    this.#user = user;
    this.#slots = new Slots(options.poolSize);
    this.capacity = options.poolSize;
    this.#connectTimeoutMs = options.connectTimeoutMs;
  }

  /** Makes the pool; no connection is opened until the first scope asks for one. */
  static async open(connectionString: string, display: string, options: PostgresBackendOptions): Promise<PostgresBackend> {
    // poolSize and connectTimeoutMs were checked with the other engine options (engine-options.ts).
    const { where, user } = describeTarget(connectionString, display);
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      types: nodePostgresTypes as unknown as pg.CustomTypesConfig,
      onConnect: async (client: pg.ClientBase) => {
        await client.query(SESSION_SETUP);
      },
    } as pg.PoolConfig);
    // An idle client that loses its server emits 'error' on the pool; without a listener that would crash the process.
    pool.on("error", () => undefined);
    return new PostgresBackend(pool, connectionString, where, user, options);
  }

  async acquire(): Promise<Session> {
    if (this.#closing) throw new ConnectionError(`${this.description} is closed.`);
    await this.#slots.take();
    let client: pg.PoolClient;
    try {
      if (this.#closing) throw new Error("the engine was disposed");
      client = await this.#pool.connect();
    } catch (err) {
      this.#slots.give();
      const reason = ((err as Error)?.message || String(err)).replace(/\.$/, "");
      const hint = hintFor(err, this.#where, this.#connectTimeoutMs);
      throw new ConnectionError(
        `Could not connect to ${this.description} as user "${this.#user}": ${reason}.${hint ? ` ${hint}` : ""}`,
        { cause: err },
      );
    }
    const cancel = (pid: number) => cancelBackend(this.#connectionString, pid, this.#connectTimeoutMs);
    return new PostgresSession(client, () => this.#slots.give(), cancel);
  }

  /** Closes the pool once the scopes running or already waiting have given their connections back. */
  async close(): Promise<void> {
    await this.#slots.drained();
    this.#closing = true;
    await this.#pool.end();
  }
}
