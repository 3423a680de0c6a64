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
import { unboundBuilder } from "../internal/postgres-dialect-parts.js";
import type { AnyColumn, Column, ColumnRef } from "./column.js";
import { Insert } from "./insert.js";

/** The columns of a table, by name. */
export type Columns = Record<string, AnyColumn>;

type SelectTypeOf<C> = C extends Column<infer S, any, infer F> ? (F["nullable"] extends true ? S | null : S) : never;
type InsertTypeOf<C> =
  C extends Column<any, infer I, infer F>
    ?
        | (F["nullable"] extends true ? I | null : I)
        | (F["nullable"] extends true ? undefined : F["hasDefault"] extends true ? undefined : never)
    : never;
type UpdateTypeOf<C> = C extends Column<any, infer I, infer F> ? (F["nullable"] extends true ? I | null : I) : never;

/** The Kysely table interface of a table: one `ColumnType<select, insert, update>` per column. */
export type TableType<T extends TableShape> = {
  [K in keyof T["columns"]]: ColumnType<SelectTypeOf<T["columns"][K]>, InsertTypeOf<T["columns"][K]>, UpdateTypeOf<T["columns"][K]>>;
};

/** A row as SELECT returns it. */
export type SelectRow<T extends TableShape> = Selectable<TableType<T>>;
/** A row as an insert accepts it: generated keys, defaults and nullable columns may be left out. */
export type InsertRow<T extends TableShape> = Insertable<TableType<T>>;
/** A set of changes as an update accepts it: every column optional. */
export type UpdateRow<T extends TableShape> = Updateable<TableType<T>>;

/**
 * The Kysely `Database` type of a union of tables, for a fully typed `conn.db`:
 * `createEngine<Database<typeof emps | typeof depts>>()`.
 */
export type Database<T extends TableShape> = { [N in T["name"]]: TableType<Extract<T, { name: N }>> };

/** Any table, whatever its name and columns. */
export type AnyTable = Table<any, any>;

/** What the row-type helpers need of a table: its name and columns. */
export interface TableShape {
  readonly name: string;
  readonly columns: Columns;
}

/** `table.c`: each column as a reference that a foreign key can point at. */
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

  constructor(name: N, columns: C) {
    this.name = name;
    this.columns = Object.freeze({ ...columns });
    const refs: Record<string, ColumnRef> = {};
    for (const column of Object.keys(columns)) refs[column] = Object.freeze({ table: name, column });
    this.c = Object.freeze(refs) as ColumnRefs<C>;
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
    return db.selectFrom(this.name as any).selectAll() as any;
  }

  /** An UPDATE of this table as a Kysely query: add `.set({...})` and `.where(...)`. */
  update(): UpdateQueryBuilder<Database<Table<N, C>>, N, N, UpdateResult> {
    const db = unboundBuilder as unknown as Kysely<Database<Table<N, C>>>;
    return db.updateTable(this.name as any) as any;
  }

  /** A DELETE from this table as a Kysely query: add `.where(...)` (or delete every row). */
  delete(): DeleteQueryBuilder<Database<Table<N, C>>, N, DeleteResult> {
    const db = unboundBuilder as unknown as Kysely<Database<Table<N, C>>>;
    return db.deleteFrom(this.name as any) as any;
  }

  toString(): string {
    return `Table(${this.name})`;
  }
}
