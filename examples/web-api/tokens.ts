/**
 * Bearer tokens as JWTs signed with HS256, made and checked with
 * `node:crypto`: python-jose's `jwt.encode` / `jwt.decode` in the FastAPI tutorial.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The claims of a token {@link verifyToken} accepted. */
export interface TokenClaims {
  /** Whom the token was issued to. */
  readonly sub: string;
  /** When it was issued, in seconds since 1970. */
  readonly iat: number;
  /** When it expires, in seconds since 1970. */
  readonly exp: number;
}

/** Why {@link verifyToken} refused a token; `message` is a reason that can go to the client. */
export class TokenError extends Error {
  override readonly name = "TokenError";
}

const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
// Ours are about 150 characters: a longer token is not ours, and is refused before any hashing.
const MAX_TOKEN_LENGTH = 2048;
// How far the issuer's clock (this process, or another instance) may run ahead of ours.
const CLOCK_SKEW_SECONDS = 60;

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

function signature(signingInput: string, secret: string): string {
  return createHmac("sha256", secret).update(signingInput).digest("base64url");
}

/**
 * Issues a token for `username`, valid for `ttlSeconds`.
 *
 * @example
 * ```ts
 * const token = issueToken("alice", secret, 1800);
 * await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
 * ```
 */
export function issueToken(username: string, secret: string, ttlSeconds: number, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const input = `${HEADER}.${base64url(JSON.stringify({ sub: username, iat, exp: iat + ttlSeconds }))}`;
  return `${input}.${signature(input, secret)}`;
}

/**
 * Checks a token and returns its claims, or throws a {@link TokenError} saying why not.
 *
 * The signature is checked first, in constant time, and nothing of the token
 * is parsed before it matches: a forged token learns nothing but "signature".
 * Then the header must say HS256, and the claims must hold a subject, an
 * issue time that is not in the future and an expiry that is: a token without
 * `exp` never expires, so it is refused.
 */
export function verifyToken(token: string, secret: string, now = Date.now()): TokenClaims {
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split(".") : [];
  const [header, payload, mac] = parts;
  if (parts.length !== 3 || !header || !payload || !mac || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) {
    throw new TokenError("it is not a JWT");
  }
  const expected = Buffer.from(signature(`${header}.${payload}`, secret));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError("its signature does not match");
  const head = parse(header);
  if (head["alg"] !== "HS256" || (head["typ"] !== undefined && head["typ"] !== "JWT") || "crit" in head) {
    throw new TokenError("its header does not say HS256");
  }
  const claims = parse(payload);
  const { sub, iat, exp, nbf } = claims;
  const seconds = now / 1000;
  if (typeof sub !== "string" || sub === "") throw new TokenError("it names no user");
  if (!isTime(exp)) throw new TokenError("it has no expiry time (exp)");
  if (!isTime(iat)) throw new TokenError("it has no issue time (iat)");
  if (exp <= seconds) throw new TokenError("it has expired");
  if (iat > seconds + CLOCK_SKEW_SECONDS) throw new TokenError("its issue time (iat) is in the future");
  if (iat >= exp) throw new TokenError("it expires (exp) before it was issued (iat)");
  if (nbf !== undefined && (!isTime(nbf) || nbf > seconds + CLOCK_SKEW_SECONDS)) throw new TokenError("it is not valid yet (nbf)");
  return { sub, iat, exp };
}

function parse(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw new TokenError("it is not a JWT");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TokenError("it is not a JWT");
  return value as Record<string, unknown>;
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
