/**
 * One measured run, in a process of its own: `tsx bench/child.ts '<task json>'`.
 * Prints one line, `BENCH_RESULT {…}`, with the figures or the error.
 * `tsx bench/child.ts prepare [dumpDir]` builds the library's data-directory
 * cache and, given a folder, the gzip and tar dumps the start workload loads.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createEngine } from "../src/index.js";
import { measureEmbedded } from "./embedded.js";
import { RESULT_MARK, type Outcome, type Task } from "./task.js";

const SERVER_KINDS = new Set(["lab-server", "pg", "pg-unnest", "pg-chunked", "pg-floor", "pg-fetch", "kysely-pg"]);

async function prepare(dumpDir: string | undefined): Promise<void> {
  const engine = await createEngine();
  await engine.dispose();
  if (!dumpDir) return;
  const db = await PGlite.create();
  for (const [format, file] of [["gzip", "datadir.tar.gz"], ["none", "datadir.tar"]] as const) {
    const blob = await db.dumpDataDir(format);
    writeFileSync(path.join(dumpDir, file), new Uint8Array(await blob.arrayBuffer()));
  }
  await db.close();
}

async function run(task: Task): Promise<Outcome> {
  try {
    const measure = SERVER_KINDS.has(task.kind)
      ? await (await import("./server.js")).measureServer(task)
      : await measureEmbedded(task);
    return { ok: true, ...measure };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const [arg, extra] = process.argv.slice(2);
if (arg === "prepare") {
  await prepare(extra);
  process.exit(0);
}
const outcome = await run(JSON.parse(arg ?? "{}") as Task);
process.stdout.write(`${RESULT_MARK}${JSON.stringify(outcome)}\n`);
// PGlite and pools may keep handles open; the figures are out, so leave now.
process.exit(0);
