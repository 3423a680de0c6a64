/**
 * `localRequire` for the browser build: modules come from the page's notebook
 * runtime, the way tslab provides them to a kernel's cells.
 *
 * @module
 */

interface Host {
  require?: (id: string) => unknown;
}

function load(id: string): unknown {
  // The docs site's cell runtime sets this, as tslab does in a kernel (see display.ts).
  const host = (globalThis as { __tslab__?: Host }).__tslab__;
  if (host && typeof host.require === "function") return host.require(id);
  throw new Error(`Cannot load "${id}": the browser build of pglite-lab has no require().`);
}

/** Loads `id` from the page's cell runtime; throws outside one. */
export const localRequire = Object.assign(load, {
  resolve(id: string): string {
    throw new Error(`Cannot resolve "${id}": the browser build of pglite-lab has no module paths.`);
  },
});
