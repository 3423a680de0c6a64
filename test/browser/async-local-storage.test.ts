// The AsyncLocalStorage stand-in of the browser build (src/browser/async-local-storage.ts),
// run here on Node's V8, whose async stack traces are Chromium's.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { AsyncLocalStorage } from "../../src/browser/async-local-storage.js";

describe("AsyncLocalStorage (browser stand-in)", () => {
  test("getStore returns the store of the run it is called in, before and after awaits", async () => {
    const storage = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    await storage.run("scope", async () => {
      seen.push(storage.getStore());
      await sleep(1);
      seen.push(storage.getStore());
      await Promise.resolve();
      seen.push(storage.getStore());
    });
    assert.deepEqual(seen, ["scope", "scope", "scope"]);
  });

  test("getStore is undefined outside any run, and after a run has ended", async () => {
    const storage = new AsyncLocalStorage<string>();
    assert.equal(storage.getStore(), undefined);
    await storage.run("scope", async () => sleep(1));
    assert.equal(storage.getStore(), undefined);
  });

  test("a function awaited inside a run sees the run's store", async () => {
    const storage = new AsyncLocalStorage<string>();
    const inner = async () => {
      await sleep(1);
      return storage.getStore();
    };
    assert.equal(await storage.run("outer", async () => await inner()), "outer");
  });

  test("the innermost run wins, and the outer store is back after it", async () => {
    const storage = new AsyncLocalStorage<string>();
    const seen = await storage.run("outer", async () => {
      const inner = await storage.run("inner", async () => {
        await sleep(1);
        return storage.getStore();
      });
      return [inner, storage.getStore()];
    });
    assert.deepEqual(seen, ["inner", "outer"]);
  });

  test("runs in progress at the same time each see their own store", async () => {
    const storage = new AsyncLocalStorage<number>();
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        storage.run(n, async () => {
          await sleep(4 - n);
          return storage.getStore();
        }),
      ),
    );
    assert.deepEqual(results, [1, 2, 3]);
  });

  test("a run of another storage inside a run does not hide the outer store", async () => {
    const engines = new AsyncLocalStorage<string>();
    const other = new AsyncLocalStorage<string>();
    const seen = await engines.run("engine", async () =>
      other.run("other", async () => {
        await sleep(1);
        return [engines.getStore(), other.getStore()];
      }),
    );
    assert.deepEqual(seen, ["engine", "other"]);
  });

  test("Promise.all inside a run keeps the store in each branch", async () => {
    const storage = new AsyncLocalStorage<string>();
    const seen = await storage.run("scope", async () =>
      Promise.all(
        [1, 2].map(async () => {
          await sleep(1);
          return storage.getStore();
        }),
      ),
    );
    assert.deepEqual(seen, ["scope", "scope"]);
  });

  test("exit runs its callback outside the store", async () => {
    const storage = new AsyncLocalStorage<string>();
    const seen = await storage.run("scope", async () =>
      storage.exit(async () => {
        await sleep(1);
        return storage.getStore();
      }),
    );
    assert.equal(seen, undefined);
  });

  test("a synchronous callback's value and errors come back unchanged", () => {
    const storage = new AsyncLocalStorage<string>();
    assert.equal(
      storage.run("scope", (a: number, b: number) => `${storage.getStore()} ${a + b}`, 1, 2),
      "scope 3",
    );
    assert.throws(() => storage.run("scope", () => { throw new RangeError("nope"); }), RangeError);
  });
});
