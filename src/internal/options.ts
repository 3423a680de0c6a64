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
  // By name too, so that an object made in another realm (a vm context) counts.
  return proto === null || proto === Object.prototype || (proto as { constructor?: { name?: string } }).constructor?.name === "Object";
}

/**
 * Returns `value` as an options object of `where` (`engine.begin()`), or
 * throws an ArgumentError naming the unknown key and the known ones.
 */
export function checkOptions(value: unknown, where: string, known: readonly string[]): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new ArgumentError(`The options of ${where} must be an object such as { ${known[0]}: … }, not ${describeValue(value)}.`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${where} has no option "${key}". Its options are: ${known.join(", ")}.`);
    }
  }
  return value;
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
