// Which walkthrough cells the guide pages mark "Needs Node" (tools/docs-site/src/browser-support.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cellsNeedingNode } from "../src/browser-support.js";

const cells = (...sources: string[]) => sources.map((source, index) => ({ index, source }));
const needs = (...sources: string[]) => Object.fromEntries(cellsNeedingNode(cells(...sources)));

describe("cells needing Node", () => {
  test("a notebook on pglite-lab alone runs entirely in the page", () => {
    assert.deepEqual(
      needs('import { createEngine } from "pglite-lab";', "const engine = await createEngine(process.env.PGLITE_LAB_URL);", "await engine.dispose();"),
      {},
    );
  });

  test("importing a Node module is fine; the cell that uses it needs Node", () => {
    assert.deepEqual(needs('import * as fs from "node:fs";\nimport { createEngine } from "pglite-lab";', "const ok = 1;", 'fs.rmSync("x");'), {
      2: "uses fs from node:fs, which only Node has",
    });
  });

  test("a name declared by a cell that needs Node makes its users need Node too", () => {
    const result = needs('import { readFileSync } from "node:fs";', 'const text = readFileSync("x", "utf8");', "console.log(text.length);", "console.log(1);");
    assert.deepEqual(Object.keys(result), ["1", "2"]);
    assert.equal(result[2], "uses text, from a cell that needs Node");
  });

  test("a use in a type annotation only does not count", () => {
    assert.deepEqual(needs("const measured = process.pid;", "function chart(points: typeof measured) { return points; }"), {
      0: "uses process.pid, which only Node has",
    });
    assert.deepEqual(needs("process.env.X;"), {});
  });

  test("Node globals, server URLs and database folders need Node", () => {
    assert.deepEqual(needs('Buffer.from("x");', 'await createEngine("postgres://u@h/db");', 'const url = "pglite://./data-dir";', "setImmediate(() => 1);"), {
      0: "uses Buffer, which only Node has",
      1: "connects to a PostgreSQL server, which a web page cannot reach",
      2: "keeps a database in a folder on disk, which a web page does not have",
      3: "uses setImmediate, which only Node has",
    });
  });

  test("after a cell that needs Node runs a scope on the page's engine, every later cell needs Node", () => {
    const result = needs(
      'import { hash } from "node:crypto";\nimport { createEngine } from "pglite-lab";',
      "const engine = await createEngine();",
      'await engine.begin((conn) => conn.execute("insert into t values ($1)", [hash("sha1", "x")]));',
      "await engine.dispose();",
    );
    assert.deepEqual(Object.keys(result), ["2", "3"]);
    assert.equal(result[3], "runs after a cell that needs Node and used the same database");
  });

  test("a cell that needs Node and only defines functions, or uses its own engine, blocks nothing", () => {
    assert.deepEqual(
      Object.keys(
        needs(
          "const engine = await createEngine();",
          "const heap = () => process.pid.heapUsed;",
          "function measure() { return engine.connect(() => heap()); }",
          'const disk = await createEngine("pglite://./dir");\nawait disk.begin(() => 1);',
          "await engine.dispose();",
        ),
      ),
      ["1", "2", "3"],
    );
  });

  test("a name redeclared by a cell that runs in the page is usable again", () => {
    assert.deepEqual(Object.keys(needs("const v = process.pid;", "const v = 1;", "console.log(v);")), ["0"]);
  });
});
