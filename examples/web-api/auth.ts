/**
 * Bearer tokens: JWTs (HS256) issued for the users table, checked on the
 * routes that change data. FastAPI's `OAuth2PasswordBearer` and
 * `get_current_user`, in a few lines of Hono.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { sign, verify } from "hono/jwt";
import type { Connection } from "pglite-lab";
import { hashPassword } from "./passwords.js";
import { users, type ApiDatabase } from "./schema.js";

/** What {@link requireBearer} puts on the request context: who the token was issued to. */
export interface AuthVariables {
  username: string;
}

/**
 * Issues a token for `username`, valid for `ttlSeconds`.
 *
 * @example
 * ```ts
 * const token = await issueToken("alice", secret, 1800);
 * await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
 * ```
 */
export function issueToken(username: string, secret: string, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: username, iat: now, exp: now + ttlSeconds }, secret, "HS256");
}

/**
 * Middleware for routes that need a signed-in user: 401 without a bearer
 * token, 403 with one that is expired, forged or malformed. Sets `c.var.username`.
 */
export function requireBearer(secret: string): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header("Authorization") ?? "");
    if (!match?.[1]) {
      return c.json(
        { error: "Authentication required: send the header Authorization: Bearer <token>; POST /token issues one." },
        401,
        { "WWW-Authenticate": "Bearer" },
      );
    }
    let subject: unknown;
    try {
      subject = (await verify(match[1], secret, "HS256")).sub;
    } catch (err) {
      return c.json({ error: `The bearer token was refused: ${refusal(err)}.` }, 403);
    }
    if (typeof subject !== "string") return c.json({ error: "The bearer token was refused: it names no user." }, 403);
    c.set("username", subject);
    return next();
  };
}

// hono/jwt's messages quote the token itself, which should not be echoed back.
function refusal(err: unknown): string {
  switch ((err as Error).name) {
    case "JwtTokenExpired":
      return "it has expired";
    case "JwtTokenSignatureMismatched":
      return "its signature does not match";
    case "JwtTokenNotBefore":
    case "JwtTokenIssuedAt":
      return "it is not valid yet";
    default:
      return "it is not a valid HS256 JWT";
  }
}

/**
 * Adds a user with an scrypt hash of the password.
 *
 * @example
 * ```ts
 * await engine.begin((conn) => createUser(conn, "alice", "wonderland"));
 * ```
 */
export async function createUser(conn: Connection<ApiDatabase>, username: string, password: string): Promise<void> {
  await conn.execute(users.insert(), [{ username, passwordHash: await hashPassword(password) }]);
}

