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
import { validator } from "hono/validator";
import { sql, type Engine } from "pglite-lab";
import { z } from "zod";
import { issueToken, requireBearer, type AuthVariables } from "./auth.js";
import { connectionScope, ndjson, type ScopeVariables } from "./connection-scope.js";
import { verifyPassword } from "./passwords.js";
import { employees, users, type ApiDatabase } from "./schema.js";

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The HS256 key tokens are signed with. */
  readonly jwtSecret: string;
  /** How long an issued token is valid, in seconds. Default 1800. */
  readonly tokenTtlSeconds?: number;
}

/** The Hono environment of the API's routes. */
export type ApiEnv = { Variables: ScopeVariables<ApiDatabase> & AuthVariables };

/** Body of `POST /employees`: the pydantic model of the FastAPI version. */
export const EmployeeIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  city: z.string().trim().min(1).max(100),
  salary: z.number().int().min(0).max(10_000_000),
});

/** Query of `GET /employees`: one page of rows. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

/** Path of `GET /employees/:id`. */
export const EmployeeId = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

/** Form of `POST /token` (OAuth2 password flow). */
export const Credentials = z.object({ username: z.string().min(1), password: z.string().min(1) });

type Target = "json" | "form" | "query" | "param";
const PLACE: Record<Target, string> = { json: "body", form: "form", query: "query", param: "path" };

/** What a 422 says: each bad field by name, and what is wrong with it. */
export function describeIssues(target: Target, error: z.ZodError): { error: string; issues: { field: string; message: string }[] } {
  const issues = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : "keys" in issue ? issue.keys.join(", ") : "(root)",
    message: issue.message,
  }));
  const list = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
  return { error: `Invalid ${PLACE[target]}: ${list}.`, issues };
}

/** Parses one part of the request with a zod schema; 422 with the field names when it does not fit. */
function valid<T extends Target, S extends z.ZodType>(target: T, schema: S) {
  return validator(target, (value, c) => {
    const result = schema.safeParse(value);
    return result.success ? (result.data as z.output<S>) : c.json(describeIssues(target, result.error), 422);
  });
}

/**
 * Builds the API on an engine whose tables exist (`md.createAll`).
 *
 * @example
 * ```ts
 * const app = createApp(engine, { jwtSecret: "change me" });
 * const res = await app.request("/employees?limit=2");   // no port needed
 * console.log(res.status, await res.json());
 * ```
 */
export function createApp(engine: Engine<ApiDatabase>, options: AppOptions): Hono<ApiEnv> {
  const ttl = options.tokenTtlSeconds ?? 1800;
  const scope = connectionScope(engine);
  const app = new Hono<ApiEnv>();

  // OAuth2's password flow: a form with username and password, answered with a bearer token.
  app.post("/token", valid("form", Credentials), async (c) => {
    const { username, password } = c.req.valid("form");
    // A scope just for the lookup: the slow scrypt check runs after it, while other requests use the engine.
    const user = await engine.connect(async (conn) => (await conn.execute(users.select().where("username", "=", username))).first());
    if (!user || !(await verifyPassword(password, user.passwordHash))) {
      return c.json({ error: "Incorrect username or password." }, 401, { "WWW-Authenticate": "Bearer" });
    }
    return c.json({ access_token: await issueToken(username, options.jwtSecret, ttl), token_type: "bearer", expires_in: ttl });
  });

  app.get("/employees", valid("query", PageQuery), scope, async (c) => {
    const { limit, offset } = c.req.valid("query");
    const { conn } = c.var;
    const total = (await conn.execute(sql<{ total: number }>`select count(*)::int as total from employees`)).scalar();
    const page = await conn.execute(employees.select().orderBy("id").limit(limit).offset(offset));
    return c.json({ total, limit, offset, items: page.rows });
  });

  // Registered before /employees/:id, which would otherwise take "export" for an id.
  app.get("/employees/export", scope, (c) => ndjson(c, c.var.conn.stream(employees.select().orderBy("id"))));

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

  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: `${err.message}.` }, err.status);
    console.error(err);
    return c.json({ error: "Internal server error." }, 500);
  });
  return app;
}
