/**
 * The cursor loop both backends share: a statement bound into a named portal
 * of the wire protocol, read `batchSize` rows per Execute.
 *
 * Why a portal and not `DECLARE … CURSOR` / `FETCH`: DECLARE takes only
 * SELECT and VALUES, so `INSERT … RETURNING`, data-modifying `WITH` and
 * row-returning utility statements (SHOW, EXPLAIN) could not stream; and
 * every FETCH is one more statement to parse and run. A portal takes any
 * statement the extended protocol can run; PostgreSQL reads a query's rows
 * off the portal as they are asked for, and runs a statement with side
 * effects (RETURNING, a data-modifying WITH, a utility) to completion at the
 * first Execute, keeping its rows in a tuplestore on the database side,
 * from which the batches are then read. So the writes of a RETURNING
 * statement are all done, in the scope's transaction, once the first row
 * arrives, whether or not the loop reads to the end.
 *
 * Every batch ends with Sync, so the session is free between batches: other
 * statements of the same scope run there, each through the unnamed statement
 * and portal, while the named portal lives on until it is closed or its
 * transaction ends. (A portal read with Flush, as pg-cursor does, holds the
 * connection until the portal is done, so a write inside the loop, or the
 * scope's own COMMIT, would wait forever.)
 *
 * A Sync per batch costs little: on a server, a batch of one row through the
 * whole stack took 55 µs of CPU against 46 µs for pg-cursor's Execute and
 * Flush, which at the default 5000 rows a batch is lost in the rows' own cost
 * (bench/README.md). Batches are not read ahead either: a batch fetched
 * while the loop still works on the one before would, if the statement
 * failed in it, abort the transaction under the loop's own statements, which
 * would then fail with "current transaction is aborted" instead of the
 * stream failing with the cause.
 *
 * Each backend supplies the three protocol steps ({@link PortalSteps}); the
 * loop names the portal, checks the batch size, and closes the portal
 * whichever way the loop ends.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import type { CursorBatch } from "./backend.js";
import type { RowBuilder } from "./row-builder.js";

/**
 * The most rows one Execute can ask for: the protocol's row limit is a
 * 32-bit integer, and 0 there would mean "all rows", so neither may reach it.
 */
export const MAX_BATCH_SIZE = 2 ** 31 - 1;

/** What one Execute returned. */
export interface PortalBatch {
  readonly rows: Record<string, unknown>[];
  /** Whether the portal has more rows (PortalSuspended), or is done (CommandComplete). */
  readonly more: boolean;
}

/** The protocol steps a backend supplies for {@link portalCursor}. */
export interface PortalSteps {
  /**
   * Parse `sql`, bind it with `parameters` into the portal named `portal`,
   * Execute it for at most `batchSize` rows, Sync. `columns` reads its rows
   * (undefined for a statement that returns none).
   */
  open(portal: string, sql: string, parameters: readonly unknown[], batchSize: number): Promise<PortalBatch & { readonly columns: RowBuilder | undefined }>;
  /** Execute the open portal for at most `batchSize` more rows, Sync. */
  execute(portal: string, batchSize: number, columns: RowBuilder | undefined): Promise<PortalBatch>;
  /** Close the portal, Sync; closing one that is already gone is not an error. */
  close(portal: string): Promise<void>;
}

let portalCounter = 0;

/** Throws an ArgumentError unless `batchSize` is a whole number of rows one Execute can ask for. */
export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new ArgumentError(`batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}, not ${String(batchSize)}.`);
  }
}

/**
 * The rows of `sql` in batches of at most `batchSize`, through a named
 * portal; must run inside a transaction block, which the portal lives in.
 * Checks `batchSize` at the call; closing the generator closes the portal.
 * The first batch comes even when it is empty, for its column names.
 */
export function portalCursor(
  steps: PortalSteps,
  sql: string,
  parameters: readonly unknown[],
  batchSize: number,
): AsyncGenerator<CursorBatch, void, undefined> {
  checkBatchSize(batchSize);
  return readPortal(steps, `pglite_lab_portal_${++portalCounter}`, sql, parameters, batchSize);
}

async function* readPortal(
  steps: PortalSteps,
  portal: string,
  sql: string,
  parameters: readonly unknown[],
  batchSize: number,
): AsyncGenerator<CursorBatch, void, undefined> {
  try {
    const first = await steps.open(portal, sql, parameters, batchSize);
    const columns = first.columns;
    const fields = columns ? columns.columns.map((column) => column.name) : [];
    let batch: PortalBatch = first;
    for (;;) {
      if (batch.rows.length > 0 || batch === first) yield { rows: batch.rows, fields };
      if (!batch.more) return;
      try {
        batch = await steps.execute(portal, batchSize, columns);
      } catch (err) {
        throw explainGone(err);
      }
    }
  } finally {
    // Fails harmlessly, or is a no-op, when the transaction was aborted or has ended: the portal went with it.
    await steps.close(portal).catch(() => undefined);
  }
}

/** A portal that vanished between batches: its transaction ended (a COMMIT or ROLLBACK ran inside the loop). */
function explainGone(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== "34000") return err; // invalid_cursor_name
  const gone = new Error(
    "The stream's portal is gone: the transaction it was opened in ended (a COMMIT or ROLLBACK ran) before the stream was read to its end.",
    { cause: err },
  );
  return Object.assign(gone, { code });
}
