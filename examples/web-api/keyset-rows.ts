/**
 * Every row of a table, read in keyset pages: each page in a short scope of
 * its own, none open while the rows wait for a slow reader.
 *
 * @module
 */
import type { Connection, Engine } from "pglite-lab";

/**
 * The rows that `page` returns, page after page, as one async iterable.
 * `page(conn, last, limit)` reads the next `limit` rows after `last` (the
 * previous page's last row; `undefined` for the first page) in key order,
 * typically `where id > last.id order by id limit …`, which the primary key's
 * index answers without reading the rows before it.
 *
 * Each page runs in an `engine.connect()` scope that ends before its rows are
 * handed out, so however slowly they are consumed (a client reading an
 * HTTP export at its own pace, or not at all), no scope waits for it and other
 * requests run between pages. A reader that stops early (`break`, a
 * cancelled body) leaves nothing open. The price: each page sees the table
 * as it is when that page is read, so rows added during the read appear if
 * their keys come after the current page, and no row appears twice.
 *
 * @example
 * ```ts
 * const rows = keysetRows(engine, 1000, (conn, last, limit) =>
 *   conn.execute(employees.select().where("id", ">", last?.id ?? 0).orderBy("id").limit(limit)).then((r) => r.rows));
 * for await (const row of rows) console.log(row);
 * ```
 */
export async function* keysetRows<DB, R>(
  engine: Engine<DB>,
  pageRows: number,
  page: (conn: Connection<DB>, last: R | undefined, limit: number) => Promise<readonly R[]>,
): AsyncGenerator<R, void, undefined> {
  let last: R | undefined;
  for (;;) {
    const rows = await engine.connect((conn) => page(conn, last, pageRows));
    yield* rows;
    if (rows.length < pageRows) return;
    last = rows[rows.length - 1];
  }
}
