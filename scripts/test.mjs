// The whole suite: a type check of the project (type tests included) and of the
// guides' in-page runtime, then
// every *.test.ts under test/ (the library) and tools/*/test/ (the tools beside
// it) through Node's built-in runner with tsx.
// Extra arguments are passed to the runner, e.g. `npm test -- --test-name-pattern=stream`;
// file arguments replace the default set.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { typecheck } from "./typecheck.mjs";

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("-"));
const flags = args.filter((a) => a.startsWith("-"));

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "fixtures" || name === "node_modules" ? [] : find(full);
    return name.endsWith(".test.ts") ? [full] : [];
  });
}

if (files.length === 0) {
  console.log("Type-checking the project (tsc --noEmit) ...");
  const status = typecheck();
  if (status !== 0) process.exit(status);
}

const tests = files.length > 0 ? files : [...find("test"), ...find("tools")].sort();
const run = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", ...flags, ...tests],
  { stdio: "inherit", env: { ...process.env, NODE_OPTIONS: process.env.NODE_OPTIONS ?? "" } },
);
process.exit(run.status ?? 1);
