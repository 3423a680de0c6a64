/**
 * One connection scope per request, the analogue of FastAPI's
 * `Depends(get_session)`.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Connection, Engine } from "pglite-lab";

/** What {@link connectionScope} puts on the request context (`c.var`). */
export interface ScopeVariables<DB> {
  /**
   * This request's connection. Commit with `await conn.commit()`; whatever is
   * not committed when the handler returns (or throws) is rolled back.
   */
  conn: Connection<DB>;
}

/** The Hono environment of a route behind {@link connectionScope}. */
export type ScopeEnv<DB> = { Variables: ScopeVariables<DB> };

/**
 * Middleware that runs the rest of the request inside `engine.connect()`
 * and exposes the connection as `c.var.conn`.
 *
 * The scope ends when the handler returns: before the response is sent, so a
 * slow client never holds it. On the embedded engine scopes take turns, so
 * put authentication, validation and other slow work before this middleware,
 * and never return a body that reads from `conn` later (the scope is over by
 * then): stream with `keysetRows()`, which takes a short scope per page.
 *
 * @example
 * ```ts
 * app.get("/count", connectionScope(engine), async (c) =>
 *   c.json({ n: (await c.var.conn.execute("select count(*)::int as n from employees")).scalar() }));
 * ```
 */
export function connectionScope<DB>(engine: Engine<DB>): MiddlewareHandler<ScopeEnv<DB>> {
  return (c, next) =>
    engine.connect(async (conn) => {
      c.set("conn", conn);
      await next(); // Hono turns a handler's throw into an error response here, so the commit it skipped never happens.
    });
}
