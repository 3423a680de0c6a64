/**
 * Runs one task in a fresh child process and reads its outcome.
 *
 * @module
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RESULT_MARK, type Outcome, type Task } from "./task.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Error text fit for a committed report: no absolute paths, one line. */
export function sanitize(message: string): string {
  let text = message.split("\n")[0] ?? "";
  for (const [prefix, name] of [[REPO_ROOT, "."], [os.tmpdir(), "$TMPDIR"], [os.homedir(), "~"]] as const) {
    text = text.replaceAll(prefix, name);
  }
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** `node --import tsx bench/child.ts …args` in the repository root; resolves with its stdout. */
export function runChild(args: readonly string[], timeoutSeconds: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join("bench", "child.ts"), ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\ntimed out after ${timeoutSeconds} s`;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Measures one task; a crash or a timeout comes back as a failed outcome, not a throw. */
export async function measure(task: Task, timeoutSeconds: number): Promise<Outcome> {
  const { code, stdout, stderr } = await runChild([JSON.stringify(task)], timeoutSeconds);
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT_MARK));
  if (line) {
    const outcome = JSON.parse(line.slice(RESULT_MARK.length)) as Outcome;
    return outcome.ok ? outcome : { ok: false, error: sanitize(outcome.error) };
  }
  const last = stderr.trim().split("\n").filter(Boolean).at(-1) ?? `exit code ${String(code)}`;
  return { ok: false, error: sanitize(`the run crashed: ${last}`) };
}
