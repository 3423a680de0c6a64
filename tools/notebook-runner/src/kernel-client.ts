/**
 * A minimal Jupyter client for the tslab kernel: starts it, runs code, and
 * collects outputs as nbformat-4 objects, without Python or Jupyter installed.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Zmq from "zeromq";
import { writeConnectionFile, type ConnectionInfo } from "./connection-file.js";
import { KernelDiedError, KernelError, KernelStartError } from "./errors.js";
import { KernelProcess } from "./kernel-process.js";
import type { NbOutput } from "./notebook.js";
import { PendingRequest } from "./pending-request.js";
import { createMessage, decodeMessage, encodeMessage, type JupyterMessage } from "./wire-protocol.js";

// zeromq is CommonJS and comes with tslab; require() sidesteps ESM interop of its native binding.
const zmq = createRequire(import.meta.url)("zeromq") as typeof Zmq;

/** How one `execute` call ended. */
export type ExecuteStatus = "ok" | "error" | "timeout" | "aborted";

/** What one `execute` call produced. */
export interface ExecuteResult {
  status: ExecuteStatus;
  outputs: NbOutput[];
  executionCount: number | null;
}

/** Options of `KernelClient.start`. */
export interface KernelStartOptions {
  /** Working directory of the kernel; Jupyter uses the notebook's folder. */
  cwd: string;
  /** Variables added to this process's environment (which the kernel inherits). */
  env?: Record<string, string | undefined>;
  /** How long to wait for `kernel_info_reply` (default 60 s; a start takes 2–5 s). */
  startTimeoutMs?: number;
}

/** Options of `KernelClient.execute`. */
export interface ExecuteOptions {
  /** Time before the cell is interrupted (default 120 s). */
  timeoutMs?: number;
  /** Time an interrupted cell gets to stop before the kernel is killed (default 10 s). */
  interruptGraceMs?: number;
}

// tslab answers `abort` to requests arriving within 200 ms of an error (tslab issue #19).
const QUIET_AFTER_ERROR_MS = 250;
// What tslab prints when it publishes before its sockets are bound (it never recovers).
const BIND_RACE = /Socket is blocked by a bind or unbind operation/;
const live = new Set<KernelClient>();

/**
 * A running tslab kernel, driven over the Jupyter wire protocol (5.3).
 *
 * Start one with `KernelClient.start({ cwd })`, run cells with `execute`, and
 * always `shutdown()` it. Requests are sent one at a time, in call order.
 */
export class KernelClient {
  readonly cwd: string;
  readonly #process: KernelProcess;
  readonly #info: ConnectionInfo;
  readonly #tempDir: string;
  readonly #session = randomUUID();
  readonly #shell = new zmq.Dealer({ linger: 0 });
  readonly #iopub = new zmq.Subscriber({ linger: 0 });
  readonly #pending = new Map<string, PendingRequest>();
  #queue: Promise<unknown> = Promise.resolve();
  #quietUntil = 0;
  #shutdown: Promise<void> | undefined;

  private constructor(cwd: string, kernel: KernelProcess, info: ConnectionInfo, tempDir: string) {
    this.cwd = cwd;
    this.#process = kernel;
    this.#info = info;
    this.#tempDir = tempDir;
    void kernel.exited.then(() => {
      for (const pending of this.#pending.values()) {
        pending.fail(this.#diedError("while a request was running", pending.collector.outputs));
      }
    });
    const address = (port: number) => `tcp://${info.ip}:${port}`;
    this.#shell.connect(address(info.shell_port));
    this.#iopub.connect(address(info.iopub_port));
    this.#iopub.subscribe();
    void this.#read(this.#shell, (msg) => this.#pending.get(msg.parent_header.msg_id ?? "")?.reply(msg.content));
    void this.#read(this.#iopub, (msg) => this.#onIopub(msg));
  }

  /**
   * Starts `tslab kernel` in `cwd` with a fresh connection file and resolves
   * once it answers `kernel_info_request` on shell and reports its status on
   * iopub (so that no output can be missed).
   *
   * @throws KernelStartError when the kernel exits or does not answer in time.
   */
  static async start(options: KernelStartOptions): Promise<KernelClient> {
    // tslab sometimes publishes on iopub before its sockets finish binding and
    // wedges ("Socket is blocked by a bind or unbind operation", EBUSY); a fresh
    // kernel on fresh ports starts normally, so that case is retried.
    for (let attempt = 1; ; attempt++) {
      try {
        return await KernelClient.#startOnce(options);
      } catch (error) {
        if (attempt >= 3 || !(error instanceof KernelStartError) || !BIND_RACE.test(error.message)) throw error;
      }
    }
  }

  static async #startOnce(options: KernelStartOptions): Promise<KernelClient> {
    const tempDir = await mkdtemp(join(tmpdir(), "pglite-lab-kernel-"));
    const { path, info } = await writeConnectionFile(tempDir);
    const env = { ...process.env, ...options.env };
    const kernel = KernelProcess.spawn({ cwd: options.cwd, env, connectionFile: path });
    const client = new KernelClient(options.cwd, kernel, info, tempDir);
    live.add(client);
    try {
      await client.#waitUntilReady(options.startTimeoutMs ?? 60_000);
      return client;
    } catch (error) {
      await client.shutdown();
      if (error instanceof KernelStartError) throw error;
      const message = `The tslab kernel did not start in ${options.cwd}: ${(error as Error).message}`;
      throw new KernelStartError(message, { cause: error });
    }
  }

  /** Process id of the kernel. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Whether the kernel is running and not shut down. */
  get alive(): boolean {
    return this.#process.exit === undefined && this.#shutdown === undefined;
  }

  /**
   * Runs `code` as one cell and resolves with its status and outputs once both
   * `execute_reply` and the iopub `idle` status have arrived.
   *
   * On timeout the kernel gets SIGINT (tslab has no `interrupt_request`) and
   * the status is "timeout"; a cell that ignores SIGINT gets its kernel killed
   * after `interruptGraceMs`. After an error the next request waits 250 ms so
   * that tslab runs it instead of answering `abort`.
   *
   * @throws KernelDiedError when the kernel exits before the cell completes.
   */
  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const run = this.#queue.then(() => this.#execute(code, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the kernel (and anything it spawned) and closes the sockets; safe to call again. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#stop();
    return this.#shutdown;
  }

  async #execute(code: string, options: ExecuteOptions): Promise<ExecuteResult> {
    const wait = this.#quietUntil - Date.now();
    if (wait > 0) await delay(wait);
    const request = this.#send("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    let timedOut = false;
    let repeat: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    // SIGINT goes to the process group, as jupyter_client interrupts. tslab loses a
    // SIGINT that arrives while it compiles the cell, so it is repeated each second.
    const interruptTimer = setTimeout(() => {
      timedOut = true;
      this.#process.signal("SIGINT", true);
      repeat = setInterval(() => this.#process.signal("SIGINT", true), 1000);
      killTimer = setTimeout(() => this.#process.signal("SIGKILL", true), options.interruptGraceMs ?? 10_000);
    }, options.timeoutMs ?? 120_000);
    let reply: Record<string, unknown>;
    try {
      reply = await request.done;
    } catch (error) {
      if (!timedOut || !(error instanceof KernelDiedError)) throw error;
      reply = { status: "error" }; // killed after ignoring the interrupt: still a timeout
    } finally {
      clearTimeout(interruptTimer);
      clearInterval(repeat);
      clearTimeout(killTimer);
    }
    const status = timedOut ? "timeout" : reply.status === "ok" ? "ok" : reply.status === "error" ? "error" : "aborted";
    if (status !== "ok") this.#quietUntil = Date.now() + QUIET_AFTER_ERROR_MS;
    const count = reply.execution_count;
    return { status, outputs: request.collector.outputs, executionCount: typeof count === "number" ? count : null };
  }

  // iopub drops messages until its subscription reaches the kernel: ask again until one arrives.
  async #waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const died = this.#process.exited.then(() => Promise.reject(this.#diedError("before it was ready", [])));
    died.catch(() => undefined);
    let watch: NodeJS.Timeout | undefined;
    const wedged = new Promise<"wedged">((resolve) => {
      watch = setInterval(() => {
        if (BIND_RACE.test(this.#process.logTail)) resolve("wedged");
      }, 200);
    });
    try {
      while (Date.now() < deadline) {
        const request = this.#send("kernel_info_request", {});
        const outcome = await Promise.race([
          request.done.then(() => "ready" as const),
          request.replied.then(() => delay(500)).then(() => "retry" as const),
          delay(Math.max(0, deadline - Date.now())).then(() => "timeout" as const),
          wedged,
          died,
        ]);
        if (outcome === "ready") return;
        this.#pending.delete(request.msgId);
        if (outcome === "wedged") {
          throw new KernelStartError(`The tslab kernel in ${this.cwd} wedged while starting. Kernel output:\n${this.#process.logTail}`);
        }
      }
    } finally {
      clearInterval(watch);
    }
    const log = this.#process.logTail;
    throw new KernelStartError(
      `The tslab kernel in ${this.cwd} did not answer kernel_info_request within ${timeoutMs} ms.` +
        (log === "" ? "" : ` Kernel output:\n${log}`),
    );
  }

  #send(msgType: string, content: Record<string, unknown>): PendingRequest {
    const msg = createMessage(this.#session, msgType, content);
    const id = msg.header.msg_id;
    const pending = new PendingRequest(id, () => this.#pending.delete(id));
    if (!this.alive) {
      pending.fail(this.#diedError("before this request", []));
      return pending;
    }
    this.#pending.set(id, pending);
    this.#shell.send(encodeMessage(this.#info.key, msg)).catch((error: unknown) => pending.fail(error as Error));
    return pending;
  }

  #onIopub(msg: JupyterMessage): void {
    const pending = this.#pending.get(msg.parent_header.msg_id ?? "");
    if (pending === undefined) return; // e.g. output a finished cell's timer printed late
    if (msg.header.msg_type !== "status") pending.collector.handle(msg);
    else if (msg.content.execution_state === "idle") pending.idle();
  }

  async #read(socket: Zmq.Dealer | Zmq.Subscriber, handle: (msg: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: JupyterMessage;
        try {
          msg = decodeMessage(this.#info.key, frames);
        } catch {
          continue; // not signed with our key: not from our kernel
        }
        handle(msg);
      }
    } catch (error) {
      if (socket.closed) return;
      for (const pending of this.#pending.values()) pending.fail(error as Error);
    }
  }

  async #stop(): Promise<void> {
    live.delete(this);
    this.#process.signal("SIGTERM", true);
    if (!(await settlesWithin(this.#process.exited, 2000))) {
      this.#process.signal("SIGKILL", true);
      await settlesWithin(this.#process.exited, 2000);
    }
    for (const pending of this.#pending.values()) {
      pending.fail(new KernelError("The kernel was shut down while a request was outstanding."));
    }
    this.#shell.close();
    this.#iopub.close();
    await rm(this.#tempDir, { recursive: true, force: true });
  }

  #diedError(when: string, outputs: readonly NbOutput[]): KernelDiedError {
    const exit = this.#process.exit;
    const how =
      exit === undefined
        ? "was shut down"
        : exit.signal !== null
          ? `was killed by ${exit.signal}`
          : `exited with code ${String(exit.code)}`;
    const log = this.#process.logTail;
    const message = `The tslab kernel (pid ${this.pid}) ${how} ${when}.${log === "" ? "" : ` Kernel output:\n${log}`}`;
    return new KernelDiedError(message, { exitCode: exit?.code ?? null, signal: exit?.signal ?? null, outputs });
  }

  /** Kills every kernel this process started and has not shut down; runs when the process exits. */
  static killAll(): void {
    for (const client of live) {
      client.#process.signal("SIGKILL", true);
      rmSync(client.#tempDir, { recursive: true, force: true });
    }
    live.clear();
  }
}

process.once("exit", () => KernelClient.killAll());

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
