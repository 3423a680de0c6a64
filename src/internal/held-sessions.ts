/**
 * Which sessions the current async context holds: how a request that would
 * wait for a session its own caller holds is recognised and refused at once.
 *
 * A scope's callback (and a Kysely `connection()` / `transaction()` callback
 * on `engine.kysely`) runs with its lease added to this context; everything
 * it awaits inherits it. A lease counts only while it holds its session, so
 * a timer that outlives its scope is not mistaken for a nested request.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { SessionLease } from "./session-lease.js";

const held = new AsyncLocalStorage<readonly SessionLease[]>();

/** Runs `fn` with `lease` added to the leases this async context holds. */
export function runHolding<T>(lease: SessionLease, fn: () => T): T {
  const outer = held.getStore();
  return held.run(outer ? [...outer, lease] : [lease], fn);
}

/** How many sessions of `owner` the current async context holds. */
export function heldHere(owner: object): number {
  let count = 0;
  for (const lease of held.getStore() ?? []) if (lease.owner === owner && lease.holding) count++;
  return count;
}

/** Whether the current async context is inside the callback that `lease` was acquired for. */
export function isHeldHere(lease: SessionLease): boolean {
  return held.getStore()?.includes(lease) ?? false;
}
