/**
 * The rows a statement returned, with SQLAlchemy's ways of reading them.
 *
 * @module
 */
import { ResultError } from "./errors.js";
import { renderPlainTable } from "./display.js";

/** The type of a row's values (a conditional type, so that `Result<A>` stays assignable to `Result<B>` when `A` is to `B`). */
type ValueOf<Row> = Row extends Record<string, infer V> ? V : unknown;

/**
 * What `conn.execute()` returns: the rows, their column names, and the row
 * count. Read it all at once (`fetchAll()`, `rows`), one row at a time
 * (`fetchOne()`), or just what you need (`first()`, `one()`, `scalar()`,
 * `scalars()`). In a notebook a `Result` prints as a table.
 *
 * @example
 * ```ts
 * import { createEngine } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.connect(async (conn) => {
 *   const res = await conn.execute("select x, x * x as square from generate_series(1, 3) as x");
 *   console.log(res.columns);     // [ 'x', 'square' ]
 *   console.log(res.fetchOne());  // { x: 1, square: 1 }
 *   console.log(res.fetchAll());  // [ { x: 2, square: 4 }, { x: 3, square: 9 } ]
 *   console.log(res.scalars());   // [ 1, 2, 3 ]
 * });
 * await engine.dispose();
 * ```
 */
export class Result<Row = Record<string, unknown>> {
  /** Every row, in order. Reading it does not move `fetchOne()`'s position. */
  readonly rows: readonly Row[];
  /** The column names, in order. */
  readonly columns: readonly string[];
  /**
   * Rows returned by a SELECT, or rows changed by INSERT / UPDATE / DELETE
   * (like DB-API's `rowcount`).
   */
  readonly rowCount: number;
  /** The command tag PostgreSQL reported: `SELECT`, `INSERT`, `CREATE TABLE`, … */
  readonly command: string;
  #position = 0;

  constructor(rows: readonly Row[], columns: readonly string[], rowCount: number, command: string) {
    this.rows = rows;
    this.columns = columns;
    this.rowCount = rowCount;
    this.command = command;
  }

  /** Returns the rows not yet fetched, and moves past them (all rows, on a fresh result). */
  fetchAll(): Row[] {
    const rest = this.rows.slice(this.#position);
    this.#position = this.rows.length;
    return rest;
  }

  /** Returns the next row, or `undefined` when none is left. */
  fetchOne(): Row | undefined {
    if (this.#position >= this.rows.length) return undefined;
    return this.rows[this.#position++];
  }

  /** Returns up to `size` of the next rows. */
  fetchMany(size: number): Row[] {
    const chunk = this.rows.slice(this.#position, this.#position + size);
    this.#position += chunk.length;
    return chunk;
  }

  /** Returns the first row, or `undefined` if there is none. */
  first(): Row | undefined {
    return this.rows[0];
  }

  /** Returns the only row; throws {@link ResultError} if there is none or more than one. */
  one(): Row {
    if (this.rows.length !== 1) {
      throw new ResultError(
        this.rows.length === 0
          ? "Expected exactly one row, but the statement returned none."
          : `Expected exactly one row, but the statement returned ${this.rows.length}.`,
      );
    }
    return this.rows[0] as Row;
  }

  /** Returns the first column of the first row, or `undefined` if there is no row. */
  scalar(): ValueOf<Row> | undefined {
    const row = this.rows[0];
    const column = this.columns[0];
    if (row === undefined || column === undefined) return undefined;
    return (row as Record<string, unknown>)[column] as ValueOf<Row>;
  }

  /** Returns the first column of every row. */
  scalars(): Array<ValueOf<Row>> {
    const column = this.columns[0];
    if (column === undefined) return [];
    return this.rows.map((row) => (row as Record<string, unknown>)[column] as ValueOf<Row>);
  }

  /** Iterates over every row. */
  [Symbol.iterator](): Iterator<Row> {
    return this.rows[Symbol.iterator]();
  }

  /** Prints as a table in the Node REPL, in tslab cells and in `console.log`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return renderPlainTable(this.rows as readonly Record<string, unknown>[], this.columns);
  }
}
