// How a notebook cell becomes the body the guide pages run (tools/docs-site/live/cell-compiler.ts),
// checked by running compiled cells here the way the page's session runs them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CellSyntaxError, compileCell, RUNTIME_NAMES } from "../live/cell-compiler.js";

/** Runs cells in order in one shared scope, as notebook-session.ts does (without the page). */
function session(modules: Record<string, object> = {}) {
  const values = new Map<string, [() => unknown, ((v: unknown) => void)?]>();
  const scope = new Proxy(Object.create(null) as object, {
    has: (_t, key) => typeof key === "string" && values.has(key),
    get: (_t, key) => (typeof key === "string" ? values.get(key)?.[0]() : undefined),
    set: (_t, key, value) => {
      const setter = values.get(String(key))?.[1];
      if (!setter) throw new TypeError(`Assignment to constant variable '${String(key)}'.`);
      setter(value);
      return true;
    },
  });
  return async (source: string): Promise<unknown> => {
    const { body } = compileCell(source);
    const run = new Function(RUNTIME_NAMES.publish, RUNTIME_NAMES.import, RUNTIME_NAMES.interop, "scope", `with (scope) { return (async () => {\n${body}\n})(); }`);
    const result = await run(
      (accessors: Record<string, [() => unknown, ((v: unknown) => void)?]>) => {
        for (const [name, accessor] of Object.entries(accessors)) values.set(name, accessor);
      },
      async (name: string) => modules[name] ?? Promise.reject(new Error(`no module ${name}`)),
      (m: { default?: unknown }) => ("default" in m ? m.default : m),
      scope,
    );
    return Array.isArray(result) ? result[0] : undefined;
  };
}

describe("cell compiler", () => {
  test("types are removed and the last expression's value is returned", async () => {
    const run = session();
    assert.equal(await run("const n: number = 41;\nn + 1"), 42);
  });

  test("a cell that ends with a statement returns nothing", async () => {
    const run = session();
    assert.equal(await run("const n = 1;"), undefined);
    assert.equal(compileCell("if (true) {}").returnsLast, false);
  });

  test("top-level const, let, function and class declarations are visible in later cells", async () => {
    const run = session();
    await run("const a = 1;\nlet b = 2;\nfunction f() { return a + b; }\nclass K { v = 3 }");
    assert.equal(await run("f() + new K().v"), 6);
  });

  test("a later cell assigns a let of an earlier cell, and the earlier cell's functions see it", async () => {
    const run = session();
    await run("let count = 0;\nfunction bump() { count++; }");
    await run("bump(); count = count + 10;");
    assert.equal(await run("count"), 11);
  });

  test("assigning a const of an earlier cell throws TypeError", async () => {
    const run = session();
    await run("const fixed = 1;");
    await assert.rejects(run("fixed = 2;"), TypeError);
  });

  test("a cell can declare again a name an earlier cell declared", async () => {
    const run = session();
    await run("const x = 1;");
    await run("const x = 'two';");
    assert.equal(await run("x"), "two");
  });

  test("top-level await works and its value is the last expression", async () => {
    const run = session();
    assert.equal(await run("const v = await Promise.resolve(7);\nawait Promise.resolve(v * 2)"), 14);
  });

  test("an import-only cell publishes the imported names, type-only names left out", async () => {
    const run = session({ lib: { one: 1, two: 2, default: "dflt" } });
    await run('import dflt, { one, two as deux, type Shape } from "lib";');
    assert.deepEqual(await run("[dflt, one, deux]"), ["dflt", 1, 2]);
    assert.deepEqual(compileCell('import { one, type Shape } from "lib";').imports, [{ source: "lib", names: ["one"] }]);
  });

  test("a namespace import binds the module object", async () => {
    const lib = { one: 1 };
    const run = session({ lib });
    assert.equal(await run('import * as ns from "lib";\nns'), lib);
  });

  test("imports are hoisted above the cell's code, as ES modules hoist them", async () => {
    const run = session({ lib: { one: 1 } });
    assert.equal(await run('const v = one + 1;\nimport { one } from "lib";\nv'), 2);
  });

  test("import() goes through the page's module loader", async () => {
    const run = session({ lib: { one: 1 } });
    assert.deepEqual(await run('const m = await import("lib");\nm.one'), 1);
    assert.deepEqual(compileCell('await import("lib")').dynamicImports, ["lib"]);
  });

  test("export keywords are dropped and the declaration kept", async () => {
    const run = session();
    await run("export const shared = 5;");
    assert.equal(await run("shared"), 5);
  });

  test("invalid TypeScript is a CellSyntaxError with the parser's position", () => {
    assert.throws(() => compileCell("const = 1;"), (err: Error) => err instanceof CellSyntaxError && /\(1:\d+\)/.test(err.message));
  });
});
