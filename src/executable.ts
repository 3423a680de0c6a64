/**
 * `Executable`: what `conn.execute()` runs, and the check of what may follow it.
 *
 * @module
 */
import type { Compilable, RawBuilder } from "kysely";
import { ArgumentError, ScopeError } from "./errors.js";
import { describeValue, isPlainObject } from "./internal/options.js";
import { scriptStatements, statementStartingWith } from "./internal/statement-limits.js";
import { isInsert } from "./schema/insert.js";

/**
 * A statement `conn.execute()` runs (besides `table.insert()` with rows).
 *
 * Any Kysely query (`table.select()`, `conn.db.selectFrom(…)`), the `sql`
 * template, or an SQL string with `$1 …` parameters; `O` is the row type.
 * `conn.execute()` has one overload per kind, so a helper that takes an
 * `Executable` narrows it before the call.
 *
 * @example
 * ```ts
 * import { createEngine, sql, type Connection, type Executable } from "pglite-lab";
 *
 * type Row = { n: number };
 * const run = (conn: Connection, statement: Executable<Row>) =>
 *   typeof statement === "string" ? conn.execute<Row>(statement) : conn.execute(statement);
 *
 * const engine = await createEngine();
 * const values = await engine.connect(async (conn) => [
 *   (await run(conn, "select 1 as n")).scalar(),
 *   (await run(conn, sql<Row>`select 2 as n`)).scalar(),
 * ]);
 * console.log(values); // [ 1, 2 ]
 * await engine.dispose();
 * ```
 */
export type Executable<O> = Compilable<O> | RawBuilder<O> | string;

/** Whether `value` compiles to SQL: a Kysely query or an `sql` template. */
export function isCompilable(value: unknown): value is Compilable<unknown> {
  return value !== null && typeof value === "object" && typeof (value as Compilable<unknown>).compile === "function";
}

/** A statement as messages name it: `a Kysely query (UpdateQueryBuilder)`. */
export function describeStatement(statement: unknown): string {
  if (isInsert(statement)) return String(statement);
  if (isCompilable(statement)) return `a Kysely query (${(statement as object).constructor?.name ?? "Object"})`;
  return describeValue(statement);
}

/**
 * The bind parameters that follow a statement in `where` (`conn.execute()`):
 * an array for an SQL string, nothing for a query, which carries its own
 * values. Anything else is refused before anything runs.
 */
export function checkParameters(statement: unknown, extra: unknown, where: string): readonly unknown[] {
  if (typeof statement === "string") {
    if (extra === undefined) return [];
    if (Array.isArray(extra)) return extra;
    const hint = isPlainObject(extra) ? " Options such as { batchSize } belong to conn.stream()." : "";
    throw new ArgumentError(
      `${where}: the parameters of an SQL string must be an array, as in ${where.slice(0, -2)}("select $1::int", [42]); ` +
        `got ${describeValue(extra)}.${hint} Nothing was run.`,
    );
  }
  if (extra !== undefined) {
    throw new ArgumentError(
      `${where} got ${describeValue(extra)} after ${describeStatement(statement)}, which carries its own values: ` +
        "only table.insert() takes rows, and only an SQL string takes parameters. Nothing was run.",
    );
  }
  return [];
}

/**
 * A statement that starts or ends a transaction, after any leading comments:
 * `BEGIN`, `START TRANSACTION`, `COMMIT`, `END`, `ROLLBACK` (not `ROLLBACK TO`
 * a savepoint), `ABORT`, `PREPARE TRANSACTION`.
 */
const TRANSACTION_CONTROL = statementStartingWith("(begin|start\\s+transaction|commit|end|rollback|abort|prepare\\s+transaction)\\b(?!\\s+to\\b)");

/**
 * The transaction-control statements of `sql`, one verb each (`begin`,
 * `start transaction`, `commit`, `end`, `rollback`, `abort`,
 * `prepare transaction`), in order, for every statement of a script.
 */
export function transactionVerbs(sql: string): string[] {
  const verbs: string[] = [];
  // SQL that is not text is refused where the statement is sent, naming what it is.
  if (typeof sql !== "string") return verbs;
  for (const statement of scriptStatements(sql)) {
    const verb = TRANSACTION_CONTROL.exec(statement)?.[1];
    if (verb !== undefined) verbs.push(verb.toLowerCase().replace(/\s+/g, " "));
  }
  return verbs;
}

/**
 * Refuses SQL that would start or end the scope's transaction behind its
 * back (`conn.execute("COMMIT")`): the statements after it would run outside
 * any transaction, each committed at once, where no later error or rollback
 * could undo them. `where` is the call (`conn.execute()`), `mode` the scope's kind.
 */
export function checkTransactionControl(sql: string, where: string, mode: "begin" | "connect"): void {
  const verb = transactionVerbs(sql)[0];
  if (verb === undefined) return;
  const scope = mode === "begin" ? "engine.begin()" : "engine.connect()";
  let why: string;
  let instead: string;
  if (verb === "begin" || verb === "start transaction") {
    why = "the scope opens its transaction itself, so PostgreSQL would only warn that one is in progress";
    instead =
      mode === "begin"
        ? "Use conn.beginNested() for a savepoint, and engine.begin(fn, { isolationLevel, readOnly }) to set the transaction's mode."
        : "Use conn.begin(fn, { isolationLevel, readOnly }) for a block with its own mode, or conn.beginNested() for a savepoint.";
  } else {
    why = "the scope would lose track of its transaction, and what ran after it would be committed at once, beyond the reach of a rollback";
    const commit = verb === "commit" || verb === "end";
    instead =
      verb === "prepare transaction"
        ? "Two-phase commit is not available inside a scope."
        : mode === "begin"
          ? "engine.begin() commits when its callback returns and rolls back when it throws; use engine.connect() to end transactions yourself."
          : `Use conn.${commit ? "commit" : "rollback"}(), after which the scope begins the next transaction by itself.`;
  }
  throw new ScopeError(`${where} was given ${verb.toUpperCase()} inside ${scope}: ${why}. ${instead} Nothing was run.`);
}

/**
 * Refuses raw transaction control sent through `engine.kysely` where it would
 * break what Kysely keeps track of: any, inside a transaction Kysely began (or
 * a stream's own); outside one, SQL that leaves a transaction open on the
 * session that the engine hands to the next query or scope
 * (`BEGIN; … COMMIT;` in one script is fine).
 */
export function checkKyselyTransactionControl(sql: string, inTransaction: boolean): void {
  const verbs = transactionVerbs(sql);
  if (verbs.length === 0) return;
  if (inTransaction) {
    throw new ScopeError(
      `engine.kysely was given ${verbs[0]!.toUpperCase()} inside a Kysely transaction (db.transaction(), db.startTransaction(), or a stream's own): ` +
        "Kysely would lose track of its transaction, and what ran after it would be committed at once, beyond the reach of a rollback. " +
        "End it with the transaction's own calls: return from or throw in db.transaction()'s callback, or trx.commit() / trx.rollback(). Nothing was run.",
    );
  }
  const last = verbs[verbs.length - 1]!;
  if (last === "begin" || last === "start transaction") {
    throw new ScopeError(
      `engine.kysely was given ${last.toUpperCase()} without a COMMIT or ROLLBACK after it: the transaction would stay open on the engine's session ` +
        "once the query returns, and the next query or scope would run inside it, where one rollback undoes both. " +
        "Use db.transaction().execute(…) or db.startTransaction(), or send BEGIN … COMMIT together as one script. Nothing was run.",
    );
  }
}

