/**
 * Column definitions and their modifiers.
 *
 * @module
 */
import type { RawBuilder } from "kysely";
import { ArgumentError } from "../errors.js";
import { checkOptions, describeValue } from "../internal/options.js";

/**
 * What a foreign key points at: a column of another table (`other.c.id`) or a `"table.column"` string.
 *
 * The string form lets a table reference one defined later in the same
 * {@link MetaData}; either way the target is checked when the tables are
 * sorted or created.
 *
 * @example
 * ```ts
 * import { MetaData, integer, type ReferenceTarget } from "pglite-lab";
 *
 * const md = new MetaData();
 * const depts = md.table("depts", { id: integer().primaryKey() });
 * const byColumn: ReferenceTarget = depts.c.id;
 * const byName: ReferenceTarget = "depts.id";
 * md.table("emps", { id: integer().primaryKey(), deptId: integer().references(byColumn) });
 * md.table("rooms", { id: integer().primaryKey(), deptId: integer().references(byName) });
 * console.log(md.sortedTables.map((t) => t.name)); // [ 'depts', 'emps', 'rooms' ]
 * ```
 */
export type ReferenceTarget = ColumnRef | `${string}.${string}`;

/**
 * What happens to referencing rows when the referenced row is deleted or its key updated.
 *
 * The values are PostgreSQL's `ON DELETE` / `ON UPDATE` actions, written in
 * lower case: `cascade` deletes (or updates) the referencing rows too,
 * `set null` / `set default` change their key, `restrict` and `no action`
 * refuse the change with an {@link IntegrityError}.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, integer, text, type ReferentialAction } from "pglite-lab";
 *
 * const onDelete: ReferentialAction = "cascade";
 * const md = new MetaData();
 * const depts = md.table("depts", { id: integer().primaryKey(), title: text() });
 * const emps = md.table("emps", { id: integer().primaryKey(), deptId: integer().references(depts.c.id, { onDelete }) });
 * const engine = await createEngine();
 * await engine.begin(async (conn) => {
 *   await md.createAll(conn);
 *   await conn.execute(depts.insert(), [{ title: "Research" }]);
 *   await conn.execute(emps.insert(), [{ deptId: 1 }, { deptId: 1 }]);
 *   await conn.execute(depts.delete().where("id", "=", 1));
 *   console.log((await conn.execute(emps.select())).rowCount); // 0
 * });
 * await engine.dispose();
 * ```
 */
export type ReferentialAction = "cascade" | "restrict" | "set null" | "set default" | "no action";

const ACTIONS: readonly ReferentialAction[] = ["cascade", "restrict", "set null", "set default", "no action"];

/**
 * The options of `references()` checked, each action spelt as PostgreSQL's
 * words in lower case: they are written into CREATE TABLE, so anything else
 * (a misspelling, or SQL after the action) is refused here, naming the option.
 */
function checkReferenceOptions(options: unknown): ReferenceOptions {
  const given = checkOptions(options, "references()", ["onDelete", "onUpdate"]);
  const checked: { onDelete?: ReferentialAction; onUpdate?: ReferentialAction } = {};
  for (const key of ["onDelete", "onUpdate"] as const) {
    const value = given[key];
    if (value === undefined) continue;
    const action = typeof value === "string" ? value.trim().toLowerCase().replace(/\s+/g, " ") : undefined;
    if (!(ACTIONS as readonly (string | undefined)[]).includes(action)) {
      throw new ArgumentError(
        `references(): ${key} must be one of ${ACTIONS.map((a) => `"${a}"`).join(", ")}, not ${describeValue(value)}.`,
      );
    }
    checked[key] = action as ReferentialAction;
  }
  return checked;
}

/**
 * Options of {@link Column.references}.
 *
 * Both actions default to PostgreSQL's `no action`: deleting a referenced
 * row, or changing its key, fails while rows still point at it.
 *
 * @example
 * ```ts
 * import { MetaData, integer, type ReferenceOptions } from "pglite-lab";
 *
 * const md = new MetaData();
 * const depts = md.table("depts", { id: integer().primaryKey() });
 * const options: ReferenceOptions = { onDelete: "set null", onUpdate: "cascade" };
 * const emps = md.table("emps", { id: integer().primaryKey(), deptId: integer().references(depts.c.id, options) });
 * console.log(emps.columns.deptId.spec.references?.options); // { onDelete: 'set null', onUpdate: 'cascade' }
 * ```
 */
export interface ReferenceOptions {
  /** Action on delete of the referenced row (PostgreSQL's default is `no action`). */
  readonly onDelete?: ReferentialAction;
  /** Action on update of the referenced key. */
  readonly onUpdate?: ReferentialAction;
}

/**
 * A column of a defined table, as `table.c.name` gives it: something a foreign key can point at.
 *
 * It holds only the two names, so it can be passed around before the
 * referenced table is created; {@link Column.references} takes it.
 *
 * @example
 * ```ts
 * import { MetaData, integer, type ColumnRef } from "pglite-lab";
 *
 * const md = new MetaData();
 * const depts = md.table("depts", { id: integer().primaryKey() });
 * const target: ColumnRef = depts.c.id;
 * console.log(target); // { table: 'depts', column: 'id' }
 * const emps = md.table("emps", { id: integer().primaryKey(), deptId: integer().references(target) });
 * console.log(emps.columns.deptId.spec.references?.target === target); // true
 * ```
 */
export interface ColumnRef {
  /** Name of the table that holds the column. */
  readonly table: string;
  /** Name of the column. */
  readonly column: string;
}

/**
 * Everything a column definition records; read by the DDL and by executemany.
 *
 * `column.spec` is frozen: the builder methods (`notNull()`, `default()`, …)
 * return a new column with a new spec rather than changing this one.
 *
 * @example
 * ```ts
 * import { text } from "pglite-lab";
 *
 * const spec = text().notNull().default("n/a").spec;
 * console.log(spec.sqlType, spec.notNull, spec.default?.value); // text true n/a
 * ```
 */
export interface ColumnSpec {
  /** The SQL type as written in CREATE TABLE, such as `varchar(20)`. */
  readonly sqlType: string;
  /**
   * Whether the database can generate the column's values (SERIAL-like), which it does when the
   * column is the table's only primary-key column: `integer()` and `bigint()`, unless `references()`
   * made the column a foreign key, whose values come from the other table.
   */
  readonly autoIncrement: boolean;
  /** Whether the column is (part of) the primary key. */
  readonly primaryKey: boolean;
  /** Whether NULL is refused. */
  readonly notNull: boolean;
  /** Whether the column carries a UNIQUE constraint. */
  readonly unique: boolean;
  /** The default: a literal value, or a raw SQL expression such as ``sql`now()` ``. */
  readonly default?: { readonly value: unknown };
  /** The foreign key, if any. */
  readonly references?: { readonly target: ReferenceTarget; readonly options: ReferenceOptions };
}

/**
 * The type-level facts about a column: can it hold NULL, may an insert leave it out, is its primary key generated.
 *
 * Each modifier returns a column with updated flags (`notNull()` sets
 * `nullable: false`, `default()` sets `hasDefault: true`), and the row types
 * ({@link SelectRow}, {@link InsertRow}) are read off them.
 *
 * @example
 * ```ts
 * import { integer, type Column, type ColumnFlags } from "pglite-lab";
 *
 * type FlagsOf<C> = C extends Column<any, any, infer F extends ColumnFlags> ? F : never;
 * const id = integer().primaryKey();
 * const flags: FlagsOf<typeof id> = { nullable: false, hasDefault: false, auto: true, key: true };
 * console.log(flags); // { nullable: false, hasDefault: false, auto: true, key: true }
 * ```
 */
export interface ColumnFlags {
  /** Whether the column may hold NULL: selected values include `null`. */
  readonly nullable: boolean;
  /** Whether the column has a default (`default()`), so that an insert may leave it out. */
  readonly hasDefault: boolean;
  /**
   * Whether the database can generate the column's values (`integer()`, `bigint()`, not after
   * `references()`). It does when the column is the table's only primary-key column: an insert
   * may then leave it out. In a composite key every column must be given.
   */
  readonly auto: boolean;
  /** Whether the column is (part of) the primary key (`primaryKey()`). */
  readonly key: boolean;
}

/**
 * Flags of a fresh column: nullable, no default.
 *
 * What every column builder (`text()`, `integer()`, …) starts from, before any
 * modifier; `Auto` tells whether `primaryKey()` will make a generated key.
 *
 * @property nullable - `true`: a fresh column may hold NULL.
 * @property hasDefault - `false`: a fresh column has no default.
 * @property auto - Whether the database can generate the column's values as a key.
 * @property key - `false`: a fresh column is not part of the primary key.
 *
 * @example
 * ```ts
 * import { text, type Column, type FreshFlags } from "pglite-lab";
 *
 * const name: Column<string, string, FreshFlags<false>> = text();
 * console.log(name.spec.notNull, name.spec.default); // false undefined
 * ```
 */
export type FreshFlags<Auto extends boolean> = { nullable: true; hasDefault: false; auto: Auto; key: false };

/**
 * A column definition. TypeScript reads row types off its type parameters: the
 * selected type `S`, the type accepted on insert `I`, and the {@link ColumnFlags}.
 * Builders are immutable: each modifier returns a new column.
 *
 * @example
 * ```ts
 * import { MetaData, integer, text, varchar } from "pglite-lab";
 *
 * const md = new MetaData();
 * const users = md.table("users", {
 *   id: integer().primaryKey(),
 *   email: varchar(200).notNull().unique(),
 *   nickname: text().default("anonymous"),
 * });
 * console.log(users.columns.email.spec.sqlType); // varchar(200)
 * ```
 */
export class Column<S, I, F extends ColumnFlags> {
  /** What the column was defined with. */
  readonly spec: ColumnSpec;
  /** Type-only: carries the inferred types; undefined at run time. */
  declare readonly $types: { readonly select: S; readonly insert: I; readonly flags: F };

  constructor(spec: ColumnSpec) {
    this.spec = Object.freeze({ ...spec });
  }

  /**
   * Makes the column the table's primary key (NOT NULL), or part of it when
   * several columns call it. On `integer()` and `bigint()` that are the only
   * key column, the database generates the key, like SERIAL, so inserts may
   * leave it out; not when the column `references()` another table, and not
   * in a composite key.
   */
  primaryKey(): Column<S, I, { nullable: false; hasDefault: F["hasDefault"]; auto: F["auto"]; key: true }> {
    return new Column({ ...this.spec, primaryKey: true, notNull: true });
  }

  /** Refuses NULL. Inserts must then give a value, unless the column has a default. */
  notNull(): Column<S, I, { nullable: false; hasDefault: F["hasDefault"]; auto: F["auto"]; key: F["key"] }> {
    return new Column({ ...this.spec, notNull: true });
  }

  /** Adds a UNIQUE constraint. */
  unique(): Column<S, I, F> {
    return new Column({ ...this.spec, unique: true });
  }

  /**
   * Sets the value used when an insert leaves the column out: a value (written
   * into the DDL as a literal) or an SQL expression built with `sql`.
   */
  default(value: I | RawBuilder<unknown>): Column<S, I, { nullable: F["nullable"]; hasDefault: true; auto: F["auto"]; key: F["key"] }> {
    return new Column({ ...this.spec, default: { value } });
  }

  /**
   * Adds a foreign key to another table's column: `other.c.id` or `"other.id"`.
   * Its values come from that table, so the database never generates them,
   * even on a primary key.
   */
  references(target: ReferenceTarget, options: ReferenceOptions = {}): Column<S, I, { nullable: F["nullable"]; hasDefault: F["hasDefault"]; auto: false; key: F["key"] }> {
    if (typeof target === "string" && !/^[^.]+\.[^.]+$/.test(target)) {
      throw new ArgumentError(
        `Reference target "${target}" is not of the form "table.column". For a table or column whose name holds a dot, ` +
          "pass the column itself: `.references(other.c.id)`.",
      );
    }
    if (typeof target !== "string" && (typeof target?.table !== "string" || typeof target.column !== "string")) {
      throw new ArgumentError("A reference target must be a column such as `other.c.id` or a string \"table.column\".");
    }
    return new Column({ ...this.spec, autoIncrement: false, references: { target, options: checkReferenceOptions(options) } });
  }
}

/**
 * Any column, whatever its types.
 *
 * Use it for code that handles columns generically, such as a helper that
 * describes a table's columns; {@link Columns} is a record of them.
 *
 * @example
 * ```ts
 * import { integer, text, type AnyColumn } from "pglite-lab";
 *
 * const describe = (c: AnyColumn) => c.spec.sqlType + (c.spec.notNull ? " not null" : "");
 * console.log([integer().primaryKey(), text().notNull(), text()].map(describe)); // [ 'integer not null', 'text not null', 'text' ]
 * ```
 */
export type AnyColumn = Column<any, any, ColumnFlags>;
