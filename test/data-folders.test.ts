// pglite:// data folders: what may be opened, what is refused with nothing
// written, what a damaged folder reports, and the lock that keeps a folder to
// one engine (in this process and across processes, surviving PID reuse).
// Embedded only: these are PGlite's concerns; a server keeps its own files.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ArgumentError, ConnectionError, createEngine } from "../src/index.js";
import { FolderLock } from "../src/backends/folder-lock.js";
import { LOCK_NAME } from "../src/backends/lock-holder.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(path.join(os.tmpdir(), "pglite-lab-folders-"));
chmodSync(root, 0o755); // open to the child that runs as another user
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A new path under the test's temporary folder (not created). */
const newPath = (name: string) => path.join(root, `${++counter}-${name}`);
const urlOf = (folder: string) => `pglite://${folder}`;

let source: string | undefined;

/** A copy of one database folder, made once, holding table kept with the row 'precious'. */
async function copyOfDatabase(): Promise<string> {
  if (!source) {
    source = newPath("source");
    const engine = await createEngine(urlOf(source));
    await engine.begin(async (conn) => {
      await conn.execute("create table kept (v text)");
      await conn.execute("insert into kept values ('precious')");
    });
    await engine.dispose();
  }
  const copy = newPath("db");
  cpSync(source, copy, { recursive: true });
  return copy;
}

/** Every entry under `folder`, hidden ones included, with its kind and a hash of its contents. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(folder, full);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out[rel] = `link ${readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        out[rel] = "folder";
        walk(full);
      } else out[rel] = `file ${createHash("sha1").update(readFileSync(full)).digest("hex")}`;
    }
  };
  walk(folder);
  return out;
}

/** Asserts that opening `url` is a ConnectionError whose message matches each pattern, and returns it. */
async function refused(url: string, ...patterns: RegExp[]): Promise<ConnectionError> {
  let caught: unknown;
  await assert.rejects(createEngine(url), (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof ConnectionError, `not a ConnectionError: ${String(caught)}`);
  for (const pattern of [new RegExp(url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), ...patterns]) assert.match(caught.message, pattern);
  return caught;
}

/** Opens `url`, runs `query`, disposes, and returns the first column of the answer. */
async function scalars(url: string, query: string): Promise<unknown[]> {
  const engine = await createEngine(url);
  try {
    return await engine.connect(async (conn) => (await conn.execute(query)).scalars());
  } finally {
    await engine.dispose();
  }
}

test("a database folder whose PG_VERSION was deleted is refused, and left byte for byte as it was", async () => {
  const folder = await copyOfDatabase();
  rmSync(path.join(folder, "PG_VERSION"));
  const before = snapshot(folder);
  await refused(urlOf(folder), /no PG_VERSION/, /backup/);
  assert.deepEqual(snapshot(folder), before);
});

test("a folder of other files is refused, and nothing is written into it", async () => {
  const folder = newPath("thesis");
  mkdirSync(path.join(folder, "figures"), { recursive: true });
  writeFileSync(path.join(folder, "thesis.txt"), "Chapter 1");
  writeFileSync(path.join(folder, "figures", "plot.svg"), "<svg/>");
  const before = snapshot(folder);
  await refused(urlOf(folder), /not empty/, /thesis\.txt/, /figures\//);
  assert.deepEqual(snapshot(folder), before);
});

test("a PG_VERSION that holds no version number is refused, and the folder is left as it was", async () => {
  const folder = await copyOfDatabase();
  writeFileSync(path.join(folder, "PG_VERSION"), "hello\n");
  const before = snapshot(folder);
  await refused(urlOf(folder), /PG_VERSION file does not hold a PostgreSQL version/);
  assert.deepEqual(snapshot(folder), before);
});

test("a data folder without its global/ folder is refused, and left as it was", async () => {
  const folder = await copyOfDatabase();
  rmSync(path.join(folder, "global"), { recursive: true });
  const before = snapshot(folder);
  await refused(urlOf(folder), /no global\/ folder/);
  assert.deepEqual(snapshot(folder), before);
});

test("a database made by another PostgreSQL version is refused with PostgreSQL's reason, and left as it was", async () => {
  const folder = await copyOfDatabase();
  writeFileSync(path.join(folder, "PG_VERSION"), "17\n");
  const before = snapshot(folder);
  await refused(urlOf(folder), /PostgreSQL reported: .*initialized by PostgreSQL version 17/, /the PGlite version that made it/);
  assert.deepEqual(snapshot(folder), before);
});

test("a corrupt data folder reports what PostgreSQL found and what to do, and is left as it was", async () => {
  const folder = await copyOfDatabase();
  truncateSync(path.join(folder, "global", "pg_control"), 100);
  const before = snapshot(folder);
  const err = await refused(urlOf(folder), /PostgreSQL reported: PANIC: could not read file "global\/pg_control"/, /left as it is/, /backup/);
  assert.ok(err.cause instanceof Error, "PGlite's own error is not the cause");
  assert.deepEqual(snapshot(folder), before);
});

test("the data directory of a running PostgreSQL server is refused, and left as it was", async () => {
  const folder = await copyOfDatabase();
  const server = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
  try {
    writeFileSync(path.join(folder, "postmaster.pid"), `${server.pid}\n/var/lib/postgresql/data\n1764579600\n5432\n/var/run/postgresql\n*\n`);
    const before = snapshot(folder);
    await refused(urlOf(folder), new RegExp(`running PostgreSQL server .*process ${server.pid}\\b`));
    assert.deepEqual(snapshot(folder), before);
  } finally {
    server.kill("SIGKILL");
  }
});

test("a folder holding only .DS_Store and .gitignore counts as empty: the database is made there, and both files are kept", async () => {
  const folder = newPath("prepared");
  mkdirSync(folder);
  writeFileSync(path.join(folder, ".DS_Store"), "finder");
  writeFileSync(path.join(folder, ".gitignore"), "*\n");
  assert.deepEqual(await scalars(urlOf(folder), "select 1 as n"), [1]);
  assert.equal(readFileSync(path.join(folder, ".DS_Store"), "utf8"), "finder");
  assert.equal(readFileSync(path.join(folder, ".gitignore"), "utf8"), "*\n");
  assert.ok(readdirSync(folder).includes("PG_VERSION"));
  assert.ok(!readdirSync(folder).includes(LOCK_NAME), "the lock was left behind after dispose");
});

test("a path that is a file is refused as not a folder", async () => {
  const file = newPath("notes.txt");
  writeFileSync(file, "notes");
  await refused(urlOf(file), /is a file, not a folder/);
  assert.equal(readFileSync(file, "utf8"), "notes");
});

test("a path that goes through a file is refused", async () => {
  const file = newPath("notes.txt");
  writeFileSync(file, "notes");
  await refused(urlOf(path.join(file, "db")), /part of its path is a file/);
});

test("a symbolic link that loops is refused", async () => {
  const link = newPath("loop");
  symlinkSync(path.basename(link), link);
  await refused(urlOf(link), /symbolic link that loops/);
});

test("a symbolic link to nothing is refused, and its target is not created", async () => {
  const link = newPath("dangling");
  const target = newPath("missing");
  symlinkSync(target, link);
  await refused(urlOf(link), /symbolic link to .*missing, which does not exist/);
  assert.equal(lstatSync(target, { throwIfNoEntry: false }), undefined);
});

const asRoot = process.getuid?.() === 0;

/**
 * What opening `url` says in a child process that runs as nobody where this
 * one runs as root (root may read and write anything), else as this user.
 */
function openAsAnotherUser(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures/open-folder.ts"), url], {
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", () => resolve(out.trim()));
  });
}

test("a folder the user may not read is refused", async () => {
  const folder = newPath("private");
  mkdirSync(folder);
  writeFileSync(path.join(folder, "diary.txt"), "secret");
  chmodSync(folder, asRoot ? 0o711 : 0o311); // the opener may pass through it, not list it
  try {
    assert.match(await openAsAnotherUser(urlOf(folder)), /^ConnectionError Cannot open .*private: permission denied/);
  } finally {
    chmodSync(folder, 0o755);
  }
});

test("a database folder the user may read but not write is refused before PGlite starts, and left as it was", async () => {
  const folder = await copyOfDatabase();
  chmodSync(folder, asRoot ? 0o755 : 0o555);
  try {
    const before = snapshot(folder);
    assert.match(await openAsAnotherUser(urlOf(folder)), /^ConnectionError Cannot open .*: the folder cannot be written \(EACCES\)/);
    assert.deepEqual(snapshot(folder), before);
  } finally {
    chmodSync(folder, 0o755);
  }
});

test("pglite:// URLs with a NUL or a broken %-escape are ArgumentErrors", async () => {
  for (const url of ["pglite://./data%00base", "pglite://./data%E0%A4%A"]) {
    await assert.rejects(createEngine(url), (err: unknown) => err instanceof ArgumentError && (err as Error).message.includes(url));
  }
});

test("a folder already open in this process is refused when reached through a symbolic link too", async () => {
  const folder = await copyOfDatabase();
  const link = newPath("link");
  symlinkSync(folder, link);
  const engine = await createEngine(urlOf(folder));
  try {
    await refused(urlOf(link), /already open in this process/);
  } finally {
    await engine.dispose();
  }
});

test("a lock file holding this process's own PID (left by an earlier process with the same PID) does not lock the folder out", async () => {
  const folder = await copyOfDatabase();
  writeFileSync(path.join(folder, LOCK_NAME), String(process.pid));
  assert.deepEqual(await scalars(urlOf(folder), "select v from kept"), ["precious"]);
});

// Lock contenders: child processes that take a folder's lock on "go".

type Contender = { child: ChildProcessWithoutNullStreams; lines: string[]; next: (prefix: string) => Promise<string> };

function contender(folder: string, mode?: "creating"): Contender {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "fixtures/lock-contender.ts"), folder, ...(mode ? [mode] : [])]);
  const lines: string[] = [];
  let buffer = "";
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${prefix}" from contender ${child.pid}: ${stderr}`)), 120_000);
      const look = () => {
        const index = lines.findIndex((line) => line.startsWith(prefix));
        if (index >= 0) {
          clearTimeout(timer);
          resolve(lines.splice(index, 1)[0]!);
        } else waiters.push(look);
      };
      look();
    });
  return { child, lines, next };
}

/** Starts `count` contenders on `folder`, lets them take the lock at the same moment, and returns what each said. */
async function race(folder: string, count: number): Promise<{ contenders: Contender[]; results: string[] }> {
  const contenders = Array.from({ length: count }, () => contender(folder));
  try {
    await Promise.all(contenders.map((c) => c.next("ready")));
    for (const c of contenders) c.child.stdin.write("go\n");
    const results = await Promise.all(contenders.map((c) => Promise.race([c.next("won"), c.next("refused")])));
    return { contenders, results };
  } catch (err) {
    for (const c of contenders) c.child.kill("SIGKILL");
    throw err;
  }
}

function kill(c: Contender): Promise<void> {
  return new Promise((resolve) => {
    if (c.child.exitCode !== null || c.child.signalCode !== null) return resolve();
    c.child.on("exit", () => resolve());
    c.child.kill("SIGKILL");
  });
}

function assertOneWinner(contenders: Contender[], results: string[]): Contender {
  const winners = contenders.filter((_, i) => results[i] === "won");
  assert.equal(winners.length, 1, `winners: ${winners.length}; said: ${results.join(" | ")}`);
  const pid = winners[0]!.child.pid;
  for (const result of results.filter((r) => r !== "won")) assert.match(result, new RegExp(`already open in process ${pid}\\b`));
  return winners[0]!;
}

test("of four processes that lock a new folder at the same moment, exactly one wins", async () => {
  const folder = newPath("race");
  mkdirSync(folder);
  const { contenders, results } = await race(folder, 4);
  try {
    assertOneWinner(contenders, results);
  } finally {
    await Promise.all(contenders.map(kill));
  }
});

test("of four processes that take over the lock of a killed holder at the same moment, exactly one wins", async () => {
  const folder = newPath("takeover");
  mkdirSync(folder);
  const first = contender(folder);
  await first.next("ready");
  first.child.stdin.write("go\n");
  assert.equal(await first.next("won"), "won");
  await kill(first);
  const { contenders, results } = await race(folder, 4);
  try {
    assertOneWinner(contenders, results);
    assert.equal(readdirSync(path.join(folder, LOCK_NAME)).length, 1, "the dead holder's record was not removed");
  } finally {
    await Promise.all(contenders.map(kill));
  }
});

/** The lock record a contender leaves behind when killed, for rewriting as another kind of stale record. */
async function recordOfKilledHolder(folder: string): Promise<{ file: string; record: Record<string, unknown> }> {
  const holder = contender(folder);
  await holder.next("ready");
  holder.child.stdin.write("go\n");
  assert.equal(await holder.next("won"), "won");
  await kill(holder);
  const [name] = readdirSync(path.join(folder, LOCK_NAME));
  const file = path.join(folder, LOCK_NAME, name!);
  return { file, record: JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> };
}

test("a lock record naming this process's PID, which this process does not hold, is taken over", async () => {
  const folder = newPath("own-pid");
  mkdirSync(folder);
  const { file, record } = await recordOfKilledHolder(folder);
  writeFileSync(file, JSON.stringify({ ...record, pid: process.pid }));
  FolderLock.take(folder, "the folder").release();
});

test("a lock record whose PID now names another live process is taken over", async () => {
  const folder = newPath("reused-pid");
  mkdirSync(folder);
  const { file, record } = await recordOfKilledHolder(folder);
  const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
  try {
    writeFileSync(file, JSON.stringify({ ...record, pid: other.pid }));
    FolderLock.take(folder, "the folder").release();
  } finally {
    other.kill("SIGKILL");
  }
});

test("a folder locked by another live process is refused with that process's PID, in this process too", async () => {
  const folder = newPath("held");
  mkdirSync(folder);
  const holder = contender(folder);
  try {
    await holder.next("ready");
    holder.child.stdin.write("go\n");
    assert.equal(await holder.next("won"), "won");
    assert.throws(() => FolderLock.take(folder, "the folder"), new RegExp(`already open in process ${holder.child.pid}\\b`));
    await refused(urlOf(folder), new RegExp(`already open in process ${holder.child.pid}\\b`));
  } finally {
    await kill(holder);
  }
});

test("a database that a killed process left half made is cleared and made again, keeping the folder's own files", async () => {
  const folder = newPath("half-made");
  mkdirSync(folder);
  writeFileSync(path.join(folder, ".gitignore"), "*\n");
  const maker = contender(folder, "creating");
  await maker.next("ready");
  maker.child.stdin.write("go\n");
  assert.equal(await maker.next("won"), "won");
  // What a load of the cached data directory writes first, before the killed process got further.
  writeFileSync(path.join(folder, "PG_VERSION"), "18\n");
  mkdirSync(path.join(folder, "base", "1"), { recursive: true });
  mkdirSync(path.join(folder, "global"));
  await kill(maker);
  assert.deepEqual(await scalars(urlOf(folder), "select count(*)::int as n from pg_database"), [3]);
  assert.equal(readFileSync(path.join(folder, ".gitignore"), "utf8"), "*\n");
});
