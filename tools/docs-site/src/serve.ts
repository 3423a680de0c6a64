/**
 * `npm run docs:serve [-- --port 8080]`: serves the built site (`docs/site/`,
 * made by `npm run docs`) on http://127.0.0.1:PORT/ until Ctrl-C.
 *
 * @module
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./static-server.js";

const { values } = parseArgs({ options: { port: { type: "string", default: "8080" } } });
const root = fileURLToPath(new URL("../../../docs/site/", import.meta.url));
if (!existsSync(path.join(root, "index.html"))) {
  console.error("docs/site/ has no index.html: build the site first with `npm run docs`.");
  process.exit(1);
}
const { url } = await serveStatic(root, Number(values.port));
console.log(`Serving docs/site/ at ${url} (Ctrl-C to stop)`);
