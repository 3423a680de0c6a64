/**
 * CREATE and DROP statements for tables, and the foreign-key checks behind them.
 *
 * @module
 */
import { SchemaError } from "../errors.js";
import { quoteIdent, sqlLiteral } from "../internal/quote.js";
import { isRawSql, ruleFor } from "./column-values.js";
import type { ColumnRef, ReferenceTarget } from "./column.js";
import type { MetaData } from "./metadata.js";
import type { AnyTable, Columns } from "./table.js";

/** Resolves a foreign-key target to a table and column of `md`, or explains what is missing. */
export function resolveReference(md: MetaData, table: string, column: string, target: ReferenceTarget): ColumnRef {
  const ref: ColumnRef =
    typeof target === "string"
      ? { table: target.slice(0, target.indexOf(".")), column: target.slice(target.indexOf(".") + 1) }
      : target;
  const targetTable = md.getTable(ref.table);
  if (!targetTable) {
    throw new SchemaError(
      `Column "${table}.${column}" references "${ref.table}.${ref.column}", but this MetaData has no table "${ref.table}".`,
    );
  }
  if (!targetTable.hasColumn(ref.column)) {
    throw new SchemaError(
      `Column "${table}.${column}" references "${ref.table}.${ref.column}", but table "${ref.table}" has no column "${ref.column}".`,
    );
  }
  return ref;
}

/** A column default as SQL: a raw expression as written, or the value as its column sends it, as a literal. */
function defaultSql(value: unknown, sqlType: string, table: string, column: string): string {
  if (isRawSql(value)) {
    // A raw expression like sql`now()` is written as-is; DDL cannot take bind parameters.
    const node = (value as { toOperationNode(): { sqlFragments: readonly string[]; parameters: readonly unknown[] } }).toOperationNode();
    if (node.parameters.length > 0) {
      throw new SchemaError(`The default of "${table}.${column}" must not interpolate values into sql\`\`; give the value itself instead.`);
    }
    return node.sqlFragments.join("");
  }
  // The value was checked against its column when the table was defined (a json default goes as its JSON text).
  return sqlLiteral(value === null ? null : ruleFor(sqlType).convert(value));
}

/** The CREATE TABLE statement for one table, laid out one column per line. */
export function createTableSql(md: MetaData, table: AnyTable): string {
  const primaryKey = table.primaryKey;
  const lines: string[] = [];
  for (const [name, definition] of Object.entries(table.columns as Columns)) {
    const spec = definition.spec;
    // Only a lone key column is generated (the same rule as the insert types): not part of a
    // composite key, not a foreign key (autoIncrement is false then), not one with a default.
    const generated = primaryKey.length === 1 && spec.primaryKey && spec.autoIncrement && !spec.default && !spec.references;
    let type = spec.sqlType;
    if (generated) type = spec.sqlType === "bigint" ? "bigserial" : "serial";
    const parts = [quoteIdent(name), type];
    if (spec.primaryKey && primaryKey.length === 1) parts.push("PRIMARY KEY");
    else if (spec.notNull) parts.push("NOT NULL");
    if (spec.unique) parts.push("UNIQUE");
    if (spec.default) parts.push(`DEFAULT ${defaultSql(spec.default.value, spec.sqlType, table.name, name)}`);
    if (spec.references) {
      const ref = resolveReference(md, table.name, name, spec.references.target);
      parts.push(`REFERENCES ${quoteIdent(ref.table)} (${quoteIdent(ref.column)})`);
      if (spec.references.options.onDelete) parts.push(`ON DELETE ${spec.references.options.onDelete.toUpperCase()}`);
      if (spec.references.options.onUpdate) parts.push(`ON UPDATE ${spec.references.options.onUpdate.toUpperCase()}`);
    }
    lines.push(parts.join(" "));
  }
  if (primaryKey.length > 1) lines.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(", ")})`);
  return `CREATE TABLE ${quoteIdent(table.name)} (\n  ${lines.join(",\n  ")}\n)`;
}
