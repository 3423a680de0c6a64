/**
 * The rows of a cursor one at a time, read from its batches.
 *
 * What an `async function*` that loops over each batch and yields every row
 * does, without its cost per row: each yield of an async generator settles
 * several promises, and with an `AsyncLocalStorage` in use (the engine's
 * nested-scope check) each promise also runs Node's async hooks. For 1M rows
 * that was 0.3–0.4 s against 0.13 s for this iterator, which settles one
 * already-resolved promise per row and awaits only when a batch runs out.
 *
 * @module
 */

export class RowStream<T> implements AsyncGenerator<T, void, undefined> {
  readonly #batches: AsyncGenerator<readonly T[], void, undefined>;
  readonly #check: () => void;
  #rows: readonly T[] = [];
  #index = 0;
  #done = false;
  /** The batch being fetched: calls made meanwhile wait for it, as an async generator queues them. */
  #fetching: Promise<unknown> | undefined;

  /**
   * `batches` yields the cursor's batches and closes the cursor in its
   * `finally`; `check` runs before each row is handed out and throws to end
   * the stream (a scope that has ended).
   */
  constructor(batches: AsyncGenerator<readonly T[], void, undefined>, check: () => void) {
    this.#batches = batches;
    this.#check = check;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.#fetching) return this.#after(() => this.next());
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    try {
      this.#check();
    } catch (err) {
      return this.#finish().then(() => Promise.reject(err));
    }
    if (this.#index < this.#rows.length) return Promise.resolve({ value: this.#rows[this.#index++] as T, done: false });
    const fetching = this.#fetch();
    this.#fetching = fetching;
    return fetching.finally(() => {
      if (this.#fetching === fetching) this.#fetching = undefined;
    });
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

  async #fetch(): Promise<IteratorResult<T, void>> {
    for (;;) {
      let next: IteratorResult<readonly T[], void>;
      try {
        next = await this.#batches.next();
      } catch (err) {
        this.#done = true; // the batch generator has already closed the cursor on its way out
        throw err;
      }
      if (next.done) {
        this.#done = true;
        return { value: undefined, done: true };
      }
      if (next.value.length > 0) {
        this.#rows = next.value;
        this.#index = 1;
        return { value: next.value[0] as T, done: false };
      }
    }
  }

  #after(then: () => Promise<IteratorResult<T, void>>): Promise<IteratorResult<T, void>> {
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
