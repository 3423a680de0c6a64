/**
 * What each column type takes from JavaScript, checked before a value is sent.
 *
 * The rules follow what PostgreSQL would make of the value on a single-row
 * insert, minus the silent conversions: a value PostgreSQL would refuse is
 * refused here first, naming the column and the row, and a value a driver
 * would quietly turn into something else (an array into a PostgreSQL array,
 * an object into its JSON or `"[object Object]"`, a function into its
 * source) is refused rather than stored.
 *
 * @module
 */
import { SchemaError } from "../errors.js";
import type { AnyTable, Columns } from "./table.js";
import { isWellFormed } from "./identifier.js";

/** What {@link ValueRule.convert} returns for a value the column does not take. */
export const REFUSED: unique symbol = Symbol("refused");

/** Why a value was refused: the wrong kind of value (`argument`) or a value its type cannot hold (`data`). */
export interface Refusal {
  readonly kind: "argument" | "data";
  /** The end of a sentence that starts with the column and the row. */
  readonly reason: string;
}

/** One column type's rule. */
export interface ValueRule {
  /** Whether every accepted string goes as it is (text types): the planner's fast path. */
  readonly text: boolean;
  /** The value as a bind parameter (an element of the column's array), or {@link REFUSED}. Never called with null or undefined. */
  convert(value: unknown): unknown;
  /** Why {@link convert} refused `value`. */
  refusal(value: unknown): Refusal;
}

const INT4 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT8 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
/** PostgreSQL's numeric input: decimal digits with an optional exponent, or NaN / Infinity. */
const NUMERIC_TEXT = /^\s*(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?(?:Infinity|inf))\s*$/i;

/** The value as a message shows it: its kind, and a short rendering where that helps. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array (${short(safeJson(value) ?? "[…]")})`;
  switch (typeof value) {
    case "string":
      return `a string (${short(JSON.stringify(value))})`;
    case "number":
      return `the number ${String(value)}`;
    case "bigint":
      return `the bigint ${value}n`;
    case "boolean":
      return `the boolean ${value}`;
    case "symbol":
      return `a Symbol (${short(value.toString())})`;
    case "function":
      return "a function";
    case "object": {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : `a Date (${value.toISOString()})`;
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
      return name && name !== "Object" ? `a ${name}` : `an object (${short(safeJson(value) ?? "{…}")})`;
    }
    default:
      return String(value);
  }
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** What keeps PostgreSQL from storing a string exactly (NUL: text cannot hold it; a lone surrogate: no UTF-8 form), or undefined. */
export function textProblem(text: string): string | undefined {
  if (text.includes("\u0000")) return "a string with a NUL character (\\u0000)";
  if (!isWellFormed(text)) return "a string with a lone UTF-16 surrogate, which has no UTF-8 form (PostgreSQL would store U+FFFD)";
  return undefined;
}

const wrongKind = (expects: string) => (value: unknown): Refusal => ({
  kind: "argument",
  reason: `takes ${expects}, not ${describeValue(value)}`,
});

const TEXT: ValueRule = {
  text: true,
  convert: (value) => (typeof value === "string" && textProblem(value) === undefined ? value : REFUSED),
  refusal: (value) => {
    const problem = typeof value === "string" ? textProblem(value) : undefined;
    return problem ? { kind: "data", reason: `cannot hold ${problem}` } : wrongKind("a string")(value);
  },
};

function integerRule(range: { min: bigint; max: bigint }): ValueRule {
  const min = Number(range.min);
  const max = Number(range.max);
  return {
    text: false,
    convert(value) {
      // A safe integer is within int8's range; int4 checks its own.
      if (typeof value === "number") return Number.isSafeInteger(value) && value >= min && value <= max ? value : REFUSED;
      if (typeof value === "bigint") return value >= range.min && value <= range.max ? value.toString() : REFUSED;
      return REFUSED;
    },
    refusal(value) {
      if (typeof value === "number" && !Number.isInteger(value)) {
        return { kind: "data", reason: `takes whole numbers, not ${value}` };
      }
      const exact = typeof value === "number" ? BigInt(value) : value;
      if (typeof exact === "bigint" && (exact < range.min || exact > range.max)) {
        return { kind: "data", reason: `holds whole numbers from ${range.min} to ${range.max}, not ${exact}` };
      }
      if (typeof value === "number") {
        return {
          kind: "argument",
          reason: `takes numbers up to Number.MAX_SAFE_INTEGER, beyond which a number may already have lost digits, not ${value}; pass a bigint such as ${exact}n`,
        };
      }
      return wrongKind("a whole number (a number or a bigint)")(value);
    },
  };
}

/** real and double precision: any number (NaN and ±Infinity too, as PostgreSQL's floats have them), or a bigint. */
function floatRule(single: boolean): ValueRule {
  return {
    text: false,
    convert(value) {
      if (typeof value === "number") {
        // real: a finite number that rounds to ±Infinity, or a non-zero one that rounds to 0, is out of range.
        if (single && Number.isFinite(value) && (!Number.isFinite(Math.fround(value)) || (Math.fround(value) === 0 && value !== 0))) return REFUSED;
        // -0 is a float of its own in PostgreSQL too; the drivers would write it as "0".
        return value === 0 && 1 / value < 0 ? "-0" : value;
      }
      return typeof value === "bigint" ? value.toString() : REFUSED;
    },
    refusal: (value) =>
      typeof value === "number"
        ? { kind: "data", reason: `holds numbers of magnitude about 1.4e-45 to 3.4e38 (and 0), not ${value}` }
        : wrongKind("a number")(value),
  };
}

const NUMERIC: ValueRule = {
  text: false,
  convert(value) {
    if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
    if (typeof value === "bigint") return value.toString();
    return typeof value === "string" && NUMERIC_TEXT.test(value) ? value : REFUSED;
  },
  refusal: (value) =>
    typeof value === "string"
      ? { kind: "data", reason: `takes decimal numbers, not ${describeValue(value)}` }
      : wrongKind("a number, a bigint or a decimal string")(value),
};

const BOOLEAN: ValueRule = {
  text: false,
  convert: (value) => (typeof value === "boolean" ? value : REFUSED),
  refusal: wrongKind("true or false"),
};

/**
 * A valid Date as PostgreSQL reads it: its UTC ISO text, except that years
 * outside 1–9999, which JavaScript writes `+010000-…` and `-000001-…` and
 * PostgreSQL refuses, are written as PostgreSQL writes them: `10000-…` and
 * `0002-… BC` (JavaScript's year 0 is 1 BC).
 */
export function dateText(date: Date): string {
  const iso = date.toISOString();
  if (iso.length === 24 && !iso.startsWith("0000")) return iso;
  const year = date.getUTCFullYear();
  const rest = iso.slice(iso.indexOf("-", 1));
  return year >= 1 ? `${year}${rest}` : `${String(1 - year).padStart(4, "0")}${rest} BC`;
}

/** timestamp, timestamptz, date: a valid Date (sent as its UTC ISO text) or a string PostgreSQL parses. */
const DATETIME: ValueRule = {
  text: false,
  convert(value) {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? REFUSED : dateText(value);
    return typeof value === "string" && textProblem(value) === undefined ? value : REFUSED;
  },
  refusal(value) {
    if (value instanceof Date) return { kind: "data", reason: "takes a valid Date, not an invalid Date" };
    const problem = typeof value === "string" ? textProblem(value) : undefined;
    return problem ? { kind: "data", reason: `cannot hold ${problem}` } : wrongKind("a Date or a date/time string")(value);
  },
};

/**
 * An escape JSON.stringify writes for NUL or a lone surrogate (`\u0000`, `\ud800`), not preceded by
 * another backslash (`\\u0000` is a backslash and the text "u0000"). json keeps the text as
 * written, so both read back exactly; jsonb decodes escapes and refuses these two.
 */
const JSON_UNDECODABLE = /(?<!\\)(?:\\\\)*\\u(?:d[89a-f][0-9a-f]{2}|0000)/i;

/** Why a document cannot be written as JSON as it is; thrown by {@link strictJson}. */
class NoJsonForm extends Error {}

/**
 * JSON.stringify's replacer for documents: refuses what it would silently
 * write as something else — NaN and ±Infinity (as null), a function or a
 * Symbol (dropped, or null in an array), a Map or a Set (as {}), a typed array
 * or an ArrayBuffer (as an object of indexes). A value with a `toJSON()` of
 * its own (a Date, a Buffer) is written as that says.
 */
function strictJson(this: unknown, key: string, value: unknown): unknown {
  const where = key === "" ? "" : ` at ${Array.isArray(this) ? `index ${key}` : JSON.stringify(key)}`;
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new NoJsonForm(`${value}${where}, which JSON has no form for (JSON.stringify would write null)`);
      return value;
    case "function":
    case "symbol":
      throw new NoJsonForm(`${describeValue(value)}${where}, which JSON has no form for (JSON.stringify would leave it out)`);
    case "object": {
      const original = (this as Record<string, unknown>)[key];
      const bytes = (ArrayBuffer.isView(original) || original instanceof ArrayBuffer) && typeof (original as { toJSON?: unknown }).toJSON !== "function";
      if (bytes || value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
        throw new NoJsonForm(`${describeValue(original)}${where}, which JSON.stringify would write as ${bytes ? "an object of indexes" : "{}"}`);
      }
      return value;
    }
    default:
      return value;
  }
}

/** json and jsonb: any value JSON.stringify writes as it is (a top-level string becomes a JSON string), sent as its JSON text. */
function jsonRule(binary: boolean): ValueRule {
  const convert = (value: unknown): unknown => {
    let text: string | undefined;
    try {
      text = JSON.stringify(value, strictJson);
    } catch {
      return REFUSED;
    }
    if (text === undefined) return REFUSED;
    return binary && text.includes("\\u") && JSON_UNDECODABLE.test(text) ? REFUSED : text;
  };
  return {
    text: false,
    convert,
    refusal(value) {
      try {
        if (JSON.stringify(value, strictJson) === undefined) return wrongKind("a value JSON can hold")(value);
      } catch (err) {
        if (err instanceof NoJsonForm) return { kind: "argument", reason: `takes a JSON document, which cannot hold ${err.message}` };
        return { kind: "argument", reason: `takes a value JSON can hold, not ${describeValue(value)} (${(err as Error).message})` };
      }
      return { kind: "data", reason: "cannot hold a NUL character or a lone UTF-16 surrogate in a document (json can)" };
    },
  };
}

/**
 * varchar(n): a string of at most n characters (code points, as PostgreSQL
 * counts them). A longer one is refused, trailing spaces too: PostgreSQL would
 * cut those silently, and what goes in would not come back.
 */
function varcharRule(limit: number): ValueRule {
  const fits = (value: string) => value.length <= limit || codePoints(value) <= limit;
  return {
    text: false,
    convert: (value) => (typeof value === "string" && textProblem(value) === undefined && fits(value) ? value : REFUSED),
    refusal(value) {
      if (typeof value !== "string" || textProblem(value) !== undefined) return TEXT.refusal(value);
      const spaces = value.trimEnd().length < value.length && codePoints(value.trimEnd()) <= limit;
      return {
        kind: "data",
        reason:
          `holds at most ${limit} characters, not ${codePoints(value)} (${describeValue(value)})` +
          (spaces ? "; PostgreSQL would drop the trailing spaces without a word" : ""),
      };
    },
  };
}

function codePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    // A surrogate pair is one character (lone surrogates are refused before this counts).
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) i++;
    count++;
  }
  return count;
}

/**
 * What PostgreSQL's uuid input reads: 32 hexadecimal digits in either case, a
 * hyphen allowed after any group of four, the whole optionally in braces.
 */
const UUID_TEXT = /^(?:[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}|\{[0-9a-f]{4}(?:-?[0-9a-f]{4}){7}\})$/i;

const UUID: ValueRule = {
  text: false,
  convert: (value) => (typeof value === "string" && UUID_TEXT.test(value) ? value : REFUSED),
  refusal: (value) =>
    typeof value === "string"
      ? { kind: "data", reason: `takes a UUID (32 hexadecimal digits, as in a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11), not ${describeValue(value)}` }
      : wrongKind("a UUID string")(value),
};

/** Any other type (a column built by hand): a string, number, boolean, bigint or Date, which PostgreSQL parses. */
const SCALAR: ValueRule = {
  text: false,
  convert(value) {
    switch (typeof value) {
      case "string":
        return textProblem(value) === undefined ? value : REFUSED;
      case "number":
      case "boolean":
        return value;
      case "bigint":
        return value.toString();
      default:
        return value instanceof Date && !Number.isNaN(value.getTime()) ? dateText(value) : REFUSED;
    }
  },
  refusal: (value) =>
    typeof value === "string" || value instanceof Date ? DATETIME.refusal(value) : wrongKind("a string, a number, a boolean, a bigint or a Date")(value),
};

const RULES: Readonly<Record<string, ValueRule>> = {
  text: TEXT,
  varchar: TEXT,
  uuid: UUID,
  integer: integerRule(INT4),
  bigint: integerRule(INT8),
  boolean: BOOLEAN,
  numeric: NUMERIC,
  real: floatRule(true),
  "double precision": floatRule(false),
  timestamp: DATETIME,
  timestamptz: DATETIME,
  date: DATETIME,
  json: jsonRule(false),
  jsonb: jsonRule(true),
};

/** The type without its modifier, as array casts name it: `varchar(3)` → `varchar`, `numeric(10, 2)` → `numeric`. */
export function baseType(sqlType: string): string {
  return sqlType.replace(/\s*\(.*\)$/, "");
}

const VARCHAR_RULES = new Map<number, ValueRule>();

/** The rule for a column of type `sqlType`. */
export function ruleFor(sqlType: string): ValueRule {
  const varchar = /^varchar\((\d+)\)$/.exec(sqlType);
  if (varchar) {
    const limit = Number(varchar[1]);
    let rule = VARCHAR_RULES.get(limit);
    if (!rule) VARCHAR_RULES.set(limit, (rule = varcharRule(limit)));
    return rule;
  }
  return RULES[baseType(sqlType)] ?? SCALAR;
}

/**
 * Checks that every literal default is a value its column takes, when the
 * table is defined: an integer column's default of 1.5 would otherwise be
 * rounded by PostgreSQL, a text default holding NUL fail at createAll().
 */
export function checkDefaults(table: AnyTable): void {
  for (const [column, definition] of Object.entries(table.columns as Columns)) {
    const spec = definition.spec;
    const value = spec.default?.value;
    if (value === undefined || value === null || isRawSql(value)) continue;
    const rule = ruleFor(spec.sqlType);
    if (rule.convert(value) === REFUSED) {
      throw new SchemaError(`The default of column "${table.name}.${column}" (${spec.sqlType}) ${rule.refusal(value).reason}.`);
    }
  }
}

/** Whether a value is an `sql` template (a raw SQL expression). */
export function isRawSql(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { isRawBuilder?: unknown }).isRawBuilder === true;
}
