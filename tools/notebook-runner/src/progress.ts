/**
 * Progress display of `npm start`: a line per notebook as it starts and
 * finishes and, on a terminal, a status line with each running notebook's
 * cell counter.
 *
 * @module
 */
import { basename } from "node:path";

/** Where and how progress is shown. */
export interface ProgressOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  quiet: boolean;
}

/** Reports notebooks starting, advancing and finishing, several at a time. */
export class Progress {
  readonly #out: ProgressOptions["out"];
  readonly #quiet: boolean;
  readonly #tty: boolean;
  readonly #running = new Map<string, string>();
  #statusShown = false;

  constructor(options: ProgressOptions) {
    this.#out = options.out;
    this.#quiet = options.quiet;
    this.#tty = options.out.isTTY === true && !options.quiet;
  }

  /** A notebook started. */
  start(name: string): void {
    this.#running.set(name, "starting kernel");
    this.line(`start   ${name}`);
  }

  /** `done` of a notebook's `total` code cells have run. */
  cell(name: string, done: number, total: number): void {
    if (!this.#running.has(name)) return;
    this.#running.set(name, `${done}/${total}`);
    this.#drawStatus();
  }

  /** A notebook finished; `summary` follows its name. */
  finish(name: string, summary: string): void {
    this.#running.delete(name);
    this.line(summary);
  }

  /** Prints a line above the status line (nothing when quiet). */
  line(text: string): void {
    if (this.#quiet) return;
    this.#eraseStatus();
    this.#out.write(`${text}\n`);
    this.#drawStatus();
  }

  /** Removes the status line, before the summary is printed. */
  clear(): void {
    this.#eraseStatus();
  }

  #drawStatus(): void {
    if (!this.#tty) return;
    this.#eraseStatus();
    if (this.#running.size === 0) return;
    const columns = (this.#out as { columns?: number }).columns ?? 80;
    const parts = [...this.#running].map(([name, state]) => `${basename(name)} ${state}`);
    this.#out.write(`running: ${parts.join(" · ")}`.slice(0, columns - 1));
    this.#statusShown = true;
  }

  #eraseStatus(): void {
    if (!this.#statusShown) return;
    this.#out.write("\r\x1b[2K");
    this.#statusShown = false;
  }
}
