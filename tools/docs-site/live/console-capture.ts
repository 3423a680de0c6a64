/**
 * Sends the page's console to the running cell, formatted the way Node's
 * console formats it (util.format / util.inspect, as tslab's kernel prints),
 * so that `console.log` in a cell, the library's statement log and a cell's
 * last value read as they do in the notebook.
 *
 * @module
 */
import { formatWithOptions, inspect } from "node-inspect-extracted";
import type { OutputRouter } from "./output-router.js";

const STDOUT = ["log", "info", "debug"] as const;
const STDERR = ["warn", "error"] as const;

/** Node's console.trace text: the message and where it was called from. */
function trace(args: unknown[]): string {
  const error = new Error(formatWithOptions({}, ...args));
  error.name = "Trace";
  return String(error.stack);
}

/** Points `console` at `router` until the returned function is called. */
export function captureConsole(router: OutputRouter): () => void {
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  const saved = new Map<string, (...args: unknown[]) => void>();
  const replace = (name: string, fn: (...args: unknown[]) => void) => {
    saved.set(name, target[name] as (...args: unknown[]) => void);
    target[name] = fn;
  };
  for (const name of STDOUT) replace(name, (...args) => router.stream("stdout", `${formatWithOptions({}, ...args)}\n`));
  for (const name of STDERR) replace(name, (...args) => router.stream("stderr", `${formatWithOptions({}, ...args)}\n`));
  replace("dir", (value, options) => router.stream("stdout", `${inspect(value, { customInspect: false, ...(options as object) })}\n`));
  replace("trace", (...args) => router.stream("stderr", `${trace(args)}\n`));
  replace("assert", (condition, ...args) => {
    if (!condition) router.stream("stderr", `${args.length > 0 ? `Assertion failed: ${formatWithOptions({}, ...args)}` : "Assertion failed"}\n`);
  });
  return () => {
    for (const [name, fn] of saved) target[name] = fn;
  };
}
