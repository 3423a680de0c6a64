/**
 * The rows of a cursor one at a time, read from its batches.
 *
 * What an `async function*` that loops over each batch and yields every row
 * does, without its cost per row: each yield of an async generator settles
 * several promises, and with an `AsyncLocalStorage` in use (the engine's
 * nested-scope check) each promise also runs Node's async hooks. For 1M rows
 * that was 0.3–0.4 s against 0.13 s for this iterator, which settles one
 * already-resolved promise per row and awaits only when a batch runs out.
 * `take(n)` hands out slices of the batch at hand, for `fetchMany()` and
 * `partitions()`. Either way the stream lets go of a row as it hands it out,
 * so that the batch holds only the rows still to come.
 *
 * @module
 */

/**
 * One batch as the cursor yields it: rows, and the column names in order.
 * The stream takes the array over: it empties each slot as it hands the row out.
 */
export interface RowBatch<T> {
  readonly rows: T[];
  readonly fields: readonly string[];
}

export class RowStream<T> implements AsyncGenerator<T, void, undefined> {
  readonly #batches: AsyncGenerator<RowBatch<T>, void, undefined>;
  readonly #check: () => void;
  /** The batch at hand; each slot is emptied as its row goes out (`#handOut`). */
  #rows: (T | undefined)[] = [];
  #index = 0;
  #done = false;
  #columns: readonly string[] | undefined;
  /** The batch being fetched: calls made meanwhile wait for it, as an async generator queues them. */
  #fetching: Promise<unknown> | undefined;

  /**
   * `batches` yields the cursor's batches and closes the cursor in its
   * `finally`; `check` runs before each row is handed out and throws to end
   * the stream (a scope that has ended).
   */
  constructor(batches: AsyncGenerator<RowBatch<T>, void, undefined>, check: () => void) {
    this.#batches = batches;
    this.#check = check;
  }

  /** The column names, once the first batch has arrived (always before the first row is handed out). */
  get columns(): readonly string[] | undefined {
    return this.#columns;
  }

  /** Whether the stream has ended: every row read, or closed early. */
  get done(): boolean {
    return this.#done;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, void>> {
    // The common case, a row at hand, without the closures below: this runs once per row.
    if (this.#index < this.#rows.length && !this.#fetching && !this.#done) {
      try {
        this.#check();
      } catch (err) {
        return this.#finish().then(() => Promise.reject(err));
      }
      return Promise.resolve({ value: this.#handOut(), done: false });
    }
    return this.#read<IteratorResult<T, void>>(
      () => ({ value: this.#handOut(), done: false }),
      () => ({ value: undefined, done: true }),
    );
  }

  /** Up to `max` of the next rows (`max` ≥ 1), at most what is left of the batch at hand; `[]` at the end. */
  take(max: number): Promise<T[]> {
    return this.#read(
      () => {
        const rows = this.#rows.slice(this.#index, this.#index + max) as T[];
        this.#rows.fill(undefined, this.#index, this.#index + rows.length);
        this.#index += rows.length;
        return rows;
      },
      () => [],
    );
  }

  /** The column names, fetching the first batch if none has arrived; `[]` if the stream ended before any did. */
  describe(): Promise<readonly string[]> {
    if (this.#columns || this.#done) return Promise.resolve(this.#columns ?? []);
    if (this.#fetching) return this.#after(() => this.describe());
    return this.#refilling(() => this.#columns ?? []);
  }

  /** Ends the stream early (what `break` in a `for await` calls): closes the cursor. */
  return(): Promise<IteratorResult<T, void>> {
    if (this.#fetching) return this.#after(() => this.return());
    return this.#finish().then(() => ({ value: undefined, done: true }));
  }

  /** Ends the stream with an error: closes the cursor, then rejects with `error`. */
  throw(error: unknown): Promise<IteratorResult<T, void>> {
    if (this.#fetching) return this.#after(() => this.throw(error));
    return this.#finish().then(() => Promise.reject(error));
  }

  /**
   * The next row of the batch at hand, its slot emptied: the batch no longer
   * keeps a row alive once the caller has it, so a row the caller drops dies
   * in V8's young generation instead of being copied by every scavenge that
   * happens while the rest of its batch is read (and, in a large batch,
   * promoted to the old generation, which RSS then shows).
   */
  #handOut(): T {
    const index = this.#index++;
    const row = this.#rows[index] as T;
    this.#rows[index] = undefined;
    return row;
  }

  /** Reads from the batch at hand with `hit`, fetching the next batch first when it has run out; `end` once none is left. */
  #read<R>(hit: () => R, end: () => R): Promise<R> {
    if (this.#fetching) return this.#after(() => this.#read(hit, end));
    if (this.#done) return Promise.resolve(end());
    try {
      this.#check();
    } catch (err) {
      return this.#finish().then(() => Promise.reject(err));
    }
    if (this.#index < this.#rows.length) return Promise.resolve(hit());
    return this.#refilling((more) => (more ? hit() : end()));
  }

  /**
   * Fetches the next non-empty batch and reads it with `then`; calls made
   * meanwhile wait until `then` has read, so that rows go out in call order.
   */
  #refilling<R>(then: (more: boolean) => R): Promise<R> {
    const fetching = this.#refill().then(then);
    this.#fetching = fetching;
    return fetching.finally(() => {
      if (this.#fetching === fetching) this.#fetching = undefined;
    });
  }

  async #refill(): Promise<boolean> {
    for (;;) {
      let next: IteratorResult<RowBatch<T>, void>;
      try {
        next = await this.#batches.next();
      } catch (err) {
        this.#done = true; // the batch generator has already closed the cursor on its way out
        this.#rows = [];
        throw err;
      }
      if (next.done) {
        this.#done = true;
        this.#rows = [];
        return false;
      }
      this.#columns ??= next.value.fields;
      if (next.value.rows.length > 0) {
        this.#rows = next.value.rows;
        this.#index = 0;
        return true;
      }
    }
  }

  #after<R>(then: () => Promise<R>): Promise<R> {
    return (this.#fetching as Promise<unknown>).then(then, then);
  }

  async #finish(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#rows = [];
    await this.#batches.return(undefined);
  }
}

// `await using stream = conn.stream(…)` closes the cursor too, where the runtime knows Symbol.asyncDispose.
const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
if (asyncDispose) {
  Object.defineProperty(RowStream.prototype, asyncDispose, {
    value(this: RowStream<unknown>): Promise<void> {
      return this.return().then(() => undefined);
    },
  });
}
