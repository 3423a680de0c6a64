/**
 * A pre-initialized PGlite data directory, kept on disk so that new engines
 * skip initdb.
 *
 * `PGlite.create()` runs initdb every time (4–6 s on a 2-core machine);
 * loading a dumped data directory takes a fraction of that. The dump is built
 * on first use, keyed by the PGlite version, written to a temporary file and
 * renamed into place so that two processes building it at once cannot leave a
 * torn file (the last rename wins, and both files are whole), and discarded if
 * it turns out unreadable, so that the next engine builds it again.
 *
 * The dump is sealed: after the tar's two closing zero blocks comes one more
 * block holding the tar's size and CRC-32 (tar readers, PGlite's among them,
 * stop at the zero blocks). A dump whose bytes are not exactly the ones
 * written is discarded before PGlite sees it. That matters because PGlite's
 * loader, on a tar header it finds corrupt, retries the bytes as gzip through
 * a DecompressionStream whose write() it never awaits: the "incorrect header
 * check" rejection escapes as an unhandled rejection and ends the process, so
 * it cannot be caught around `PGlite.create()`. Garbage inside a file's data
 * would not trip the loader at all and would start a database with damaged
 * catalogs. The CRC of the 40 MB dump took 15–40 ms here, of a 1.2 s start.
 *
 * Two choices, both measured by `npm run bench -- --only start`:
 * - the dump is an uncompressed tar (40 MB; gzip makes it 4.5 MB), because
 *   reading it costs less than inflating a gzip on every start;
 * - it is taken from a cleanly shut-down database (initdb into a temporary
 *   folder, close, tar), not from `dumpDataDir()` of a running one: a running
 *   database's dump starts with crash recovery and an end-of-recovery
 *   checkpoint, and without the relation-cache files recovery removes.
 *
 * @module
 */
import { closeSync, constants, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
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

/**
 * Path of the cached dump for the installed PGlite. The name carries the
 * dump format ("sealed": a tar followed by a size-and-CRC block), so that an
 * older pglite-lab sharing the cache folder keeps its own file instead of
 * discarding this one, and the other way round.
 */
export function cachedDumpPath(): string {
  return path.join(cacheFolder(), `pglite-${pgliteVersion()}-datadir.sealed.tar`);
}

const BLOCK = 512;
const SEAL = "pglite-lab sealed data-directory dump";
/** A dump larger than this is not one of ours (ours is about 40 MB); it is not read into memory. */
const MAX_DUMP_BYTES = 1024 * 1024 * 1024;

/** The tar followed by one block that holds its size and CRC-32. */
export function sealDump(tar: Uint8Array): Uint8Array {
  const seal = Buffer.alloc(BLOCK);
  seal.write(`${SEAL}\nsize ${tar.length}\ncrc32 ${crc32(tar).toString(16).padStart(8, "0")}\n`, "latin1");
  return Buffer.concat([tar, seal]);
}

/**
 * Whether the bytes are a sealed dump exactly as written: the seal block
 * names this length and CRC-32, and the tar before it starts with a `ustar`
 * header and ends with two zero blocks.
 */
export function isSealedDump(bytes: Uint8Array): boolean {
  if (bytes.length < 4 * BLOCK || bytes.length % BLOCK !== 0) return false;
  const seal = Buffer.from(bytes.buffer, bytes.byteOffset + bytes.length - BLOCK, BLOCK).toString("latin1");
  const match = new RegExp(`^${SEAL}\\nsize (\\d+)\\ncrc32 ([0-9a-f]{8})\\n\\0*$`).exec(seal);
  const size = bytes.length - BLOCK;
  if (!match || Number(match[1]) !== size) return false;
  const tar = bytes.subarray(0, size);
  if (Buffer.from(tar.buffer, tar.byteOffset + 257, 5).toString("latin1") !== "ustar") return false;
  if (!tar.subarray(size - 2 * BLOCK).every((b) => b === 0)) return false;
  return crc32(tar) === parseInt(match[2]!, 16);
}

/**
 * The cached dump, or undefined if there is none. Whatever else sits at its
 * path (a torn or damaged file, a directory, a pipe, a link that loops, a
 * file that cannot be read) is removed, so that the next build replaces it;
 * nothing there is read before it is known to be a regular file of a
 * plausible size (reading a named pipe would wait forever).
 */
export function readCachedDump(): Uint8Array | undefined {
  const file = cachedDumpPath();
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    // The path itself is bad (a looping link, a file this user may not read): replace it. Anything else (no file, out of file descriptors) leaves it.
    if (["ELOOP", "EACCES", "EPERM", "ENXIO"].includes((err as NodeJS.ErrnoException).code ?? "")) discardCachedDump();
    return undefined;
  }
  let bytes: Uint8Array | undefined;
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size <= MAX_DUMP_BYTES) bytes = readFileSync(fd);
  } catch {
    bytes = undefined;
  } finally {
    closeSync(fd);
  }
  if (bytes && isSealedDump(bytes)) return bytes;
  discardCachedDump();
  return undefined;
}

/** Stores a sealed dump atomically: a temporary file in the same folder, then a rename. */
export function writeCachedDump(dump: Uint8Array): void {
  const file = cachedDumpPath();
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, dump);
    renameSync(temp, file);
    rmSync(path.join(path.dirname(file), `pglite-${pgliteVersion()}-datadir.tar.gz`), { force: true }); // the gzip dump earlier versions kept
  } catch {
    // A cache that cannot be written only costs speed.
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Removes a cached dump that failed to load (or whatever sits in its place), so the next engine rebuilds it. */
export function discardCachedDump(): void {
  try {
    rmSync(cachedDumpPath(), { recursive: true, force: true });
  } catch {
    // Not removable: the next build's rename replaces it where it can; otherwise engines start the slow way.
  }
}

/**
 * Builds and stores the dump: initdb into a fresh folder of its own under the
 * cache folder (so that processes building at once do not meet), a clean
 * shutdown, then a sealed tar of the folder. Returns the dump, or undefined
 * if it could not be built (the caller then starts PGlite the slow way).
 */
export async function buildCachedDump(): Promise<Uint8Array | undefined> {
  let folder: string | undefined;
  try {
    mkdirSync(cacheFolder(), { recursive: true });
    removeAbandonedBuilds();
    folder = mkdtempSync(path.join(cacheFolder(), BUILD_PREFIX));
    const db = await PGlite.create({ dataDir: folder });
    await db.close();
    const dump = sealDump(tarFolder(folder));
    writeCachedDump(dump);
    return dump;
  } catch {
    return undefined;
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

const BUILD_PREFIX = "initdb-";
/** A build folder older than this was left by a process that died mid-build. */
const ABANDONED_MS = 60 * 60 * 1000;

function removeAbandonedBuilds(): void {
  for (const name of readdirSync(cacheFolder())) {
    const full = path.join(cacheFolder(), name);
    try {
      if (name.startsWith(BUILD_PREFIX) && Date.now() - statSync(full).mtimeMs > ABANDONED_MS) rmSync(full, { recursive: true, force: true });
    } catch {
      // Another process may be removing it too.
    }
  }
}

/**
 * A ustar archive of a data folder, entries named `/relative/path` as in
 * PGlite's own dumps, which is what `loadDataDir` reads back: folders and
 * regular files only.
 */
function tarFolder(root: string): Uint8Array {
  const parts: Buffer[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const entry = `/${path.relative(root, full).split(path.sep).join("/")}`;
      const stat = statSync(full);
      if (stat.isDirectory()) {
        parts.push(tarHeader(entry, 0, "5", stat.mtimeMs));
        walk(full);
      } else if (stat.isFile()) {
        const data = readFileSync(full);
        parts.push(tarHeader(entry, data.length, "0", stat.mtimeMs), data);
        if (data.length % BLOCK !== 0) parts.push(Buffer.alloc(BLOCK - (data.length % BLOCK)));
      }
    }
  };
  walk(root);
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function tarHeader(name: string, size: number, type: "0" | "5", mtimeMs: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, "0")}\0`;
  // Names longer than the 100-byte field are split at a slash into ustar's 155-byte prefix.
  const cut = Buffer.byteLength(name) > 100 ? name.lastIndexOf("/", 155) : -1;
  header.write(cut > 0 ? name.slice(cut + 1) : name, 0, 100, "utf8");
  header.write(octal(type === "5" ? 0o755 : 0o600, 8), 100, "latin1");
  header.write(octal(0, 8), 108, "latin1");
  header.write(octal(0, 8), 116, "latin1");
  header.write(octal(size, 12), 124, "latin1");
  header.write(octal(Math.floor(mtimeMs / 1000), 12), 136, "latin1");
  header.write(" ".repeat(8), 148, "latin1");
  header.write(type, 156, "latin1");
  header.write("ustar\u000000", 257, "latin1");
  if (cut > 0) header.write(name.slice(0, cut), 345, 155, "utf8");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return header;
}

/**
 * A Blob over `bytes` whose `arrayBuffer()` hands them over without copying,
 * for `PGlite.create({ loadDataDir })`. PGlite reads the dump with
 * `arrayBuffer()`; Node's own Blob copies 40 MB into native storage and back
 * out in small chunks, which was a large share of a start.
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

  // The rest of Blob, for a reader that does not use arrayBuffer(): a copy, as a plain Blob would make.
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
