/**
 * `inspect(conn)`: what tables, columns, keys and indexes the database has,
 * read from PostgreSQL's catalog (SQLAlchemy's `Inspector`).
 *
 * @module
 */
import type { Connection } from "./connection.js";
import { ArgumentError, SchemaError } from "./errors.js";
import { checkOptions, describeValue } from "./internal/options.js";
import { isWellFormed, shownName } from "./schema/identifier.js";
import type {
  InspectOptions,
  ReflectedColumn,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedPrimaryKey,
  ReflectedUniqueConstraint,
} from "./reflected.js";
import type { ReferentialAction } from "./schema/column.js";

/** Relations whose columns and constraints can be inspected: tables, partitioned and foreign tables, views, materialized views. */
const TABLE_LIKE = "('r', 'p', 'f', 'v', 'm')";
/** Joins `pg_class c` to its schema, which parameter `parameter` names (the current schema when it is NULL). */
const inSchema = (parameter: string) =>
  `JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = coalesce(${parameter}::text, current_schema())`;
const ACTIONS: Record<string, ReferentialAction> = { r: "restrict", c: "cascade", n: "set null", d: "set default" };

/** The names of the columns numbered `keys` (an array of attnums) of the relation `relation`, in order. */
function columnNamesOf(keys: string, relation: string): string {
  return (
    `array(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY AS k(attnum, ord) ` +
    `JOIN pg_catalog.pg_attribute a ON a.attrelid = ${relation} AND a.attnum = k.attnum ORDER BY k.ord)`
  );
}

/**
 * Returns an {@link Inspector} that reads the catalog through `conn`: inside
 * its scope, so it sees the scope's own uncommitted tables too. SQLAlchemy's
 * `inspect(conn)`, which its asyncio API runs through `run_sync`; here each
 * method is simply awaited.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, inspect, integer, text } from "pglite-lab";
 *
 * const md = new MetaData();
 * md.table("depts", { id: integer().primaryKey(), title: text().notNull() });
 * const engine = await createEngine();
 * await engine.begin(async (conn) => {
 *   await md.createAll(conn);
 *   const insp = inspect(conn);
 *   console.log(await insp.getTableNames()); // [ 'depts' ]
 *   console.log(await insp.hasTable("emps")); // false
 *   console.log((await insp.getColumns("depts")).map((c) => c.name)); // [ 'id', 'title' ]
 * });
 * await engine.dispose();
 * ```
 */
export function inspect(conn: Connection<any>): Inspector {
  if (conn === null || typeof conn !== "object" || typeof (conn as { execute?: unknown }).execute !== "function") {
    throw new ArgumentError("inspect() takes the connection of a scope, as in engine.connect((conn) => inspect(conn).getTableNames()).");
  }
  return new Inspector(conn);
}

/**
 * Reads tables, columns, keys and indexes from PostgreSQL's catalog; made by
 * {@link inspect}. Methods take a table name exactly as it is in the
 * database (case and quotes included, never parsed as `schema.table`) and
 * throw a {@link SchemaError} naming a table that does not exist. Nothing is
 * cached: each call reads the catalog as the scope sees it then.
 *
 * @example
 * ```ts
 * import { createEngine, inspect } from "pglite-lab";
 *
 * const engine = await createEngine();
 * await engine.connect(async (conn) => {
 *   await conn.execute('create table "Odd ""Name""" (id int primary key)');
 *   const insp = inspect(conn);
 *   console.log(await insp.getTableNames()); // [ 'Odd "Name"' ]
 *   console.log(await insp.getPrimaryKey('Odd "Name"')); // { name: 'Odd "Name"_pkey', constrainedColumns: [ 'id' ] }
 *   await insp.getColumns("odd").catch((err) => console.log(err.message)); // Table "odd" does not exist in schema "public".
 * });
 * await engine.dispose();
 * ```
 */
export class Inspector {
  readonly #conn: Connection<any>;

  /**
   * Made by {@link inspect}; not meant to be constructed directly.
   *
   * @internal
   */
  constructor(conn: Connection<any>) {
    this.#conn = conn;
  }

  /**
   * The schemas, without PostgreSQL's own `pg_…` ones, sorted by name.
   *
   * @example
   * ```ts
   * import { createEngine, inspect } from "pglite-lab";
   *
   * const engine = await createEngine();
   * const schemas = await engine.begin(async (conn) => {
   *   await conn.execute("create schema archive");
   *   return inspect(conn).getSchemaNames();
   * });
   * console.log(schemas); // [ 'archive', 'information_schema', 'public' ]
   * await engine.dispose();
   * ```
   */
  async getSchemaNames(): Promise<string[]> {
    const res = await this.#conn.execute<{ name: string }>(
      "SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY nspname",
    );
    return res.scalars();
  }

  /** The tables (ordinary and partitioned; not views) of the schema, sorted by name. */
  async getTableNames(options: InspectOptions = {}): Promise<string[]> {
    const res = await this.#conn.execute<{ name: string }>(
      `SELECT c.relname AS name FROM pg_catalog.pg_class c ${inSchema("$1")} AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
      [schemaOf(options, "getTableNames")],
    );
    return res.scalars();
  }

  /** Whether a table (or view) of this name exists in the schema. */
  async hasTable(name: string, options: InspectOptions = {}): Promise<boolean> {
    checkName(name, "hasTable");
    const res = await this.#conn.execute<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c ${inSchema("$2")} AND c.relname = $1 AND c.relkind IN ${TABLE_LIKE}) AS found`,
      [name, schemaOf(options, "hasTable")],
    );
    return res.scalarOne();
  }

  /** The table's columns, in table order. */
  async getColumns(table: string, options: InspectOptions = {}): Promise<ReflectedColumn[]> {
    const oid = await this.#find(table, options, "getColumns");
    const res = await this.#conn.execute<{ name: string; type: string; nullable: boolean; default: string | null; generated: string; identity: string; comment: string | null }>(
      "SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable, " +
        'pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS "default", a.attgenerated::text AS generated, a.attidentity::text AS identity, ' +
        "pg_catalog.col_description(a.attrelid, a.attnum) AS comment " +
        "FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum " +
        "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      [oid],
    );
    return res.rows.map((row) => {
      const generated = row.generated !== "";
      const column: ReflectedColumn = {
        name: row.name,
        type: row.type,
        nullable: row.nullable,
        default: generated ? null : row.default,
        autoincrement: row.identity !== "" || (!generated && /^nextval\(/.test(row.default ?? "")),
        comment: row.comment,
      };
      if (generated) return { ...column, computed: { sqltext: row.default ?? "", persisted: row.generated === "s" } };
      if (row.identity !== "") return { ...column, identity: { always: row.identity === "a" } };
      return column;
    });
  }

  /** The table's primary key: its name and columns (`{ name: null, constrainedColumns: [] }` without one). */
  async getPrimaryKey(table: string, options: InspectOptions = {}): Promise<ReflectedPrimaryKey> {
    const oid = await this.#find(table, options, "getPrimaryKey");
    const res = await this.#conn.execute<{ name: string; columns: string[] }>(
      `SELECT con.conname AS name, ${columnNamesOf("con.conkey", "con.conrelid")} AS columns ` +
        "FROM pg_catalog.pg_constraint con WHERE con.conrelid = $1::oid AND con.contype = 'p'",
      [oid],
    );
    const row = res.first();
    return { name: row?.name ?? null, constrainedColumns: row?.columns ?? [] };
  }

  /** The table's foreign keys, sorted by name. */
  async getForeignKeys(table: string, options: InspectOptions = {}): Promise<ReflectedForeignKey[]> {
    const oid = await this.#find(table, options, "getForeignKeys");
    type Row = { name: string; constrained: string[]; schema: string; same: boolean; referred: string; columns: string[]; del: string; upd: string; deferrable: boolean; deferred: boolean; match: string };
    const res = await this.#conn.execute<Row>(
      `SELECT con.conname AS name, ${columnNamesOf("con.conkey", "con.conrelid")} AS constrained, ` +
        "rn.nspname AS schema, rn.oid = tc.relnamespace AS same, rc.relname AS referred, " +
        `${columnNamesOf("con.confkey", "con.confrelid")} AS columns, con.confdeltype::text AS del, con.confupdtype::text AS upd, ` +
        "con.condeferrable AS deferrable, con.condeferred AS deferred, con.confmatchtype::text AS match " +
        "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class tc ON tc.oid = con.conrelid " +
        "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace " +
        "WHERE con.conrelid = $1::oid AND con.contype = 'f' ORDER BY con.conname",
      [oid],
    );
    return res.rows.map((row) => ({
      name: row.name,
      constrainedColumns: row.constrained,
      referredSchema: row.same ? null : row.schema,
      referredTable: row.referred,
      referredColumns: row.columns,
      options: {
        ...(ACTIONS[row.del] ? { onDelete: ACTIONS[row.del] } : {}),
        ...(ACTIONS[row.upd] ? { onUpdate: ACTIONS[row.upd] } : {}),
        ...(row.deferrable ? { deferrable: true } : {}),
        ...(row.deferred ? { initially: "deferred" as const } : {}),
        ...(row.match === "f" ? { match: "full" as const } : row.match === "p" ? { match: "partial" as const } : {}),
      },
    }));
  }

  /** The table's indexes but the primary key's, sorted by name. */
  async getIndexes(table: string, options: InspectOptions = {}): Promise<ReflectedIndex[]> {
    const oid = await this.#find(table, options, "getIndexes");
    type Row = { name: string; unique: boolean; keys: (string | null)[]; elements: string[]; include: string[]; con: string | null; predicate: string | null };
    const res = await this.#conn.execute<Row>(
      "SELECT ic.relname AS name, ix.indisunique AS unique, " +
        "array(SELECT CASE WHEN k.attnum = 0 THEN NULL ELSE a.attname::text END FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) " +
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum WHERE k.ord <= ix.indnkeyatts ORDER BY k.ord) AS keys, " +
        "array(SELECT pg_catalog.pg_get_indexdef(ix.indexrelid, k.ord, true) FROM generate_series(1, ix.indnkeyatts::int) AS k(ord) ORDER BY k.ord) AS elements, " +
        "array(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) " +
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum WHERE k.ord > ix.indnkeyatts ORDER BY k.ord) AS include, " +
        "(SELECT con.conname FROM pg_catalog.pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype = 'u') AS con, " +
        "pg_catalog.pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate " +
        "FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class ic ON ic.oid = ix.indexrelid " +
        "WHERE ix.indrelid = $1::oid AND NOT ix.indisprimary ORDER BY ic.relname",
      [oid],
    );
    return res.rows.map((row) => ({
      name: row.name,
      columnNames: row.keys,
      unique: row.unique,
      ...(row.keys.includes(null) ? { expressions: row.elements } : {}),
      ...(row.include.length > 0 ? { includeColumns: row.include } : {}),
      ...(row.con ? { duplicatesConstraint: row.con } : {}),
      ...(row.predicate ? { dialectOptions: { postgresqlWhere: row.predicate } } : {}),
    }));
  }

  /** The table's UNIQUE constraints, sorted by name. */
  async getUniqueConstraints(table: string, options: InspectOptions = {}): Promise<ReflectedUniqueConstraint[]> {
    const oid = await this.#find(table, options, "getUniqueConstraints");
    const res = await this.#conn.execute<{ name: string; columns: string[] }>(
      `SELECT con.conname AS name, ${columnNamesOf("con.conkey", "con.conrelid")} AS columns ` +
        "FROM pg_catalog.pg_constraint con WHERE con.conrelid = $1::oid AND con.contype = 'u' ORDER BY con.conname",
      [oid],
    );
    return res.rows.map((row) => ({ name: row.name, columnNames: row.columns }));
  }

  /** The table's oid; a {@link SchemaError} naming the table and schema when there is none. */
  async #find(table: string, options: InspectOptions, method: string): Promise<number> {
    checkName(table, method);
    const res = await this.#conn.execute<{ schema: string | null; oid: number | null }>(
      "SELECT coalesce($2::text, current_schema()) AS schema, " +
        `(SELECT c.oid FROM pg_catalog.pg_class c ${inSchema("$2")} AND c.relname = $1 AND c.relkind IN ${TABLE_LIKE}) AS oid`,
      [table, schemaOf(options, method)],
    );
    const { schema, oid } = res.one();
    if (oid === null) {
      const where = schema === null ? "in the current schema (the search_path names none that exists)" : `in schema "${schema}"`;
      const hint = table.includes(".") ? ` The name is taken whole; to look in another schema, pass { schema: "${table.slice(0, table.indexOf("."))}" }.` : "";
      throw new SchemaError(`Table "${table}" does not exist ${where}.${hint}`);
    }
    return oid;
  }
}

/**
 * Throws an ArgumentError unless `name` could name something in the catalog:
 * a non-empty string without NUL or a lone surrogate, which PostgreSQL cannot
 * store in a name (and would refuse in the catalog query with an error about
 * its encoding).
 */
function checkName(name: unknown, method: string, what = "a table name"): asserts name is string {
  if (typeof name !== "string" || name.length === 0) {
    throw new ArgumentError(`${method}() takes ${what} (a non-empty string); got ${name === "" ? "an empty string" : describeValue(name)}.`);
  }
  const problem = name.includes("\u0000") ? "a NUL character" : isWellFormed(name) ? undefined : "a lone UTF-16 surrogate";
  if (problem) {
    throw new ArgumentError(`${method}(): ${shownName(name)} cannot be ${what}: it contains ${problem}, which no PostgreSQL name can hold.`);
  }
}

function schemaOf(options: InspectOptions, method: string): string | null {
  const { schema } = checkOptions(options, `${method}()`, ["schema"]) as InspectOptions;
  if (schema === undefined) return null;
  checkName(schema, method, "a schema name");
  return schema;
}
