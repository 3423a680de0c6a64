/**
 * The web API: employees listed, looked up, added and exported over HTTP,
 * one connection scope per request. The second example of SQLAlchemy's
 * asyncio tutorial (FastAPI routes, pydantic models, a session per request,
 * a JWT-protected users table), with Hono and zod.
 *
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { sql, type Engine } from "pglite-lab";
import { checkLogin, requireBearer, type AuthVariables } from "./auth.js";
import { connectionScope, type ScopeVariables } from "./connection-scope.js";
import { keysetRows } from "./keyset-rows.js";
import { maxBody, maxInFlight } from "./limits.js";
import { ndjson } from "./ndjson.js";
import { employees, type ApiDatabase, type Employee } from "./schema.js";
import { issueToken } from "./tokens.js";
import { Credentials, EmployeeId, EmployeeIn, PageQuery, valid } from "./validation.js";

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The HS256 key tokens are signed with: at least 32 bytes, kept secret. */
  readonly jwtSecret: string;
  /** How long an issued token is valid, in seconds. Default 1800. */
  readonly tokenTtlSeconds?: number;
  /** Largest request body accepted, in bytes; larger ones answer 413. Default 16 KiB. */
  readonly maxBodyBytes?: number;
  /** Most requests under way at once; more answer 503. Default 256. */
  readonly maxRequestsInFlight?: number;
  /** Most logins (`POST /token`, each an scrypt hash of 16 MB) under way at once; more answer 503. Default 8. */
  readonly maxLoginsInFlight?: number;
  /** Rows per page of the export, each page read in a scope of its own. Default 1000. */
  readonly exportPageRows?: number;
}

/** The Hono environment of the API's routes. */
export type ApiEnv = { Variables: ScopeVariables<ApiDatabase> & AuthVariables };

/**
 * Builds the API on an engine whose tables exist (`md.createAll`).
 *
 * @example
 * ```ts
 * const app = createApp(engine, { jwtSecret: randomBytes(32).toString("hex") });
 * const res = await app.request("/employees?limit=2");   // no port needed
 * console.log(res.status, await res.json());
 * ```
 */
export function createApp(engine: Engine<ApiDatabase>, options: AppOptions): Hono<ApiEnv> {
  // An empty or short key (JWT_SECRET="" in a deployment) would let anyone sign tokens by guessing it.
  if (Buffer.byteLength(options.jwtSecret ?? "") < 32) {
    throw new RangeError("createApp() needs a jwtSecret of at least 32 bytes (RFC 7518 for HS256), such as randomBytes(32).toString(\"hex\").");
  }
  const ttl = positive(options, "tokenTtlSeconds", 1800);
  const pageRows = positive(options, "exportPageRows", 1000);
  const scope = connectionScope(engine);
  const app = new Hono<ApiEnv>();

  // Before any route: a flood is turned away, and a large body refused, before anything reads it.
  app.use(maxInFlight(positive(options, "maxRequestsInFlight", 256), "requests"));
  app.use(maxBody(positive(options, "maxBodyBytes", 16 * 1024)));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        c.json({ error: `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(" or ")}.` }, 405, { Allow: methods.join(", ") }),
    }),
  );

  // OAuth2's password flow: a form with username and password, answered with a bearer token.
  app.post("/token", maxInFlight(positive(options, "maxLoginsInFlight", 8), "logins"), valid("form", Credentials), async (c) => {
    const { username, password } = c.req.valid("form");
    if (!(await checkLogin(engine, username, password))) {
      return c.json({ error: "Incorrect username or password." }, 401, { "WWW-Authenticate": "Bearer" });
    }
    return c.json({ access_token: issueToken(username, options.jwtSecret, ttl), token_type: "bearer", expires_in: ttl });
  });

  app.get("/employees", valid("query", PageQuery), scope, async (c) => {
    const { limit, offset } = c.req.valid("query");
    const { conn } = c.var;
    const total = (await conn.execute(sql<{ total: number }>`select count(*)::int as total from employees`)).scalar();
    const page = await conn.execute(employees.select().orderBy("id").limit(limit).offset(offset));
    return c.json({ total, limit, offset, items: page.rows });
  });

  // Registered before /employees/:id, which would otherwise take "export" for an id. No scope of
  // its own: the body reads page after page, each in a short scope, at the client's pace.
  app.get("/employees/export", (c) =>
    ndjson(
      c,
      keysetRows<ApiDatabase, Employee>(engine, pageRows, async (conn, last, limit) =>
        (await conn.execute(employees.select().where("id", ">", last?.id ?? 0).orderBy("id").limit(limit))).rows),
    ),
  );

  app.get("/employees/:id", valid("param", EmployeeId), scope, async (c) => {
    const { id } = c.req.valid("param");
    const row = (await c.var.conn.execute(employees.select().where("id", "=", id))).first();
    if (!row) return c.json({ error: `Employee ${id} not found.` }, 404);
    return c.json(row);
  });

  app.post("/employees", requireBearer(options.jwtSecret), valid("json", EmployeeIn), scope, async (c) => {
    const { conn } = c.var;
    const created = (await conn.execute(employees.insert().returning(), [c.req.valid("json")])).one();
    await conn.commit();
    return c.json(created, 201, { Location: `/employees/${created.id}` });
  });

  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}.` }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: `${err.message}.` }, err.status);
    // Database errors name tables, statements and values: they go to the log, never to the client.
    console.error(err);
    return c.json({ error: "Internal server error." }, 500);
  });
  return app;
}

/** A numeric option, or its default; NaN, 0 or a fraction would quietly disable a limit or every token. */
function positive(options: AppOptions, name: keyof AppOptions, fallback: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`createApp() option ${name} must be a whole number of at least 1; got ${String(value)}.`);
  }
  return value;
}
