/**
 * Runs the web API on a port: `npx tsx examples/web-api/server.ts`.
 *
 * Environment: `PORT` (default 8000; 0 picks a free one), `DATABASE_URL`
 * (default: in-memory PGlite), `JWT_SECRET` (at least 32 bytes; default:
 * random, so tokens die with the process), `API_USER` / `API_PASSWORD`
 * (default alice / wonderland), the user created at start who may add employees.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { createEngine } from "pglite-lab";
import { createApp } from "./app.js";
import { createUser } from "./auth.js";
import { employees, md, users, type ApiDatabase } from "./schema.js";
import { serveApi } from "./serve-api.js";

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

const app = createApp(engine, { jwtSecret: process.env["JWT_SECRET"] || randomBytes(32).toString("hex") });
const { server, url } = await serveApi(app, { port: Number(process.env["PORT"] ?? 8000) });
console.log(`Listening on ${url} (${engine.url}); Ctrl+C stops.`);

async function stop(): Promise<void> {
  // Stop accepting requests, wait for those under way, then close the database.
  await new Promise((resolve) => server.close(resolve));
  await engine.dispose();
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
