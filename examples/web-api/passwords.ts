/**
 * Password hashing with scrypt from `node:crypto`: what passlib's bcrypt does
 * in the FastAPI tutorial, without a dependency.
 *
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node's defaults (N = 16384, r = 8, p = 1): about 50 ms and 16 MB per hash, off the main thread.
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hashes a password for storage, as `scrypt$<salt>$<hash>` (hex), with a fresh random salt.
 *
 * @example
 * ```ts
 * const stored = await hashPassword("wonderland");
 * console.log(await verifyPassword("wonderland", stored)); // true
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `scrypt$${salt.toString("hex")}$${key.toString("hex")}`;
}

// A hash of a password nobody knows, made once: what an unknown user's password is checked against.
let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` matches a hash made by {@link hashPassword}; compares in constant time.
 *
 * With no stored hash (`undefined`: there is no such user) it still derives a
 * key, against a hash nobody's password matches, and answers false: a login
 * for an unknown user then takes as long as one with a wrong password, so the
 * time of the answer does not tell which usernames exist.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const known = stored !== undefined;
  const [scheme, saltHex, keyHex] = (stored ?? (await (dummyHash ??= hashPassword(randomBytes(32).toString("hex"))))).split("$");
  if (scheme !== "scrypt" || !saltHex || !keyHex) return false;
  const expected = Buffer.from(keyHex, "hex");
  const key = await derive(password, Buffer.from(saltHex, "hex"));
  return known && key.length === expected.length && timingSafeEqual(key, expected);
}
