/**
 * One reading of PostgreSQL values for both drivers, so the same query gives
 * the same JavaScript values embedded and on a server:
 * - `bigint` (int8): a `number` when it is a safe integer, else a `bigint`;
 * - `numeric`: a string, every digit kept;
 * - `timestamp` (no zone): a `Date`, the stored wall time read as UTC;
 * - `timestamptz`: a `Date`; `date`: a `Date` at UTC midnight;
 * - `json` / `jsonb`: parsed.
 */
import pg from "pg";

const INT8 = 20;
const TIMESTAMP = 1114;
const DATE = 1082;
const INT8_ARRAY = 1016;

function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

function parseTimestampAsUtc(text: string): Date | string {
  if (text === "infinity" || text === "-infinity") return text;
  const iso = text.replace(" ", "T");
  return new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(iso) ? iso : `${iso}Z`);
}

function parseDateAsUtc(text: string): Date | string {
  if (text === "infinity" || text === "-infinity") return text;
  return new Date(`${text}T00:00:00Z`);
}

/** node-postgres type parsers giving the values described above. */
export const valueParsers = {
  getTypeParser(oid: number, format?: "text" | "binary"): (text: string) => unknown {
    if (format === "binary") return pg.types.getTypeParser(oid, "binary");
    switch (oid) {
      case INT8:
        return parseInt8;
      case TIMESTAMP:
        return parseTimestampAsUtc;
      case DATE:
        return parseDateAsUtc;
      case INT8_ARRAY: {
        const parseArray = pg.types.getTypeParser(1009 as number) as (text: string) => string[];
        return (text: string) => parseArray(text).map((v) => (v === null ? v : parseInt8(v)));
      }
      default:
        return pg.types.getTypeParser(oid);
    }
  },
};
