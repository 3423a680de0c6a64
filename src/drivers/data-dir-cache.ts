/**
 * A pre-initialized PGlite data directory, kept on disk so that new engines
 * skip initdb.
 *
 * `PGlite.create()` runs initdb every time (4–6 s on a 2-core machine); loading
 * a dumped data directory takes about a quarter of that. The dump is built on
 * first use, keyed by the PGlite version, written to a temporary file and
 * renamed into place so that two processes building it at once cannot leave a
 * torn file, and discarded if it turns out unreadable.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
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

/** Path of the cached dump for the installed PGlite. */
export function cachedDumpPath(): string {
  return path.join(cacheFolder(), `pglite-${pgliteVersion()}-datadir.tar.gz`);
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The cached dump, or undefined if there is none or it is plainly not a gzip file. */
export function readCachedDump(): Uint8Array | undefined {
  const file = cachedDumpPath();
  if (!existsSync(file)) return undefined;
  try {
    const bytes = readFileSync(file);
    if (bytes.length < 1024 || bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) {
      discardCachedDump();
      return undefined;
    }
    return bytes;
  } catch {
    return undefined;
  }
}

/** Stores a dump atomically: a temporary file in the same folder, then a rename. */
export function writeCachedDump(bytes: Uint8Array): void {
  const file = cachedDumpPath();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, bytes);
    renameSync(temp, file);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}

/** Removes a cached dump that failed to load, so the next engine rebuilds it. */
export function discardCachedDump(): void {
  rmSync(cachedDumpPath(), { force: true });
}
