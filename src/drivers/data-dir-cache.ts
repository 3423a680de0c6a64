/**
 * A pre-initialized PGlite data directory, kept on disk so that new engines
 * skip initdb.
 *
 * `PGlite.create()` runs initdb every time (4–6 s on a 2-core machine);
 * loading a dumped data directory takes a fraction of that. The dump is built
 * on first use, keyed by the PGlite version, written to a temporary file and
 * renamed into place so that two processes building it at once cannot leave a
 * torn file (the last rename wins, and both files are whole), and discarded if
 * it turns out unreadable, so the next engine builds it again.
 *
 * It is kept as an uncompressed tar (about 40 MB): measured against the gzip
 * dump (4.5 MB), reading the tar from the page cache is cheaper than
 * inflating the gzip on every start (see bench/results/).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { localRequire } from "../internal/local-require.js";

/** The folder that holds cached data directories. */
export function cacheFolder(): string {
  const configured = process.env["PGLITE_LAB_CACHE_DIR"];
  if (configured) return path.resolve(configured);
  const base = process.env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache");
  return path.join(base, "pglite-lab");
}

let version: string | undefined;

/** The installed PGlite version (its package.json is not in its `exports`, so it is found from the entry point). */
export function pgliteVersion(): string {
  if (version) return version;
  const entry = localRequire.resolve("@electric-sql/pglite");
  let dir = path.dirname(entry);
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "@electric-sql/pglite" && pkg.version) return (version = pkg.version);
    }
    dir = path.dirname(dir);
  }
  return (version = "unknown");
}

/** How the dump is stored: `tar` (the default) or `gzip`, for the benchmark that chose between them. */
function format(): "tar" | "gzip" {
  return process.env["PGLITE_LAB_CACHE_FORMAT"] === "gzip" ? "gzip" : "tar";
}

/** Path of the cached dump for the installed PGlite. */
export function cachedDumpPath(): string {
  return path.join(cacheFolder(), `pglite-${pgliteVersion()}-datadir.${format() === "gzip" ? "tar.gz" : "tar"}`);
}

const GZIP_MAGIC = [0x1f, 0x8b];
const TAR_BLOCK = 512;

/** Whether the bytes look like a whole tar: blocks of 512, a `ustar` header first. */
function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < 2 * TAR_BLOCK || bytes.length % TAR_BLOCK !== 0) return false;
  return Buffer.from(bytes.buffer, bytes.byteOffset + 257, 5).toString("latin1") === "ustar";
}

/**
 * The cached dump as an uncompressed tar, or undefined if there is none. A
 * file that is plainly not a dump (torn, truncated, not a tar) is removed.
 */
export function readCachedDump(): Uint8Array | undefined {
  const file = cachedDumpPath();
  if (!existsSync(file)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (format() === "gzip") {
      if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) throw new Error("not gzip");
      bytes = gunzipSync(bytes);
    }
    if (!isTar(bytes)) throw new Error("not a tar");
    return bytes;
  } catch {
    discardCachedDump();
    return undefined;
  }
}

/** Stores a dump (an uncompressed tar) atomically: a temporary file in the same folder, then a rename. */
export function writeCachedDump(tar: Uint8Array): void {
  const file = cachedDumpPath();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      writeFileSync(temp, format() === "gzip" ? Buffer.from(gzipOf(tar)) : tar);
      renameSync(temp, file);
    } finally {
      rmSync(temp, { force: true });
    }
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

function gzipOf(bytes: Uint8Array): Uint8Array {
  // Loaded lazily: only the gzip format (kept for the benchmark) needs it.
  const { gzipSync } = localRequire("node:zlib") as typeof import("node:zlib");
  return gzipSync(bytes, { level: 6 });
}

/** Removes a cached dump that failed to load, so the next engine rebuilds it. */
export function discardCachedDump(): void {
  rmSync(cachedDumpPath(), { force: true });
}

/**
 * A Blob over `bytes` whose `arrayBuffer()` hands them over without copying,
 * for `PGlite.create({ loadDataDir })`. PGlite reads the dump with
 * `arrayBuffer()`, and Node's own Blob copies 40 MB into native storage and
 * back out in small chunks, which took a large share of a start.
 */
export function dumpBlob(bytes: Uint8Array): Blob {
  return new BytesBlob(bytes);
}

class BytesBlob extends Blob {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    super([], { type: "application/x-tar" });
    this.#bytes = bytes;
    Object.defineProperty(this, "size", { value: bytes.byteLength });
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.#bytes;
    if (byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer) return buffer;
    return new Uint8Array(this.#bytes).buffer;
  }

  override stream(): ReturnType<Blob["stream"]> {
    return new Blob([this.#bytes]).stream();
  }

  override slice(start?: number, end?: number, type?: string): Blob {
    return new Blob([this.#bytes]).slice(start, end, type);
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(this.#bytes);
  }
}
