import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ConnectionError, createEngine } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function killAfterCommit(folder: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures/durable-writer.ts"), folder, value], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the writer did not commit within 60 s"));
    }, 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("committed")) child.kill("SIGKILL");
    });
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`the writer exited by itself (${String(signal)})`));
    });
  });
}

test("a committed scope on disk survives the process being killed right after it returns", async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "pglite-lab-durable-"));
  try {
    await killAfterCommit(`/${path.relative("/", folder)}/db`, "first");
    await killAfterCommit(`/${path.relative("/", folder)}/db`, "second");
    const engine = await createEngine(`pglite://${folder}/db`);
    try {
      const values = await engine.connect(async (conn) => (await conn.execute("select v from kept order by v")).scalars());
      assert.deepEqual(values, ["first", "second"]);
    } finally {
      await engine.dispose();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a folder already open in this process is refused instead of being corrupted", async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "pglite-lab-lock-"));
  try {
    const engine = await createEngine(`pglite://${folder}`);
    try {
      await assert.rejects(createEngine(`pglite://${folder}`), (err: unknown) => {
        assert.ok(err instanceof ConnectionError);
        assert.match((err as Error).message, /already open in this process/);
        return true;
      });
    } finally {
      await engine.dispose();
    }
    // Once disposed, the folder opens again, with its data.
    const again = await createEngine(`pglite://${folder}`);
    await again.dispose();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
