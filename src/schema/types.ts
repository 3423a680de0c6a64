/**
 * Column type builders: one function per PostgreSQL type.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { Column, type FreshFlags } from "./column.js";

/** PostgreSQL's limits on type modifiers: varchar(n) up to 10 MB of characters, numeric(p, s) up to 1000 digits. */
const MAX_VARCHAR_LENGTH = 10_485_760;
const MAX_NUMERIC_PRECISION = 1000;

/** A builder's argument as its error message shows it. */
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function column<S, I, Auto extends boolean = false>(sqlType: string, autoIncrement = false): Column<S, I, FreshFlags<Auto>> {
  return new Column({ sqlType, autoIncrement, primaryKey: false, notNull: false, unique: false });
}

/**
 * A 32-bit `integer` column. As a primary key it is generated, like SERIAL.
 *
 * @example
 * ```ts
 * import { MetaData, integer } from "pglite-lab";
 * const t = new MetaData().table("t", { id: integer().primaryKey(), qty: integer().notNull() });
 * console.log(t.columns.id.spec.autoIncrement); // true
 * ```
 */
export function integer(): Column<number, number, FreshFlags<true>> {
  return column("integer", true);
}

/**
 * A 64-bit `bigint` column. Values come back as `number` when they fit
 * JavaScript's safe integers and as `bigint` beyond that; either is accepted on
 * insert. As a primary key it is generated, like BIGSERIAL.
 *
 * @example
 * ```ts
 * import { MetaData, bigint } from "pglite-lab";
 * const t = new MetaData().table("t", { id: bigint().primaryKey() });
 * console.log(t.columns.id.spec.sqlType); // bigint
 * ```
 */
export function bigint(): Column<number | bigint, number | bigint, FreshFlags<true>> {
  return column("bigint", true);
}

/**
 * A `text` column: a string of any length.
 *
 * PostgreSQL stores `text` and `varchar` the same way: `text` is the usual
 * choice, and {@link varchar} is for when a length limit is one of the data's
 * rules.
 *
 * @example
 * ```ts
 * import { MetaData, text } from "pglite-lab";
 * const t = new MetaData().table("t", { name: text().notNull() });
 * console.log(t.columns.name.spec.notNull); // true
 * ```
 */
export function text(): Column<string, string, FreshFlags<false>> {
  return column("text");
}

/**
 * A `varchar(n)` column: a string of at most `length` characters; longer
 * values are refused with a {@link DataError}.
 *
 * PostgreSQL checks the limit on every insert and update, whichever client
 * writes the row.
 *
 * @example
 * ```ts
 * import { MetaData, varchar } from "pglite-lab";
 * const t = new MetaData().table("t", { code: varchar(3) });
 * console.log(t.columns.code.spec.sqlType); // varchar(3)
 * ```
 */
export function varchar(length: number): Column<string, string, FreshFlags<false>> {
  if (!Number.isInteger(length) || length < 1 || length > MAX_VARCHAR_LENGTH) {
    throw new ArgumentError(
      `varchar(${shown(length)}): the length must be a whole number from 1 to ${MAX_VARCHAR_LENGTH.toLocaleString("en-US")} (PostgreSQL's limit); use text() for strings of any length.`,
    );
  }
  return column(`varchar(${length})`);
}

/**
 * A `boolean` column.
 *
 * Values come back as `true` / `false`, and the row types ask for booleans on
 * insert and update.
 *
 * @example
 * ```ts
 * import { MetaData, boolean } from "pglite-lab";
 * const t = new MetaData().table("t", { active: boolean().default(true) });
 * console.log(t.columns.active.spec.default?.value); // true
 * ```
 */
export function boolean(): Column<boolean, boolean, FreshFlags<false>> {
  return column("boolean");
}

/**
 * A `numeric` column: exact decimals. Values come back as strings so that no
 * digit is lost; numbers and strings are accepted on insert.
 *
 * @example
 * ```ts
 * import { MetaData, numeric } from "pglite-lab";
 * const t = new MetaData().table("t", { price: numeric(10, 2) });
 * console.log(t.columns.price.spec.sqlType); // numeric(10, 2)
 * ```
 */
export function numeric(precision?: number, scale?: number): Column<string, string | number, FreshFlags<false>> {
  // Both are written into CREATE TABLE: anything but a whole number in PostgreSQL's range is refused here.
  const call = `numeric(${[precision, scale].filter((v) => v !== undefined).map(shown).join(", ")})`;
  if (precision === undefined && scale !== undefined) {
    throw new ArgumentError(`${call}: a scale needs a precision, as in numeric(10, 2).`);
  }
  if (precision !== undefined && (!Number.isInteger(precision) || precision < 1 || precision > MAX_NUMERIC_PRECISION)) {
    throw new ArgumentError(`${call}: the precision (the number of digits) must be a whole number from 1 to ${MAX_NUMERIC_PRECISION}.`);
  }
  if (scale !== undefined && (!Number.isInteger(scale) || scale < -MAX_NUMERIC_PRECISION || scale > MAX_NUMERIC_PRECISION)) {
    throw new ArgumentError(`${call}: the scale (digits after the decimal point) must be a whole number from -${MAX_NUMERIC_PRECISION} to ${MAX_NUMERIC_PRECISION}.`);
  }
  if (precision === undefined) return column("numeric");
  return column(scale === undefined ? `numeric(${precision})` : `numeric(${precision}, ${scale})`);
}

/**
 * A `real` column: a 4-byte floating-point number.
 *
 * It keeps about six significant digits, so a number read back may differ
 * from the one written; prefer {@link doublePrecision} unless space matters.
 *
 * @example
 * ```ts
 * import { MetaData, real } from "pglite-lab";
 * console.log(new MetaData().table("t", { x: real() }).columns.x.spec.sqlType); // real
 * ```
 */
export function real(): Column<number, number, FreshFlags<false>> {
  return column("real");
}

/**
 * A `double precision` column: an 8-byte floating-point number, JavaScript's `number`.
 *
 * Good for measurements, where rounding in the last digits does not matter;
 * for money and other exact decimals use {@link numeric}.
 *
 * @example
 * ```ts
 * import { MetaData, doublePrecision } from "pglite-lab";
 * console.log(new MetaData().table("t", { x: doublePrecision() }).columns.x.spec.sqlType); // double precision
 * ```
 */
export function doublePrecision(): Column<number, number, FreshFlags<false>> {
  return column("double precision");
}

/**
 * A `timestamp` (without time zone) column. Values come back as `Date`
 * objects read as UTC; a `Date` or an ISO string is accepted on insert.
 *
 * @example
 * ```ts
 * import { MetaData, timestamp, sql } from "pglite-lab";
 * const t = new MetaData().table("t", { at: timestamp().default(sql`now()`) });
 * console.log(t.columns.at.spec.sqlType); // timestamp
 * ```
 */
export function timestamp(): Column<Date, Date | string, FreshFlags<false>> {
  return column("timestamp");
}

/**
 * A `timestamptz` column: an instant in time. Values come back as `Date`.
 *
 * @example
 * ```ts
 * import { MetaData, timestamptz } from "pglite-lab";
 * console.log(new MetaData().table("t", { at: timestamptz() }).columns.at.spec.sqlType); // timestamptz
 * ```
 */
export function timestamptz(): Column<Date, Date | string, FreshFlags<false>> {
  return column("timestamptz");
}

/**
 * A `date` column (no time of day). Values come back as `Date` at UTC midnight.
 *
 * @example
 * ```ts
 * import { MetaData, date } from "pglite-lab";
 * console.log(new MetaData().table("t", { born: date() }).columns.born.spec.sqlType); // date
 * ```
 */
export function date(): Column<Date, Date | string, FreshFlags<false>> {
  return column("date");
}

/**
 * A `json` column: the text of a JSON document, kept as written. Values come
 * back parsed; give the document's type as `T`.
 *
 * @example
 * ```ts
 * import { MetaData, json } from "pglite-lab";
 * const t = new MetaData().table("t", { doc: json<{ tags: string[] }>() });
 * console.log(t.columns.doc.spec.sqlType); // json
 * ```
 */
export function json<T = unknown>(): Column<T, T, FreshFlags<false>> {
  return column("json");
}

/**
 * A `jsonb` column: a JSON document stored decomposed, indexable. Values come
 * back parsed; give the document's type as `T`.
 *
 * @example
 * ```ts
 * import { MetaData, jsonb } from "pglite-lab";
 * const t = new MetaData().table("t", { doc: jsonb<{ tags: string[] }>().notNull() });
 * console.log(t.columns.doc.spec.sqlType); // jsonb
 * ```
 */
export function jsonb<T = unknown>(): Column<T, T, FreshFlags<false>> {
  return column("jsonb");
}

/**
 * A `uuid` column, as a string. Use ``.default(sql`gen_random_uuid()`)`` for generated ids.
 *
 * @example
 * ```ts
 * import { MetaData, uuid, sql } from "pglite-lab";
 * const t = new MetaData().table("t", { id: uuid().primaryKey().default(sql`gen_random_uuid()`) });
 * console.log(t.columns.id.spec.sqlType); // uuid
 * ```
 */
export function uuid(): Column<string, string, FreshFlags<false>> {
  return column("uuid");
}
