/**
 * The connection file a Jupyter kernel reads at start: where to bind its five
 * sockets and how to sign messages.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";

/** Contents of a kernel connection file (Jupyter's `connection_file`). */
export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

/**
 * Picks five free loopback ports and a random key, and writes
 * `<dir>/connection.json`; returns its path and contents.
 *
 * The ports are found by binding port 0 and releasing it, as jupyter_client
 * does: another process could take one in between, which then shows up as a
 * kernel that fails to start rather than as a silent misconnection, since
 * every message is signed with the key.
 */
export async function writeConnectionFile(dir: string): Promise<{ path: string; info: ConnectionInfo }> {
  const ip = "127.0.0.1";
  const [shell, iopub, stdin, control, hb] = await freePorts(ip, 5);
  const info: ConnectionInfo = {
    transport: "tcp",
    ip,
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "pglite-lab",
  };
  const path = join(dir, "connection.json");
  await writeFile(path, JSON.stringify(info, null, 1) + "\n", { mode: 0o600 });
  return { path, info };
}

// All servers stay open until every port is known, so the five are distinct.
async function freePorts(host: string, count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, host, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("A TCP server reported no port.");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
