// The cached, pre-initialized data directory behind a fast createEngine():
// built on first use, reused afterwards, replaced when torn, damaged or
// unloadable (never crashing the process, never hanging), and safe when two
// processes build it at once.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createEngine } from "../src/index.js";
import { cachedDumpPath, isSealedDump, pgliteVersion, readCachedDump, sealDump } from "../src/backends/data-dir-cache.js";

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

/** A whole dump: a tar (a ustar header first, two zero blocks last) sealed with its size and CRC-32. */
function assertWholeTar(file: string): void {
  const bytes = readFileSync(file);
  assert.ok(bytes.length > 1024 * 1024, `${file} is only ${bytes.length} bytes`);
  assert.equal(bytes.subarray(257, 262).toString("latin1"), "ustar");
  assert.ok(isSealedDump(bytes), `${file} is not a whole sealed dump`);
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
  const bogus = sealDump(Buffer.concat([header, body, Buffer.alloc(1024), Buffer.alloc(1024 * 1024)]));
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

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function runUser(cacheDir: string, args: string[] = [], options: { uid?: number; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures/cache-user.ts"), ...args], {
      env: { ...process.env, PGLITE_LAB_CACHE_DIR: cacheDir },
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
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

let whole: Buffer | undefined;

/** A whole dump, built once in a cache folder of its own, for the damage cases below to spoil copies of. */
async function wholeDump(): Promise<Buffer> {
  if (!whole) {
    freshCacheFolder();
    assert.equal(await answer(), 42);
    whole = readFileSync(cachedDumpPath());
  }
  return whole;
}

/** The offset of the first tar header at or past `from`, and the size of the file it heads. */
function headerAtOrAfter(tar: Buffer, from: number, minSize = 0): { offset: number; size: number } {
  let offset = 0;
  for (;;) {
    assert.equal(tar.subarray(offset + 257, offset + 262).toString("latin1"), "ustar", `no tar header at ${offset}`);
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString("latin1").replace(/\0.*$/, ""), 8);
    if (offset >= from && size >= minSize) return { offset, size };
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

const garbage = (length: number) => Buffer.alloc(length, "garbage!");

/** Ways a cache file gets spoiled: each turns a whole dump into what is left at the cache path. */
const damages: Record<string, (file: string, dump: Buffer) => void> = {
  "cut short, as by a writer that died,": (file, dump) => writeFileSync(file, dump.subarray(0, 1024 * 1024 + 100)),
  "with garbage over a tar header in the middle": (file, dump) => {
    const { offset } = headerAtOrAfter(dump, dump.length / 2);
    writeFileSync(file, Buffer.concat([dump.subarray(0, offset), garbage(512), dump.subarray(offset + 512)]));
  },
  "with garbage inside a file's data in the middle": (file, dump) => {
    const { offset } = headerAtOrAfter(dump, dump.length / 2, 8192);
    writeFileSync(file, Buffer.concat([dump.subarray(0, offset + 1024), garbage(512), dump.subarray(offset + 1536)]));
  },
  "with garbage over its first header": (file, dump) => writeFileSync(file, Buffer.concat([garbage(512), dump.subarray(512)])),
  "of no bytes at all": (file) => writeFileSync(file, ""),
  "replaced by a folder": (file) => {
    mkdirSync(file);
    writeFileSync(path.join(file, "inside"), "x");
  },
  "replaced by a symbolic link that loops": (file) => symlinkSync(path.basename(file), file),
};

for (const [name, damage] of Object.entries(damages)) {
  test(`a cache file ${name} is removed, not handed to PGlite`, async () => {
    const dump = await wholeDump();
    const folder = freshCacheFolder();
    damage(cachedDumpPath(), dump);
    assert.equal(readCachedDump(), undefined);
    assert.deepEqual(readdirSync(folder), [], "the damaged cache is still there");
  });
}

test("a whole cache is read back as it was written", async () => {
  const dump = await wholeDump();
  freshCacheFolder();
  writeFileSync(cachedDumpPath(), dump);
  assert.deepEqual(readCachedDump(), dump);
});

test("a named pipe in place of the cache is removed without waiting for a writer", { skip: process.platform === "win32" }, async () => {
  const folder = freshCacheFolder();
  execFileSync("mkfifo", [cachedDumpPath()]);
  const run = await runUser(folder, ["read"], { timeoutMs: 60_000 });
  assert.equal(run.signal, null, "reading the cache waited for a writer until the child was killed");
  assert.match(run.stdout, /^dump none$/m, run.stderr);
  assert.deepEqual(readdirSync(folder), []);
});

test("a cache file this user may not read is removed", async () => {
  const dump = await wholeDump();
  const folder = freshCacheFolder();
  writeFileSync(cachedDumpPath(), dump);
  chmodSync(cachedDumpPath(), 0o000);
  // Root reads any file: the reader then runs as nobody, in a cache folder that nobody may write.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(folder, 0o777);
  const run = await runUser(folder, ["read"], { timeoutMs: 60_000, ...(asRoot ? { uid: 65534 } : {}) });
  assert.match(run.stdout, /^dump none$/m, run.stderr);
  assert.deepEqual(readdirSync(folder), []);
});

test("an engine started over a cache with garbage over a tar header is answered, and the process does not crash", async () => {
  const dump = await wholeDump();
  const folder = freshCacheFolder();
  damages["with garbage over a tar header in the middle"]!(cachedDumpPath(), dump);
  const run = await runUser(folder);
  assert.equal(run.code, 0, `the process ended with ${run.code ?? run.signal}: ${run.stderr}`);
  assert.match(run.stdout, /^answer 42$/m);
  assertWholeTar(cachedDumpPath());
  assertOnlyDump(folder);
});
