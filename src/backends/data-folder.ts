/**
 * Opening a `pglite://` folder without ever destroying or re-creating what a
 * user keeps there: a new or empty folder gets a new database, a PostgreSQL
 * data directory is opened as it is, anything else is refused before
 * anything is written.
 *
 * PGlite itself runs initdb in any folder without a PG_VERSION file: in a
 * data directory whose PG_VERSION was lost (the old tables vanish) as in a
 * folder of documents (22 entries appear among them). So:
 * - "empty" means nothing but the lock and what file managers and version
 *   control leave (.DS_Store, Thumbs.db, desktop.ini, .gitkeep, .keep,
 *   .gitignore);
 * - "a database" means a PG_VERSION file holding a version number, and base/
 *   and global/ folders; whether that version fits this PGlite, and whether
 *   the rest is sound, PostgreSQL checks as it starts, and its report becomes
 *   the error;
 * - everything else is refused, and the error says what was found.
 * A creation that a killed process left half done (its lock record says so)
 * is cleared and made again: it never held user data.
 *
 * @module
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, unlinkSync } from "node:fs";
import type { Stats } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { ConnectionError } from "../errors.js";
import { FolderLock, heldError } from "./folder-lock.js";
import { LOCK_NAME, folderIdentity, inspectLock } from "./lock-holder.js";
import { pidExists } from "./process-identity.js";
import { PgliteStartFailure, causeOf, reportOf, startExisting, startNew } from "./pglite-start.js";

/** What an otherwise empty folder may hold. */
const IGNORABLE = new Set([LOCK_NAME, ".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep", ".keep", ".gitignore"]);

/** The top-level entries of a PostgreSQL data directory: what initdb writes and what the server adds. */
const DATA_DIR_ENTRIES = new Set([
  "PG_VERSION", "base", "global", "pg_commit_ts", "pg_dynshmem", "pg_hba.conf", "pg_ident.conf", "pg_logical",
  "pg_multixact", "pg_notify", "pg_replslot", "pg_serial", "pg_snapshots", "pg_stat", "pg_stat_tmp", "pg_subtrans",
  "pg_tblspc", "pg_twophase", "pg_wal", "pg_xact", "postgresql.auto.conf", "postgresql.conf", "postmaster.opts", "postmaster.pid",
]);

type Contents = "absent" | "empty" | "database" | "unfinished";

const UNCHANGED = "Nothing in it was changed.";

/** `a, b and 3 more`, folders marked with a slash. */
function listNames(folder: string, names: readonly string[]): string {
  const shown = names.slice(0, 4).map((name) => (statOrUndefined(path.join(folder, name))?.isDirectory() ? `${name}/` : name));
  return names.length > shown.length ? `${shown.join(", ")} and ${names.length - shown.length} more` : shown.join(", ");
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** The refusal for a path that cannot be examined, by its error code. */
function pathError(display: string, folder: string, err: NodeJS.ErrnoException): ConnectionError {
  const cannot = `Cannot open ${display}:`;
  switch (err.code) {
    case "ELOOP":
      return new ConnectionError(`${cannot} its path goes through a symbolic link that loops back on itself.`, { cause: err });
    case "ENOTDIR":
      return new ConnectionError(`${cannot} part of its path is a file, not a folder.`, { cause: err });
    case "EACCES":
    case "EPERM":
      return new ConnectionError(`${cannot} permission denied on the folder ${folder} (${err.code}).`, { cause: err });
    default:
      return new ConnectionError(`${cannot} the folder ${folder} could not be read (${err.code ?? err.message}).`, { cause: err });
  }
}

/**
 * What the folder holds, or a ConnectionError saying why it must not be
 * opened. Reads only. `locked`: this process holds the folder's lock (so the
 * lock is not checked again), and knows whether a dead holder was creating it.
 */
function inspect(folder: string, display: string, locked?: { interruptedCreation: boolean }): Contents {
  let stat: Stats;
  try {
    stat = statSync(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw pathError(display, folder, err as NodeJS.ErrnoException);
    if (lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new ConnectionError(`Cannot open ${display}: it is a symbolic link to ${readlinkSync(folder)}, which does not exist.`, { cause: err });
    }
    return "absent";
  }
  if (!stat.isDirectory()) {
    throw new ConnectionError(
      `Cannot open ${display}: it is ${stat.isFile() ? "a file, not a folder" : "neither a folder nor a file"}. A pglite:// URL names the folder that holds (or will hold) the database.`,
    );
  }
  let interrupted = locked?.interruptedCreation ?? false;
  if (!locked) {
    const lock = inspectLock(folder, folderIdentity(folder));
    if (lock.holder) throw heldError(display, lock.holder);
    interrupted = lock.interruptedCreation;
  }
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => !IGNORABLE.has(name)).sort();
  } catch (err) {
    throw pathError(display, folder, err as NodeJS.ErrnoException);
  }
  if (names.length === 0) return "empty";
  if (interrupted && names.every((name) => DATA_DIR_ENTRIES.has(name))) return "unfinished";
  const refuse = (what: string, advice: string) => new ConnectionError(`Refusing to open ${display}: ${what} ${UNCHANGED} ${advice}`);
  if (names.includes("PG_VERSION")) {
    const version = readVersion(path.join(folder, "PG_VERSION"));
    const restore = "Restore the folder from a backup, or open a new folder.";
    if (version === undefined) throw refuse("its PG_VERSION file does not hold a PostgreSQL version, so the folder is damaged.", restore);
    for (const needed of ["base", "global"]) {
      if (!statOrUndefined(path.join(folder, needed))?.isDirectory()) {
        throw refuse(`the folder has PG_VERSION (PostgreSQL ${version}) but no ${needed}/ folder, so it is not a whole PostgreSQL data directory.`, restore);
      }
    }
    const server = runningServer(path.join(folder, "postmaster.pid"));
    if (server !== undefined) {
      throw refuse(
        `the folder is the data directory of a running PostgreSQL server (its postmaster.pid names process ${server}), and PGlite would write into it and remove that file.`,
        "Stop the server first, or open a copy of the folder. If no server runs there, remove postmaster.pid.",
      );
    }
    return "database";
  }
  const known = names.filter((name) => DATA_DIR_ENTRIES.has(name));
  if (known.length >= 2) {
    throw refuse(
      `the folder holds a PostgreSQL data directory (${listNames(folder, known)}) but no PG_VERSION file, so it is damaged or incomplete, and opening it as it is would start an empty database in its place.`,
      "Restore the folder from a backup. If only PG_VERSION was lost, putting it back may recover the database: copy the folder first, " +
        "then copy PG_VERSION from another folder made by the same PGlite version.",
    );
  }
  throw refuse(
    `the folder is not empty and holds no PGlite database (it holds ${listNames(folder, names)}).`,
    "A new database is made only in a new or empty folder, so that database files never mix with other files: choose another folder.",
  );
}

/**
 * The PID of the live PostgreSQL server that a postmaster.pid names, if any.
 * PGlite's own (left by a start that failed) names PID -42 and the folder
 * /pglite/data, its WebAssembly file system's path, and is not a server's.
 */
function runningServer(file: string): number | undefined {
  try {
    if (!lstatSync(file).isFile() || lstatSync(file).size > 4096) return undefined;
    const [pid, dataDir] = readFileSync(file, "latin1").split("\n");
    const value = Number(pid);
    if (dataDir === "/pglite/data" || !Number.isInteger(value) || value <= 0 || value === process.pid) return undefined;
    return pidExists(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The version in a PG_VERSION file ("18"), or undefined if it holds anything else. */
function readVersion(file: string): string | undefined {
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > 64) return undefined;
    return /^(\d+(?:\.\d+)?)\n?$/.exec(readFileSync(file, "latin1"))?.[1];
  } catch {
    return undefined;
  }
}

/** Removes what a creation wrote: every entry not in `keep`, except the lock. */
function removeAllBut(folder: string, keep: ReadonlySet<string>): void {
  for (const name of readdirSync(folder)) {
    if (name !== LOCK_NAME && !keep.has(name)) rmSync(path.join(folder, name), { recursive: true, force: true });
  }
}

/** The error for a database that PGlite could not start, with PostgreSQL's reason and what the user can do. */
function startError(display: string, err: unknown, creating: boolean): ConnectionError {
  const reported = reportOf(err);
  const cause = causeOf(err);
  if (creating) return new ConnectionError(`Could not create a PGlite database in ${display}. ${reported} Nothing was left in the folder.`, { cause });
  const advice = err instanceof PgliteStartFailure && err.incompatible
    ? "Open it with the PGlite version that made it and export the data (for example with pg_dump), then load that into a new folder with this version."
    : "Restore it from a backup, or move it aside and open a new folder; copy it before trying any repair.";
  return new ConnectionError(`Could not open the PGlite database in ${display}. ${reported} The folder was left as it is. ${advice}`, { cause });
}

/**
 * Opens or creates the database in `folder`, holding its lock; `display` is
 * the URL as the user wrote it. Throws a ConnectionError, with the folder as
 * it was, where the folder must not or cannot be opened.
 */
export async function openDataFolder(folder: string, display: string): Promise<{ db: PGlite; lock: FolderLock }> {
  let created: string | undefined;
  if (inspect(folder, display) === "absent") {
    try {
      created = mkdirSync(folder, { recursive: true }) ?? undefined;
    } catch (err) {
      throw new ConnectionError(`Could not create the folder of ${display} (${(err as NodeJS.ErrnoException).code ?? "error"}).`, { cause: err });
    }
  }
  let lock: FolderLock | undefined;
  let creating = false;
  try {
    lock = takeLock(folder, display);
    let contents = inspect(folder, display, lock);
    if (contents === "unfinished") {
      removeAllBut(folder, IGNORABLE);
      contents = "empty";
    }
    creating = contents !== "database";
    const db = creating ? await create(folder, lock) : await openExisting(folder);
    return { db, lock };
  } catch (err) {
    lock?.release();
    if (created) rmSync(created, { recursive: true, force: true });
    if (err instanceof ConnectionError) throw err;
    throw startError(display, err, creating);
  }
}

function takeLock(folder: string, display: string): FolderLock {
  try {
    return FolderLock.take(folder, display);
  } catch (err) {
    if (err instanceof ConnectionError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConnectionError(
      `Cannot open ${display}: the folder cannot be written (${code ?? "error"}). PostgreSQL writes to its data folder even to read, so it needs write access.`,
      { cause: err },
    );
  }
}

async function create(folder: string, lock: FolderLock): Promise<PGlite> {
  const before = new Set(readdirSync(folder));
  let db: PGlite | undefined;
  try {
    lock.mark("creating");
    db = await startNew(folder, () => removeAllBut(folder, before));
    lock.mark("open");
    return db;
  } catch (err) {
    await db?.close().catch(() => undefined);
    removeAllBut(folder, before);
    throw err;
  }
}

/** Opens an existing database; a postmaster.pid that a failed start leaves behind is removed, so the folder is as it was. */
async function openExisting(folder: string): Promise<PGlite> {
  const pidFile = path.join(folder, "postmaster.pid");
  const hadPidFile = existsSync(pidFile);
  try {
    return await startExisting(folder);
  } catch (err) {
    if (!hadPidFile) {
      try {
        unlinkSync(pidFile);
      } catch {
        // PostgreSQL did not get as far as writing it.
      }
    }
    throw err;
  }
}
