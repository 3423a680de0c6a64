// Ctrl-C / the notebook's stop button: inside a tslab kernel, SIGINT rolls back
// the library's running work and prints one line; a plain `node` script keeps
// Node's own Ctrl-C. The seam is checked in child processes (a SIGINT to this
// test process would stop the runner), tslab's own interrupt in a real kernel,
// and the whole path (a stream of millions of rows, interrupted, the next cell
// served at once) in a real kernel once the library connects interruptAll.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { performance } from "node:perf_hooks";
import { REPO, runOk, startKernel, stderrOf, stdoutOf } from "./support/kernel.js";
import type { KernelClient } from "../tools/notebook-runner/src/kernel-client.js";

const SEAM = path.join(REPO, "src", "internal", "kernel-interrupt.ts");
const BUILT_SEAM = path.join(REPO, "dist", "cjs", "internal", "kernel-interrupt.js");

interface Child {
  /** Resolves with the next line the child writes to stdout. */
  line(): Promise<string>;
  send(text: string): void;
  signal(name: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `script` (an ES module, with tsx) in a child Node process. */
function child(script: string): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: REPO,
    env: { ...process.env, NODE_OPTIONS: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let buffered = "";
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let at: number;
    while ((at = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  let stderr = "";
  proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    line: () =>
      lines.length > 0
        ? Promise.resolve(lines.shift()!)
        : Promise.race([
            new Promise<string>((resolve) => waiting.push(resolve)),
            exited.then(({ code, signal }) => {
              throw new Error(`the child exited (${code ?? signal}) before writing a line; stderr:\n${stderr}`);
            }),
          ]),
    send: (text) => proc.stdin.write(text),
    signal: (name) => proc.kill(name),
    exited,
  };
}

const INSTALL = `
import { installKernelInterrupt } from ${JSON.stringify(SEAM)};
let calls = 0;
const installed = installKernelInterrupt(() => ({ message: "Interrupted pglite://memory: rolled back engine.connect() after " + ++calls + " batches." }));
`;

describe("the SIGINT listener outside a notebook", () => {
  test("a plain node script that loads the library keeps Node's Ctrl-C: no listener, SIGINT ends it", async () => {
    const proc = child(`
import { createRequire } from "node:module";
createRequire(import.meta.url)(${JSON.stringify(REPO)});   // the CommonJS build, as a script would load it
${INSTALL}
console.log(installed, process.listenerCount("SIGINT"));
setInterval(() => {}, 1000);
`);
    assert.equal(await proc.line(), "false 0");
    proc.signal("SIGINT");
    assert.deepEqual(await proc.exited, { code: null, signal: "SIGINT" });
  });
});

describe("the SIGINT listener inside a notebook", () => {
  const inKernel = `globalThis.__tslab__ = { exports: {} };\n${INSTALL}`;

  test("SIGINT calls interruptAll and writes one line with its report, and the kernel goes on", async () => {
    const proc = child(`${inKernel}
console.log(installed, process.listenerCount("SIGINT"));
process.stdin.on("data", () => { console.log("still here"); process.exit(0); });
`);
    assert.equal(await proc.line(), "true 1");
    proc.signal("SIGINT");
    assert.equal(await proc.line(), "Interrupted pglite://memory: rolled back engine.connect() after 1 batches.");
    proc.signal("SIGINT");
    assert.equal(await proc.line(), "Interrupted pglite://memory: rolled back engine.connect() after 2 batches.");
    proc.send("bye\n");
    assert.equal(await proc.line(), "still here");
    assert.deepEqual(await proc.exited, { code: 0, signal: null });
  });

  test("installing again, or from a second copy of the library, adds no second listener", async () => {
    const proc = child(`${inKernel}
const { installKernelInterrupt: again } = await import(${JSON.stringify(SEAM)} + "?copy");
again(() => ({ message: "second copy" }));
installKernelInterrupt(() => ({ message: "first copy, other engines" }));
console.log(process.listenerCount("SIGINT"));
process.stdin.on("data", () => process.exit(0));
`);
    assert.equal(await proc.line(), "1");
    proc.signal("SIGINT");
    const lines = [await proc.line(), await proc.line(), await proc.line()].sort();
    assert.deepEqual(lines, ["Interrupted pglite://memory: rolled back engine.connect() after 1 batches.", "first copy, other engines", "second copy"]);
    proc.send("bye\n");
    await proc.exited;
  });

  test("a report that arrives later is written when it arrives; one that fails is written as one line", async () => {
    const proc = child(`globalThis.__tslab__ = {};
import { installKernelInterrupt } from ${JSON.stringify(SEAM)};
let n = 0;
installKernelInterrupt(() => (++n === 1 ? Promise.resolve({ message: "later\\nsecond line not shown" }) : Promise.reject(new Error("no engine answered\\nmore"))));
console.log("ready");
process.stdin.on("data", () => process.exit(0));
`);
    assert.equal(await proc.line(), "ready");
    proc.signal("SIGINT");
    assert.equal(await proc.line(), "later");
    proc.signal("SIGINT");
    assert.equal(await proc.line(), "Interrupting the database work failed: no engine answered");
    proc.send("bye\n");
    await proc.exited;
  });
});

describe("interrupts in a tslab kernel", () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await startKernel();
  });
  after(async () => {
    await kernel?.shutdown();
  });

  test("an interrupted stream of millions of rows frees the engine for the next cell, with no leftover output", async (t) => {
    await runOk(kernel, `import { createEngine } from "pglite-lab";
const engine = await createEngine();`);
    // The library connects interruptAll by calling installKernelInterrupt when it loads.
    const connected = await runOk(kernel, `console.log((globalThis as any)[Symbol.for("pglite-lab.kernel-interrupt")]?.handlers.size ?? 0);`);
    assert.equal(stdoutOf(connected), "1\n", "creating an engine installed one interrupt handler");
    // generate_series in the select list streams row by row; in FROM, PostgreSQL would first
    // materialize all 20M rows in one long WebAssembly call that no signal can interrupt.
    const interrupted = await kernel.execute(
      `let seen = 0;
await engine.connect(async (conn) => {
  for await (const row of conn.stream("select generate_series(1, 20000000) as g")) {
    if (++seen % 1000000 === 0) console.log("streamed", seen);
  }
});`,
      { timeoutMs: 4000 },
    );
    assert.equal(interrupted.status, "timeout");
    assert.match(stdoutOf(interrupted), /rolled back/i, "one line says what was rolled back");
    assert.doesNotMatch(stderrOf(interrupted), /\bat /, "no stack frames of tslab's");
    const started = performance.now();
    // The bound is loose on purpose (the machine is noisy): without the interrupt the stream
    // holds the engine for a minute or more, so the next scope would not answer within it.
    const next = await runOk(kernel, `console.log(await engine.connect(async (conn) => (await conn.execute("select 1 as one")).scalar()));`, 30_000);
    t.diagnostic(`interrupt → next cell's output: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(stdoutOf(next), "1\n", "the next cell shows its own output only");
    await runOk(kernel, "await engine.dispose();");
  });
  test("with the library's listener beside tslab's, an interrupted cell still ends and the next cell runs", async () => {
    await runOk(
      kernel,
      `const { installKernelInterrupt } = require(${JSON.stringify(BUILT_SEAM)});
installKernelInterrupt(() => ({ message: "rolled back nothing: a test report" }));
console.log(process.listenerCount("SIGINT"));`,
    );
    const stuck = await kernel.execute("await new Promise(() => {});", { timeoutMs: 3000 });
    assert.equal(stuck.status, "timeout");
    assert.equal(stderrOf(stuck), "Error: Interrupted asynchronously\n", "tslab's own interrupt answered, in one line without its stack frames");
    assert.match(stdoutOf(stuck), /^rolled back nothing: a test report$/m);
    const next = await runOk(kernel, `console.log("next cell");`, 30_000);
    assert.equal(stdoutOf(next), "next cell\n");
  });

});
