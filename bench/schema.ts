/**
 * The `emps` table as each library spells it.
 *
 * @module
 */
import type { Generated } from "kysely";
import { MetaData, integer, text } from "../src/index.js";

/** pglite-lab's definition; its CREATE TABLE is the same as {@link CREATE_EMPS}. */
export const md = new MetaData();
export const emps = md.table("emps", {
  id: integer().primaryKey(),
  name: text().notNull(),
  city: text(),
});

/** Kysely's view of the same table. */
export interface BenchDatabase {
  emps: { id: Generated<number>; name: string; city: string | null };
}
