/**
 * `cursorBatches`: the one loop that reads a server-side cursor for a stream, on either backend.
 *
 * @module
 */
import type { Echo } from "../echo.js";
import { failedStatement } from "../errors.js";
import type { CursorBatch } from "../backends/backend.js";
import type { SessionLease } from "./session-lease.js";

/**
 * A turn of the event loop. PGlite answers a fetch without ever leaving the
 * microtask queue, so a stream that is consumed as fast as it is read would
 * keep timers and signal handlers (a notebook's interrupt) waiting until its
 * last row; one macrotask per batch lets them in. Its cost did not show in
 * measurement (a batch of one row on a server: 55 µs of CPU with it, the same
 * within the noise without it).
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Yields a query's rows `batchSize` at a time (the first batch even when it
 * is empty, for its column names; `echo: "debug"` logs the first rows) through the lease's cursor
 * (which must already be inside a transaction). `check` runs after each
 * batch and throws to stop the stream (a scope that has ended). Leaving
 * early (return, throw, an error) closes the cursor, unless the lease has
 * been revoked: its rollback closes the cursor then.
 */
export async function* cursorBatches(
  lease: SessionLease,
  echo: Echo,
  sql: string,
  parameters: readonly unknown[],
  batchSize: number,
  check: () => void,
): AsyncGenerator<CursorBatch, void, undefined> {
  echo.statement(sql, parameters);
  lease.countStatement();
  const cursor = lease.cursor(sql, parameters, batchSize);
  const rowLog = echo.rowLog();
  try {
    for (;;) {
      let next: IteratorResult<CursorBatch, void>;
      await nextTurn();
      if (lease.revoked) throw lease.revoked;
      try {
        next = await cursor.next();
      } catch (err) {
        throw err === lease.revoked ? err : failedStatement(err, sql, parameters);
      }
      if (next.done) return;
      rowLog.batch(next.value.fields, next.value.rows);
      yield next.value;
      check();
    }
  } finally {
    rowLog.end();
    await cursor.return();
  }
}
