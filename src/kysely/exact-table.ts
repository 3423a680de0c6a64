/**
 * `exactTable`: a table name Kysely takes as it is written.
 *
 * @module
 */
import { TableNode, type OperationNodeSource } from "kysely";

/**
 * The table `name` as a Kysely table expression that is one identifier,
 * whatever characters it holds. Kysely reads a string table name as
 * `schema.table as alias`, so `selectFrom("victim as x")` would read
 * `victim`; a node built here is never parsed, only quoted.
 */
export function exactTable(name: string): OperationNodeSource {
  const node = TableNode.create(name);
  return { toOperationNode: () => node };
}
