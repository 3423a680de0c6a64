/**
 * One reading of PostgreSQL values for both drivers, so that the same query
 * gives the same JavaScript values embedded (PGlite) and on a server
 * (node-postgres). Both backends use the functions below for the types where
 * PGlite's defaults and node-postgres's defaults disagree, or are lossy:
 *
 * | PostgreSQL | JavaScript |
 * |---|---|
 * | `bigint` (int8) | `number` when it is a safe integer (±2^53 − 1), else `bigint` |
 * | `numeric` | `string`, every digit kept (also inside arrays) |
 * | `timestamp` (no zone) | `Date`, the stored wall time read as UTC |
 * | `timestamptz` | `Date` (the instant) |
 * | `date` | `Date` at UTC midnight of that day |
 * | `±infinity` of those three | `Infinity` / `-Infinity` |
 * | `json`, `jsonb` | parsed (`JSON.parse`) |
 * | `smallint integer real double precision oid` | `number` |
 * | `boolean` | `boolean` |
 * | `bytea` | `Uint8Array` |
 * | arrays of the types above | arrays of the same values |
 * | anything else (`interval time uuid money point …`) | the text PostgreSQL prints |
 *
 * Going in, values are sent the way PGlite sends them: a `Date` as its ISO
 * text in UTC (so into `timestamp` it stores the UTC wall time, which reads
 * back as the same `Date`; into `date`, the UTC day), a `bigint` as decimal
 * text, an object — or an array, when the parameter is `json`/`jsonb` — as
 * JSON (a `bigint` inside becomes a string), any other array as a PostgreSQL
 * array. Server sessions run with `TimeZone = UTC`, as PGlite does, so
 * `now()::timestamp`, `::date` and `timestamptz` text agree too.
 *
 * Why these: `number` for int8 keeps `count(*)` and `bigint` ids ordinary
 * numbers while never rounding a large one; numeric as text is the only
 * exact choice; reading `timestamp` as UTC makes a `Date` written to it come
 * back unchanged whatever the machine's time zone (node-postgres and PGlite
 * both read it as local time by default, which shifts it by the offset).
 *
 * @module
 */
import type { ParserOptions } from "@electric-sql/pglite";

/** Reads the text form of one PostgreSQL value. */
export type ValueParser = (text: string) => unknown;

/** Type OIDs (pg_type.oid) the readings above concern. */
export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  jsonb: 3802,
} as const;

/** int8: a number when exact, a bigint beyond 2^53. */
export function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

const DATE_TIME =
  /^(\d{4,})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/;

/**
 * The ISO text of a date, timestamp or timestamptz as a `Date`; a value
 * without an offset is read as UTC. Handles BC years, years past 9999 and
 * microseconds (truncated to milliseconds). `infinity` → `Infinity`. Text in
 * another DateStyle is returned as it is.
 */
export function parseDateTime(text: string): Date | number | string {
  if (text === "infinity") return Infinity;
  if (text === "-infinity") return -Infinity;
  const m = DATE_TIME.exec(text);
  if (!m) return text;
  const year = m[12] ? 1 - Number(m[1]) : Number(m[1]);
  const ms = m[7] ? Number(`${m[7]}00`.slice(0, 3)) : 0;
  // Date.UTC maps years 0–99 to 1900–1999: set the year separately.
  const date = new Date(Date.UTC(2000, 0, 1, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms));
  date.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]));
  if (m[8]) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
    date.setTime(date.getTime() - (m[8] === "-" ? -offset : offset));
  }
  return date;
}

/** bytea in hex (`\x0102`, the default) or escape output form, as a `Uint8Array`. */
export function parseBytea(text: string): Uint8Array {
  if (text.startsWith("\\x")) {
    const bytes = new Uint8Array((text.length - 2) / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(2 + i * 2, 2), 16);
    return bytes;
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "\\") out.push(text.charCodeAt(i));
    else if (text[i + 1] === "\\") out.push(92), i++;
    else out.push(parseInt(text.substr(i + 1, 3), 8)), (i += 3);
  }
  return Uint8Array.from(out);
}

const number: ValueParser = (text) => +text;
/** The reading of every type without one of its own: the text itself. Readers of rows may skip calling it. */
export const keepText: ValueParser = (text) => text;

/** The scalar types both backends read the same way. */
const SCALARS: ReadonlyMap<number, ValueParser> = new Map<number, ValueParser>([
  [OID.bool, (text) => text === "t"],
  [OID.bytea, parseBytea],
  [OID.int8, parseInt8],
  [OID.int2, number],
  [OID.int4, number],
  [OID.oid, number],
  [OID.float4, number],
  [OID.float8, number],
  [OID.json, (text) => JSON.parse(text)],
  [OID.jsonb, (text) => JSON.parse(text)],
  [OID.date, parseDateTime],
  [OID.timestamp, parseDateTime],
  [OID.timestamptz, parseDateTime],
]);

/**
 * Built-in array types (array OID → element OID) read as JS arrays. box[]
 * (`;`-separated) and the int2vector/oidvector pseudo-arrays are left as text.
 */
const ARRAYS: ReadonlyMap<number, number> = new Map(
  "143:142,199:114,629:628,651:650,719:718,791:790,1000:16,1001:17,1002:18,1003:19,1005:21,1007:23,1008:24,1009:25,1010:27,1011:28,1012:29,1014:1042,1015:1043,1016:20,1017:600,1018:601,1019:602,1021:700,1022:701,1027:604,1028:26,1034:1033,1040:829,1041:869,1115:1114,1182:1082,1183:1083,1185:1184,1187:1186,1231:1700,1270:1266,1561:1560,1563:1562,2207:2202,2208:2203,2209:2204,2210:2205,2211:2206,2949:2970,2951:2950,3221:3220,3643:3614,3645:3615,3735:3734,3770:3769,3807:3802,4090:4089,4097:4096"
    .split(",")
    .map((pair) => pair.split(":").map(Number) as [number, number]),
);

/**
 * A PostgreSQL array literal (`{1,2}`, `{{"a b",NULL}}`, `[0:1]={1,2}`) as a
 * JS array, each element read by `element`.
 */
export function parseArray(text: string, element: ValueParser): unknown[] {
  let i = text.startsWith("[") ? text.indexOf("=") + 1 : 0;
  const level = (): unknown[] => {
    const out: unknown[] = [];
    i++; // "{"
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === "{") {
        out.push(level());
      } else if (text[i] === '"') {
        let value = "";
        let start = ++i;
        while (text[i] !== '"') {
          if (text[i] === "\\") {
            value += text.slice(start, i);
            start = ++i;
          }
          i++;
        }
        out.push(element(value + text.slice(start, i++)));
      } else {
        const start = i;
        while (text[i] !== "," && text[i] !== "}") i++;
        const raw = text.slice(start, i);
        out.push(raw === "NULL" ? null : element(raw));
      }
      if (text[i++] !== ",") return out;
    }
  };
  return level();
}

/** How a value of type `oid` is read, on either backend: see the table in the module comment. */
export function parserFor(oid: number): ValueParser {
  const scalar = SCALARS.get(oid);
  if (scalar) return scalar;
  const element = ARRAYS.get(oid);
  if (element !== undefined) {
    const parse = SCALARS.get(element) ?? keepText;
    return (text) => parseArray(text, parse);
  }
  return keepText;
}

/**
 * node-postgres's `types` option: every text value read as {@link parserFor}
 * says (node-postgres's own defaults differ for int8, date, timestamp,
 * interval, bytea, numeric[] and more).
 */
export const nodePostgresTypes = {
  getTypeParser(oid: number, format?: "text" | "binary"): ValueParser {
    if (format === "binary") throw new Error("pglite-lab reads text-format values only.");
    return parserFor(oid);
  },
};

/**
 * PGlite's `parsers` option: where PGlite's defaults differ from the table
 * (it reads `timestamp` as local time, cannot read BC dates, and reads their
 * arrays the same way), the readings above; elsewhere PGlite already agrees.
 */
export const pgliteParsers: ParserOptions = Object.fromEntries(
  [OID.int8, OID.date, OID.timestamp, OID.timestamptz, 1016, 1182, 1115, 1185].map((oid) => [oid, parserFor(oid)]),
);

/** JSON text of a parameter, as PGlite writes it: a `bigint` inside becomes a string. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * A parameter as the server must receive it to store what PGlite stores
 * (see the module comment). `type` is the parameter's type OID when known:
 * only needed for an array, which is JSON into `json`/`jsonb` and a
 * PostgreSQL array anywhere else.
 */
export function toServerParameter(value: unknown, type?: number): unknown {
  if (value === null || value === undefined || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    if (type === OID.json || type === OID.jsonb) return toJson(value);
    return value.map((item) => toServerParameter(item));
  }
  if (ArrayBuffer.isView(value)) return value;
  if (typeof (value as { toPostgres?: unknown }).toPostgres === "function") return value;
  return toJson(value);
}

/** Whether a parameter list needs the statement's parameter types to be sent right (it has an array). */
export function needsParameterTypes(values: readonly unknown[]): boolean {
  return values.some((value) => Array.isArray(value));
}
