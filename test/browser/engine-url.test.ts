// The browser entry (src/browser.ts) refuses what a web page cannot have, before anything starts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArgumentError, createEngine } from "../../src/browser.js";
import { assertBrowserUrl } from "../../src/browser/engine-url.js";

describe("browser engine URLs", () => {
  test("a postgres:// URL is refused with an ArgumentError that names it, password hidden", async () => {
    await assert.rejects(createEngine("postgres://learner:secret@127.0.0.1:5432/lab"), (err: Error) => {
      assert.ok(err instanceof ArgumentError);
      assert.match(err.message, /"postgres:\/\/learner:\*\*\*@127\.0\.0\.1:5432\/lab" names a PostgreSQL server/);
      assert.doesNotMatch(err.message, /secret/);
      assert.match(err.message, /createEngine\(\)/);
      return true;
    });
  });

  test("a pglite://./folder URL is refused with an ArgumentError that names it", async () => {
    await assert.rejects(createEngine("pglite://./data-dir", { echo: true }), (err: Error) => {
      assert.ok(err instanceof ArgumentError);
      assert.match(err.message, /"pglite:\/\/\.\/data-dir" names a folder on disk/);
      return true;
    });
  });

  test("no URL, pglite://memory and options alone are accepted", () => {
    for (const url of [undefined, "pglite://memory", { echo: true }]) assert.doesNotThrow(() => assertBrowserUrl(url));
  });

  test("an unknown scheme gets the same ArgumentError as in Node", () => {
    assert.throws(() => assertBrowserUrl("mysql://localhost/db"), (err: Error) => err instanceof ArgumentError && /"mysql:"/.test(err.message));
  });
});
