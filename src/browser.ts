/**
 * pglite-lab for web pages: the same API as in Node, on an in-memory PGlite
 * running in the page.
 *
 * Bundlers pick this entry through the package's `browser` condition; the
 * docs site runs its guides on it. What differs from Node: engines are
 * in-memory only (`pglite://./dir` and `postgres://` URLs are refused with an
 * {@link ArgumentError} that says why), a new engine starts from a data
 * directory served beside the bundle (`pglite-datadir.tar.gz`), and a nested
 * scope is recognised by V8's async stack traces (Chromium, Edge, Node)
 * rather than by `node:async_hooks`.
 *
 * @module
 */
import { createEngine as createEngineAnywhere, type Engine } from "./engine.js";
import type { EngineOptions } from "./engine-options.js";
import { assertBrowserUrl } from "./browser/engine-url.js";

export * from "./index.js";

/**
 * Creates an engine over an in-memory PGlite in this page; the browser's
 * `createEngine()`. Takes what Node's takes, but only `pglite://memory` (or
 * no URL) as a URL.
 */
export async function createEngine<DB = any>(url?: string, options?: EngineOptions): Promise<Engine<DB>>;
export async function createEngine<DB = any>(options: EngineOptions): Promise<Engine<DB>>;
export async function createEngine<DB = any>(first?: string | EngineOptions, second?: EngineOptions): Promise<Engine<DB>> {
  assertBrowserUrl(first);
  return createEngineAnywhere<DB>(first as string | undefined, second);
}
