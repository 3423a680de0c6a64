/**
 * NDJSON response bodies: one JSON document per line, streamed.
 *
 * @module
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Context } from "hono";

/**
 * A 200 response whose body is `rows` as NDJSON, one JSON document per line,
 * pulled from `rows` only as fast as the client reads (nothing is read ahead),
 * so memory stays flat however many rows there are. When the client
 * disconnects, `rows` is closed (`return()`); a body nobody reads (a HEAD
 * request) never pulls a row. Give it rows that hold no connection between
 * pulls, such as {@link keysetRows}: a client must never set the pace of a
 * database scope.
 *
 * @example
 * ```ts
 * app.get("/employees/export", (c) => ndjson(c, keysetRows(engine, 1000, readPage)));
 * ```
 */
export function ndjson(c: Context, rows: AsyncIterable<unknown>, chunkBytes = 64 * 1024): Response {
  const iterator = rows[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Lines are grouped into chunks of about chunkBytes: one write per row would cost a syscall each.
        let chunk = "";
        // PGlite runs on this thread and a fast socket never makes the server wait:
        // one event-loop turn per chunk lets other requests (and in-process clients) in.
        await nextTurn();
        try {
          while (chunk.length < chunkBytes && !cancelled) {
            const next = await iterator.next();
            if (next.done) {
              if (chunk) controller.enqueue(encoder.encode(chunk));
              controller.close();
              return;
            }
            chunk += `${JSON.stringify(next.value)}\n`;
          }
        } catch (err) {
          // The status line is long gone: all the client can learn is that the body stops short.
          // The server writes the error's message into the body, so it must not be the database's.
          console.error(err);
          controller.error(new Error("The export stopped: reading the rows failed."));
          return;
        }
        if (!cancelled) controller.enqueue(encoder.encode(chunk));
      },
      async cancel() {
        cancelled = true;
        await iterator.return?.();
      },
    },
    // No read-ahead: pull() runs only when the client has taken the previous chunk.
    { highWaterMark: 0 },
  );
  return c.body(body, 200, { "Content-Type": "application/x-ndjson; charset=utf-8" });
}
