/**
 * The lock that keeps a data folder to one engine at a time, in this process
 * and across processes, so that a second engine is refused instead of
 * corrupting the database.
 *
 * Which folders this process holds is known from memory (a registry shared
 * by every copy of this module loaded in the process, keyed by the folder's
 * device and inode), never from a file: a lock file naming this process's
 * PID was written by an earlier process that had the same PID, as after a
 * container restart, and is stale.
 *
 * Across processes the lock is a folder `.pglite-lab.lock` inside the data
 * folder holding one record per holder, named by a number. To take the lock
 * a process reads the records, refuses if one belongs to a live process
 * (see lock-holder.ts), else creates the record numbered one higher
 * with link(), which fails if that name exists, so of processes that read
 * the same records exactly one gets the number. It then reads the records
 * again and backs off if any other live one appeared (a process that read
 * the folder earlier), so two live holders cannot both keep the lock; the
 * stale records are removed. Release removes the record and the folder.
 * A lock written by an older pglite-lab (a file holding a bare PID) is
 * honoured while that process lives.
 *
 * What it cannot see: a process in another PID namespace with the same host
 * name (a restarted container, taken for dead), and a process on another
 * host (a container or machine sharing the folder over a volume: refused,
 * with how to remove the lock if that holder is gone).
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import type { Stats } from "node:fs";
import path from "node:path";
import { ConnectionError } from "../errors.js";
import { LOCK_NAME, UNREADABLE_GRACE_MS, folderIdentity, held, holderOfBarePid, readEntries, type LockHolder, type LockRecord } from "./lock-holder.js";
import { thisProcess } from "./process-identity.js";

/** The refusal for a folder someone holds; `display` is the URL as the user wrote it. */
export function heldError(display: string, holder: LockHolder): ConnectionError {
  const what = `The database folder of ${display}`;
  switch (holder.kind) {
    case "this process":
      return new ConnectionError(`${what} is already open in this process. PGlite lets one engine at a time use a folder: dispose the other engine first.`);
    case "process":
      return new ConnectionError(
        `${what} is already ${holder.creating ? "being created" : "open"} ${holder.pid > 0 ? `in process ${holder.pid}` : "in another process"}. ` +
          "PGlite lets one engine at a time use a folder: dispose that engine or stop that process first.",
      );
    case "other host":
      return new ConnectionError(
        `${what} is marked as open by process ${holder.pid} on host "${holder.host}", which this machine cannot check. ` +
          `If that process is gone (a replaced container, another machine), remove the ${LOCK_NAME} folder inside it and open it again.`,
      );
  }
}

/** Holds a data folder for this process. */
export class FolderLock {
  readonly #dir: string;
  readonly #identity: string;
  readonly #token = randomBytes(12).toString("hex");
  #file: string | undefined;

  /** Whether the holder before this one died while creating the database (so what it wrote is no user data). */
  readonly interruptedCreation: boolean;

  private constructor(folder: string, identity: string) {
    this.#dir = path.join(folder, LOCK_NAME);
    this.#identity = identity;
    this.interruptedCreation = this.#take(folder);
  }

  /** Takes the lock on `folder` (which must exist), or throws a ConnectionError naming `display` and the holder. */
  static take(folder: string, display: string): FolderLock {
    const identity = folderIdentity(folder);
    if (held.has(identity)) throw heldError(display, { kind: "this process" });
    try {
      return new FolderLock(folder, identity);
    } catch (err) {
      if (err instanceof HeldError) throw heldError(display, err.holder);
      if (err instanceof ContendedError) {
        throw new ConnectionError(`The database folder of ${display} could not be locked: other processes kept taking it at the same moment. Try again.`);
      }
      throw err;
    }
  }

  #record(state: LockRecord["state"]): string {
    const me = thisProcess();
    const record: LockRecord = { pid: process.pid, start: me.start, boot: me.boot, pidns: me.pidns, host: me.host, folder: this.#identity, token: this.#token, state };
    return `${JSON.stringify(record)}\n`;
  }

  /** Returns whether a dead holder's record said it was creating the database. */
  #take(folder: string): boolean {
    const barePid = lstatOrUndefined(this.#dir)?.isFile();
    if (barePid) {
      const holder = holderOfBarePid(this.#dir);
      if (holder) throw new HeldError(holder);
      unlinkQuietly(this.#dir);
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        mkdirSync(this.#dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const before = readEntries(this.#dir, this.#identity);
      const live = before.find((e) => e.holder);
      if (live?.holder) throw new HeldError(live.holder);
      const name = String(Math.max(0, ...before.map((e) => e.number)) + 1);
      if (!this.#create(path.join(this.#dir, name))) continue;
      this.#file = path.join(this.#dir, name);
      const others = readEntries(this.#dir, this.#identity).filter((e) => e.name !== name);
      if (others.some((e) => e.holder)) {
        // A process that read the records before this one created its own: back off, then look again.
        this.#release();
        continue;
      }
      for (const stale of others) unlinkQuietly(path.join(this.#dir, stale.name));
      this.#removeDebris();
      held.set(this.#identity, this.#token);
      return others.some((e) => e.record?.state === "creating");
    }
    throw new ContendedError();
  }

  /** Creates `file` with this holder's record, whole or not at all; false if the name is taken (or the folder vanished). */
  #create(file: string): boolean {
    const temp = path.join(this.#dir, `tmp-${this.#token}`);
    try {
      writeFileSync(temp, this.#record("open"), { flag: "wx" });
      try {
        linkSync(temp, file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EEXIST" || code === "ENOENT") return false;
        // No hard links on this file system: exclusive create, then write (others give it UNREADABLE_GRACE_MS).
        writeFileSync(file, this.#record("open"), { flag: "wx" });
      }
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST" || code === "ENOENT") return false;
      throw err;
    } finally {
      unlinkQuietly(temp);
    }
  }

  /** Temporary records left by processes that died between writing and linking them (they would keep the folder from being removed). */
  #removeDebris(): void {
    for (const name of readdirSync(this.#dir)) {
      const file = path.join(this.#dir, name);
      if (name.startsWith("tmp-") && Date.now() - (lstatOrUndefined(file)?.mtimeMs ?? Date.now()) > UNREADABLE_GRACE_MS) unlinkQuietly(file);
    }
  }

  /** Records whether a database is being created in the folder (see {@link LockRecord}). */
  mark(state: LockRecord["state"]): void {
    if (!this.#file) return;
    const temp = path.join(this.#dir, `tmp-${this.#token}`);
    writeFileSync(temp, this.#record(state));
    renameSync(temp, this.#file);
  }

  #release(): void {
    if (this.#file) unlinkQuietly(this.#file);
    this.#file = undefined;
    try {
      rmdirSync(this.#dir);
    } catch {
      // Not empty: another process is taking the lock right now.
    }
  }

  /** Gives the folder up; idempotent. */
  release(): void {
    if (held.get(this.#identity) === this.#token) held.delete(this.#identity);
    this.#release();
  }
}

class HeldError extends Error {
  constructor(readonly holder: LockHolder) {
    super("held");
  }
}

class ContendedError extends Error {}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
