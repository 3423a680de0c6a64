/**
 * Stands in for `backends/data-folder.ts` in the browser build: a page has
 * no folders, so the folder checks and locks are left out of the bundle.
 * The browser entry refuses `pglite://./dir` URLs before this could run
 * (see engine-url.ts); if it runs anyway, it says why.
 *
 * @module
 */
import type { PGlite } from "@electric-sql/pglite";
import { ConnectionError } from "../errors.js";
import type { FolderLock } from "../backends/folder-lock.js";

/** Refuses: an on-disk database needs Node's file system. */
export async function openDataFolder(_folder: string, display: string): Promise<{ db: PGlite; lock: FolderLock }> {
  throw new ConnectionError(`${display} is a folder on disk, which a web page does not have; use the in-memory database.`);
}
