// Compiles src/ to CommonJS in dist/cjs so that tslab cells (which turn every
// `import` into `require()`) and .mjs files (through Node's CJS interop) load
// the same build. The nested package.json marks the folder as CommonJS because
// the project itself is "type": "module".
//
// The build goes to a fresh folder that replaces dist/cjs by rename, so a
// notebook or test running meanwhile never finds the package half-written.
// Then dist/browser: the `browser` condition's bundle (see browser-build.mjs).
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { buildBrowserPackage } from "./browser-build.mjs";

const require = createRequire(import.meta.url);
const fresh = `dist/.cjs-${process.pid}`;
const old = `dist/.old-${process.pid}`;
rmSync(fresh, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", fresh], {
    stdio: "inherit",
  });
  writeFileSync(`${fresh}/package.json`, JSON.stringify({ type: "commonjs" }) + "\n");
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
