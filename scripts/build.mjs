// Compiles src/ to CommonJS in dist/cjs so that tslab cells (which turn every
// `import` into `require()`) and .mjs files (through Node's CJS interop) load
// the same build. The nested package.json marks the folder as CommonJS because
// the project itself is "type": "module".
//
// The web API example is compiled too, into dist/cjs/examples/web-api, so that
// notebooks 09 and 10 import its files as "pglite-lab/examples/web-api/<file>":
// tslab type-checks only files under notebooks/, so a cell cannot import the
// .ts sources themselves.
//
// The build goes to a fresh folder that replaces dist/cjs by rename, so a
// notebook or test running meanwhile never finds the package half-written.
// Then dist/browser: the `browser` condition's bundle (see browser-build.mjs).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { buildBrowserPackage } from "./browser-build.mjs";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
const fresh = `dist/.cjs-${process.pid}`;
const old = `dist/.old-${process.pid}`;
const EXAMPLE = "examples/web-api";
rmSync(fresh, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", fresh], { stdio: "inherit" });
  writeFileSync(`${fresh}/package.json`, JSON.stringify({ type: "commonjs" }) + "\n");
  buildExample();
  mkdirSync("dist", { recursive: true });
  try {
    renameSync("dist/cjs", old);
  } catch {
    // first build: nothing to move aside
  }
  renameSync(fresh, "dist/cjs");
} finally {
  rmSync(fresh, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}

await buildBrowserPackage();

/**
 * Compiles the example against the library's fresh declarations. Its own
 * declarations load all of hono's and zod's types (seconds of CPU), so the
 * previous build's output is reused while the example, the library's types and
 * the dependencies are unchanged. Type errors are `npm run typecheck`'s job.
 */
function buildExample() {
  const out = `${fresh}/${EXAMPLE}`;
  const key = inputsKey();
  const previous = `dist/cjs/${EXAMPLE}`;
  if (readOrNothing(`${previous}/.inputs`) === key) {
    cpSync(previous, out, { recursive: true });
    return;
  }
  const config = `${fresh}/tsconfig.example.json`;
  const up = "../..";
  const options = {
    extends: `${up}/tsconfig.build.json`,
    compilerOptions: {
      rootDir: `${up}/${EXAMPLE}`,
      outDir: `./${EXAMPLE}`,
      // The library as this build declares it, not as the previous build did.
      paths: { "pglite-lab": ["./index.d.ts"] },
      noCheck: true,
    },
    include: [`${up}/${EXAMPLE}`],
    // server.ts starts a server when loaded; the notebooks use serve-api.ts.
    exclude: [`${up}/${EXAMPLE}/server.ts`],
  };
  writeFileSync(config, JSON.stringify(options));
  execFileSync(process.execPath, [tsc, "-p", config], { stdio: "inherit" });
  rmSync(config);
  writeFileSync(`${out}/.inputs`, key);
}

/** A digest of what the example's output depends on. */
function inputsKey() {
  const hash = createHash("sha256");
  const files = [
    ...readdirSync(EXAMPLE).map((name) => `${EXAMPLE}/${name}`),
    ...readdirSync(fresh, { recursive: true })
      .filter((name) => name.endsWith(".d.ts"))
      .map((name) => `${fresh}/${name}`),
    "tsconfig.json",
    "tsconfig.build.json",
    "package-lock.json",
  ].sort();
  for (const file of files) {
    hash.update(file.replace(fresh, "")).update("\0").update(readOrNothing(file)).update("\0");
  }
  return hash.digest("hex");
}

function readOrNothing(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
