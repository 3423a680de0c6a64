/**
 * The rows a statement returned, with SQLAlchemy's ways of reading them.
 *
 * @module
 */
import { ArgumentError, ResultError } from "./errors.js";
import { renderPlainTable } from "./display.js";
import { uniqueKey } from "./internal/unique-key.js";

/** The type of a row's values (a conditional type, so that `Result<A>` stays assignable to `Result<B>` when `A` is to `B`). */
export type ValueOf<Row> = Row extends Record<string, infer V> ? V : unknown;

/**
 * What `conn.execute()` returns: the rows, their column names, and the row
 * count. In a notebook a `Result` prints as a table.
 *
 * Two ways to read it:
 *
 * - **as a cursor**: `fetchOne()`, `fetchMany(n)`, `fetchAll()` (and its
 *   SQLAlchemy name `all()`), `partitions(n)` each continue where the
 *   previous call stopped, as SQLAlchemy's do;
 * - **as a whole**: `rows`, `first()`, `one()`, `oneOrNone()`, `scalar()`,
 *   `scalarOne()`, `scalarOneOrNone()`, `scalars()`, `mappings()`,
 *   `tuples()` and iteration always see every row, whatever was fetched, and
 *   move nothing, so a result can be read again (in a notebook, a cell run
 *   twice). `unique()` and `pick()` return a new `Result` over every row,
 *   with a cursor of its own.
 *
 * SQLAlchemy's buffered result closes after `first()`, `one()` or `scalar()`;
 * this one stays readable. Rows are plain objects; `tuples()` gives them as
 * arrays in column order, SQLAlchemy's default shape.
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
 *   console.log(res.tuples());    // [ [ 1, 1 ], [ 2, 4 ], [ 3, 9 ] ]
 * });
 * await engine.dispose();
 * ```
 */
export class Result<Row = Record<string, unknown>, Tuple extends readonly unknown[] = Array<ValueOf<Row>>> {
  /** Every row, in order. Reading it does not move `fetchOne()`'s position. */
  readonly rows: readonly Row[];
  /** The column names, in order (SQLAlchemy's `keys()`, which is here too). */
  readonly columns: readonly string[];
  /**
   * Rows returned by a SELECT, or rows changed by INSERT / UPDATE / DELETE
   * (like DB-API's `rowcount`). `unique()` and `pick()` keep it.
   */
  readonly rowCount: number;
  /** The command tag PostgreSQL reported: `SELECT`, `INSERT`, `CREATE TABLE`, … */
  readonly command: string;
  #position = 0;

  constructor(rows: readonly Row[], columns: readonly string[], rowCount: number, command: string) {
    if (!Array.isArray(rows) || !Array.isArray(columns) || !columns.every((c) => typeof c === "string") || !Number.isSafeInteger(rowCount) || rowCount < 0 || typeof command !== "string") {
      throw new ArgumentError(
        "new Result(rows, columns, rowCount, command) takes an array of rows, an array of column names, the number of rows the statement " +
          'returned or changed, and its command tag, as in new Result([{ n: 1 }], ["n"], 1, "SELECT").',
      );
    }
    this.rows = rows;
    this.columns = columns;
    this.rowCount = rowCount;
    this.command = command;
  }

  /**
   * The column names, in order: `columns` as a new array, under SQLAlchemy's name.
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * console.log(new Result([{ id: 1, name: "Ada" }], ["id", "name"], 1, "SELECT").keys()); // [ 'id', 'name' ]
   * ```
   */
  keys(): string[] {
    return [...this.columns];
  }

  /** Returns the rows not yet fetched, and moves past them (all rows, on a fresh result). */
  fetchAll(): Row[] {
    const rest = this.rows.slice(this.#position);
    this.#position = this.rows.length;
    return rest;
  }

  /**
   * Returns the rows not yet fetched and moves past them: SQLAlchemy's name
   * for {@link Result.fetchAll}. A second call returns `[]`; `rows` still has them all.
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * const res = new Result([{ n: 1 }, { n: 2 }, { n: 3 }], ["n"], 3, "SELECT");
   * res.fetchOne();
   * console.log(res.all()); // [ { n: 2 }, { n: 3 } ]
   * console.log(res.all()); // []
   * ```
   */
  all(): Row[] {
    return this.fetchAll();
  }

  /** Returns the next row, or `undefined` when none is left. */
  fetchOne(): Row | undefined {
    if (this.#position >= this.rows.length) return undefined;
    return this.rows[this.#position++];
  }

  /**
   * Returns up to `size` of the next rows and moves past them; `[]` once none
   * is left. `size` is a positive whole number (a buffered result has no
   * batch size to default to; a stream's `fetchMany()` has).
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * const res = new Result([{ n: 1 }, { n: 2 }, { n: 3 }], ["n"], 3, "SELECT");
   * console.log(res.fetchMany(2)); // [ { n: 1 }, { n: 2 } ]
   * console.log(res.fetchMany(2)); // [ { n: 3 } ]
   * console.log(res.fetchMany(2)); // []
   * ```
   */
  fetchMany(size: number): Row[] {
    checkSize(size, "fetchMany");
    const chunk = this.rows.slice(this.#position, this.#position + size);
    this.#position += chunk.length;
    return chunk;
  }

  /**
   * Iterates over the rows not yet fetched in arrays of `size` (the last may
   * be shorter; none is empty), moving past each as it goes.
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * const res = new Result([1, 2, 3, 4, 5].map((n) => ({ n })), ["n"], 5, "SELECT");
   * res.fetchOne();
   * const parts = [...res.partitions(2)];
   * console.log(parts.map((part) => part.map((r) => r.n))); // [ [ 2, 3 ], [ 4, 5 ] ]
   * ```
   */
  partitions(size: number): Generator<Row[], void, undefined> {
    checkSize(size, "partitions");
    return this.#partitions(size);
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

  /**
   * Returns the only row, or `undefined` if there is none; throws
   * {@link ResultError} if there are several (SQLAlchemy's `one_or_none()`).
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * console.log(new Result([], ["n"], 0, "SELECT").oneOrNone()); // undefined
   * console.log(new Result([{ n: 1 }], ["n"], 1, "SELECT").oneOrNone()); // { n: 1 }
   * try {
   *   new Result([{ n: 1 }, { n: 2 }], ["n"], 2, "SELECT").oneOrNone();
   * } catch (err) {
   *   console.log((err as Error).message); // Expected at most one row, but the statement returned 2.
   * }
   * ```
   */
  oneOrNone(): Row | undefined {
    if (this.rows.length > 1) {
      throw new ResultError(`Expected at most one row, but the statement returned ${this.rows.length}.`);
    }
    return this.rows[0];
  }

  /** Returns the first column of the first row, or `undefined` if there is no row. */
  scalar(): ValueOf<Row> | undefined {
    const row = this.rows[0];
    return row === undefined ? undefined : this.#first(row);
  }

  /**
   * Returns the first column of the only row; throws {@link ResultError} if
   * there is no row or more than one. The lookup by key that must find its
   * row, reduced to one value.
   *
   * @example
   * ```ts
   * import { createEngine, sql } from "pglite-lab";
   *
   * const engine = await createEngine();
   * await engine.connect(async (conn) => {
   *   console.log((await conn.execute(sql<{ n: number }>`select count(*)::int as n from generate_series(1, 4)`)).scalarOne()); // 4
   * });
   * await engine.dispose();
   * ```
   */
  scalarOne(): ValueOf<Row> {
    return this.#first(this.one());
  }

  /**
   * Returns the first column of the only row, or `undefined` if there is no
   * row (a column that holds NULL gives `null`); throws {@link ResultError}
   * if there are several rows.
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * console.log(new Result([], ["email"], 0, "SELECT").scalarOneOrNone()); // undefined
   * console.log(new Result([{ email: null }], ["email"], 1, "SELECT").scalarOneOrNone()); // null
   * ```
   */
  scalarOneOrNone(): ValueOf<Row> | undefined {
    const row = this.oneOrNone();
    return row === undefined ? undefined : this.#first(row);
  }

  /** Returns the first column of every row, or the column named `column` (SQLAlchemy's `scalars(index)`). */
  scalars(): Array<ValueOf<Row>>;
  scalars<K extends keyof Row & string>(column: K): Array<Row[K]>;
  scalars(column?: string): unknown[] {
    const name = column === undefined ? this.columns[0] : this.#column(column, "scalars");
    if (name === undefined) return [];
    checkUnambiguous(this.columns, name, "scalars");
    return this.rows.map((row) => (row as Record<string, unknown>)[name]);
  }

  /**
   * Returns every row as an object keyed by column name: the rows
   * themselves, since rows already are objects here (SQLAlchemy's
   * `mappings().all()`).
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * console.log(new Result([{ id: 1, name: "Ada" }], ["id", "name"], 1, "SELECT").mappings()); // [ { id: 1, name: 'Ada' } ]
   * ```
   */
  mappings(): Row[] {
    return [...this.rows];
  }

  /**
   * Returns every row as an array of its values in column order:
   * SQLAlchemy's rows, `[(1, '12'), (2, 'Welcome To My Domain')]`. After
   * `pick("a", "b")` the arrays are typed as tuples. Throws
   * {@link ResultError} when two columns share a name, since an object row
   * kept only the last of them.
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * const res = new Result([{ id: 1, name: "12" }, { id: 2, name: "Welcome To My Domain" }], ["id", "name"], 2, "SELECT");
   * console.log(res.tuples()); // [ [ 1, '12' ], [ 2, 'Welcome To My Domain' ] ]
   * const pairs: [string, number][] = res.pick("name", "id").tuples();
   * console.log(pairs[0]); // [ '12', 1 ]
   * ```
   */
  tuples(): Tuple[] {
    const columns = this.columns;
    checkDistinct(columns);
    return this.rows.map((row) => columns.map((c) => (row as Record<string, unknown>)[c]) as unknown as Tuple);
  }

  /**
   * Returns a new `Result` without repeated rows, keeping the first of each,
   * in order. Rows are compared by their values (dates, bigints, JSON
   * documents and arrays by content), or by what `key(row)` returns.
   * `rowCount` still says what the statement did.
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * const res = new Result([{ city: "Oslo", n: 1 }, { city: "Lima", n: 2 }, { city: "Oslo", n: 1 }, { city: "Oslo", n: 3 }], ["city", "n"], 4, "SELECT");
   * console.log(res.unique().rows.length); // 3
   * console.log(res.unique((row) => row.city).scalars()); // [ 'Oslo', 'Lima' ]
   * ```
   */
  unique(key?: (row: Row) => unknown): Result<Row, Tuple> {
    if (key !== undefined && typeof key !== "function") {
      throw new ArgumentError(`unique() takes a function that returns each row's key, such as (row) => row.id; got ${typeof key}.`);
    }
    const seen = new Set<string>();
    const columns = this.columns;
    const kept = this.rows.filter((row) => {
      const identity = uniqueKey(key ? key(row) : columns.map((c) => (row as Record<string, unknown>)[c]));
      if (seen.has(identity)) return false;
      seen.add(identity);
      return true;
    });
    return new Result<Row, Tuple>(kept, columns, this.rowCount, this.command);
  }

  /**
   * Returns a new `Result` with only the named columns, in the order given
   * (SQLAlchemy's `Result.columns(…)`; here `columns` is the list of names).
   * Its `tuples()` are typed as tuples in that order.
   *
   * @example
   * ```ts
   * import { Result } from "pglite-lab";
   *
   * const res = new Result([{ id: 1, name: "Ada", city: "London" }], ["id", "name", "city"], 1, "SELECT");
   * const picked = res.pick("city", "id");
   * console.log(picked.columns, picked.rows); // [ 'city', 'id' ] [ { city: 'London', id: 1 } ]
   * ```
   */
  pick<K extends Array<keyof Row & string>>(...names: K): Result<Pick<Row, K[number]>, { -readonly [I in keyof K]: Row[K[I] & keyof Row] }> {
    if (names.length === 0) throw new ArgumentError("pick() needs at least one column name, such as res.pick(\"id\").");
    for (const [i, name] of names.entries()) {
      this.#column(name, "pick");
      if (names.indexOf(name) !== i) throw new ArgumentError(`pick() names column "${name}" twice; a row can hold it only once.`);
      checkUnambiguous(this.columns, name, "pick");
    }
    // fromEntries defines each key: an assignment to a column named __proto__ would set the prototype instead.
    const rows = this.rows.map((row) => Object.fromEntries(names.map((name) => [name, (row as Record<string, unknown>)[name]])) as Pick<Row, K[number]>);
    return new Result(rows, names, this.rowCount, this.command);
  }

  /** Iterates over every row. */
  [Symbol.iterator](): Iterator<Row> {
    return this.rows[Symbol.iterator]();
  }

  /** Prints as a table in the Node REPL, in tslab cells and in `console.log`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return renderPlainTable(this.rows as readonly Record<string, unknown>[], this.columns);
  }

  *#partitions(size: number): Generator<Row[], void, undefined> {
    for (let part = this.fetchMany(size); part.length > 0; part = this.fetchMany(size)) yield part;
  }

  #first(row: Row): ValueOf<Row> {
    const column = this.columns[0];
    if (column === undefined) return undefined as ValueOf<Row>;
    checkUnambiguous(this.columns, column, "scalar");
    return (row as Record<string, unknown>)[column] as ValueOf<Row>;
  }

  #column(name: unknown, method: string): string {
    if (typeof name !== "string" || !this.columns.includes(name)) {
      const known = this.columns.length > 0 ? `its columns are ${this.columns.map((c) => `"${c}"`).join(", ")}` : "it has no columns";
      throw new ArgumentError(`${method}(): the result has no column ${typeof name === "string" ? `"${name}"` : String(name)}; ${known}.`);
    }
    return name;
  }
}

/** Checks the `size` of `fetchMany(size)` / `partitions(size)`. */
export function checkSize(size: unknown, method: string): void {
  if (!Number.isInteger(size) || (size as number) < 1) {
    throw new ArgumentError(`${method}(size): size must be a positive whole number, not ${String(size)}.`);
  }
}

/**
 * Refuses to read column `name` by name when the statement returned several
 * columns of that name (`select 1, 2` returns two named `?column?`): an
 * object row kept only the last of them, so the value found is not the
 * first column's, and `scalar()` would silently answer with another column.
 */
export function checkUnambiguous(columns: readonly string[], name: string, method: string): void {
  if (columns.indexOf(name) === columns.lastIndexOf(name)) return;
  throw new ResultError(
    `${method}(): the statement returned ${columns.filter((c) => c === name).length} columns named "${name}", and a row keeps only the last of them, ` +
      "so its value is not the one asked for; name them apart (… AS other_name).",
  );
}

/** Refuses column lists with a repeated name: an object row kept only the last of them, so no tuple can be made. */
export function checkDistinct(columns: readonly string[]): void {
  const repeated = columns.find((c, i) => columns.indexOf(c) !== i);
  if (repeated !== undefined) {
    throw new ResultError(
      `The statement returned two columns named "${repeated}", and a row keeps only the last; name them apart (… AS other_name) to read them as tuples.`,
    );
  }
}
