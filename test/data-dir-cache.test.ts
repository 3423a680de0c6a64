// The cached, pre-initialized data directory behind a fast createEngine():
// built on first use, reused afterwards, replaced when torn or unloadable,
// and safe when two processes build it at once.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createEngine } from "../src/index.js";
import { cachedDumpPath, pgliteVersion } from "../src/backends/data-dir-cache.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Points this process's cache at a new empty folder. */
function freshCacheFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "pglite-lab-cache-"));
  folders.push(folder);
  process.env["PGLITE_LAB_CACHE_DIR"] = folder;
  return folder;
}

async function answer(): Promise<unknown> {
  const engine = await createEngine();
  try {
    return await engine.connect(async (conn) => (await conn.execute("select 40 + 2 as n")).scalar());
  } finally {
    await engine.dispose();
  }
}

/** A whole tar: blocks of 512 bytes, a ustar header first, two zero blocks last. */
function assertWholeTar(file: string): void {
  const bytes = readFileSync(file);
  assert.ok(bytes.length > 1024 * 1024, `${file} is only ${bytes.length} bytes`);
  assert.equal(bytes.length % 512, 0);
  assert.equal(bytes.subarray(257, 262).toString("latin1"), "ustar");
  assert.ok(bytes.subarray(bytes.length - 1024).every((b) => b === 0), "the tar does not end with two zero blocks");
}

/** Nothing but the dump is left in the cache folder: no temporary files, no build folders. */
function assertOnlyDump(folder: string): void {
  assert.deepEqual(readdirSync(folder), [path.basename(cachedDumpPath())]);
}

test("the first engine builds the cache, keyed by the PGlite version, and the next one reuses it", async () => {
  const folder = freshCacheFolder();
  assert.equal(await answer(), 42);
  const file = cachedDumpPath();
  assert.equal(path.dirname(file), folder);
  assert.ok(path.basename(file).includes(pgliteVersion()), `${path.basename(file)} does not name PGlite ${pgliteVersion()}`);
  assertWholeTar(file);
  assertOnlyDump(folder);
  const built = statSync(file).mtimeMs;
  assert.equal(await answer(), 42);
  assert.equal(statSync(file).mtimeMs, built, "the second engine rebuilt a cache that was fine");
});

test("a torn cache file is replaced by a whole one, and the engine starts", async () => {
  const folder = freshCacheFolder();
  assert.equal(await answer(), 42);
  const file = cachedDumpPath();
  const whole = readFileSync(file);
  writeFileSync(file, whole.subarray(0, 1024 * 1024 + 100)); // as if the writer died mid-file
  assert.equal(await answer(), 42);
  assertWholeTar(file);
  assertOnlyDump(folder);
});

test("a cache file that looks whole but does not load is discarded; the engine starts the slow way", async () => {
  const folder = freshCacheFolder();
  // A well-formed tar of one file that is no data directory at all.
  const header = Buffer.alloc(512);
  header.write("/not-a-data-dir", 0, "latin1");
  header.write("0000644\0", 100, "latin1");
  header.write("0000000\0", 108, "latin1");
  header.write("0000000\0", 116, "latin1");
  header.write("00000000005\0", 124, "latin1");
  header.write("00000000000\0", 136, "latin1");
  header.write("        ", 148, "latin1");
  header.write("0", 156, "latin1");
  header.write("ustar\u000000", 257, "latin1");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  const body = Buffer.alloc(512);
  body.write("hello", 0, "latin1");
  const bogus = Buffer.concat([header, body, Buffer.alloc(1024), Buffer.alloc(1024 * 1024)]);
  writeFileSync(cachedDumpPath(), bogus);
  assert.equal(await answer(), 42);
  const after = readdirSync(folder);
  assert.ok(!after.some((name) => name.endsWith(".tmp") || name.startsWith("initdb-")), `left behind: ${after.join(", ")}`);
  if (after.length > 0) {
    assert.notDeepEqual(readFileSync(cachedDumpPath()), bogus, "the unloadable cache was kept");
  }
  assert.equal(await answer(), 42);
  assertWholeTar(cachedDumpPath());
});

function runUser(cacheDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures/cache-user.ts")], {
      env: { ...process.env, PGLITE_LAB_CACHE_DIR: cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("two processes that find no cache build it at the same time; both start and one whole file remains", async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "pglite-lab-cache-"));
  folders.push(folder);
  const [a, b] = await Promise.all([runUser(folder), runUser(folder)]);
  for (const run of [a, b]) {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^answer 42$/m);
  }
  process.env["PGLITE_LAB_CACHE_DIR"] = folder;
  assertWholeTar(cachedDumpPath());
  assertOnlyDump(folder);
  assert.equal(await answer(), 42);
});

test("every embedded engine starts with 32 MB of shared buffers: in memory, in a new folder and in an existing one", async () => {
  freshCacheFolder();
  const data = mkdtempSync(path.join(os.tmpdir(), "pglite-lab-buffers-"));
  folders.push(data);
  const setting = async (url?: string) => {
    const engine = await createEngine(url);
    try {
      return await engine.connect(async (conn) => (await conn.execute("show shared_buffers")).scalar());
    } finally {
      await engine.dispose();
    }
  };
  assert.equal(await setting(), "32MB");
  assert.equal(await setting(`pglite://${data}/db`), "32MB");
  assert.equal(await setting(`pglite://${data}/db`), "32MB");
});
