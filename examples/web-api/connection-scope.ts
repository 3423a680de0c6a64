/**
 * One connection scope per request, the analogue of FastAPI's
 * `Depends(get_session)`, and NDJSON bodies streamed from it.
 *
 * @module
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Context, MiddlewareHandler } from "hono";
import type { Connection, Engine } from "pglite-lab";

/** What {@link connectionScope} puts on the request context (`c.var`). */
export interface ScopeVariables<DB> {
  /**
   * This request's connection. Commit with `await conn.commit()`; whatever is
   * not committed when the request ends (a handler threw, returned early) is rolled back.
   */
  conn: Connection<DB>;
  /** Keeps the scope open until `until` settles, for a body that reads from `conn` after the handler returned. */
  keepScopeOpen: (until: Promise<unknown>) => void;
}

/** The Hono environment of a route behind {@link connectionScope}. */
export type ScopeEnv<DB> = { Variables: ScopeVariables<DB> };

/**
 * Middleware that runs the rest of the request inside `engine.connect()`
 * and exposes the connection as `c.var.conn`.
 *
 * The scope ends when the handler has returned, or, for a streamed body
 * (see {@link ndjson}), when the body has been sent or the client went away.
 * On the embedded engine scopes take turns, so put validation and other
 * slow work before this middleware, not after it.
 *
 * @example
 * ```ts
 * app.get("/count", connectionScope(engine), async (c) =>
 *   c.json({ n: (await c.var.conn.execute("select count(*)::int as n from employees")).scalar() }));
 * ```
 */
export function connectionScope<DB>(engine: Engine<DB>): MiddlewareHandler<ScopeEnv<DB>> {
  return async (c, next) => {
    let held: Promise<unknown> | undefined;
    let handlerReturned!: () => void;
    const handled = new Promise<void>((resolve) => (handlerReturned = resolve));
    c.set("keepScopeOpen", (until) => {
      held = until;
    });
    const scope = engine.connect(async (conn) => {
      c.set("conn", conn);
      try {
        await next(); // Hono turns a handler's throw into an error response here, so the commit it skipped never happens.
      } finally {
        handlerReturned();
      }
      if (held) await held.catch(() => undefined);
    });
    // Returning lets the server start sending; a held scope ends later, with its body.
    await Promise.race([handled, scope]);
    if (held) scope.catch(() => undefined); // the response has gone out: nobody left to tell
    else await scope;
  };
}

/**
 * A 200 response whose body is `rows` as NDJSON, one JSON document per line,
 * pulled from `rows` only as fast as the client reads: with `conn.stream()`
 * memory stays flat however many rows there are. The request's scope stays
 * open until the last line is out, the stream fails, or the client
 * disconnects (which closes the cursor). A caller of `app.request()` must
 * read or cancel the body likewise: an abandoned body keeps its scope, and on
 * the embedded engine every later request, waiting.
 *
 * @example
 * ```ts
 * app.get("/employees/export", connectionScope(engine), (c) =>
 *   ndjson(c, c.var.conn.stream(employees.select().orderBy("id"))));
 * ```
 */
export function ndjson<E extends ScopeEnv<any>>(c: Context<E>, rows: AsyncIterable<unknown>, chunkBytes = 64 * 1024): Response {
  const iterator = rows[Symbol.asyncIterator]();
  let ended!: () => void;
  (c.var as ScopeVariables<unknown>).keepScopeOpen(new Promise<void>((resolve) => (ended = resolve)));
  const encoder = new TextEncoder();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Lines are grouped into chunks of about chunkBytes: one write per row would cost a syscall each.
      let chunk = "";
      try {
        // PGlite runs on this thread and a fast socket never makes the server wait:
        // one event-loop turn per chunk lets other requests (and in-process clients) in.
        await nextTurn();
        while (chunk.length < chunkBytes && !cancelled) {
          const next = await iterator.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            ended();
            return;
          }
          chunk += `${JSON.stringify(next.value)}\n`;
        }
        if (!cancelled) controller.enqueue(encoder.encode(chunk));
      } catch (err) {
        controller.error(err);
        ended();
      }
    },
    async cancel() {
      cancelled = true;
      try {
        await iterator.return?.(); // leaves the `for await` of conn.stream(): the cursor closes
      } finally {
        ended();
      }
    },
  });
  return c.body(body, 200, { "Content-Type": "application/x-ndjson; charset=utf-8" });
}
