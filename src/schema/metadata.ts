/**
 * `MetaData`: a collection of tables, created and dropped together in
 * foreign-key order.
 *
 * @module
 */
import { ArgumentError, SchemaError } from "../errors.js";
import { checkOptions } from "../internal/options.js";
import { describeValue } from "./column-values.js";
import type { Connection } from "../connection.js";
import { quoteIdent } from "../internal/quote.js";
import { createTableSql, resolveReference } from "./ddl.js";
import { Column } from "./column.js";
import { checkTableName } from "./identifier.js";
import { reflectTables, type ReflectOptions } from "./reflect.js";
import { Table, type AnyTable, type Columns } from "./table.js";

/**
 * Options of {@link MetaData.createAll} and {@link MetaData.dropAll}.
 *
 * With `checkFirst: false` every CREATE (or DROP) is sent as is, so a table
 * that already exists (or is missing) fails the statement with a
 * {@link ProgrammingError}.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, type CreateDropOptions } from "pglite-lab";
 *
 * const md = new MetaData();
 * md.table("t", { id: integer().primaryKey() });
 * const engine = await createEngine();
 * await engine.begin((conn) => md.createAll(conn));
 * await engine.begin((conn) => md.createAll(conn)); // checkFirst: "t" exists, nothing to do
 * const always: CreateDropOptions = { checkFirst: false };
 * await engine
 *   .begin((conn) => md.createAll(conn, always))
 *   .catch((err) => console.log(err.name)); // ProgrammingError
 * await engine.dispose();
 * ```
 */
export interface CreateDropOptions {
  /**
   * Look in the catalog first and create only the tables that are missing
   * (drop only those that exist). Default `true`, as in SQLAlchemy.
   */
  readonly checkFirst?: boolean;
}

/**
 * A collection of table definitions: define tables with `md.table()`, then
 * create or drop them all with `md.createAll(conn)` / `md.dropAll(conn)`,
 * which order them by their foreign keys, whatever order they were defined in.
 *
 * Like SQLAlchemy's `MetaData`, it only describes tables: nothing reaches the
 * database until `createAll()` or `dropAll()` runs on a connection.
 * `md.sortedTables` shows the order they use.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, text } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", {
 *   id: integer().primaryKey(),
 *   name: text().notNull(),
 *   deptId: integer().references("depts.id"),
 * });
 * const depts = md.table("depts", { id: integer().primaryKey(), title: text() });
 * console.log(md.sortedTables.map((t) => t.name)); // [ 'depts', 'emps' ]
 *
 * const engine = await createEngine();
 * await engine.begin(async (conn) => {
 *   await md.createAll(conn);   // depts first: emps references it
 *   await md.dropAll(conn);     // emps first
 * });
 * await engine.dispose();
 * ```
 */
export class MetaData {
  readonly #tables = new Map<string, AnyTable>();

  /**
   * Defines a table. Column builders (`integer()`, `text()`, …) give each
   * column its type and constraints. Table names must be unique within this
   * MetaData.
   *
   * Every name is sent as one quoted identifier, exactly as written: `"victim as x"` and `"a.b"`
   * are names like any other. A {@link SchemaError} naming the table refuses the names PostgreSQL
   * could not hold as written: empty, longer than 63 bytes in UTF-8 (PostgreSQL would cut them),
   * holding NUL, a control character or a lone surrogate; table names starting with `pg_`
   * (the system catalogs' prefix: `pg_type` would read the catalog); and the system column names
   * `tableoid`, `xmin`, `cmin`, `xmax`, `cmax`, `ctid`. A column default must be a value the column
   * takes (see {@link Insert}).
   */
  table<N extends string, C extends Columns>(name: N, columns: C): Table<N, C> {
    checkTableName(name);
    if (this.#tables.has(name)) {
      throw new SchemaError(`This MetaData already has a table "${name}"; table names must be unique.`);
    }
    if (columns === null || typeof columns !== "object" || Object.keys(columns).length === 0) {
      throw new SchemaError(`Table "${name}" needs at least one column, such as { id: integer().primaryKey() }.`);
    }
    const prototype = Object.getPrototypeOf(columns);
    if (prototype !== Object.prototype && prototype !== null) {
      // `{ __proto__: text() }` sets the prototype instead of defining a column, which would vanish.
      throw new SchemaError(
        `The columns of table "${name}" must be a plain object of column definitions. ` +
          'A key written `__proto__: …` sets the object\'s prototype; write `["__proto__"]: …` to name a column so.',
      );
    }
    for (const [column, definition] of Object.entries(columns)) {
      if (!(definition instanceof Column) && !(definition as { spec?: unknown })?.spec) {
        throw new SchemaError(
          `Column "${name}.${column}" is not a column definition; use a builder such as text() or integer().`,
        );
      }
    }
    const table = new Table(name, columns);
    this.#tables.set(name, table);
    return table;
  }

  /** The tables, in the order they were defined. */
  get tables(): readonly AnyTable[] {
    return [...this.#tables.values()];
  }

  /** Looks a table up by name. */
  getTable(name: string): AnyTable | undefined {
    return this.#tables.get(name);
  }

  /**
   * The tables in dependency order: every table comes after the tables its
   * foreign keys point at (ties keep definition order). Throws
   * {@link SchemaError} for a reference to a missing table or column, or for
   * tables that reference each other in a cycle.
   */
  get sortedTables(): readonly AnyTable[] {
    const dependencies = new Map<string, Set<string>>();
    for (const table of this.#tables.values()) {
      const deps = new Set<string>();
      for (const [column, definition] of Object.entries(table.columns as Columns)) {
        const reference = definition.spec.references;
        if (!reference) continue;
        const target = resolveReference(this, table.name, column, reference.target);
        if (target.table !== table.name) deps.add(target.table);
      }
      dependencies.set(table.name, deps);
    }
    const sorted: AnyTable[] = [];
    const done = new Set<string>();
    while (sorted.length < this.#tables.size) {
      const ready = [...this.#tables.values()].find(
        (t) => !done.has(t.name) && [...(dependencies.get(t.name) ?? [])].every((d) => done.has(d)),
      );
      if (!ready) {
        const stuck = [...this.#tables.keys()].filter((n) => !done.has(n)).map((n) => `"${n}"`);
        throw new SchemaError(
          `Tables ${stuck.join(", ")} reference each other in a cycle, so no creation order works. ` +
            "Make one of the foreign keys a plain column and add the constraint after creating both tables.",
        );
      }
      sorted.push(ready);
      done.add(ready.name);
    }
    return sorted;
  }

  /**
   * Creates every table, referenced tables first. With `checkFirst` (the
   * default) tables that already exist are left alone.
   */
  async createAll(conn: Connection<any>, options: CreateDropOptions = {}): Promise<void> {
    const checkFirst = checkCreateDrop(conn, options, "createAll");
    const tables = this.sortedTables;
    const existing = checkFirst ? await existingTables(conn, tables) : new Set<string>();
    for (const table of tables) {
      if (!existing.has(table.name)) await conn.execute(createTableSql(this, table));
    }
  }

  /**
   * Drops every table, referencing tables first. With `checkFirst` (the
   * default) tables that do not exist are skipped.
   */
  async dropAll(conn: Connection<any>, options: CreateDropOptions = {}): Promise<void> {
    const check = checkCreateDrop(conn, options, "dropAll");
    const tables = [...this.sortedTables].reverse();
    const existing = check ? await existingTables(conn, tables) : undefined;
    for (const table of tables) {
      if (existing && !existing.has(table.name)) continue;
      // Unqualified, like every statement: the name cannot start with pg_, so it never resolves to a catalog.
      await conn.execute(`DROP TABLE ${quoteIdent(table.name)}`);
    }
  }

  /**
   * Adds a table definition for each table of the database's current schema
   * (or each named in `only`, with the tables they reference), read from the
   * catalog, and returns them: columns with their types, NOT NULL,
   * single-column UNIQUE, defaults, the primary key, single-column foreign
   * keys with their `onDelete` / `onUpdate`. They work with `insert()`,
   * `select()` and `createAll()` like defined tables (their row types are
   * untyped). SQLAlchemy's `md.reflect()`.
   *
   * What a column builder cannot express is refused with a
   * {@link SchemaError} naming the column (a type with no builder, such as
   * `smallint` or an array; a generated column; a reference to another
   * schema), and nothing is added. Composite UNIQUE constraints and foreign
   * keys, CHECK constraints and indexes are not carried over: see them with
   * {@link inspect}. A name already in this MetaData, or a name in `only`
   * that the schema lacks, is a SchemaError too.
   *
   * @example
   * ```ts
   * import { createEngine, MetaData } from "pglite-lab";
   *
   * const engine = await createEngine();
   * await engine.begin(async (conn) => {
   *   await conn.execute("create table emps (id serial primary key, name varchar(40) not null, active boolean default true)");
   *   const md = new MetaData();
   *   const [emps] = await md.reflect(conn);
   *   if (!emps) throw new Error("no table reflected");
   *   console.log(String(emps), emps.columns.name.spec); // Table(emps) { sqlType: 'varchar(40)', autoIncrement: false, primaryKey: false, notNull: true, unique: false }
   *   await conn.execute(emps.insert(), [{ name: "Ada" }]);
   *   console.log((await conn.execute(emps.select())).fetchAll()); // [ { id: 1, name: 'Ada', active: true } ]
   * });
   * await engine.dispose();
   * ```
   */
  async reflect(conn: Connection<any>, options: ReflectOptions = {}): Promise<AnyTable[]> {
    checkConnection(conn, "md.reflect()");
    return reflectTables(this, conn, options);
  }
}

/**
 * Throws an ArgumentError unless `conn` is a scope's connection: passing the
 * engine itself (`md.createAll(engine)`) is the usual slip, and would fail
 * only later, with a TypeError.
 */
export function checkConnection(conn: unknown, where: string): void {
  if (conn !== null && typeof conn === "object" && typeof (conn as { execute?: unknown }).execute === "function") return;
  const engine = conn !== null && typeof conn === "object" && typeof (conn as { begin?: unknown }).begin === "function";
  throw new ArgumentError(
    `${where} takes the connection of a scope, as in engine.begin((conn) => ${where.replace("()", "(conn)")}), not ${engine ? "the engine itself" : describeValue(conn)}.`,
  );
}

/** Checks the arguments of createAll() / dropAll(); returns checkFirst. */
function checkCreateDrop(conn: unknown, options: unknown, method: string): boolean {
  const where = `md.${method}()`;
  checkConnection(conn, where);
  const { checkFirst = true } = checkOptions(options, where, ["checkFirst"]);
  if (typeof checkFirst !== "boolean") {
    throw new ArgumentError(`${where}: checkFirst must be true or false, not ${describeValue(checkFirst)}.`);
  }
  return checkFirst;
}

async function existingTables(conn: Connection<any>, tables: readonly AnyTable[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const result = await conn.execute<{ relname: string }>(
    "SELECT c.relname FROM pg_catalog.pg_class c " +
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
      "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = ANY($1)",
    [tables.map((t) => t.name)],
  );
  return new Set(result.rows.map((r) => r.relname));
}
