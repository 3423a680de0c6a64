/**
 * Who a process is, beyond its PID: what the folder lock records about its
 * holder, and how it tells a live holder from a PID that was reused.
 *
 * A PID alone names a process only while it lives: a restarted container
 * gives its main process the same small PID again, and a busy machine hands
 * a dead process's PID to a new one. So a lock records the holder's PID with
 * its start time (Linux: `/proc/<pid>/stat`, in clock ticks since boot), the
 * boot id, the PID namespace and the host name, and the holder counts as
 * alive only while a process with that PID and that start time exists.
 * Where /proc is missing (macOS, Windows) only the PID can be checked.
 *
 * @module
 */
import { readFileSync, readlinkSync } from "node:fs";
import os from "node:os";

function readOrUndefined(read: () => string): string | undefined {
  try {
    return read().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The start time of process `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined where unknown. */
export function processStart(pid: number): string | undefined {
  const stat = readOrUndefined(() => readFileSync(`/proc/${pid}/stat`, "latin1"));
  // The command name (field 2) is in parentheses and may hold spaces and ")": count fields after the last ")".
  const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields?.[19];
}

/** The boot id of this machine, the PID namespace and host name of this process. */
interface Machine {
  readonly boot: string | undefined;
  readonly pidns: string | undefined;
  readonly host: string;
  readonly start: string | undefined;
  /** When the machine booted, in ms since the epoch (for lock files that hold a bare PID). */
  readonly bootedAt: number | undefined;
}

let self: Machine | undefined;

/** This process's identity, read once. */
export function thisProcess(): Machine {
  if (self) return self;
  const btime = /^btime (\d+)$/m.exec(readOrUndefined(() => readFileSync("/proc/stat", "latin1")) ?? "")?.[1];
  return (self = {
    boot: readOrUndefined(() => readFileSync("/proc/sys/kernel/random/boot_id", "latin1")),
    pidns: readOrUndefined(() => readlinkSync("/proc/self/ns/pid")),
    host: os.hostname(),
    start: processStart(process.pid),
    bootedAt: btime ? Number(btime) * 1000 : undefined,
  });
}

/** Whether a process with this PID exists (one owned by another user counts). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether process `pid` started after `timeMs` (ms since the epoch), so that
 * it cannot have written a file last modified then; false where unknown.
 * Linux counts start times in USER_HZ ticks, 100 a second on every
 * architecture Node runs on; a second of slack covers the rounding.
 */
export function startedAfter(pid: number, timeMs: number): boolean {
  const ticks = processStart(pid);
  const bootedAt = thisProcess().bootedAt;
  if (ticks === undefined || bootedAt === undefined) return false;
  return bootedAt + Number(ticks) * 10 > timeMs + 1000;
}
