/**
 * `installKernelInterrupt`: the notebook's stop button stops the database
 * work too.
 *
 * Jupyter interrupts a tslab kernel with SIGINT. tslab's own listener ends
 * the cell ("Interrupted asynchronously") but cannot stop a promise, so a
 * stream the cell started keeps fetching and the next cell waits for it.
 * Inside a kernel, this adds a second listener that rolls back what the
 * library is running (through the function it is given, `interruptAll`) and
 * prints one line saying what was rolled back, under the interrupted cell.
 *
 * Outside a kernel nothing is installed: a plain `node` script keeps Node's
 * own Ctrl-C (the process ends), which any SIGINT listener would turn off.
 * Next to tslab's listener, another one changes nothing for tslab: Node calls
 * every listener, and while a cell runs synchronously (`breakOnSigint`) Node
 * takes all of them off until it returns. tslab's own message for the
 * interrupted cell is cut to its first line (its stack frames are tslab's).
 *
 * @module
 */
import { inTslabKernel } from "./tslab-kernel.js";

/** What an interrupt reports; its `message` is the line the notebook shows. */
export interface InterruptReport {
  readonly message: string;
}

/** Rolls back the library's running and queued work, and says what it rolled back. */
export type InterruptAll = () => InterruptReport | Promise<InterruptReport>;

/** Where the line goes; the kernel's stdout is the interrupted cell's output. */
export type WriteLine = (line: string) => void;

interface Installed {
  readonly handlers: Set<InterruptAll>;
  write: WriteLine;
}

// One listener per process, shared through the global symbol registry, so
// that two copies of the library in one kernel add one listener between them
// and each copy's engines are still interrupted.
const KEY = Symbol.for("pglite-lab.kernel-interrupt");

/**
 * Calls `interruptAll` on each SIGINT and writes the first line of its
 * report, when this process is a tslab kernel; otherwise does nothing.
 * Returns whether `interruptAll` is now called on SIGINT. Installing the
 * same function again changes nothing.
 */
export function installKernelInterrupt(interruptAll: InterruptAll, write: WriteLine = writeStdout): boolean {
  // A page that runs notebook cells (the docs site's live guides) looks like a kernel but has no signals.
  if (!inTslabKernel() || typeof process === "undefined" || typeof process.on !== "function") return false;
  const global = globalThis as { [KEY]?: Installed };
  let installed = global[KEY];
  if (installed === undefined) {
    const state: Installed = { handlers: new Set(), write };
    installed = state;
    global[KEY] = state;
    process.on("SIGINT", () => onInterrupt(state));
  }
  installed.handlers.add(interruptAll);
  return true;
}

function onInterrupt(state: Installed): void {
  keepFirstLineOfTslabInterrupt();
  for (const interruptAll of state.handlers) {
    let report: InterruptReport | Promise<InterruptReport>;
    try {
      report = interruptAll();
    } catch (error) {
      state.write(failureLine(error));
      continue;
    }
    // A report that is ready now is written now, while the interrupted cell
    // still owns the kernel's output; a later one goes wherever output goes then.
    if (isPromise(report)) {
      report.then(
        (done) => state.write(reportLine(done)),
        (error: unknown) => state.write(failureLine(error)),
      );
    } else {
      state.write(reportLine(report));
    }
  }
}

/** What tslab prints for an interrupted cell: its error, with the stack of the kernel's own startup. */
const TSLAB_INTERRUPT = /^(Error: Interrupted asynchronously)\n(?:\s+at [^\n]*(?:\n|$))+$/;

/**
 * tslab prints "Error: Interrupted asynchronously" and ten stack lines of
 * tslab and commander, which say nothing about the learner's cell: this keeps
 * the first line. tslab sets the kernel's `process.stderr.write` anew for
 * every cell, so the wrapper lasts until the next cell at most; it also
 * unwraps itself after the one message.
 */
function keepFirstLineOfTslabInterrupt(): void {
  const stderr = process.stderr as { write: (chunk: unknown, ...rest: unknown[]) => boolean } | undefined;
  if (typeof stderr?.write !== "function") return;
  const original = stderr.write;
  const wrapper = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const interrupt = typeof chunk === "string" ? TSLAB_INTERRUPT.exec(chunk) : null;
    if (interrupt) {
      if (stderr.write === wrapper) stderr.write = original;
      return original.call(this, `${interrupt[1]}\n`, ...rest);
    }
    return original.call(this, chunk, ...rest);
  };
  stderr.write = wrapper;
}

function reportLine(report: InterruptReport): string {
  const first = String(report?.message ?? "").split("\n")[0]?.trim();
  return first ? first : "Interrupted: the database had no work running.";
}

function failureLine(error: unknown): string {
  return `Interrupting the database work failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
}

function isPromise(value: unknown): value is Promise<InterruptReport> {
  return typeof (value as Promise<unknown> | undefined)?.then === "function";
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}
