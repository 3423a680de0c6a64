/**
 * Runs the web API on a port: `npx tsx examples/web-api/server.ts`.
 *
 * Environment: `PORT` (default 8000; 0 picks a free one), `DATABASE_URL`
 * (default: in-memory PGlite), `JWT_SECRET` (default: random, so tokens die
 * with the process), `API_USER` / `API_PASSWORD` (default alice / wonderland),
 * the user created at start who may add employees.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { serve } from "@hono/node-server";
import { createEngine } from "pglite-lab";
import { createApp } from "./app.js";
import { createUser } from "./auth.js";
import { employees, md, users, type ApiDatabase } from "./schema.js";

const engine = await createEngine<ApiDatabase>(process.env["DATABASE_URL"]);
const username = process.env["API_USER"] ?? "alice";
await engine.begin(async (conn) => {
  await md.createAll(conn);
  if (!(await conn.execute(users.select().where("username", "=", username))).first()) {
    await createUser(conn, username, process.env["API_PASSWORD"] ?? "wonderland");
  }
  if (!(await conn.execute(employees.select().limit(1))).first()) {
    await conn.execute(employees.insert(), [
      { name: "Ada Lovelace", city: "London", salary: 5200 },
      { name: "Grace Hopper", city: "New York", salary: 6100 },
      { name: "Edsger Dijkstra", city: "Amsterdam", salary: 5800 },
    ]);
  }
});

const app = createApp(engine, { jwtSecret: process.env["JWT_SECRET"] ?? randomBytes(32).toString("hex") });
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: Number(process.env["PORT"] ?? 8000) }, (info) => {
  console.log(`Listening on http://127.0.0.1:${info.port} (${engine.url}); Ctrl+C stops.`);
});

async function stop(): Promise<void> {
  // Stop accepting requests, wait for those under way, then close the database.
  await new Promise((resolve) => server.close(resolve));
  await engine.dispose();
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
