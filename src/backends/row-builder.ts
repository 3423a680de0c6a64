/**
 * `RowBuilder`: turns the text values of one result's rows into row objects,
 * for streams read straight off the wire protocol on either backend.
 *
 * @module
 */
import { keepText } from "./value-parsers.js";

/** One column of a RowDescription: its name and its type's OID. */
export interface ColumnDescription {
  readonly name: string;
  readonly dataTypeID: number;
}

/** Reads the text of one value of type `oid`. */
export type TextParser = (text: string, oid: number) => unknown;

/** A backend's reading of a type: the parser `query()` uses for it, or `undefined` to keep the text. */
export type ParserLookup = (oid: number) => TextParser | undefined;

/**
 * The rows of one result, built the way both drivers build theirs for
 * `query()`: keys in column order, a repeated column name keeps its first
 * place and its last value, SQL NULL is `null`, every other value goes
 * through the parser of its type.
 */
export class RowBuilder {
  readonly columns: readonly ColumnDescription[];
  readonly #names: string[];
  readonly #oids: number[];
  /** `undefined` where the value stays text (text, varchar, uuid, …): no call per value for those. */
  readonly #parsers: (TextParser | undefined)[];
  /** Every key present, in order, so that rows share one shape (what node-postgres does too). */
  readonly #empty: Record<string, null>;

  constructor(columns: readonly ColumnDescription[], lookup: ParserLookup) {
    this.columns = columns;
    this.#names = columns.map((c) => c.name);
    this.#oids = columns.map((c) => c.dataTypeID);
    this.#parsers = columns.map((c) => {
      const parse = lookup(c.dataTypeID);
      return parse === keepText ? undefined : parse;
    });
    // A null-prototype object first, so that a column named "__proto__" becomes an own key.
    const empty = Object.create(null) as Record<string, null>;
    for (const name of this.#names) empty[name] = null;
    this.#empty = { ...empty };
  }

  /** One row; called once per row of every stream, so it does no more than it must. */
  build(values: readonly (string | null)[]): Record<string, unknown> {
    const row: Record<string, unknown> = { ...this.#empty };
    const names = this.#names;
    const parsers = this.#parsers;
    for (let i = 0; i < values.length; i++) {
      const text = values[i];
      const parse = parsers[i];
      // NULL is written too, not skipped: under a repeated name the last value wins, NULL or not.
      row[names[i] as string] = text === null || text === undefined ? null : parse === undefined ? text : parse(text, this.#oids[i] as number);
    }
    return row;
  }
}
