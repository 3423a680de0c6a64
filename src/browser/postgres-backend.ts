/**
 * Stands in for the server backend in the browser build, so that node-postgres
 * is not bundled: a `postgres://` URL is refused before it gets here.
 *
 * @module
 */
import { assertBrowserUrl } from "./engine-url.js";

/** The server backend's entry point, refusing every URL with the browser's explanation. */
export class PostgresBackend {
  static async open(connectionString: string): Promise<never> {
    assertBrowserUrl(connectionString);
    throw new Error(`PostgreSQL servers are not available in the browser build (${connectionString}).`);
  }
}
