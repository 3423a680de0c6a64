/**
 * Who may add employees: the users table's logins, and the bearer tokens
 * checked on the routes that change data. FastAPI's `OAuth2PasswordBearer`
 * and `get_current_user`, in a few lines of Hono.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Connection, Engine } from "pglite-lab";
import { hashPassword, verifyPassword } from "./passwords.js";
import { users, type ApiDatabase } from "./schema.js";
import { TokenError, verifyToken } from "./tokens.js";

/** What {@link requireBearer} puts on the request context: who the token was issued to. */
export interface AuthVariables {
  username: string;
}

/**
 * Middleware for routes that need a signed-in user: 401 without a bearer
 * token, and 401 with `error="invalid_token"` (RFC 6750) for one that is
 * expired, forged or malformed. Sets `c.var.username`. It reads no database,
 * so it goes before `connectionScope()`: a refused request never takes a connection.
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
    try {
      c.set("username", verifyToken(match[1], secret).sub);
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      // The reason never quotes the token: it may be someone else's, copied into a log.
      return c.json({ error: `The bearer token was refused: ${err.message}.` }, 401, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    }
    return next();
  };
}

/**
 * Whether `username` exists and `password` is theirs. The lookup takes a
 * scope of its own; the slow password check runs after it has ended, so other
 * requests use the engine meanwhile. An unknown user costs the same password
 * check as a wrong password, so the time of the answer tells nothing.
 *
 * @example
 * ```ts
 * if (!(await checkLogin(engine, "alice", "wonderland"))) console.log("refused");
 * ```
 */
export async function checkLogin(engine: Engine<ApiDatabase>, username: string, password: string): Promise<boolean> {
  const user = await engine.connect(async (conn) => (await conn.execute(users.select().where("username", "=", username))).first());
  return verifyPassword(password, user?.passwordHash);
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
