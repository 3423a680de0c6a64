/**
 * Where things are: the repository, tslab's executable, and whether a module
 * is the script Node was asked to run.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (three folders above tools/notebook-runner/src). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");

/** Absolute path of tslab's executable script, resolved like an import from this package. */
export function tslabBinPath(): string {
  return createRequire(import.meta.url).resolve("tslab/bin/tslab");
}

/**
 * Whether the module at `moduleUrl` is the script Node (or tsx) was started
 * with, so that a file can both export functions and act as a command.
 */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
