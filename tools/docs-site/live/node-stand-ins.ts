/**
 * The part of Node's `process` that the walkthroughs read and a page can
 * stand in for: `process.env` (empty, so `process.env.PGLITE_LAB_URL` is
 * undefined and engines are in-memory), `platform`, `cwd()` and `nextTick()`.
 * The rest of `process` is Node's alone; the docs build marks cells that use
 * it as needing Node (see page-modules.ts, `PROCESS_MEMBERS`).
 *
 * @module
 */

/** `process` in the page. */
export const processStandIn = {
  env: {} as Record<string, string | undefined>,
  platform: "browser",
  cwd: (): string => "/",
  nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]): void => queueMicrotask(() => fn(...args)),
};
