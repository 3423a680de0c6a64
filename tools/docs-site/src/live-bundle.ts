/**
 * Builds what the guide pages need to run their cells (see `../live/`):
 *
 * - the loader, `docs/site-src/live-loader.js` (typedoc's `customJs`, on every
 *   page; built before typedoc runs);
 * - the runtime, `<site>/live/`: `runtime.js` and its chunks (the library's
 *   browser build, Kysely, and the other packages a cell can import, each
 *   loaded when first imported), PGlite's WebAssembly and data files beside
 *   them (PGlite finds them next to its own code), and a pre-initialized data
 *   directory, `pglite-datadir.tar.gz`, so that an engine in the page starts
 *   without initdb.
 *
 * @module
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { browserSwaps } from "../../../scripts/browser-build.mjs";
import { buildCachedDump, readCachedDump } from "../../../src/backends/data-dir-cache.js";
import { DATA_DIR_FILE } from "../../../src/browser/data-dir-cache.js";

const LIVE_SRC = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "live");
/** PGlite's files that its code fetches relative to itself. */
const PGLITE_ASSETS = ["pglite.wasm", "pglite.data", "initdb.wasm"];


const common: esbuild.BuildOptions = {
  bundle: true,
  platform: "browser",
  target: "es2022",
  minify: true,
  // Error classes name themselves from their class (`this.name = new.target.name`): keep the names minifying would shorten.
  keepNames: true,
  legalComments: "none",
  logLevel: "warning",
};

/**
 * Builds the loader into `outfile` (replaced atomically: another build may be
 * running typedoc on the same file); returns its size.
 */
export async function buildLoader(outfile: string): Promise<number> {
  const result = await esbuild.build({ ...common, entryPoints: [path.join(LIVE_SRC, "loader.ts")], format: "iife", write: false });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  mkdirSync(path.dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, outfile);
  return code.length;
}

/**
 * Builds the runtime, copies PGlite's files and writes the data directory
 * dump into `outdir`; returns the size of each part in bytes (the chunks
 * together: a guide downloads only those its cells import).
 */
export async function buildRuntime(outdir: string): Promise<Record<string, number>> {
  rmSync(outdir, { recursive: true, force: true }); // no chunks of an earlier build left behind
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    ...common,
    entryPoints: { runtime: path.join(LIVE_SRC, "runtime.ts") },
    format: "esm",
    splitting: true,
    outdir,
    chunkNames: "[name]-[hash]",
    metafile: true,
    plugins: [browserSwaps()],
  });
  const pgliteDist = path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  for (const asset of PGLITE_ASSETS) copyFileSync(path.join(pgliteDist, asset), path.join(outdir, asset));
  const dump = readCachedDump() ?? (await buildCachedDump());
  if (dump) writeFileSync(path.join(outdir, DATA_DIR_FILE), gzipSync(dump, { level: 6 }));
  else console.warn("docs: could not build a PGlite data directory; engines in the guides will run initdb (slower).");

  const size = (file: string) => readFileSync(file).length;
  const chunks = Object.keys(result.metafile?.outputs ?? {}).filter((file) => file.endsWith(".js"));
  return {
    "JavaScript chunks": chunks.reduce((total, file) => total + size(file), 0),
    ...Object.fromEntries(PGLITE_ASSETS.map((asset) => [asset, size(path.join(outdir, asset))])),
    ...(dump ? { [DATA_DIR_FILE]: size(path.join(outdir, DATA_DIR_FILE)) } : {}),
  };
}
