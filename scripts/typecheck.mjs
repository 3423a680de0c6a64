// Type-checks the project (type tests included) and the guides' in-page runtime, which is
// browser code with a tsconfig of its own (DOM, no Node types).
// The project's own TypeScript is resolved as a module: `node_modules/.bin/tsc` may be
// tslab's TypeScript 5.0.4 (tslab's compiler package installs a `tsc` too).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tscPath = require.resolve("typescript/bin/tsc");

export function typecheck() {
  for (const project of ["tsconfig.json", "tools/docs-site/live/tsconfig.json"]) {
    const tsc = spawnSync(process.execPath, [tscPath, "-p", project, "--noEmit"], { stdio: "inherit" });
    if (tsc.status !== 0) return tsc.status ?? 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(typecheck());
