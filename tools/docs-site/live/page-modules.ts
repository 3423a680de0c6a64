/**
 * Which modules a cell can import in the page. Shared by the runtime (which
 * loads them) and the docs build (which marks the cells that import anything
 * else as needing Node), so that the two cannot disagree.
 *
 * @module
 */

/** Packages bundled with the page's runtime, each loaded on a cell's first import of it. */
export const BUNDLED_MODULES = ["pglite-lab", "kysely", "zod", "hono", "hono/http-exception", "hono/jwt", "hono/validator"] as const;

/** Modules the runtime itself provides: tslab's display API, as in a Jupyter kernel. */
export const PROVIDED_MODULES = ["tslab"] as const;

/**
 * Names of Node's `process` that exist in the page (see node-stand-ins.ts).
 * Not `memoryUsage()`: a browser's heap figures (Chromium's
 * `performance.memory`, refreshed every 50 ms, with garbage collected on the
 * browser's own schedule) do not reproduce what the streaming walkthrough
 * measures in Node, so those cells keep their saved output.
 */
export const PROCESS_MEMBERS = ["env", "platform", "nextTick", "cwd"] as const;

/** Globals only Node has: a cell that uses one needs Node. */
export const NODE_ONLY_GLOBALS = ["Buffer", "__dirname", "__filename", "global", "setImmediate", "clearImmediate", "module", "require"] as const;

/** Every module a cell can import in the page. */
export const PAGE_MODULES: readonly string[] = [...BUNDLED_MODULES, ...PROVIDED_MODULES];

/** Node's built-in modules, with or without the `node:` prefix. */
const NODE_BUILTINS = /^(node:|(assert|async_hooks|buffer|child_process|cluster|crypto|dgram|dns|events|fs|http|http2|https|module|net|os|path|perf_hooks|process|readline|stream|string_decoder|timers|tls|tty|url|util|v8|vm|worker_threads|zlib)(\/|$))/;

/** Whether `specifier` names one of Node's built-in modules. */
export function isNodeBuiltin(specifier: string): boolean {
  return NODE_BUILTINS.test(specifier);
}

/** Why a cell importing `specifier` cannot run in the page, or undefined if it can. */
export function unavailableModule(specifier: string): string | undefined {
  if (PAGE_MODULES.includes(specifier)) return undefined;
  if (isNodeBuiltin(specifier)) return `imports ${specifier}, which only Node has`;
  return `imports ${specifier}, which the page does not bundle`;
}
