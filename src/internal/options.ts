/**
 * Checking an options argument: a plain object with known keys only, so that
 * a misspelt option is an error rather than silently ignored.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";

/** Whether `value` is a plain object (`{ … }`), not an array, a class instance or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === null || proto === Object.prototype) return true;
  // Another realm's Object.prototype (an object made in a vm context) counts: it has no prototype and its own
  // constructor named Object. An object made with Object.create(other) does not: it would pass on other's keys.
  return Object.getPrototypeOf(proto) === null && Object.hasOwn(proto, "constructor") && (proto as { constructor?: { name?: string } }).constructor?.name === "Object";
}

/**
 * Returns `value` as an options object of `where` (`engine.begin()`), or
 * throws an ArgumentError naming the unknown key and the known ones.
 */
export function checkOptions(value: unknown, where: string, known: readonly string[]): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    // Object.create({ … }): a plain object as a prototype, whose keys would be read as options.
    const inherits = typeof value === "object" && value !== null && (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor === Object;
    const what = inherits ? "an object that inherits keys from another object (made with Object.create())" : describeValue(value);
    throw new ArgumentError(`The options of ${where} must be an object such as { ${known[0]}: … }, not ${what}.`);
  }
  const own: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${where} has no option "${key}". Its options are: ${known.join(", ")}.`);
    }
    own[key] = value[key];
  }
  // Only the object's own keys, read once: nothing comes from a prototype (a polluted Object.prototype included).
  return own;
}

/** A value as an error message names it: `an array`, `a string ("x")`, `an object (Date)`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)})`;
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  if (typeof value === "function") return "a function";
  return `${typeof value === "number" || typeof value === "bigint" ? "the number" : typeof value} ${String(value)}`;
}
