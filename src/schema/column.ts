/**
 * Column definitions and their modifiers.
 *
 * @module
 */
import type { RawBuilder } from "kysely";
import { ArgumentError } from "../errors.js";

/** What a foreign key points at: a column of another table (`other.c.id`) or a `"table.column"` string. */
export type ReferenceTarget = ColumnRef | `${string}.${string}`;

/** What happens to referencing rows when the referenced row is deleted or its key updated. */
export type ReferentialAction = "cascade" | "restrict" | "set null" | "set default" | "no action";

/** Options of {@link Column.references}. */
export interface ReferenceOptions {
  /** Action on delete of the referenced row (PostgreSQL's default is `no action`). */
  readonly onDelete?: ReferentialAction;
  /** Action on update of the referenced key. */
  readonly onUpdate?: ReferentialAction;
}

/** A column of a defined table, as `table.c.name` gives it: something a foreign key can point at. */
export interface ColumnRef {
  /** Name of the table that holds the column. */
  readonly table: string;
  /** Name of the column. */
  readonly column: string;
}

/** Everything a column definition records; read by the DDL and by executemany. */
export interface ColumnSpec {
  /** The SQL type as written in CREATE TABLE, such as `varchar(20)`. */
  readonly sqlType: string;
  /** Whether `primaryKey()` on this type makes a generated (SERIAL-like) key. */
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
 * The type-level facts about a column: can it hold NULL, may an insert leave
 * it out (a default or a generated key), is it a type whose primary key is
 * generated.
 */
export interface ColumnFlags {
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly auto: boolean;
}

/** Flags of a fresh column: nullable, no default. */
export type FreshFlags<Auto extends boolean> = { nullable: true; hasDefault: false; auto: Auto };

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
   * Makes the column the table's primary key (NOT NULL). On `integer()` and
   * `bigint()` the database generates the key, like SERIAL, so inserts may
   * leave it out.
   */
  primaryKey(): Column<S, I, { nullable: false; hasDefault: F["hasDefault"] extends true ? true : F["auto"]; auto: F["auto"] }> {
    return new Column({ ...this.spec, primaryKey: true, notNull: true });
  }

  /** Refuses NULL. Inserts must then give a value, unless the column has a default. */
  notNull(): Column<S, I, { nullable: false; hasDefault: F["hasDefault"]; auto: F["auto"] }> {
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
  default(value: I | RawBuilder<unknown>): Column<S, I, { nullable: F["nullable"]; hasDefault: true; auto: F["auto"] }> {
    return new Column({ ...this.spec, default: { value } });
  }

  /** Adds a foreign key to another table's column: `other.c.id` or `"other.id"`. */
  references(target: ReferenceTarget, options: ReferenceOptions = {}): Column<S, I, F> {
    if (typeof target === "string" && !/^[^.]+\.[^.]+$/.test(target)) {
      throw new ArgumentError(`Reference target "${target}" is not of the form "table.column".`);
    }
    if (typeof target !== "string" && (typeof target?.table !== "string" || typeof target.column !== "string")) {
      throw new ArgumentError("A reference target must be a column such as `other.c.id` or a string \"table.column\".");
    }
    return new Column({ ...this.spec, references: { target, options } });
  }
}

/** Any column, whatever its types. */
export type AnyColumn = Column<any, any, ColumnFlags>;
