/**
 * The suite runs against the embedded engine always and against a PostgreSQL
 * server when DATABASE_URL is set: one set of tests, two targets.
 */
import { after, before, describe } from "node:test";
import { createEngine, type Engine, type EngineOptions } from "../../src/index.js";

export interface Target {
  readonly name: "pglite" | "postgres";
  readonly url: string | undefined;
}

const serverUrl = process.env["DATABASE_URL"];

export const targets: readonly Target[] = [
  { name: "pglite", url: undefined },
  ...(serverUrl ? [{ name: "postgres" as const, url: serverUrl }] : []),
];

/**
 * Declares `fn`'s tests once per target, each with its own engine shared by
 * the tests of that target (an embedded engine costs about a second to start).
 * Without DATABASE_URL the server run is reported as skipped, by name.
 */
export function describeEachTarget(
  title: string,
  fn: (ctx: { target: Target; engine: () => Engine }) => void,
  options: EngineOptions = {},
): void {
  for (const target of targets) {
    describe(`${title} [${target.name}]`, () => {
      let engine: Engine | undefined;
      before(async () => {
        engine = await createEngine(target.url, options);
      });
      fn({
        target,
        engine: () => {
          if (!engine) throw new Error("engine not started");
          return engine;
        },
      });
      // Registered last so that it runs after the tests' own `after` hooks.
      after(async () => {
        await engine?.dispose();
        engine = undefined; // so that the next target's tests do not keep this engine's memory alive
      });
    });
  }
  if (!serverUrl) {
    describe(`${title} [postgres]`, { skip: "DATABASE_URL is not set: the PostgreSQL server run was skipped" }, () => {});
  }
}

/** A table name unique to this process and call, so tests sharing a server database never collide. */
let counter = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${++counter}`;
}
