/**
 * The bench's table and rows, the same for every contender
 * (`emps(id serial primary key, name text not null, city text)`, as in PEERS.md).
 *
 * @module
 */
import { RssSampler } from "./memory.js";

export const CREATE_EMPS = "CREATE TABLE emps (id serial PRIMARY KEY, name text NOT NULL, city text)";
export const DROP_EMPS = "DROP TABLE IF EXISTS emps";

/** Row i (1-based) of every insert workload; {@link FILL_EMPS} makes the same rows in the database. */
export function makeRows(count: number): { name: string; city: string }[] {
  const rows = new Array<{ name: string; city: string }>(count);
  for (let i = 0; i < count; i++) rows[i] = { name: `emp ${i + 1}`, city: `city ${(i + 1) % 100}` };
  return rows;
}

/** The in-database floor: the same rows generated inside PostgreSQL; `$1` is the row count. */
export const FILL_EMPS =
  "INSERT INTO emps (name, city) SELECT 'emp ' || i, 'city ' || (i % 100) FROM generate_series(1, $1::int) AS i";

/** A cheap check that every row arrived, run after the timed part. */
export const COUNT_EMPS = "SELECT count(*)::int AS n, count(DISTINCT name)::int AS names, max(id) AS top FROM emps";

/** Throws unless the table holds exactly `expected` distinct rows. */
export function checkCount(row: { n: number; names: number } | undefined, expected: number): void {
  if (!row || row.n !== expected || row.names !== expected) {
    throw new Error(`expected ${expected} rows in emps, found ${row?.n ?? "none"} (${row?.names ?? 0} distinct names)`);
  }
}

/**
 * What every stream consumer does with a row, so that no contender skips
 * touching it; it also samples RSS every 1024 rows. Make it just before the
 * timed part: its RSS baseline is taken then.
 */
export class RowSink {
  count = 0;
  #sum = 0;
  readonly #sampler = new RssSampler();

  take(row: { id?: unknown; name?: unknown }): void {
    this.count++;
    this.#sum += (row.id as number) + (row.name as string).length;
    if ((this.count & 1023) === 0) this.#sampler.tick();
  }

  /** Stops sampling; returns the RSS growth in MB. */
  stop(): number {
    return this.#sampler.stop();
  }

  check(expected: number): void {
    if (this.count !== expected) throw new Error(`expected ${expected} rows from the stream, got ${this.count}`);
    if (!(this.#sum > 0)) throw new Error("the streamed rows had no ids");
  }
}

/**
 * The stream written by hand, as a driver's docs would have it: DECLARE a
 * cursor, then FETCH `batch` rows at a time until a batch comes back short.
 * `query` must run inside a transaction the caller opens and ends.
 */
export async function fetchLoop(
  query: (sql: string) => Promise<{ rows: { id?: unknown; name?: unknown }[] }>,
  batch: number,
  sink: RowSink,
): Promise<void> {
  await query("DECLARE emps_cursor NO SCROLL CURSOR FOR SELECT * FROM emps");
  for (;;) {
    const { rows } = await query(`FETCH FORWARD ${batch} FROM emps_cursor`);
    for (const row of rows) sink.take(row);
    if (rows.length < batch) break;
  }
}
