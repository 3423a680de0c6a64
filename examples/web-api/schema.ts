/**
 * The tables of the web API example: employees, and the users who may add them.
 *
 * @module
 */
import { MetaData, integer, text, varchar, type Database, type InsertRow, type SelectRow } from "pglite-lab";

/** Every table of the API, created together with `md.createAll(conn)`. */
export const md = new MetaData();

/** The employees the API lists, adds and exports. */
export const employees = md.table("employees", {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  city: varchar(100).notNull(),
  salary: integer().notNull(),
});

/** Who may add employees: a username and an scrypt hash of the password, never the password itself. */
export const users = md.table("users", {
  id: integer().primaryKey(),
  username: varchar(50).notNull().unique(),
  passwordHash: text().notNull(),
});

/** The Kysely database type of these tables, so `conn.db` is fully typed. */
export type ApiDatabase = Database<typeof employees | typeof users>;
/** An employee as the API returns it. */
export type Employee = SelectRow<typeof employees>;
/** An employee as `POST /employees` accepts it: no id, the database assigns one. */
export type NewEmployee = InsertRow<typeof employees>;
