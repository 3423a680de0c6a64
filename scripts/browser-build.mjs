// The browser build of the library: src/browser.ts bundled by esbuild, with
// the Node-only modules the library uses swapped for the browser stand-ins in
// src/browser/. Used by `npm run build` (dist/browser/, the package's
// `browser` condition, dependencies left to the user's bundler) and by the docs
// build (the guides' in-page runtime, everything bundled).
//
// A `node:` import in src/ that has no stand-in here fails the build with
// esbuild's own "Could not resolve" error naming the file, so a new Node-only
// import cannot slip into the browser build unnoticed.
import { rmSync, renameSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SRC = path.join(ROOT, "src");
const inSrc = (file) => path.join(SRC, file);

/** Library files replaced in the browser build, by the file that replaces them. */
const SWAPPED_FILES = new Map([
  [inSrc("backends/data-dir-cache.ts"), inSrc("browser/data-dir-cache.ts")],
  [inSrc("backends/data-folder.ts"), inSrc("browser/data-folder.ts")],
  [inSrc("backends/postgres-backend.ts"), inSrc("browser/postgres-backend.ts")],
  [inSrc("internal/local-require.ts"), inSrc("browser/local-require.ts")],
  [inSrc("internal/node-buffer.ts"), inSrc("browser/buffer.ts")],
]);

/** Node built-ins the library imports, by their browser stand-ins. */
const SWAPPED_BUILTINS = new Map([
  ["node:async_hooks", inSrc("browser/async-local-storage.ts")],
  ["node:fs", inSrc("browser/fs.ts")],
  ["node:path", inSrc("browser/path.ts")],
]);

/** The browser entry of the library. */
export const BROWSER_ENTRY = inSrc("browser.ts");

/**
 * The esbuild plugin that makes the swaps. `pglite-lab` itself resolves to
 * the browser entry. Node built-ins imported by dependencies (PGlite's Node
 * code paths, behind its own environment checks) are left out.
 */
export function browserSwaps() {
  return {
    name: "pglite-lab-browser-swaps",
    setup(build) {
      build.onResolve({ filter: /^pglite-lab$/ }, () => ({ path: BROWSER_ENTRY }));
      build.onResolve({ filter: /^node:/ }, (args) => {
        const swap = SWAPPED_BUILTINS.get(args.path);
        if (swap) return { path: swap };
        if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return { path: args.path, external: true };
        return undefined;
      });
      build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
        if (!args.importer.startsWith(SRC + path.sep)) return undefined;
        const file = path.resolve(path.dirname(args.importer), args.path.replace(/\.js$/, ".ts"));
        return { path: SWAPPED_FILES.get(file) ?? file };
      });
    },
  };
}

/**
 * Builds dist/browser/index.js: the browser entry as one ES module, with
 * PGlite and Kysely left as imports for the user's bundler (which also
 * places PGlite's WebAssembly files). Written to a fresh folder and renamed
 * into place, like dist/cjs.
 */
export async function buildBrowserPackage(outdir = path.join(ROOT, "dist", "browser")) {
  const esbuild = await import("esbuild");
  const fresh = `${outdir}.${process.pid}.tmp`;
  const old = `${outdir}.${process.pid}.old`;
  rmSync(fresh, { recursive: true, force: true });
  try {
    await esbuild.build({
      entryPoints: { index: BROWSER_ENTRY },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      outdir: fresh,
      external: ["@electric-sql/pglite", "kysely"],
      keepNames: true, // error classes take their name from the class
      plugins: [browserSwaps()],
      logLevel: "warning",
    });
    mkdirSync(path.dirname(outdir), { recursive: true });
    try {
      renameSync(outdir, old);
    } catch {
      // first build: nothing to move aside
    }
    renameSync(fresh, outdir);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
