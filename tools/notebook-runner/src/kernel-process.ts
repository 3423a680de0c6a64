/**
 * The tslab kernel as an operating-system process: started, signalled, and
 * watched until it exits.
 *
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { tslabBinPath } from "./locations.js";

/** How the kernel process ended. */
export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of `KernelProcess.spawn`. */
export interface KernelProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  connectionFile: string;
}

/** A running `tslab kernel` process. */
export class KernelProcess {
  /** Resolves once the process has exited and its output has been read. */
  readonly exited: Promise<KernelExit>;
  readonly #child: ChildProcess;
  #exit: KernelExit | undefined;
  #log = "";

  private constructor(child: ChildProcess) {
    this.#child = child;
    const keepTail = (chunk: Buffer) => (this.#log = (this.#log + chunk.toString()).slice(-4000));
    child.stdout?.on("data", keepTail);
    child.stderr?.on("data", keepTail);
    this.exited = new Promise((resolve) => {
      const ended = (exit: KernelExit) => {
        this.#exit ??= exit;
        resolve(this.#exit);
      };
      // "close" follows the last output, unless a process the cells started still holds the pipes.
      child.once("close", (code, signal) => ended({ code, signal }));
      child.once("exit", (code, signal) => setTimeout(() => ended({ code, signal }), 200).unref());
      child.once("error", (error) => {
        this.#log += `\n${error.message}`;
        ended({ code: null, signal: null });
      });
    });
  }

  /**
   * Starts `node tslab kernel --config-path <connectionFile>` in `cwd`, with
   * the orphan guard preloaded so the kernel never outlives this process.
   */
  static spawn(options: KernelProcessOptions): KernelProcess {
    const guard = fileURLToPath(new URL("./orphan-guard.cjs", import.meta.url));
    const args = ["--require", guard, tslabBinPath(), "kernel", "--config-path", options.connectionFile];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: a terminal's Ctrl-C must reach the runner, not
      // interrupt cells, and a stop must also end whatever the cells spawned.
      detached: process.platform !== "win32",
    });
    return new KernelProcess(child);
  }

  /** The process id (undefined if it could not be started). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** How the process ended, or undefined while it runs. */
  get exit(): KernelExit | undefined {
    return this.#exit;
  }

  /** The end of what the kernel printed outside cells (tslab's own errors), or "". */
  get logTail(): string {
    return this.#log.trim();
  }

  /**
   * Sends a signal to the kernel or, with `wholeGroup`, to its process group:
   * the kernel and whatever the cells started, which may outlive it.
   */
  signal(signal: NodeJS.Signals, wholeGroup = false): void {
    const child = this.#child;
    if (child.pid === undefined) return;
    try {
      if (wholeGroup && process.platform !== "win32") process.kill(-child.pid, signal);
      else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    } catch {
      // Nothing left to signal (ESRCH).
    }
  }
}
