/**
 * Interrupting engines: what `engine.interrupt()` reports, and
 * `interruptAll()`, which interrupts every live engine of this process (what
 * Ctrl-C or a notebook's stop button should do).
 *
 * @module
 */
import { plural } from "./internal/session-leases.js";

/**
 * One scope an interrupt ended, as {@link InterruptReport} lists it.
 *
 * @example
 * ```ts
 * import { createEngine, type InterruptedScope } from "pglite-lab";
 *
 * const engine = await createEngine();
 * let started!: () => void;
 * const running = new Promise<void>((resolve) => (started = resolve));
 * const scope = engine.begin(async (conn) => {
 *   await conn.execute("select 1");
 *   started();
 *   await new Promise((resolve) => setTimeout(resolve, 50));
 * });
 * await running;
 * const scopes: readonly InterruptedScope[] = engine.interrupt().scopes;
 * console.log(scopes); // [ { kind: 'engine.begin()', state: 'running', statements: 1 } ]
 * await scope.catch(() => {});
 * await engine.dispose();
 * ```
 */
export interface InterruptedScope {
  /** Which API opened it: `engine.begin()`, `engine.connect()` or `engine.kysely`. */
  readonly kind: "engine.begin()" | "engine.connect()" | "engine.kysely";
  /** `running` if it held a session (its transaction was rolled back), `queued` if it was still waiting for one (it never started). */
  readonly state: "running" | "queued";
  /** Statements it had run. */
  readonly statements: number;
}

/**
 * What an interrupt ended on one engine: `engine.interrupt()` returns it at
 * once, while the rollbacks it started finish (`done`).
 *
 * @example
 * ```ts
 * import { createEngine, type InterruptReport } from "pglite-lab";
 *
 * const engine = await createEngine();
 * const report: InterruptReport = engine.interrupt();
 * console.log(report.message); // Nothing to interrupt on pglite://memory.
 * await report.done;
 * await engine.dispose();
 * ```
 */
export interface InterruptReport {
  /** The engine's URL, password hidden. */
  readonly url: string;
  /** Every scope the interrupt ended, in the order they asked for a session. */
  readonly scopes: readonly InterruptedScope[];
  /** One line for a person: `Interrupted pglite://memory: rolled back engine.begin() after 3 statements.` */
  readonly message: string;
  /** Settles once every interrupted scope has rolled back and given its session back. */
  readonly done: Promise<void>;
}

/** What an engine offers the registry. */
interface Interruptible {
  interrupt(): InterruptReport;
}

const live = new Set<WeakRef<Interruptible>>();
const refs = new WeakMap<Interruptible, WeakRef<Interruptible>>();
const forget = new FinalizationRegistry<WeakRef<Interruptible>>((ref) => live.delete(ref));

/** Adds an engine to those {@link interruptAll} reaches; held weakly, so an engine that is dropped is dropped here too. */
export function registerEngine(engine: Interruptible): void {
  const ref = new WeakRef(engine);
  live.add(ref);
  refs.set(engine, ref);
  forget.register(engine, ref, engine);
}

/** Removes a disposed engine. */
export function unregisterEngine(engine: Interruptible): void {
  const ref = refs.get(engine);
  if (ref) live.delete(ref);
  forget.unregister(engine);
}

/**
 * Interrupts every engine of this process that has not been disposed (see
 * `engine.interrupt()`), and returns the report of each engine that had
 * something to interrupt. It installs no signal handler: whoever handles
 * SIGINT calls it, prints each report's `message`, and may await `done`.
 */
export function interruptAll(): InterruptReport[] {
  const reports: InterruptReport[] = [];
  for (const ref of [...live]) {
    const engine = ref.deref();
    if (!engine) {
      live.delete(ref);
      continue;
    }
    const report = engine.interrupt();
    if (report.scopes.length > 0) reports.push(report);
  }
  return reports;
}

/** The report's one line. */
export function interruptMessage(url: string, scopes: readonly InterruptedScope[]): string {
  if (scopes.length === 0) return `Nothing to interrupt on ${url}.`;
  const parts = scopes.map((scope) =>
    scope.state === "queued" ? `cancelled ${scope.kind} before it started` : `rolled back ${scope.kind} after ${plural(scope.statements, "statement")}`,
  );
  return `Interrupted ${url}: ${parts.join("; ")}.`;
}
