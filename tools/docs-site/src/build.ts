/**
 * `npm run docs`: builds the documentation site into `docs/site/`.
 *
 * 1. renders the walkthrough notebooks (`notebooks/*.ipynb`) into Markdown
 *    guide pages under `docs/site-src/` (see render-notebooks.ts);
 * 2. bundles the guides' loader (`docs/site-src/live-loader.js`, typedoc's
 *    `customJs`), which puts Run buttons on the guide pages (live-bundle.ts);
 * 3. runs typedoc with `docs/typedoc.json`: the API reference of
 *    `src/index.ts`, the landing page `docs/landing.md`, the guides, and the
 *    plugin that links API pages back to the guides. Validation is on and
 *    warnings are errors, so a missing doc comment or a broken link fails the
 *    build;
 * 4. bundles the in-page runtime into `<site>/live/`: the library's browser
 *    build, PGlite's WebAssembly and a pre-initialized data directory, which
 *    the guide pages load on their first Run.
 *
 * Exits with typedoc's status. Extra arguments go to typedoc, such as
 * `--out <dir>` for another output folder (the browser test builds its own
 * copy that way). The notebooks folder can be changed with the environment
 * variable PGLITE_LAB_NOTEBOOKS.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "./public-api.js";
import { renderNotebooks } from "./render-notebooks.js";
import { buildLoader, buildRuntime } from "./live-bundle.js";

const started = performance.now();
const notebooks = path.resolve(process.env["PGLITE_LAB_NOTEBOOKS"] || path.join(REPO_ROOT, "notebooks"));
const guides = renderNotebooks(notebooks, path.join(REPO_ROOT, "docs", "site-src"));
console.log(
  guides.length === 0
    ? `docs: no notebooks in ${path.relative(REPO_ROOT, notebooks) || notebooks} yet; the Guides page says so.`
    : `docs: rendered ${guides.length} notebooks as guides: ${guides.map((g) => g.slug).join(", ")}`,
);

const loaderBytes = await buildLoader(path.join(REPO_ROOT, "docs", "site-src", "live-loader.js"));

// The bin is not in typedoc's `exports`; find it next to its package.json.
const typedoc = path.join(path.dirname(createRequire(import.meta.url).resolve("typedoc/package.json")), "bin", "typedoc");
const run = spawnSync(process.execPath, [typedoc, "--options", path.join(REPO_ROOT, "docs", "typedoc.json"), ...process.argv.slice(2)], {
  cwd: REPO_ROOT,
  stdio: "inherit",
});
const outAt = process.argv.indexOf("--out");
const out = outAt > 0 ? path.resolve(REPO_ROOT, process.argv[outAt + 1] ?? "") : path.join(REPO_ROOT, "docs", "site");
if (run.status === 0) {
  const parts = await buildRuntime(path.join(out, "live"));
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  console.log(
    `docs: live guides: loader ${(loaderBytes / 1000).toFixed(1)} kB on every page; loaded on the first Run: ` +
      Object.entries(parts).map(([part, bytes]) => `${part} ${mb(bytes)}`).join(", "),
  );
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const serve = outAt > 0 ? "" : "; serve it with `npm run docs:serve`";
if (run.status === 0) console.log(`docs: site built in ${path.relative(REPO_ROOT, out)}/ (${seconds} s)${serve}.`);
else console.error(`docs: typedoc failed (${seconds} s); see the messages above.`);
process.exit(run.status ?? 1);
