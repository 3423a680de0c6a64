/**
 * `resolveToPostgres`: parameters with a `toPostgres()` method turned into
 * the values they stand for, before a driver sees them.
 *
 * node-postgres sends an object that has `toPostgres(prepare)` as whatever
 * that method returns (the custom-type hook of node-postgres's documentation,
 * used by types such as `postgres-interval`); PGlite sends `[object Object]`.
 * Both backends resolve the hook here, before sending, so that the embedded
 * engine honours it too and both give its `prepare` argument the same text
 * (a `Date` as UTC, as this library sends dates), elements of array
 * parameters included.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { toJson } from "./value-parsers.js";

interface CustomValue {
  toPostgres(prepare: (value: unknown) => unknown): unknown;
}

/** Nesting of `toPostgres()` results (and arrays) past which the value is taken to be circular. */
const MAX_DEPTH = 100;

function isCustom(value: unknown): value is CustomValue {
  return typeof value === "object" && value !== null && typeof (value as { toPostgres?: unknown }).toPostgres === "function";
}

function needsResolving(value: unknown, depth = 0): boolean {
  if (isCustom(value)) return true;
  return Array.isArray(value) && depth < MAX_DEPTH && value.some((item) => needsResolving(item, depth + 1));
}

/**
 * `parameters` with every `toPostgres()` object (also inside arrays) replaced
 * by its result; the same array when there is none, which is the usual case.
 * A `toPostgres()` that throws, or whose results never end, is an
 * {@link ArgumentError} naming the parameter, before anything is sent.
 */
export function resolveToPostgres(parameters: readonly unknown[]): readonly unknown[] {
  if (!parameters.some((value) => needsResolving(value))) return parameters;
  return parameters.map((value, i) => {
    try {
      return resolve(value, 0);
    } catch (err) {
      if (err instanceof ArgumentError) throw new ArgumentError(`Parameter $${i + 1}: ${err.message}`);
      throw new ArgumentError(`Parameter $${i + 1}'s toPostgres() threw: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
  });
}

function resolve(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) {
    throw new ArgumentError(`its toPostgres() results nest more than ${MAX_DEPTH} levels deep; is one of them circular?`);
  }
  if (isCustom(value)) return resolve(value.toPostgres((inner) => prepare(inner, depth + 1)), depth + 1);
  if (Array.isArray(value)) return value.map((item) => resolve(item, depth + 1));
  return value;
}

/**
 * The `prepare` function a `toPostgres()` method is given, as node-postgres
 * gives its own: a value as PostgreSQL text (`null` stays `null`), written
 * the way this library sends values (a `Date` as UTC ISO text, bytes as
 * `\x` hex, an array as an array literal, another object as JSON).
 */
function prepare(value: unknown, depth: number): unknown {
  const resolved = resolve(value, depth);
  if (resolved === null || resolved === undefined) return null;
  if (resolved instanceof Date) return resolved.toISOString();
  if (ArrayBuffer.isView(resolved)) return `\\x${hex(new Uint8Array(resolved.buffer, resolved.byteOffset, resolved.byteLength))}`;
  if (Array.isArray(resolved)) return arrayLiteral(resolved, depth);
  if (typeof resolved === "object") return toJson(resolved);
  return String(resolved);
}

function arrayLiteral(items: readonly unknown[], depth: number): string {
  const parts = items.map((item) => {
    if (Array.isArray(item)) return arrayLiteral(item, depth + 1);
    const text = prepare(item, depth + 1);
    return text === null ? "NULL" : `"${String(text).replace(/[\\"]/g, "\\$&")}"`;
  });
  return `{${parts.join(",")}}`;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
