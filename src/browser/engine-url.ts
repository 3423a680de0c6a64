/**
 * Which engine URLs the browser build accepts: the in-memory database only.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { parseEngineUrl } from "../url.js";

const IN_THE_BROWSER = "In the browser, use the in-memory database: createEngine() or createEngine(\"pglite://memory\").";

/**
 * Throws an {@link ArgumentError} naming the URL when it asks for something a
 * page cannot have: a folder on disk (`pglite://./dir`) or a PostgreSQL server
 * (`postgres://…`, reached through node-postgres, which needs Node's sockets).
 */
export function assertBrowserUrl(url: unknown): void {
  if (typeof url !== "string") return; // options only, or not a URL: createEngine() explains
  const target = parseEngineUrl(url);
  if (target.dialect === "postgres") {
    throw new ArgumentError(
      `Engine URL "${target.display}" names a PostgreSQL server, which a web page cannot reach: pglite-lab talks to servers ` +
        `through node-postgres, in Node. ${IN_THE_BROWSER}`,
    );
  }
  if (target.location.kind === "directory") {
    throw new ArgumentError(
      `Engine URL "${target.display}" names a folder on disk, which a web page does not have. ${IN_THE_BROWSER} ` +
        "In Node the same URL keeps the database in that folder.",
    );
  }
}
