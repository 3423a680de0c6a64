/**
 * `localRequire`: a `require` that works in the CommonJS build and under tsx alike.
 *
 * @module
 */
import { createRequire } from "node:module";
import path from "node:path";

/**
 * A `require` that works in both builds: the CommonJS one (tslab cells, .mjs
 * through interop) has the real one; under tsx's ESM loader it is rebuilt from
 * the working directory, which is where the project's node_modules are found.
 */
export const localRequire: NodeJS.Require =
  typeof require === "function" ? require : createRequire(path.join(process.cwd(), "index.js"));
