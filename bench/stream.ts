/**
 * The stream workloads' measuring, one for every contender on both kinds of
 * database: a sink that touches each row and samples RSS, the timed loop
 * around it, and the loops that more than one contender runs.
 *
 * @module
 */
import type { Kysely } from "kysely";
import type { Engine } from "../src/index.js";
import { RssSampler, startClock } from "./memory.js";
import { emps, type BenchDatabase } from "./schema.js";
import type { Measure } from "./task.js";

/** The part of a row every consumer reads. */
type Row = { id?: unknown; name?: unknown };

/**
 * What every stream consumer does with a row, so that no contender skips
 * touching it; it also samples RSS every 1024 rows. Make it just before the
 * timed part: its RSS baseline is taken then.
 */
export class RowSink {
  count = 0;
  #sum = 0;
  readonly #sampler = new RssSampler();

  take(row: Row): void {
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
 * Times one stream: `consume` must hand every row to the sink it is given.
 * Returns the time and the RSS growth, once it has checked that `expected`
 * rows arrived.
 */
export async function timeStream(expected: number, consume: (sink: RowSink) => Promise<unknown>): Promise<Measure> {
  const sink = new RowSink();
  const clock = startClock();
  await consume(sink);
  const time = clock();
  const rssGrowthMb = sink.stop();
  sink.check(expected);
  return { ...time, rssGrowthMb };
}

/** Every row of `rows` into `sink`, with `for await`, as a user of an async iterable writes it. */
export async function drain(rows: AsyncIterable<Row>, sink: RowSink): Promise<void> {
  for await (const row of rows) sink.take(row);
}

/**
 * pglite-lab's stream of the whole table in one `connect()` scope, on either
 * engine; `batchSize` 0 is the library's default, which the stream workload measures.
 */
export function labStream(engine: Engine, batchSize: number, expected: number): Promise<Measure> {
  const options = batchSize > 0 ? { batchSize } : undefined;
  return timeStream(expected, (sink) => engine.connect((conn) => drain(conn.stream(emps.select(), options), sink)));
}

/** Kysely's stream of the whole table, 1000 rows a chunk, with either dialect. */
export function kyselyStream(db: Kysely<BenchDatabase>, expected: number): Promise<Measure> {
  return timeStream(expected, (sink) => drain(db.selectFrom("emps").selectAll().stream(1000), sink));
}

/**
 * The stream written by hand, as a driver's docs would have it: DECLARE a
 * cursor, then FETCH `batch` rows at a time until a batch comes back short.
 * `query` must run inside a transaction the caller opens and ends.
 */
export async function fetchLoop(query: (sql: string) => Promise<{ rows: Row[] }>, batch: number, sink: RowSink): Promise<void> {
  await query("DECLARE emps_cursor NO SCROLL CURSOR FOR SELECT * FROM emps");
  for (;;) {
    const { rows } = await query(`FETCH FORWARD ${batch} FROM emps_cursor`);
    for (const row of rows) sink.take(row);
    if (rows.length < batch) break;
  }
}
