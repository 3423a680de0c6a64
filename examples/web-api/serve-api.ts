/**
 * The API on Node's HTTP server, with time limits that keep slow or idle
 * clients from holding sockets forever (Node's defaults wait a minute for
 * headers and five for a request).
 *
 * @module
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";

/** Options of {@link serveApi}. */
export interface ServeOptions {
  /** Address to listen on. Default `127.0.0.1`: reachable from this machine only. */
  readonly hostname?: string;
  /** Port; 0 picks a free one. Default 8000. */
  readonly port?: number;
  /** Time a client has to send the request's headers (a slowloris client sends them a byte at a time), in ms. Default 10000. */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send the whole request, body included, in ms. Default 30000. */
  readonly requestTimeoutMs?: number;
  /**
   * Time a connection may go without a byte either way before it is closed, in ms. Default
   * 60000. Between requests a connection waits at most 5 s (Node's keep-alive default), or this
   * time if it is shorter: an idle client holds no socket for long.
   */
  readonly idleTimeoutMs?: number;
}

/**
 * Serves `app` and resolves once the server is listening, with the server
 * (`server.close()` stops it) and its base URL.
 *
 * @example
 * ```ts
 * const { server, url } = await serveApi(createApp(engine, { jwtSecret }), { port: 0 });
 * console.log(await (await fetch(`${url}/employees/1`)).json());
 * server.close();
 * ```
 */
export async function serveApi(app: Hono<any>, options: ServeOptions = {}): Promise<{ server: Server; url: string }> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // Node looks for late headers and requests only this often (default 30 s).
      connectionsCheckingInterval: Math.min(1000, Math.max(50, headersTimeout / 4)),
    },
  }) as Server;
  // A reader that stopped reading an export holds no database scope, but it holds a socket.
  const idleTimeout = options.idleTimeoutMs ?? 60_000;
  server.setTimeout(idleTimeout);
  // Between requests Node waits keepAliveTimeout instead (and says so in the Keep-Alive header).
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, idleTimeout);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, options.hostname ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return { server, url: `http://${address.includes(":") ? `[${address}]` : address}:${port}` };
}
