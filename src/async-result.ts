/**
 * What `conn.stream()` returns: rows read through a server-side cursor, with
 * SQLAlchemy's `AsyncResult` ways of reading them.
 *
 * @module
 */
import { ArgumentError, ResultError } from "./errors.js";
import type { RowStream } from "./internal/row-stream.js";
import { checkDistinct, checkSize, checkUnambiguous, type ValueOf } from "./result.js";

type RawRow = Record<string, unknown>;
/** Makes an item of a row; `columns` are the statement's column names, in order. */
type RowMapper<Item> = (row: RawRow, columns: readonly string[]) => Item;
/** Checks a view against the statement's column names, once they are known; throws to refuse the view. */
type ColumnsCheck = (columns: readonly string[]) => void;

/**
 * A cursor of items: the rows of `conn.stream()`, or what a view of them
 * hands out (`stream.scalars()`, `stream.mappings()`, `stream.tuples()`,
 * `conn.streamScalars()`), SQLAlchemy's `AsyncScalarResult` and its siblings.
 *
 * Every read continues where the last stopped, and views share their
 * stream's cursor. Reading them all (`all()`, `fetchAll()`) holds every row
 * at once; `for await`, `fetchMany()` and `partitions()` keep memory flat.
 * Leaving early — `break` out of a `for await` over it or over
 * `partitions()`, `close()`, `first()`, `one()`, an error — closes the
 * cursor; reads after that find nothing.
 *
 * @example
 * ```ts
 * import { createEngine, type AsyncFilterResult } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.connect(async (conn) => {
 *   const ids: AsyncFilterResult<number> = conn.streamScalars<{ id: number }>("select generate_series(1, 5) as id");
 *   console.log(await ids.fetchOne());   // 1
 *   console.log(await ids.fetchMany(2)); // [ 2, 3 ]
 *   console.log(await ids.all());        // [ 4, 5 ]
 * });
 * await engine.dispose();
 * ```
 */
export class AsyncFilterResult<Item> implements AsyncGenerator<Item, void, undefined> {
  readonly #source: RowStream<RawRow>;
  readonly #batchSize: number;
  readonly #map: RowMapper<Item> | undefined;
  #check: ColumnsCheck | undefined;

  /**
   * Made by `conn.stream()` and the views of its result; not meant to be constructed directly.
   *
   * @internal
   */
  constructor(source: RowStream<RawRow>, batchSize: number, map?: RowMapper<Item>, check?: ColumnsCheck) {
    this.#source = source;
    this.#batchSize = batchSize;
    this.#map = map;
    this.#check = check;
  }

  /** Iterates over the items with `for await`; `break` closes the cursor. */
  [Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    // Plain rows: the row stream itself, so a loop over a million rows pays nothing for this wrapper.
    return this.#map ? this : (this.#source as unknown as AsyncGenerator<Item, void, undefined>);
  }

  /** The next item, in the shape of the async iterator protocol. */
  next(): Promise<IteratorResult<Item, void>> {
    const map = this.#map;
    if (!map) return this.#source.next() as Promise<IteratorResult<Item, void>>;
    return this.#source.next().then((step) => {
      this.#checkColumns();
      return step.done ? step : { value: map(step.value, this.#columns()), done: false as const };
    }).catch((err: unknown) => this.#closeAndThrow(err));
  }

  /** Closes the cursor, as `break` does, and ends the iteration. */
  async return(_value?: void): Promise<IteratorResult<Item, void>> {
    await this.#source.return();
    return { value: undefined, done: true };
  }

  /** Closes the cursor and rejects with `error`. */
  async throw(error: unknown): Promise<IteratorResult<Item, void>> {
    await this.#source.return();
    throw error;
  }

  /**
   * Closes the cursor; the rows not read are dropped. Closing twice is harmless.
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * await engine.connect(async (conn) => {
   *   const stream = conn.stream("select generate_series(1, 1000000) as n");
   *   console.log(await stream.fetchMany(2)); // [ { n: 1 }, { n: 2 } ]
   *   await stream.close();
   *   console.log(await stream.fetchOne());   // undefined
   * });
   * await engine.dispose();
   * ```
   */
  async close(): Promise<void> {
    await this.#source.return();
  }

  /** The next item, or `undefined` when none is left. */
  async fetchOne(): Promise<Item | undefined> {
    const step = await this.next();
    return step.done ? undefined : step.value;
  }

  /**
   * Up to `size` of the next items, `[]` at the end. `size` defaults to the
   * stream's `batchSize` (SQLAlchemy's `yield_per`).
   */
  async fetchMany(size?: number): Promise<Item[]> {
    const wanted = size ?? this.#batchSize;
    checkSize(wanted, "fetchMany");
    const out: Item[] = [];
    while (out.length < wanted) {
      const rows = await this.#source.take(wanted - out.length);
      try {
        this.#checkColumns();
      } catch (err) {
        return this.#closeAndThrow(err);
      }
      if (rows.length === 0) break;
      const map = this.#map;
      if (!map) {
        for (const row of rows) out.push(row as Item);
        continue;
      }
      try {
        const columns = this.#columns();
        for (const row of rows) out.push(map(row, columns));
      } catch (err) {
        return this.#closeAndThrow(err);
      }
    }
    return out;
  }

  /** Every item not yet read, at once; memory then holds them all. */
  async fetchAll(): Promise<Item[]> {
    const out: Item[] = [];
    for (let part = await this.fetchMany(); part.length > 0; part = await this.fetchMany()) {
      for (const item of part) out.push(item);
    }
    return out;
  }

  /** SQLAlchemy's name for {@link AsyncFilterResult.fetchAll}. */
  all(): Promise<Item[]> {
    return this.fetchAll();
  }

  /**
   * Iterates over the items not yet read in arrays of `size` (the last may
   * be shorter, none is empty); `size` defaults to the stream's `batchSize`.
   * One array at a time is in memory; `break` closes the cursor.
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * const sizes = await engine.connect(async (conn) => {
   *   const out: number[] = [];
   *   // 2,500 rows fetched 1,000 at a time, handed out 400 at a time
   *   for await (const part of conn.stream("select generate_series(1, 2500) as n", [], { batchSize: 1000 }).partitions(400)) out.push(part.length);
   *   return out;
   * });
   * console.log(sizes); // [ 400, 400, 400, 400, 400, 400, 100 ]
   * await engine.dispose();
   * ```
   */
  partitions(size?: number): AsyncGenerator<Item[], void, undefined> {
    const wanted = size ?? this.#batchSize;
    checkSize(wanted, "partitions");
    return this.#partitions(wanted);
  }

  /** The first item not yet read, or `undefined`; then closes the cursor, as SQLAlchemy's `first()` does. */
  async first(): Promise<Item | undefined> {
    try {
      return await this.fetchOne();
    } finally {
      await this.close();
    }
  }

  /**
   * The only item left; throws {@link ResultError} for none or more than one. Closes the cursor.
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * await engine.connect(async (conn) => {
   *   console.log(await conn.stream("select 'Ada' as name").one());                  // { name: 'Ada' }
   *   console.log(await conn.stream("select 1 as n where false").oneOrNone());      // undefined
   *   console.log(await conn.stream("select generate_series(1, 3) as n").first());  // { n: 1 }
   *   await conn.stream("select generate_series(1, 3) as n").one().catch((err) => console.log(err.message));
   *   // Expected exactly one row, but the statement returned more than one.
   * });
   * await engine.dispose();
   * ```
   */
  async one(): Promise<Item> {
    return (await this.#only(true)) as Item;
  }

  /** The only item left, or `undefined`; throws {@link ResultError} for more than one. Closes the cursor. */
  async oneOrNone(): Promise<Item | undefined> {
    return this.#only(false);
  }

  /**
   * A view of the same cursor that makes each row into an item with `map`.
   *
   * @internal
   */
  protected view<V>(map: RowMapper<V> | undefined, check?: ColumnsCheck): AsyncFilterResult<V> {
    return new AsyncFilterResult<V>(this.#source, this.#batchSize, map, check);
  }

  /**
   * The statement's column names, fetching the first batch if none has arrived.
   *
   * @internal
   */
  protected describe(): Promise<readonly string[]> {
    return this.#source.describe();
  }

  async *#partitions(size: number): AsyncGenerator<Item[], void, undefined> {
    try {
      for (let part = await this.fetchMany(size); part.length > 0; part = await this.fetchMany(size)) yield part;
    } finally {
      await this.close();
    }
  }

  async #only(required: boolean): Promise<Item | undefined> {
    try {
      const first = await this.next();
      if (first.done) {
        if (required) throw new ResultError("Expected exactly one row, but the statement returned none.");
        return undefined;
      }
      if (!(await this.next()).done) {
        throw new ResultError(`Expected ${required ? "exactly" : "at most"} one row, but the statement returned more than one.`);
      }
      return first.value;
    } finally {
      await this.close();
    }
  }

  #columns(): readonly string[] {
    return this.#source.columns ?? [];
  }

  /** Runs the view's check once, as soon as the columns are known: with the first row, or at the end of a statement that returned none. */
  #checkColumns(): void {
    const check = this.#check;
    const columns = this.#source.columns;
    if (!check || !columns) return;
    this.#check = undefined;
    check(columns);
  }

  /** A mapper that throws (a column that is not there) ends the stream: the cursor closes before the error goes on. */
  async #closeAndThrow(err: unknown): Promise<never> {
    await this.close();
    throw err;
  }
}

/**
 * What `conn.stream()` returns: the rows of a query, fetched through a
 * server-side cursor `batchSize` rows at a time, and read with `for await`
 * or SQLAlchemy's `AsyncResult` methods.
 *
 * It is a cursor: each read continues where the last stopped. `scalars()`,
 * `mappings()` and `tuples()` are views of the same cursor that hand out
 * first-column values, row objects and arrays in column order. Memory stays
 * flat unless everything is read at once (`all()`); leaving early (`break`,
 * `close()`, `first()`, `one()`, an error) closes the cursor. Use it inside
 * the scope that made it.
 *
 * @example
 * ```ts
 * import { createEngine } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.connect(async (conn) => {
 *   const stream = conn.stream<{ n: number; square: number }>("select n, n * n as square from generate_series(1, 7) as n", [], { batchSize: 3 });
 *   console.log(await stream.keys());        // [ 'n', 'square' ]
 *   console.log(await stream.fetchOne());    // { n: 1, square: 1 }
 *   const parts: number[][][] = [];
 *   for await (const part of stream.tuples().partitions(2)) parts.push(part);
 *   console.log(parts); // [ [ [ 2, 4 ], [ 3, 9 ] ], [ [ 4, 16 ], [ 5, 25 ] ], [ [ 6, 36 ], [ 7, 49 ] ] ]
 *   console.log(await conn.stream("select 42 as answer").scalar()); // 42
 * });
 * await engine.dispose();
 * ```
 */
export class AsyncResult<Row = Record<string, unknown>> extends AsyncFilterResult<Row> {
  /** The column names, in order (fetches the first batch if none has arrived; reads no row). */
  async keys(): Promise<string[]> {
    return [...(await this.describe())];
  }

  /**
   * A view of the same cursor that hands out the first column of each row,
   * or the column named `column` (SQLAlchemy's `scalars()`).
   *
   * @example
   * ```ts
   * import { createEngine } from "pglite-lab";
   *
   * const engine = await createEngine();
   * await engine.connect(async (conn) => {
   *   const stream = conn.stream<{ id: number; name: string }>("select 1 as id, 'Ada' as name union all select 2, 'Grace'");
   *   const names: string[] = await stream.scalars("name").all();
   *   console.log(names); // [ 'Ada', 'Grace' ]
   * });
   * await engine.dispose();
   * ```
   */
  scalars(): AsyncFilterResult<ValueOf<Row>>;
  scalars<K extends keyof Row & string>(column: K): AsyncFilterResult<Row[K]>;
  scalars(column?: string): AsyncFilterResult<unknown> {
    let checked = false;
    return this.view(
      (row, columns) => {
        const name = column ?? columns[0];
        if (name === undefined) return undefined;
        // Only where a value is handed out: a row of a statement with two columns of this name kept the last.
        if (!checked) checkUnambiguous(columns, name, "scalars");
        checked = true;
        return row[name];
      },
      (columns) => {
        if (column !== undefined && !columns.includes(column)) {
          const known = columns.length > 0 ? `its columns are ${columns.map((c) => `"${c}"`).join(", ")}` : "it returns no columns";
          throw new ArgumentError(`scalars(): the statement has no column ${typeof column === "string" ? `"${column}"` : String(column)}; ${known}.`);
        }
      },
    );
  }

  /** A view of the same cursor that hands out each row as an object keyed by column name: the rows themselves. */
  mappings(): AsyncFilterResult<Row> {
    return this.view<Row>(undefined);
  }

  /**
   * A view of the same cursor that hands out each row as an array of its
   * values in column order. Refuses (with a {@link ResultError}) a statement
   * with two columns of one name, of which a row keeps only the last.
   */
  tuples(): AsyncFilterResult<Array<ValueOf<Row>>> {
    return this.view((row, columns) => columns.map((c) => row[c]) as Array<ValueOf<Row>>, checkDistinct);
  }

  /** The first column of the next row, or `undefined`; then closes the cursor. */
  scalar(): Promise<ValueOf<Row> | undefined> {
    return this.scalars().first();
  }

  /** The first column of the only row left; throws {@link ResultError} for none or more than one. Closes the cursor. */
  scalarOne(): Promise<ValueOf<Row>> {
    return this.scalars().one();
  }

  /** The first column of the only row left, or `undefined`; throws {@link ResultError} for more than one. Closes the cursor. */
  scalarOneOrNone(): Promise<ValueOf<Row> | undefined> {
    return this.scalars().oneOrNone();
  }
}

// `await using stream = conn.stream(…)` closes the cursor too, where the runtime knows Symbol.asyncDispose.
const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
if (asyncDispose) {
  Object.defineProperty(AsyncFilterResult.prototype, asyncDispose, {
    value(this: AsyncFilterResult<unknown>): Promise<void> {
      return this.close();
    },
  });
}
