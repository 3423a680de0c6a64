/**
 * The line that says what machine the figures come from.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pgliteVersion } from "../src/backends/data-dir-cache.js";
import { REPO_ROOT } from "./runner.js";

function packageVersion(name: string): string {
  try {
    const file = path.join(REPO_ROOT, "node_modules", ...name.split("/"), "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "?";
  } catch {
    return "?";
  }
}

export interface MachineInfo {
  readonly line: string;
  readonly date: string;
}

/** Cores, RAM, OS, Node and library versions, date, and the load when the run began and ended. */
export function describeMachine(loadAtStart: number, loadAtEnd: number): MachineInfo {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
  const ram = `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`;
  const date = new Date().toISOString().slice(0, 10);
  const versions = [
    `Node ${process.version}`,
    `PGlite ${pgliteVersion()}`,
    `Kysely ${packageVersion("kysely")}`,
    `kysely-pglite ${packageVersion("kysely-pglite")}`,
    `pg ${packageVersion("pg")}`,
  ].join(", ");
  const line =
    `${cpus.length} cores (${model}), ${ram}, ${os.type()} ${os.arch()}; ${versions}; ${date}; ` +
    `load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end.`;
  return { line, date };
}
