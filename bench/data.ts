/**
 * The bench's table and rows, the same for every contender
 * (`emps(id serial primary key, name text not null, city text)`, as in PEERS.md).
 *
 * @module
 */
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
