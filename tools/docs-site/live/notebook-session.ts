/**
 * A notebook session in the page, the counterpart of a tslab kernel: cells
 * run one after another in one shared scope, a cell's last value is printed
 * with `console.log`, and an error is printed with `console.error`, as tslab
 * prints them.
 *
 * The shared scope is a `with` object in front of the page's globals: a
 * name a cell declares at top level is published there as a getter (and a
 * setter, unless it is a `const` or an import) over the cell's own binding,
 * so later cells read and assign the live variable, as tslab's `exports`
 * object lets them.
 *
 * @module
 */
import { CellSyntaxError, compileCell, RUNTIME_NAMES } from "./cell-compiler.js";
import { ModuleLoader } from "./module-loader.js";
import { processStandIn } from "./node-stand-ins.js";
import type { OutputArea } from "./output-area.js";
import type { OutputRouter } from "./output-router.js";
import { jupyterModule, tslabModule } from "./tslab-module.js";

type Accessor = [get: () => unknown, set?: (value: unknown) => void];

const SCOPE = "__pgliteLab$scope";
/** How long a restart waits for the previous session's engines to close. */
const RESTART_PATIENCE_MS = 3000;

/** `import x from "m"`: the module's default export, or the module itself when it has none (CommonJS interop). */
function interopDefault(module: unknown): unknown {
  const record = module as { default?: unknown } | null;
  return record && typeof record === "object" && "default" in record ? record.default : module;
}

/** One notebook's variables, modules and engines. */
export class NotebookSession {
  readonly #router: OutputRouter;
  #values = new Map<string, Accessor>();
  #modules: ModuleLoader;
  readonly #scope: object;

  constructor(router: OutputRouter) {
    this.#router = router;
    this.#modules = new ModuleLoader(router);
    const base: Record<string, unknown> = { process: processStandIn };
    const values = () => this.#values;
    this.#scope = new Proxy(Object.create(null) as object, {
      has: (_target, key) => typeof key === "string" && (values().has(key) || key in base),
      get: (_target, key) => {
        if (typeof key !== "string") return undefined; // Symbol.unscopables included
        const accessor = values().get(key);
        return accessor ? accessor[0]() : base[key];
      },
      set: (_target, key, value) => {
        if (typeof key !== "string") return false;
        const accessor = values().get(key);
        if (!accessor) base[key] = value;
        else if (accessor[1]) accessor[1](value);
        else throw new TypeError(`Assignment to constant variable '${key}'.`);
        return true;
      },
    });
    // The library looks for a tslab kernel this way, and shows rich output
    // (show()'s tables, showSvg()'s pictures) through tslab's writer
    // (see src/internal/tslab-kernel.ts).
    const provided: Record<string, unknown> = { tslab: tslabModule(router), "tslab/dist/jupyter": jupyterModule(router) };
    (globalThis as { __tslab__?: unknown }).__tslab__ = {
      require(id: string): unknown {
        if (Object.hasOwn(provided, id)) return provided[id];
        throw new Error(`Cannot require "${id}" in this page; import it in a cell instead.`);
      },
    };
  }

  /**
   * Runs one cell with its output going to `output`; resolves to whether it
   * finished without an error.
   */
  async run(source: string, output: OutputArea): Promise<boolean> {
    this.#router.current = output;
    let run: (...args: unknown[]) => Promise<unknown>;
    try {
      const compiled = compileCell(source);
      run = new Function(
        RUNTIME_NAMES.publish,
        RUNTIME_NAMES.import,
        RUNTIME_NAMES.interop,
        SCOPE,
        `with (${SCOPE}) { return (async () => {\n${compiled.body}\n})(); }`,
      ) as typeof run;
    } catch (err) {
      // As tslab prints a compile error: the message, without the runtime's stack.
      console.error(err instanceof CellSyntaxError ? `${err.name}: ${err.message}` : err);
      return false;
    }
    const publish = (accessors: Record<string, Accessor>) => {
      for (const [name, accessor] of Object.entries(accessors)) this.#values.set(name, accessor);
    };
    try {
      const result = await run(publish, (specifier: unknown) => this.#modules.load(specifier), interopDefault, this.#scope);
      // tslab prints a last value that is neither null nor undefined.
      if (Array.isArray(result) && result[0] != null) console.log(result[0]);
      return true;
    } catch (err) {
      console.error(err);
      return false;
    }
  }

  /**
   * Forgets every variable and disposes of the engines the cells created, as
   * a kernel restart would. An engine whose scope never ends (a cell left it
   * waiting) is given a few seconds, then left behind.
   */
  async restart(): Promise<void> {
    const engines = [...this.#modules.engines];
    this.#values = new Map();
    this.#modules = new ModuleLoader(this.#router);
    const patience = new Promise<void>((resolve) => setTimeout(resolve, RESTART_PATIENCE_MS));
    await Promise.race([Promise.all(engines.map((engine) => engine.dispose().catch(() => undefined))), patience]);
  }
}
