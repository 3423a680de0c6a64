/**
 * What one client may make the server do: how large a body it may send, and
 * how many requests may be under way at once before new ones are turned away.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/**
 * Middleware that answers 413 to a body larger than `maxBytes`, before it is
 * read whole: at once from its Content-Length, or, for a chunked body, as soon
 * as the bytes read pass the limit.
 *
 * @example
 * ```ts
 * app.use(maxBody(16 * 1024));
 * ```
 */
export function maxBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json({ error: `The request body is larger than the limit of ${maxBytes} bytes.` }, 413),
  });
}

/**
 * Middleware that lets at most `max` requests through at once and answers 503
 * with `Retry-After` to the rest. A flood then costs the server `max` requests'
 * worth of work and memory, and waits for the engine stay short for those
 * admitted; without it every request queues, however long the queue.
 * A request counts until its handler has returned its response (a streamed
 * body is read after that, and holds no connection while it waits for the client).
 *
 * @example
 * ```ts
 * app.use(maxInFlight(256, "requests"));
 * ```
 */
export function maxInFlight(max: number, what: string): MiddlewareHandler {
  let inFlight = 0;
  return async (c, next) => {
    if (inFlight >= max) {
      return c.json({ error: `The server is busy: ${max} ${what} are under way. Try again in a second.` }, 503, { "Retry-After": "1" });
    }
    inFlight++;
    try {
      return await next();
    } finally {
      inFlight--;
    }
  };
}
