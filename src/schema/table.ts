/**
 * Tables: their columns, the row types TypeScript infers from them, and the
 * statements built from them.
 *
 * @module
 */
import type {
  ColumnType,
  DeleteQueryBuilder,
  DeleteResult,
  Insertable,
  Kysely,
  Selectable,
  SelectQueryBuilder,
  Updateable,
  UpdateQueryBuilder,
  UpdateResult,
} from "kysely";
import { exactTable } from "../kysely/exact-table.js";
import { unboundBuilder } from "../kysely/unbound-driver.js";
import type { AnyColumn, Column, ColumnRef } from "./column.js";
import { checkDefaults } from "./column-values.js";
import { checkColumnName, checkTableName } from "./identifier.js";
import { Insert } from "./insert.js";

/**
 * The columns of a table, by name.
 *
 * What {@link MetaData.table} takes as its second argument. Declaring a set
 * of columns as `Columns` (with `satisfies`, to keep the exact types) lets
 * several tables share it.
 *
 * @example
 * ```ts
 * import { MetaData, integer, text, type Columns } from "pglite-lab";
 *
 * const audited = { id: integer().primaryKey(), note: text() } satisfies Columns;
 * const md = new MetaData();
 * const orders = md.table("orders", { ...audited, qty: integer().notNull() });
 * console.log(orders.columnNames); // [ 'id', 'note', 'qty' ]
 * ```
 */
export type Columns = Record<string, AnyColumn>;

type SelectTypeOf<C> = C extends Column<infer S, any, infer F> ? (F["nullable"] extends true ? S | null : S) : never;
/** The names of the primary-key columns. */
type KeyNames<C> = { [K in keyof C]: C[K] extends Column<any, any, infer F> ? (F["key"] extends true ? K : never) : never }[keyof C];
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : false;
/** Whether the table's primary key is one column: only then does the database generate it. */
type SingleKey<C> = [KeyNames<C>] extends [never] ? false : IsUnion<KeyNames<C>> extends true ? false : true;
/** What an insert may leave out: a nullable column, one with a default, or the table's only key column when the database generates it. */
type Optional<F extends { nullable: boolean; hasDefault: boolean; auto: boolean; key: boolean }, Single extends boolean> =
  F["nullable"] extends true ? true
  : F["hasDefault"] extends true ? true
  : [F["auto"], F["key"], Single] extends [true, true, true] ? true
  : false;
type InsertTypeOf<C, Single extends boolean> =
  C extends Column<any, infer I, infer F>
    ? (F["nullable"] extends true ? I | null : I) | (Optional<F, Single> extends true ? undefined : never)
    : never;
type UpdateTypeOf<C> = C extends Column<any, infer I, infer F> ? (F["nullable"] extends true ? I | null : I) : never;

/**
 * The Kysely table interface of a table: one `ColumnType<select, insert, update>` per column.
 *
 * {@link Database} builds on it; use it directly to write your own Kysely
 * `Database` interface, for example to add a view or a table that pglite-lab
 * does not define.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, text, type TableType } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text().notNull() });
 * interface MyDatabase {
 *   emps: TableType<typeof emps>;
 * }
 * const engine = await createEngine<MyDatabase>();
 * await engine.begin(async (conn) => {
 *   await md.createAll(conn);
 *   await conn.db.insertInto("emps").values({ name: "Ada" }).execute();
 *   console.log(await conn.db.selectFrom("emps").select("name").execute()); // [ { name: 'Ada' } ]
 * });
 * await engine.dispose();
 * ```
 */
export type TableType<T extends TableShape> = {
  [K in keyof T["columns"]]: ColumnType<
    SelectTypeOf<T["columns"][K]>,
    InsertTypeOf<T["columns"][K], SingleKey<T["columns"]>>,
    UpdateTypeOf<T["columns"][K]>
  >;
};

/**
 * A row as SELECT returns it.
 *
 * Every column is present; a column that may hold NULL has `| null` in its
 * type.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, text, type SelectRow } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text().notNull(), note: text() });
 * type Emp = SelectRow<typeof emps>; // { id: number; name: string; note: string | null }
 * const engine = await createEngine();
 * const rows: Emp[] = await engine.begin(async (conn) => {
 *   await md.createAll(conn);
 *   await conn.execute(emps.insert(), [{ name: "Ada" }]);
 *   return (await conn.execute(emps.select())).fetchAll();
 * });
 * console.log(rows); // [ { id: 1, name: 'Ada', note: null } ]
 * await engine.dispose();
 * ```
 */
export type SelectRow<T extends TableShape> = Selectable<TableType<T>>;
/**
 * A row as an insert accepts it: generated keys, defaults and nullable columns may be left out.
 *
 * `conn.execute(table.insert(), rows)` takes rows of this type, so a
 * misspelt or missing required column is a type error before it is a
 * run-time {@link ArgumentError}.
 *
 * @example
 * ```ts
 * import { MetaData, integer, text, type InsertRow } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text().notNull(), note: text() });
 * const rows: InsertRow<typeof emps>[] = [{ name: "Ada" }, { name: "Grace", note: "COBOL" }];
 * console.log(rows.length); // 2
 * ```
 */
export type InsertRow<T extends TableShape> = Insertable<TableType<T>>;
/**
 * A set of changes as an update accepts it: every column optional.
 *
 * It is what `table.update().set(…)` accepts: only the columns to change.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, text, type UpdateRow } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text().notNull() });
 * const change: UpdateRow<typeof emps> = { name: "Grace" };
 * const engine = await createEngine();
 * await engine.begin(async (conn) => {
 *   await md.createAll(conn);
 *   await conn.execute(emps.insert(), [{ name: "Ada" }]);
 *   await conn.execute(emps.update().set(change).where("id", "=", 1));
 *   console.log((await conn.execute(emps.select())).fetchAll()); // [ { id: 1, name: 'Grace' } ]
 * });
 * await engine.dispose();
 * ```
 */
export type UpdateRow<T extends TableShape> = Updateable<TableType<T>>;

/**
 * The Kysely `Database` type of a union of tables, for a fully typed `conn.db`.
 *
 * Pass it to {@link createEngine} as `createEngine<Database<typeof emps | typeof depts>>()`:
 * then `conn.db` and `engine.kysely` know every table and column, and query
 * results are typed.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, text, type Database } from "pglite-lab";
 *
 * const md = new MetaData();
 * const depts = md.table("depts", { id: integer().primaryKey(), title: text().notNull() });
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text().notNull(), deptId: integer().references(depts.c.id) });
 * const engine = await createEngine<Database<typeof depts | typeof emps>>();
 * await engine.begin(async (conn) => {
 *   await md.createAll(conn);
 *   await conn.execute(depts.insert(), [{ title: "Research" }]);
 *   await conn.execute(emps.insert(), [{ name: "Ada", deptId: 1 }]);
 *   const rows = await conn.db
 *     .selectFrom("emps")
 *     .innerJoin("depts", "depts.id", "emps.deptId")
 *     .select(["emps.name", "depts.title"])
 *     .execute();
 *   console.log(rows); // [ { name: 'Ada', title: 'Research' } ]
 * });
 * await engine.dispose();
 * ```
 */
export type Database<T extends TableShape> = { [N in T["name"]]: TableType<Extract<T, { name: N }>> };

/**
 * Any table, whatever its name and columns.
 *
 * Use it for code that handles tables generically; {@link MetaData.tables}
 * and {@link MetaData.sortedTables} return tables of this type.
 *
 * @example
 * ```ts
 * import { MetaData, integer, text, type AnyTable } from "pglite-lab";
 *
 * const md = new MetaData();
 * md.table("depts", { id: integer().primaryKey() });
 * md.table("emps", { id: integer().primaryKey(), name: text() });
 * const describe = (t: AnyTable) => `${t.name}(${t.columnNames.join(", ")})`;
 * console.log(md.tables.map(describe)); // [ 'depts(id)', 'emps(id, name)' ]
 * ```
 */
export type AnyTable = Table<any, any>;

/**
 * What the row-type helpers need of a table: its name and columns.
 *
 * Every {@link Table} has this shape; {@link SelectRow}, {@link InsertRow},
 * {@link UpdateRow}, {@link TableType} and {@link Database} accept anything
 * that has it.
 *
 * @example
 * ```ts
 * import { MetaData, integer, type TableShape } from "pglite-lab";
 *
 * const width = (t: TableShape) => Object.keys(t.columns).length;
 * const t = new MetaData().table("t", { a: integer(), b: integer() });
 * console.log(width(t)); // 2
 * ```
 */
export interface TableShape {
  /** The table's name in the database. */
  readonly name: string;
  /** The column definitions, by name. */
  readonly columns: Columns;
}

/**
 * `table.c`: each column as a reference that a foreign key can point at.
 *
 * Named after SQLAlchemy's `table.c`. Each entry is a {@link ColumnRef}, what
 * {@link Column.references} takes.
 *
 * @example
 * ```ts
 * import { MetaData, integer, type ColumnRefs } from "pglite-lab";
 *
 * const md = new MetaData();
 * const depts = md.table("depts", { id: integer().primaryKey(), managerId: integer() });
 * const refs: ColumnRefs<typeof depts.columns> = depts.c;
 * console.log(Object.keys(refs), refs.id); // [ 'id', 'managerId' ] { table: 'depts', column: 'id' }
 * ```
 */
export type ColumnRefs<C extends Columns> = { readonly [K in keyof C & string]: ColumnRef };

/**
 * A table of a {@link MetaData}. Build statements from it (`insert()`,
 * `select()`, `update()`, `delete()`) and read its row types (`SelectRow`,
 * `InsertRow`, `UpdateRow`).
 *
 * @example
 * ```ts
 * import { MetaData, integer, text, type SelectRow } from "pglite-lab";
 *
 * const md = new MetaData();
 * const emps = md.table("emps", { id: integer().primaryKey(), name: text().notNull() });
 * type Emp = SelectRow<typeof emps>;   // { id: number; name: string }
 * const query = emps.select().where("name", "=", "Ada");
 * console.log(query.compile().sql);    // select * from "emps" where "name" = $1
 * ```
 */
export class Table<N extends string, C extends Columns> {
  /** The table's name in the database. */
  readonly name: N;
  /** The column definitions, by name. */
  readonly columns: C;
  /** The columns as references, for foreign keys: `.references(emps.c.id)`. */
  readonly c: ColumnRefs<C>;
  /** Type-only: the inferred row types; undefined at run time. */
  declare readonly $infer: { readonly select: SelectRow<Table<N, C>>; readonly insert: InsertRow<Table<N, C>>; readonly update: UpdateRow<Table<N, C>> };

  /**
   * Checks every name (see {@link MetaData.table} for the rules) and throws a
   * {@link SchemaError} naming the table for one PostgreSQL could not hold as written.
   */
  constructor(name: N, columns: C) {
    checkTableName(name);
    for (const column of Object.keys(columns)) checkColumnName(name, column);
    this.name = name;
    // Spread and fromEntries define keys (an assignment to `__proto__` would set the prototype instead).
    this.columns = Object.freeze({ ...columns });
    this.c = Object.freeze(Object.fromEntries(Object.keys(columns).map((column) => [column, Object.freeze({ table: name, column })]))) as unknown as ColumnRefs<C>;
    checkDefaults(this);
  }

  /**
   * Whether the table has a column of this name. Only its own columns count: `"toString" in
   * table.columns` is true for every table, `hasColumn("toString")` only for one that defines it.
   */
  hasColumn(name: string): boolean {
    return Object.hasOwn(this.columns, name);
  }

  /** The column names, in definition order. */
  get columnNames(): readonly (keyof C & string)[] {
    return Object.keys(this.columns);
  }

  /** The names of the primary-key columns. */
  get primaryKey(): readonly string[] {
    return Object.keys(this.columns).filter((name) => this.columns[name]?.spec.primaryKey);
  }

  /** An INSERT for this table; pass the rows to `conn.execute(table.insert(), rows)`, any number of them. */
  insert(): Insert<Table<N, C>> {
    return new Insert(this);
  }

  /** `SELECT * FROM table` as a Kysely query: refine it with `.where()`, `.orderBy()`, `.limit()` … */
  select(): SelectQueryBuilder<Database<Table<N, C>>, N, SelectRow<Table<N, C>>> {
    const db = unboundBuilder as unknown as Kysely<Database<Table<N, C>>>;
    return db.selectFrom(exactTable(this.name) as any).selectAll() as any;
  }

  /** An UPDATE of this table as a Kysely query: add `.set({...})` and `.where(...)`. */
  update(): UpdateQueryBuilder<Database<Table<N, C>>, N, N, UpdateResult> {
    const db = unboundBuilder as unknown as Kysely<Database<Table<N, C>>>;
    return db.updateTable(exactTable(this.name) as any) as any;
  }

  /** A DELETE from this table as a Kysely query: add `.where(...)` (or delete every row). */
  delete(): DeleteQueryBuilder<Database<Table<N, C>>, N, DeleteResult> {
    const db = unboundBuilder as unknown as Kysely<Database<Table<N, C>>>;
    return db.deleteFrom(exactTable(this.name) as any) as any;
  }

  /** `Table(<name>)`, as the REPL and notebooks show a table. */
  toString(): string {
    return `Table(${this.name})`;
  }
}
