/**
 * `EngineOptions`: what `createEngine()` takes, and the checks it runs on them.
 *
 * @module
 */
import type { KyselyPlugin, LogConfig } from "kysely";
import { Echo, type EchoOption } from "./echo.js";
import { ArgumentError } from "./errors.js";
import { checkOptions, describeValue } from "./internal/options.js";
import { checkIsolationLevel, type IsolationLevel } from "./transaction-options.js";

/**
 * Options of {@link createEngine}.
 *
 * All are optional. `poolSize` and `connectTimeoutMs` apply only to a server
 * engine (`postgres://…`), since the embedded engine has a single PGlite
 * session; the rest to every engine. An unknown option is an
 * `ArgumentError`, so a misspelt one is never silently ignored.
 *
 * @example
 * ```ts
 * import { createEngine, type EngineOptions } from "pglite-lab";
 *
 * const options: EngineOptions = { echo: true, batchSize: 500 };
 * const engine = await createEngine("pglite://memory", options);
 * console.log(engine.url, engine.dialect); // pglite://memory pglite
 * await engine.connect((conn) => conn.execute("select 1 as one")); // logs BEGIN (implicit), the SELECT, ROLLBACK
 * await engine.dispose();
 * ```
 */
export interface EngineOptions {
  /**
   * Log every statement, SQLAlchemy style: `true` prints to stdout, a
   * function receives each line, `"debug"` logs the rows returned too
   * (see {@link EchoOption}). Default `false`.
   */
  readonly echo?: EchoOption;
  /**
   * Rows per round trip when streaming (`conn.stream()`), from 1 to 1,000,000.
   * Default 5000 (chosen by measurement: bench/README.md).
   */
  readonly batchSize?: number;
  /**
   * Most connections a server engine opens at once, so the most scopes that run at the same time.
   * Default 10, at most 10,000; the embedded engine has one session (and checks the value all the same).
   * Further scopes wait their turn, without a time limit.
   */
  readonly poolSize?: number;
  /**
   * How long a server engine may take to reach the server and log in, per connection, before the
   * scope fails with a `ConnectionError`, in milliseconds. Default 10000, at most 2147483647 (the
   * longest timer Node.js keeps).
   */
  readonly connectTimeoutMs?: number;
  /**
   * The isolation level of every transaction the engine starts, unless a
   * scope or a Kysely transaction asks for another: `"serializable"`,
   * `"repeatable read"`, `"read committed"` (PostgreSQL's default) or
   * `"read uncommitted"`, in any case.
   */
  readonly isolationLevel?: IsolationLevel | Uppercase<IsolationLevel>;
  /**
   * How long, in milliseconds, a controlled transaction of `engine.kysely`
   * (`startTransaction()`) or an unfinished `engine.kysely` stream may sit
   * idle holding a session that another scope is waiting for, before it is
   * rolled back and the session handed on. Default 5000. Nothing is ever
   * taken from a `begin()` / `connect()` scope or a callback that is still
   * running; this only frees sessions that forgotten transactions would hold
   * for ever.
   */
  readonly idleTransactionTimeoutMs?: number;
  /**
   * Kysely's own options for `engine.kysely` and every `conn.db`: `log`
   * (Kysely's query log, which sees every statement Kysely sends, BEGIN and
   * COMMIT included) and `plugins` (such as `CamelCasePlugin`).
   */
  readonly kysely?: KyselyOptions;
}

/**
 * Kysely's own options, given to an engine (`createEngine(url, { kysely })`)
 * for `engine.kysely` and every `conn.db`.
 *
 * `log` is Kysely's query log: it sees every statement Kysely sends, the
 * `begin`, `commit` and `savepoint` of its transactions included, in the
 * words Kysely's PostgresDialect uses. `plugins` are
 * Kysely plugins, applied to queries built from `engine.kysely` or `conn.db`
 * (not to `table.select()`, which is built before any engine exists).
 *
 * @example
 * ```ts
 * import { CamelCasePlugin, sql } from "kysely";
 * import { createEngine, type KyselyOptions } from "pglite-lab";
 *
 * const queries: string[] = [];
 * const kysely: KyselyOptions = { log: (event) => void queries.push(event.query.sql), plugins: [new CamelCasePlugin()] };
 * const engine = await createEngine({ kysely });
 * const rows = await engine.kysely.transaction().execute((trx) => trx.selectNoFrom(sql<number>`1`.as("first_value")).execute());
 * console.log(rows); // [ { firstValue: 1 } ]
 * console.log(queries); // [ 'begin', 'select 1 as "first_value"', 'commit' ]
 * await engine.dispose();
 * ```
 */
export interface KyselyOptions {
  /** Kysely's query log: a list of levels (`["query", "error"]`) or a function that receives each event. */
  readonly log?: LogConfig;
  /** Kysely plugins, applied in order to every query built from `engine.kysely` or `conn.db`. */
  readonly plugins?: readonly KyselyPlugin[];
}

/** {@link EngineOptions} checked, with defaults filled in. */
export interface ResolvedEngineOptions {
  readonly echo: EchoOption | undefined;
  readonly batchSize: number;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly isolationLevel: IsolationLevel | undefined;
  readonly idleTransactionTimeoutMs: number;
  readonly kysely: KyselyOptions;
}

/**
 * The default stream batch, chosen by measurement (`npm run bench -- --only
 * batch`: 1M rows of the bench table on PGlite, medians of 5–7 alternating
 * runs against a hand-written DECLARE / FETCH 1000 loop). At 100 rows the
 * per-FETCH cost (parsing the FETCH, a round trip through PGlite's protocol
 * layer) dominates (1.4×); 500, 1000 and 2000 came out level with the
 * hand-written loop; 5000 was the fastest (0.84–0.87×) with RSS growth of
 * 18–19 MB; 10000 was no faster and grew RSS by about 90 MB (whole batches
 * of row objects living long enough to leave V8's young generation). A batch
 * of 5000 wide rows (1 KB each) is a few MB. On a server (the same study
 * against Kysely + pg-cursor) 2000 to 10000 came out level, 1000 slower by
 * its round trips, and 20000 no faster with more RSS growth.
 */
const DEFAULT_BATCH_SIZE = 5000;

/**
 * The largest batch a stream takes. A stream holds one batch of row objects
 * at a time, so the batch is its memory: 1M rows of a narrow table are already
 * a few hundred MB in PGlite (PEERS.md), the size streaming exists to avoid,
 * and the measured optimum is 5000. The wire protocol's row limit stops at
 * 2^31 − 1; whoever wants every row at once wants
 * `conn.execute()`.
 */
export const MAX_BATCH_SIZE = 1_000_000;

/**
 * The longest timeout Node.js keeps (2^31 − 1 ms); a longer one fires after
 * 1 ms instead, with only a warning, so a connect timeout of 1e12 failed every
 * connection at once.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Most connections a server engine may open; PostgreSQL's own max_connections is 100 by default. */
const MAX_POOL_SIZE = 10_000;

const KNOWN = ["echo", "batchSize", "poolSize", "connectTimeoutMs", "isolationLevel", "idleTransactionTimeoutMs", "kysely"];

/** Checks a batch size given to `where`, the option that set it. */
export function checkBatchSize(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_BATCH_SIZE) {
    throw new ArgumentError(
      `${where}: batchSize must be a whole number of rows from 1 to ${MAX_BATCH_SIZE.toLocaleString("en-US")}, not ${describeValue(value)}. ` +
        "A stream holds one batch in memory at a time; to read every row at once use conn.execute().",
    );
  }
  return value;
}

/** Checks `createEngine()`'s `kysely` option: Kysely would only fail later, at the first query, on a plugin or log it cannot use. */
function checkKyselyOptions(value: unknown): KyselyOptions {
  const { log, plugins } = checkOptions(value, "createEngine()'s kysely option", ["log", "plugins"]) as KyselyOptions;
  if (plugins !== undefined) {
    const isPlugin = (p: unknown) =>
      typeof p === "object" && p !== null && typeof (p as KyselyPlugin).transformQuery === "function" && typeof (p as KyselyPlugin).transformResult === "function";
    if (!Array.isArray(plugins) || !plugins.every(isPlugin)) {
      throw new ArgumentError(
        `createEngine(): kysely.plugins must be an array of Kysely plugins (objects with transformQuery and transformResult, such as new CamelCasePlugin()), not ${describeValue(plugins)}.`,
      );
    }
  }
  const levels: readonly unknown[] = ["query", "error"];
  if (log !== undefined && typeof log !== "function" && !(Array.isArray(log) && log.every((level) => levels.includes(level)))) {
    throw new ArgumentError(`createEngine(): kysely.log must be a function that receives each event, or a list of levels from "query" and "error", not ${describeValue(log)}.`);
  }
  return { ...(log !== undefined ? { log } : {}), ...(plugins !== undefined ? { plugins } : {}) };
}

/** Checks the options of `createEngine()` and fills in the defaults. */
export function resolveEngineOptions(value: unknown): ResolvedEngineOptions {
  const options = checkOptions(value, "createEngine()", KNOWN) as EngineOptions;
  const { echo, poolSize = 10, connectTimeoutMs = 10_000, idleTransactionTimeoutMs = 5000, kysely = {} } = options;
  // The Echo's own check: an ArgumentError that lists what echo takes, before anything is opened.
  if (echo !== undefined) new Echo(echo);
  if (typeof idleTransactionTimeoutMs !== "number" || !(idleTransactionTimeoutMs > 0) || !Number.isFinite(idleTransactionTimeoutMs)) {
    throw new ArgumentError(
      `createEngine(): idleTransactionTimeoutMs must be a positive number of milliseconds, not ${describeValue(idleTransactionTimeoutMs)}.`,
    );
  }
  const kyselyOptions = checkKyselyOptions(kysely);
  // Checked on every engine, though only a server uses them: a wrong value is wrong whichever URL it is given with.
  if (typeof poolSize !== "number" || !Number.isInteger(poolSize) || poolSize < 1 || poolSize > MAX_POOL_SIZE) {
    throw new ArgumentError(`createEngine(): poolSize must be a whole number of connections from 1 to ${MAX_POOL_SIZE}, not ${describeValue(poolSize)}.`);
  }
  if (typeof connectTimeoutMs !== "number" || !(connectTimeoutMs > 0) || connectTimeoutMs > MAX_TIMER_MS) {
    throw new ArgumentError(
      `createEngine(): connectTimeoutMs must be a number of milliseconds above 0 and at most ${MAX_TIMER_MS} (about 24.8 days, the longest timer Node.js keeps), ` +
        `not ${describeValue(connectTimeoutMs)}.`,
    );
  }
  return {
    echo,
    batchSize: checkBatchSize(options.batchSize ?? DEFAULT_BATCH_SIZE, "createEngine()"),
    poolSize,
    connectTimeoutMs,
    isolationLevel: checkIsolationLevel(options.isolationLevel, "createEngine()"),
    idleTransactionTimeoutMs,
    kysely: kyselyOptions,
  };
}
