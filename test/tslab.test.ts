// The library inside a tslab kernel, as a notebook cell sees it: tslab compiles
// every `import` to `require()` and type-checks cells with Node10 resolution
// from the notebook's folder (TSLAB.md). These tests run the quickstart's cells
// through a real kernel started in notebooks/.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { KernelClient, type ExecuteResult } from "../tools/notebook-runner/src/kernel-client.js";

const notebooks = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "notebooks");

function stdout(result: ExecuteResult): string {
  return result.outputs
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => (o as { text: string | string[] }).text)
    .map((t) => (Array.isArray(t) ? t.join("") : t))
    .join("");
}

function stderr(result: ExecuteResult): string {
  return result.outputs
    .filter((o) => o.output_type === "stream" && o.name === "stderr")
    .map((o) => {
      const t = (o as { text: string | string[] }).text;
      return Array.isArray(t) ? t.join("") : t;
    })
    .join("");
}

describe("pglite-lab in a tslab kernel", () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start({ cwd: notebooks, env: { PGLITE_LAB_URL: undefined } });
  });
  after(async () => {
    await kernel?.shutdown();
  });

  async function run(code: string): Promise<ExecuteResult> {
    const result = await kernel.execute(code, { timeoutMs: 120_000 });
    assert.equal(result.status, "ok", `cell failed:\n${code}\n${stderr(result)}`);
    return result;
  }

  test("the package name resolves, through require, to the CommonJS build", async () => {
    const result = await run('console.log(require.resolve("pglite-lab").split(require("path").sep).slice(-3).join("/"))');
    assert.equal(stdout(result).trim(), "dist/cjs/index.js");
  });

  test("the quickstart runs as cells, type-checked, with its echo and rows", async () => {
    await run(`import { createEngine, MetaData, integer, text } from "pglite-lab";

const md = new MetaData();
const emps = md.table("emps", {
  id: integer().primaryKey(),   // integer primary key: generated, like SERIAL
  name: text(),
});`);
    await run(`const engine = await createEngine({ echo: true });   // in-memory PGlite`);
    const begin = await run(`await engine.begin(async (conn) => {                 // commits, or rolls back on throw
  await md.dropAll(conn);
  await md.createAll(conn);
  await conn.execute(emps.insert(), [{ name: "12" }, { name: "Welcome To My Domain" }]);
});`);
    assert.match(stdout(begin), /^BEGIN \(implicit\)$/m);
    assert.match(stdout(begin), /^COMMIT$/m);
    const connect = await run(`await engine.connect(async (conn) => {
  const res = await conn.execute(emps.select());
  console.log(res.fetchAll());   // [ { id: 1, name: '12' }, { id: 2, name: 'Welcome To My Domain' } ]
  for await (const row of conn.stream(emps.select())) console.log(row);
});`);
    const text = stdout(connect);
    assert.ok(text.includes("[ { id: 1, name: '12' }, { id: 2, name: 'Welcome To My Domain' } ]"), text);
    assert.ok(text.includes("{ id: 2, name: 'Welcome To My Domain' }\nROLLBACK"), text);
  });

  test("cells are type-checked against the library's declarations", async () => {
    const result = await kernel.execute(`const wrong: number = emps.name;`, { timeoutMs: 60_000 });
    assert.equal(result.status, "error");
    assert.match(stderr(result), /Type 'string' is not assignable to type 'number'|'"emps"' is not assignable/);
  });

  test("a typed conn.db query compiles in a cell", async () => {
    const result = await run(`import type { Database } from "pglite-lab";
const names = await engine.connect(async (conn) => {
  const db = conn.db as unknown as import("kysely").Kysely<Database<typeof emps>>;
  return (await db.selectFrom("emps").select("name").orderBy("id").execute()).map((r) => r.name);
});
console.log(names.join(" | "));`);
    assert.equal(stdout(result).trim().split("\n").at(-1), "12 | Welcome To My Domain");
  });

  test("show() renders an HTML table inside the kernel", async () => {
    const result = await run(`import { show } from "pglite-lab";
await engine.connect(async (conn) => show(await conn.execute(emps.select())));`);
    const html = result.outputs.find((o) => o.output_type === "display_data") as { data: Record<string, unknown> } | undefined;
    assert.ok(html, "a display_data output");
    assert.match(String(html.data["text/html"]), /<td>Welcome To My Domain<\/td>/);
  });

  test("dispose in a cell ends the engine", async () => {
    await run("await engine.dispose();");
  });
});
