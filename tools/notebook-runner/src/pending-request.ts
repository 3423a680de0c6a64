/**
 * One request sent to the kernel and not yet complete: its reply, its outputs,
 * and whether the kernel has gone idle after it.
 *
 * @module
 */
import { OutputCollector } from "./output-collector.js";

/**
 * A request in flight. It completes when both its shell reply and the iopub
 * `idle` status carrying it as parent have arrived, because the two come on
 * different sockets in no guaranteed order, and outputs precede `idle`.
 */
export class PendingRequest {
  readonly msgId: string;
  readonly collector = new OutputCollector();
  /** Resolves with the reply content once the request is complete. */
  readonly done: Promise<Record<string, unknown>>;
  /** Resolves as soon as the shell reply arrives, idle or not. */
  readonly replied: Promise<void>;
  #reply: Record<string, unknown> | undefined;
  #idle = false;
  #settled = false;
  readonly #onSettled: () => void;
  #resolveDone!: (reply: Record<string, unknown>) => void;
  #rejectDone!: (error: Error) => void;
  #resolveReplied!: () => void;

  /** `onSettled` runs once, when the request completes or fails. */
  constructor(msgId: string, onSettled: () => void) {
    this.msgId = msgId;
    this.#onSettled = onSettled;
    this.done = new Promise((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // Callers race `done` against timers; a failure nobody awaits must not crash the process.
    this.done.catch(() => undefined);
    this.replied = new Promise((resolve) => (this.#resolveReplied = resolve));
  }

  /** The shell reply arrived. */
  reply(content: Record<string, unknown>): void {
    this.#reply = content;
    this.#resolveReplied();
    this.#check();
  }

  /** The kernel published `idle` for this request. */
  idle(): void {
    this.#idle = true;
    this.#check();
  }

  /** The request cannot complete (the kernel died or was shut down). */
  fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#onSettled();
    this.#rejectDone(error);
  }

  #check(): void {
    if (this.#settled || this.#reply === undefined || !this.#idle) return;
    this.#settled = true;
    this.#onSettled();
    this.#resolveDone(this.#reply);
  }
}
