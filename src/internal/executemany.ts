/**
 * `executeMany`: `conn.execute(table.insert(), rows)`, any number of rows, all or nothing.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { Result } from "../result.js";
import type { Insert, InsertBudget } from "../schema/insert.js";
import { planInsert, type InsertStatement } from "../schema/insert-plan.js";
import type { AnyTable } from "../schema/table.js";
import { locateRefusedValue } from "./refused-value.js";
import type { ScopeSession } from "./scope-session.js";

let savepointCounter = 0;

/**
 * Checks the rows against the table before anything is sent, then inserts
 * them in as few statements as the budget allows; several statements share
 * a savepoint, so that a failure part-way leaves no rows.
 */
export async function executeMany(scope: ScopeSession, insert: Insert<AnyTable, unknown>, rows: unknown, budget: InsertBudget): Promise<Result<any>> {
  scope.assertOpen();
  const table = insert.table;
  if (rows === undefined) {
    throw new ArgumentError(`${table.name}.insert() needs rows: conn.execute(${table.name}.insert(), [{ … }, …]).`);
  }
  const list = (Array.isArray(rows) ? rows : [rows]) as Record<string, unknown>[];
  // Checks every row and value before anything is sent, the BEGIN included.
  const plan = planInsert(insert, list, budget);
  const columns = insert.returningColumns ?? [];
  if (list.length === 0) return new Result<any>([], columns, 0, "INSERT");
  await scope.ensure();

  const first = plan.next();
  const second = plan.next();
  // One statement is atomic by itself; several get a savepoint so a failure part-way leaves no rows.
  const savepoint = second.done ? undefined : `pglite_lab_many_${++savepointCounter}`;
  const returned: Record<string, unknown>[] = [];
  let count = 0;
  if (savepoint) await scope.run(`SAVEPOINT ${savepoint}`, []);
  const peeked = [first, second].flatMap((step) => (step.done ? [] : [step.value]));
  const note = `No rows were inserted into "${table.name}".`;
  try {
    for (const statements of [peeked, plan]) {
      for (const step of statements) {
        const result = await scope.run(step.sql, step.parameters, { log: () => logMany(scope, step), note, rows: step.rows });
        count += result.rowCount;
        if (columns.length > 0) for (const row of result.rows) returned.push(row);
      }
    }
  } catch (err) {
    if (savepoint && !scope.closed) await scope.quietly(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
    throw locateRefusedValue(err, table, list, note);
  }
  if (savepoint) await scope.run(`RELEASE SAVEPOINT ${savepoint}`, []);
  return new Result(returned, columns, count, "INSERT");
}

function logMany(scope: ScopeSession, statement: InsertStatement): void {
  scope.echo.many(statement.sql, statement.rows, statement.columns, statement.note);
}
