/**
 * A tslab kernel for tests that check what a notebook shows: started in
 * notebooks/ (where cells resolve `pglite-lab` to the CommonJS build), with
 * the text a cell wrote to stdout and stderr.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KernelClient, type ExecuteResult } from "../../tools/notebook-runner/src/kernel-client.js";

export type { ExecuteResult } from "../../tools/notebook-runner/src/kernel-client.js";

/** The repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Starts a kernel in notebooks/ on the embedded engine (PGLITE_LAB_URL unset). */
export function startKernel(): Promise<KernelClient> {
  return KernelClient.start({ cwd: path.join(REPO, "notebooks"), env: { PGLITE_LAB_URL: undefined } });
}

function streamText(result: ExecuteResult, name: "stdout" | "stderr"): string {
  return result.outputs.map((o) => (o.output_type === "stream" && o.name === name ? o.text : "")).join("");
}

/** What the cell wrote to stdout. */
export function stdoutOf(result: ExecuteResult): string {
  return streamText(result, "stdout");
}

/** What the cell wrote to stderr: where tslab prints a failed cell's error. */
export function stderrOf(result: ExecuteResult): string {
  return streamText(result, "stderr");
}

/** Runs a cell that must succeed and returns its result. */
export async function runOk(kernel: KernelClient, code: string, timeoutMs = 120_000): Promise<ExecuteResult> {
  const result = await kernel.execute(code, { timeoutMs });
  assert.equal(result.status, "ok", `cell failed:\n${code}\n${stderrOf(result)}`);
  return result;
}
