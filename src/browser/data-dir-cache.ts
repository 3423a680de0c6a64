/**
 * The pre-initialized data directory, for the browser build: fetched from the
 * web server instead of read from a cache folder.
 *
 * `PGlite.create()` runs initdb (seconds); loading a dumped data directory
 * does not. Node keeps its dump in a cache folder (backends/data-dir-cache.ts);
 * in a page the dump is a file served beside this bundle,
 * `pglite-datadir.tar.gz` (the docs build writes it), fetched once per page
 * and then kept by the browser's HTTP cache. Without it, PGlite starts the
 * slow way, with initdb, as in Node without a cache.
 *
 * @module
 */

/** The file name of the dump, next to the bundle. */
export const DATA_DIR_FILE = "pglite-datadir.tar.gz";

let dump: Uint8Array | undefined;

/** The dump fetched earlier in this page, if any. */
export function readCachedDump(): Uint8Array | undefined {
  return dump;
}

/** Fetches the dump from beside the bundle; undefined if it is not there. */
export async function buildCachedDump(): Promise<Uint8Array | undefined> {
  try {
    const response = await fetch(new URL(DATA_DIR_FILE, import.meta.url));
    if (!response.ok) return undefined;
    dump = new Uint8Array(await response.arrayBuffer());
    return dump;
  } catch {
    return undefined;
  }
}

/** Forgets a dump that failed to load, so that the next engine fetches it again. */
export function discardCachedDump(): void {
  dump = undefined;
}

/** The dump as a Blob for `PGlite.create({ loadDataDir })`, typed so that PGlite inflates a gzip. */
export function dumpBlob(bytes: Uint8Array): Blob {
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return new Blob([bytes], { type: gzip ? "application/x-gzip" : "application/x-tar" });
}
