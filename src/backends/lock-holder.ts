/**
 * Who holds a data folder's lock: the records a lock folder keeps, and
 * whether the process each names is still alive (see process-identity.ts).
 *
 * @module
 */
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pidExists, processStart, startedAfter, thisProcess } from "./process-identity.js";

/** The entry a locked data folder holds besides the database. */
export const LOCK_NAME = ".pglite-lab.lock";

/** What a lock record says about its holder. */
export interface LockRecord {
  readonly pid: number;
  readonly start?: string;
  readonly boot?: string;
  readonly pidns?: string;
  readonly host: string;
  /** The locked folder's device and inode: a record copied along with a folder does not lock the copy. */
  readonly folder: string;
  readonly token: string;
  /** "creating" until a new database is whole, so that an interrupted creation is known as such. */
  readonly state: "open" | "creating";
}

/** Who holds a folder, as far as this process can tell. */
export type LockHolder =
  | { readonly kind: "this process" }
  | { readonly kind: "process"; readonly pid: number; readonly creating: boolean }
  | { readonly kind: "other host"; readonly pid: number; readonly host: string };

const registryKey = Symbol.for("pglite-lab.held-folders");
/** Folder identity → token of the record this process holds there, shared by every copy of this module in the process. */
export const held: Map<string, string> = ((globalThis as Record<symbol, unknown>)[registryKey] ??= new Map<string, string>()) as Map<string, string>;

/** A folder's identity: its device and inode, the same whatever path leads to it. */
export function folderIdentity(folder: string): string {
  const stat = statSync(folder, { bigint: true });
  return `${stat.dev}:${stat.ino}`;
}

/** A record created less recently than this and still unreadable is debris, not one being written. */
export const UNREADABLE_GRACE_MS = 5000;

/** One record file of a lock folder, and its holder if that one lives. */
export type Entry = { readonly name: string; readonly number: number; readonly record: LockRecord | undefined; readonly holder: LockHolder | undefined };

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    return typeof value.pid === "number" && typeof value.token === "string" && typeof value.host === "string" ? (value as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** The live holder a record names, or undefined if it is stale. */
function holderOf(record: LockRecord, identity: string): LockHolder | undefined {
  const me = thisProcess();
  if (held.get(identity) === record.token) return { kind: "this process" };
  if (record.host !== me.host) return { kind: "other host", pid: record.pid, host: record.host };
  if (record.folder !== identity) return undefined;
  if (record.boot && me.boot && record.boot !== me.boot) return undefined; // the machine restarted since
  if (record.pid === process.pid) return undefined; // an earlier process with this PID: ours is in memory
  if (record.pidns && me.pidns && record.pidns !== me.pidns) return undefined;
  if (!pidExists(record.pid)) return undefined;
  const start = processStart(record.pid);
  if (record.start && start && record.start !== start) return undefined; // the PID now names another process
  return { kind: "process", pid: record.pid, creating: record.state === "creating" };
}

/** The live holder a lock file of an older pglite-lab names (a bare PID), or undefined if it is stale. */
export function holderOfBarePid(file: string): LockHolder | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(file, "utf8").trim();
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const pid = Number(text);
  if (!/^\d+$/.test(text) || pid === process.pid || !pidExists(pid) || startedAfter(pid, mtimeMs)) return undefined;
  return { kind: "process", pid, creating: false };
}

/** The records in the lock folder `dir`, each judged; files being removed meanwhile are left out. */
export function readEntries(dir: string, identity: string): Entry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const file = path.join(dir, name);
    let record: LockRecord | undefined;
    let young = false;
    try {
      record = parseRecord(readFileSync(file, "utf8"));
      young = !record && Date.now() - statSync(file).mtimeMs < UNREADABLE_GRACE_MS;
    } catch {
      continue; // removed meanwhile
    }
    // A record still being written (only where hard links are missing) counts as a live holder for a few seconds.
    const holder = record ? holderOf(record, identity) : young ? { kind: "process" as const, pid: 0, creating: false } : undefined;
    entries.push({ name, number: Number(name), record, holder });
  }
  return entries;
}

/**
 * Who holds `folder` now, if anyone alive does, and whether a dead holder was
 * creating its database. Reads only; `identity` is {@link folderIdentity}.
 */
export function inspectLock(folder: string, identity: string): { holder: LockHolder | undefined; interruptedCreation: boolean } {
  if (held.has(identity)) return { holder: { kind: "this process" }, interruptedCreation: false };
  const dir = path.join(folder, LOCK_NAME);
  let isFile = false;
  try {
    isFile = lstatSync(dir).isFile();
  } catch {
    return { holder: undefined, interruptedCreation: false };
  }
  if (isFile) return { holder: holderOfBarePid(dir), interruptedCreation: false };
  const entries = readEntries(dir, identity);
  return {
    holder: entries.find((e) => e.holder)?.holder,
    interruptedCreation: entries.some((e) => !e.holder && e.record?.state === "creating"),
  };
}

