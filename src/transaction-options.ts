/**
 * How a scope's transactions run: isolation level, read only, and retries.
 *
 * @module
 */
import { ArgumentError } from "./errors.js";
import { checkOptions, describeValue } from "./internal/options.js";

/**
 * PostgreSQL's transaction isolation levels, as Kysely spells them;
 * SQLAlchemy's upper-case names (`"SERIALIZABLE"`) work too.
 *
 * `"read committed"` is PostgreSQL's default: each statement sees what was
 * committed before it began. `"repeatable read"` and `"serializable"` see one
 * snapshot for the whole transaction, and may fail with a serialization
 * failure (SQLSTATE 40001) that `engine.begin(fn, { retries })` can retry.
 *
 * @example
 * ```ts
 * import { createEngine, type IsolationLevel } from "pglite-lab";
 *
 * const level: IsolationLevel = "repeatable read";
 * const engine = await createEngine({ isolationLevel: level });
 * console.log(await engine.connect((conn) => conn.scalar("show transaction_isolation"))); // repeatable read
 * await engine.dispose();
 * ```
 */
export type IsolationLevel = "read uncommitted" | "read committed" | "repeatable read" | "serializable";

const LEVELS: readonly IsolationLevel[] = ["read uncommitted", "read committed", "repeatable read", "serializable"];

/**
 * How the transactions of a scope run: `engine.connect(fn, options)`,
 * `conn.begin(fn, options)`, and the first part of {@link BeginOptions}.
 *
 * `isolationLevel` defaults to the engine's (`createEngine(url, {
 * isolationLevel })`), which defaults to PostgreSQL's own, read committed.
 * `readOnly: true` makes PostgreSQL refuse every write in the transaction.
 * The statement log shows both: `BEGIN (implicit; isolation level
 * SERIALIZABLE, read only)`.
 *
 * @example
 * ```ts
 * import { createEngine, type TransactionOptions } from "pglite-lab";
 *
 * const engine = await createEngine({ echo: true });
 * const options: TransactionOptions = { isolationLevel: "repeatable read", readOnly: true };
 * const level = await engine.connect(async (conn) => (await conn.execute("show transaction_isolation")).scalar(), options);
 * // BEGIN (implicit; isolation level REPEATABLE READ, read only)
 * console.log(level); // repeatable read
 * await engine.dispose();
 * ```
 */
export interface TransactionOptions {
  /** The isolation level: `"serializable"`, `"repeatable read"`, `"read committed"` or `"read uncommitted"` (any case). */
  readonly isolationLevel?: IsolationLevel | Uppercase<IsolationLevel>;
  /** Whether the transaction may only read (`READ ONLY`); `false` asks for `READ WRITE`. Default: read write. */
  readonly readOnly?: boolean;
}

/**
 * Options of `engine.begin(fn, options)`: {@link TransactionOptions}, and
 * `retries`.
 *
 * With `retries: n`, a transaction that fails with a serialization failure
 * (SQLSTATE 40001, which `serializable` and `repeatable read` transactions
 * raise when a concurrent one got there first) or a deadlock (40P01) is rolled
 * back and the whole callback runs again, up to `n` more times, after a short
 * random pause that grows with each attempt; the statement log says so. The
 * callback must be safe to run again: do side effects outside the database
 * after `begin()` returns. Other errors are never retried.
 *
 * @example
 * ```ts
 * import { createEngine, type BeginOptions } from "pglite-lab";
 *
 * const engine = await createEngine({ echo: true });
 * const options: BeginOptions = { isolationLevel: "serializable", retries: 3 };
 * let attempts = 0;
 * await engine.begin(async (conn) => {
 *   attempts++;
 *   // A stand-in for a real conflict, which needs two sessions: fail once with SQLSTATE 40001.
 *   if (attempts === 1) await conn.execute("do $$ begin raise exception 'conflict' using errcode = '40001'; end $$");
 * }, options);
 * // retry 1 of 3: serialization failure (SQLSTATE 40001)
 * console.log(attempts); // 2
 * await engine.dispose();
 * ```
 */
export interface BeginOptions extends TransactionOptions {
  /** How many times to run the callback again after a serialization failure or deadlock. Default 0, at most 100. */
  readonly retries?: number;
}

/** {@link TransactionOptions} checked and spelt one way. */
export interface TransactionMode {
  readonly isolationLevel?: IsolationLevel;
  readonly readOnly?: boolean;
}

/** The most retries `begin()` takes: a transaction that fails more often than this has a problem that waiting will not fix. */
const MAX_RETRIES = 100;

/** Checks an isolation level given to `where`; `undefined` stays undefined. */
export function checkIsolationLevel(value: unknown, where: string): IsolationLevel | undefined {
  if (value === undefined) return undefined;
  const level = typeof value === "string" ? value.trim().toLowerCase().replace(/[\s_]+/g, " ") : undefined;
  if (level === undefined || !(LEVELS as readonly string[]).includes(level)) {
    throw new ArgumentError(
      `${where}: ${describeValue(value)} is not an isolation level of PostgreSQL. Use one of: ${LEVELS.map((l) => `"${l}"`).join(", ")}.`,
    );
  }
  return level as IsolationLevel;
}

/** Checks the options of a scope; `retries` only where `allowRetries`. */
export function checkTransactionOptions(value: unknown, where: string, allowRetries: boolean): TransactionMode & { retries: number } {
  const known = ["isolationLevel", "readOnly", "retries"];
  const options = checkOptions(value, where, known);
  if (!allowRetries && options["retries"] !== undefined) {
    throw new ArgumentError(
      `${where} does not take retries: only engine.begin() can run its callback again, because its transaction ` +
        "either commits as a whole or not at all, while a connect() scope may have committed part of its work.",
    );
  }
  const retries = options["retries"] ?? 0;
  if (typeof retries !== "number" || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new ArgumentError(`${where}: retries must be a whole number from 0 to ${MAX_RETRIES}, not ${describeValue(retries)}.`);
  }
  const readOnly = options["readOnly"];
  if (readOnly !== undefined && typeof readOnly !== "boolean") {
    throw new ArgumentError(`${where}: readOnly must be true or false, not ${describeValue(readOnly)}.`);
  }
  const isolationLevel = checkIsolationLevel(options["isolationLevel"], where);
  return { ...(isolationLevel ? { isolationLevel } : {}), ...(readOnly !== undefined ? { readOnly } : {}), retries };
}

/** Fills in the engine's isolation level where a scope gave none. */
export function withDefaults(mode: TransactionMode, defaults: TransactionMode): TransactionMode {
  return mode.isolationLevel || !defaults.isolationLevel ? mode : { ...mode, isolationLevel: defaults.isolationLevel };
}

/** The statement that starts a transaction in `mode`: `BEGIN`, or `BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY`. */
export function beginStatement(mode: TransactionMode, verb = "BEGIN"): string {
  const level = mode.isolationLevel ? ` ISOLATION LEVEL ${mode.isolationLevel.toUpperCase()}` : "";
  const access = mode.readOnly === undefined ? "" : mode.readOnly ? " READ ONLY" : " READ WRITE";
  return `${verb}${level}${access}`;
}

/** How the statement log describes `mode`: `isolation level SERIALIZABLE, read only`, or an empty string. */
export function describeMode(mode: TransactionMode): string {
  const parts: string[] = [];
  if (mode.isolationLevel) parts.push(`isolation level ${mode.isolationLevel.toUpperCase()}`);
  if (mode.readOnly !== undefined) parts.push(mode.readOnly ? "read only" : "read write");
  return parts.join(", ");
}
