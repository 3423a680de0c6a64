/**
 * A string that two values share exactly when their contents are equal, for
 * `unique()`: a JavaScript `Set` compares objects by identity, and rows built
 * by the driver are all distinct objects even when they hold the same values.
 *
 * @module
 */
import { Buffer } from "./node-buffer.js";
import { ArgumentError } from "../errors.js";

/** The identity of `value` by content: its type and its value, arrays and objects member by member. */
export function uniqueKey(value: unknown, ancestors: object[] = []): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "n0" : `n${value}`;
    case "bigint":
      return `i${value}`;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      // Functions and symbols never come from the database; a key function might return one.
      return `${typeof value}:${String(value)}`;
  }
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof Uint8Array) return `x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  if (ancestors.includes(value)) throw new ArgumentError("unique(): a key contains itself, so its content cannot be compared.");
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return `[${value.map((item) => uniqueKey(item, inner)).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${uniqueKey((value as Record<string, unknown>)[k], inner)}`);
  return `{${entries.join(",")}}`;
}
