/**
 * What `import` does in a cell on the page: the bundled packages are loaded
 * on first use (each is a chunk of its own, so a guide downloads only what it
 * imports) and the runtime's own modules are built here.
 *
 * Anything else (`node:fs`, `@hono/node-server`) imports as a stand-in whose
 * every use throws a sentence that says why. The import itself succeeds, as
 * a notebook's first cell often imports Node modules beside pglite-lab; the
 * cells that use them are marked "Needs Node" by the docs build.
 *
 * @module
 */
import { BUNDLED_MODULES, isNodeBuiltin, PAGE_MODULES } from "./page-modules.js";
import { tslabModule } from "./tslab-module.js";
import type { OutputRouter } from "./output-router.js";

type Loader = () => Promise<object>;

/** The bundled packages; each `import()` becomes a chunk loaded when a cell first imports the package. */
const BUNDLED: Record<(typeof BUNDLED_MODULES)[number], Loader> = {
  "pglite-lab": () => import("pglite-lab"),
  kysely: () => import("kysely"),
  zod: () => import("zod"),
  hono: () => import("hono"),
  "hono/http-exception": () => import("hono/http-exception"),
  "hono/jwt": () => import("hono/jwt"),
  "hono/validator": () => import("hono/validator"),
};

/** Something that can be disposed of, as engines can. */
export interface Disposable {
  dispose(): Promise<void>;
}

/** Loads modules for one notebook session. */
export class ModuleLoader {
  readonly #router: OutputRouter;
  readonly #loaded = new Map<string, Promise<object>>();
  /** Engines created by the cells, so that a restart can dispose of them. */
  readonly engines = new Set<Disposable>();

  constructor(router: OutputRouter) {
    this.#router = router;
  }

  /** The module a cell asked for, or an error saying why the page cannot have it. */
  load(specifier: unknown): Promise<object> {
    const name = String(specifier);
    let module = this.#loaded.get(name);
    if (!module) {
      module = this.#resolve(name);
      this.#loaded.set(name, module);
      module.catch(() => this.#loaded.delete(name)); // a failed download can be retried
    }
    return module;
  }

  async #resolve(name: string): Promise<object> {
    if (name === "tslab") return tslabModule(this.#router);
    if (name === "pglite-lab") return this.#trackEngines(await BUNDLED["pglite-lab"]());
    const loader = (BUNDLED as Record<string, Loader>)[name];
    if (loader) return loader();
    return unavailable(name);
  }

  /** pglite-lab with a createEngine that remembers its engines. */
  #trackEngines(module: object): object {
    const original = (module as { createEngine: (...args: unknown[]) => Promise<Disposable> }).createEngine;
    const engines = this.engines;
    const createEngine = async function createEngine(...args: unknown[]) {
      const engine = await original(...args);
      engines.add(engine);
      return engine;
    };
    return Object.freeze({ ...module, createEngine });
  }
}

/** Keys that inspection and `await` read without meaning to use the module. */
const INTROSPECTION = new Set(["then", "constructor", "toJSON", "default", "__esModule", "prototype", "name", "length", "inspect"]);

/** A module the page cannot have: reading a member works, using one throws. */
function unavailable(name: string): object {
  const explain = (what: string) =>
    new Error(
      `${what} is not available in this page: ${name} ${isNodeBuiltin(name) ? "is part of Node" : "is not bundled with the guides"}. ` +
        `The page can import ${PAGE_MODULES.join(", ")}; run the notebook in Jupyter (npm run lab) for the rest.`,
    );
  const member = (path: string): unknown =>
    new Proxy(() => undefined, {
      get: (_target, key) => (typeof key === "string" && !INTROSPECTION.has(key) ? member(`${path}.${key}`) : undefined),
      apply: () => {
        throw explain(`${path}()`);
      },
      construct: () => {
        throw explain(`new ${path}()`);
      },
    });
  return new Proxy(Object.create(null) as object, {
    get: (_target, key) => (typeof key === "string" && !INTROSPECTION.has(key) ? member(`${name}'s ${key}`) : undefined),
  });
}
