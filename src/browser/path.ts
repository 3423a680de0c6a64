/**
 * Stands in for `node:path` in the browser build: POSIX paths under a root
 * of `/`, enough for the URL parser to name a folder in its messages.
 *
 * @module
 */

function normalize(parts: readonly string[]): string {
  const out: string[] = [];
  for (const part of parts.join("/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/** `path.resolve()`, the working directory being `/`. */
export function resolve(...segments: string[]): string {
  const start = segments.map((s) => s.startsWith("/")).lastIndexOf(true);
  return normalize(segments.slice(Math.max(start, 0)));
}

/** `path.join()` for absolute paths; a relative result is resolved against `/`. */
export function join(...segments: string[]): string {
  return normalize(segments);
}

/** `path.dirname()`. */
export function dirname(path: string): string {
  const resolved = resolve(path);
  return resolved === "/" ? "/" : resolved.slice(0, resolved.lastIndexOf("/")) || "/";
}

/** The path separator. */
export const sep = "/";

export default { resolve, join, dirname, sep };
