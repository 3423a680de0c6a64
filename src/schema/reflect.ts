/**
 * Building `Table` definitions from tables that exist in the database: what
 * `md.reflect(conn)` does.
 *
 * @module
 */
import { sql } from "kysely";
import type { Connection } from "../connection.js";
import { ArgumentError, SchemaError } from "../errors.js";
import { checkOptions } from "../internal/options.js";
import { inspect, type Inspector } from "../inspect.js";
import type { ReflectedColumn, ReflectedForeignKey } from "../reflected.js";
import { Column, type AnyColumn, type ReferenceOptions } from "./column.js";
import type { MetaData } from "./metadata.js";
import type { AnyTable, Columns } from "./table.js";
import { bigint, boolean, date, doublePrecision, integer, json, jsonb, numeric, real, text, timestamp, timestamptz, uuid, varchar } from "./types.js";

/**
 * Options of {@link MetaData.reflect}.
 *
 * `only` names the tables to reflect (the tables their foreign keys point at
 * come too, unless the MetaData has them already); without it, every table
 * of the current schema is reflected.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, type ReflectOptions } from "pglite-lab";
 *
 * const engine = await createEngine();
 * const names = await engine.begin(async (conn) => {
 *   await conn.execute("create table depts (id serial primary key)");
 *   await conn.execute("create table emps (id serial primary key, dept_id int references depts (id))");
 *   await conn.execute("create table unrelated (id int)");
 *   const options: ReflectOptions = { only: ["emps"] };
 *   return (await new MetaData().reflect(conn, options)).map((t) => t.name);
 * });
 * console.log(names); // [ 'emps', 'depts' ]
 * await engine.dispose();
 * ```
 */
export interface ReflectOptions {
  /** The tables to reflect, by their exact names. Default: every table of the current schema. */
  readonly only?: readonly string[];
}

/** Column builders by the type name PostgreSQL prints. */
const BUILDERS: Record<string, () => AnyColumn> = {
  integer,
  bigint,
  text,
  boolean,
  real,
  "double precision": doublePrecision,
  numeric: () => numeric(),
  "timestamp without time zone": timestamp,
  "timestamp with time zone": timestamptz,
  date,
  json,
  jsonb,
  uuid,
};
const NUMBERS = /^(integer|bigint|real|double precision|numeric(\(.*\))?)$/;
const LITERAL = /^'((?:[^']|'')*)'::[a-z][a-z ]*(\(\d+(,\d+)?\))?$/;
const NUMBER = /^\(?(-?\d+(\.\d+)?(e[+-]?\d+)?)\)?$/i;

/** Reflects tables of the current schema into `md`; nothing is added unless every table can be. */
export async function reflectTables(md: MetaData, conn: Connection<any>, options: ReflectOptions = {}): Promise<AnyTable[]> {
  const { only } = checkOptions(options, "md.reflect()", ["only"]) as ReflectOptions;
  if (only !== undefined && (!Array.isArray(only) || only.some((name) => typeof name !== "string" || name.length === 0))) {
    throw new ArgumentError("md.reflect(): `only` must be an array of table names (non-empty strings).");
  }
  const insp = inspect(conn);
  const existing = await insp.getTableNames();
  const requested = only ? [...new Set(only)] : existing;
  const present = requested.filter((name) => md.getTable(name));
  if (present.length > 0) {
    throw new SchemaError(`md.reflect(): this MetaData already has ${listOf("table", present)}; reflect into a new MetaData, or leave ${present.length === 1 ? "it" : "them"} out of \`only\`.`);
  }
  const missing = requested.filter((name) => !existing.includes(name));
  if (missing.length > 0) {
    const schema = (await conn.execute<{ s: string | null }>("SELECT current_schema() AS s")).scalarOne();
    throw new SchemaError(`md.reflect(): there is no ${listOf("table", missing)} in schema "${schema ?? "(none)"}"; nothing was reflected.`);
  }
  // Tables that the requested ones reference come too, as SQLAlchemy's reflect does.
  const queue = [...requested];
  const built = new Map<string, Columns>();
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (built.has(name)) continue;
    const { columns, referenced } = await reflectTable(insp, name);
    built.set(name, columns);
    for (const target of referenced) if (!built.has(target) && !md.getTable(target)) queue.push(target);
  }
  return [...built].map(([name, columns]) => md.table(name, columns));
}

async function reflectTable(insp: Inspector, table: string): Promise<{ columns: Columns; referenced: string[] }> {
  // One after another: they share the scope's one session, and the statement log reads in order.
  const columns = await insp.getColumns(table);
  const key = await insp.getPrimaryKey(table);
  const foreignKeys = await insp.getForeignKeys(table);
  const uniques = await insp.getUniqueConstraints(table);
  const keyColumns = key.constrainedColumns;
  const unique = new Set(uniques.filter((u) => u.columnNames.length === 1).map((u) => u.columnNames[0]));
  // Only single-column foreign keys fit a column's references(); the first on a column wins.
  const references = new Map<string, ReflectedForeignKey>();
  for (const fk of foreignKeys) {
    if (fk.constrainedColumns.length !== 1) continue;
    if (fk.referredSchema !== null) {
      throw new SchemaError(
        `Column "${table}.${fk.constrainedColumns[0]}" references "${fk.referredSchema}"."${fk.referredTable}", a table in another schema; a MetaData's tables live in one schema.`,
      );
    }
    const column = fk.constrainedColumns[0] as string;
    if (!references.has(column)) references.set(column, fk);
  }
  // Entries, made into an object at the end: `out["__proto__"] = column` would set a prototype, not a column.
  const out: [string, AnyColumn][] = [];
  for (const reflected of columns) {
    const fk = references.get(reflected.name);
    const loneKey = keyColumns.length === 1 && keyColumns[0] === reflected.name;
    let column = builderFor(table, reflected);
    // A lone integer key the database generates is what integer().primaryKey() makes (serial).
    const generated = loneKey && !fk && (reflected.type === "integer" || reflected.type === "bigint") && reflected.autoincrement;
    if (reflected.identity && !generated) {
      throw new SchemaError(`Column "${table}.${reflected.name}" is an identity column; MetaData generates values only for a lone integer primary key.`);
    }
    if (keyColumns.includes(reflected.name)) column = column.primaryKey();
    else if (!reflected.nullable) column = column.notNull();
    if (unique.has(reflected.name)) column = column.unique();
    if (reflected.default !== null && !generated) column = column.default(defaultOf(reflected.default, reflected.type));
    if (fk) {
      const target = { table: fk.referredTable, column: fk.referredColumns[0] as string };
      column = column.references(target, actionsOf(fk.options));
    }
    // integer().primaryKey() alone would become serial; a key the database does not generate must not.
    if (loneKey && column.spec.autoIncrement && !generated && !column.spec.default) column = new Column({ ...column.spec, autoIncrement: false });
    out.push([reflected.name, column]);
  }
  return { columns: Object.fromEntries(out) as Columns, referenced: [...references.values()].map((fk) => fk.referredTable).filter((t) => t !== table) };
}

function actionsOf(options: ReflectedForeignKey["options"]): ReferenceOptions {
  return { ...(options.onDelete ? { onDelete: options.onDelete } : {}), ...(options.onUpdate ? { onUpdate: options.onUpdate } : {}) };
}

function builderFor(table: string, column: ReflectedColumn): AnyColumn {
  const where = `Column "${table}.${column.name}"`;
  if (column.computed) throw new SchemaError(`${where} is generated (GENERATED ALWAYS AS ${column.computed.sqltext}), which MetaData cannot define.`);
  const type = column.type;
  const plain = BUILDERS[type];
  if (plain) return plain();
  const varying = /^character varying\((\d+)\)$/.exec(type);
  if (varying) return varchar(Number(varying[1]));
  const decimal = /^numeric\((\d+),(\d+)\)$/.exec(type);
  if (decimal) return decimal[2] === "0" ? numeric(Number(decimal[1])) : numeric(Number(decimal[1]), Number(decimal[2]));
  if (type.endsWith("[]")) throw new SchemaError(`${where} is an array (${type}); MetaData has no array column builder.`);
  throw new SchemaError(`${where} has type ${type}, which MetaData has no column builder for; leave the table out with { only: [...] }.`);
}

/** A default as the builder's default() takes it: a value where PostgreSQL printed a literal, else the SQL itself. */
function defaultOf(expression: string, type: string): unknown {
  if (/^NULL(::.*)?$/.test(expression)) return null;
  if (expression === "true" || expression === "false") return expression === "true";
  const literal = LITERAL.exec(expression);
  const text = literal ? (literal[1] as string).replaceAll("''", "'") : NUMBER.exec(expression)?.[1];
  if (text === undefined) return sql.raw(expression);
  if (NUMBERS.test(type)) {
    // A number when it prints back the same (so the DDL does too); digits a number would change stay text.
    return String(Number(text)) === text ? Number(text) : text;
  }
  if ((type === "json" || type === "jsonb") && /^[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return literal ? text : sql.raw(expression);
}

function listOf(noun: string, names: readonly string[]): string {
  return names.length === 1 ? `${noun} "${names[0]}"` : `${noun}s ${names.map((n) => `"${n}"`).join(", ")}`;
}
