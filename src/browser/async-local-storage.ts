/**
 * `AsyncLocalStorage` for the browser build: what `node:async_hooks` gives the
 * engine in Node, rebuilt on V8's async stack traces.
 *
 * The engine needs one answer from it: "is this call running inside a scope
 * callback of this engine?", asked when a scope starts, so that a nested
 * `engine.begin()` fails with a ScopeError instead of waiting for itself
 * forever. Browsers have no AsyncLocalStorage, and no AsyncContext yet
 * (Chromium 156 ships none). What V8 does have is async stack traces:
 * `new Error().stack` lists the async functions that are awaiting the current
 * one, however many turns of the event loop ago they started. So `run()`
 * calls its callback through a function with a unique name and awaits the
 * callback's promise in an async function of the same name; `getStore()`
 * reads the stack and returns the store of the innermost such frame.
 *
 * That follows `await` chains (and `Promise.all`), which is how scope
 * callbacks are written. It does not follow `.then()` callbacks or timers
 * (Node's does): there `getStore()` returns undefined, and a nested scope
 * waits instead of failing, as it would without the check. Engines without
 * async stack traces (other than V8) see only the synchronous part.
 *
 * @module
 */

/** Frames named `<PREFIX><storage id>_<run id>` mark the runs; the stack is searched for them. */
const PREFIX = "__pgliteLabAsyncStore_";
const FRAME = new RegExp(`${PREFIX}(\\d+)_(\\d+)`, "g");

/** The stores of the runs still in progress, by run name. */
const running = new Map<string, unknown>();
let storages = 0;
let runs = 0;

type Callback<R, A extends unknown[]> = (...args: A) => R;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}

/** The names of the marked frames on the current (async) stack, innermost first. */
function markedFrames(): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  return [...stack.matchAll(FRAME)].map((match) => match[0]);
}

/**
 * A store that follows the async calls made inside {@link AsyncLocalStorage.run},
 * like Node's `AsyncLocalStorage` (the subset the engine uses: `run`, `exit`,
 * `getStore`).
 */
export class AsyncLocalStorage<T> {
  readonly #id = ++storages;

  /** Runs `callback` with `store` as the value `getStore()` returns inside it; returns what the callback returns. */
  run<R, A extends unknown[]>(store: T, callback: Callback<R, A>, ...args: A): R {
    return this.#enter(store, callback, args);
  }

  /** Runs `callback` outside any store of this storage. */
  exit<R, A extends unknown[]>(callback: Callback<R, A>, ...args: A): R {
    return this.#enter(undefined, callback, args);
  }

  /** The store of the innermost `run()` this call is inside of, or undefined. */
  getStore(): T | undefined {
    const own = `${PREFIX}${this.#id}_`;
    for (const name of markedFrames()) {
      if (name.startsWith(own) && running.has(name)) return running.get(name) as T | undefined;
    }
    return undefined;
  }

  #enter<R, A extends unknown[]>(store: T | undefined, callback: Callback<R, A>, args: A): R {
    const name = `${PREFIX}${this.#id}_${++runs}`;
    running.set(name, store);
    // Computed keys give the functions their names, and V8 puts those names in stack traces.
    const sync = { [name]: (): R => callback(...args) }[name] as () => R;
    // The cleanup lives inside the awaiting function: a second reaction on its promise (a
    // `.then()` for the cleanup) would end V8's async stack trace there.
    const awaiting = {
      [name]: async (promise: PromiseLike<unknown>) => {
        try {
          return await promise;
        } finally {
          running.delete(name);
        }
      },
    }[name] as (promise: PromiseLike<unknown>) => Promise<unknown>;
    let result: R;
    try {
      result = sync();
    } catch (err) {
      running.delete(name);
      throw err;
    }
    if (!isThenable(result)) {
      running.delete(name);
      return result;
    }
    return awaiting(result) as R;
  }
}
