/**
 * Checks of exercise 02-create-drop-order: four tables that reference each
 * other, created and dropped in an order that works.
 *
 * @module
 */
import { checkCode, type Check } from "../check.js";

/** The checks of 02-create-drop-order, in the order they run. */
export const checks: readonly Check[] = [
  {
    id: "creation-order",
    description: "creationOrder names the four tables, each after the tables it references.",
    hidden: false,
    code: checkCode`
      const references: Record<string, string[]> = {
        ex02_clients: [],
        ex02_invoice_lines: ["ex02_invoices", "ex02_products"],
        ex02_invoices: ["ex02_clients"],
        ex02_products: [],
      };
      const order: any = creationOrder;
      if (!Array.isArray(order) || order.length === 0) {
        return "creationOrder is empty: list the four table names of ddl.";
      }
      const missing = Object.keys(references).filter((name) => !order.includes(name));
      if (missing.length > 0) return "creationOrder leaves out " + missing.join(", ") + ".";
      if (order.length !== 4) {
        return (
          "creationOrder should name each of the four tables once, but it has " +
          order.length + " entries."
        );
      }
      for (const name of order) {
        for (const target of references[name]) {
          if (order.indexOf(target) > order.indexOf(name)) {
            return (
              name + " comes before " + target + ", which it references: " +
              "CREATE TABLE " + name + " would fail."
            );
          }
        }
      }
    `,
  },
  {
    id: "create-by-hand",
    description: "createByHand(conn) creates the four tables on an empty database.",
    hidden: false,
    code: checkCode`
      const names = [
        "ex02_clients",
        "ex02_products",
        "ex02_invoices",
        "ex02_invoice_lines",
      ];
      // engine.connect() rolls back at the end:
      // the database is left as the notebook left it.
      return await engine.connect(async (conn) => {
        await conn.execute("drop table if exists " + names.join(", "));
        try {
          await createByHand(conn);
        } catch (err) {
          return "createByHand(conn) failed: " + String(err).split("\n")[0];
        }
        const res = await conn.execute(
          "select count(*) as n from pg_tables " +
            "where schemaname = current_schema() and tablename = any($1)",
          [names],
        );
        const present = Number(res.scalar());
        if (present !== 4) {
          return "After createByHand(conn), " + present + " of the 4 tables exist.";
        }
      });
    `,
  },
  {
    id: "drop-order",
    description: "dropOrder names the four tables, each before the tables it references.",
    hidden: false,
    code: checkCode`
      const references: Record<string, string[]> = {
        ex02_clients: [],
        ex02_invoice_lines: ["ex02_invoices", "ex02_products"],
        ex02_invoices: ["ex02_clients"],
        ex02_products: [],
      };
      const order: any = dropOrder;
      if (!Array.isArray(order) || order.length === 0) {
        return "dropOrder is empty: list the four table names of ddl.";
      }
      const missing = Object.keys(references).filter((name) => !order.includes(name));
      if (missing.length > 0) return "dropOrder leaves out " + missing.join(", ") + ".";
      if (order.length !== 4) {
        return (
          "dropOrder should name each of the four tables once, but it has " +
          order.length + " entries."
        );
      }
      for (const name of order) {
        for (const target of references[name]) {
          if (order.indexOf(target) < order.indexOf(name)) {
            return (
              target + " comes before " + name + ", which still references it: " +
              "DROP TABLE " + target + " would fail."
            );
          }
        }
      }
    `,
  },
  {
    id: "drop-by-hand",
    description: "dropByHand(conn) drops the four tables.",
    hidden: false,
    code: checkCode`
      const names = [
        "ex02_clients",
        "ex02_products",
        "ex02_invoices",
        "ex02_invoice_lines",
      ];
      return await engine.connect(async (conn) => {
        await conn.execute("drop table if exists " + names.join(", "));
        await conn.execute(
          "create table ex02_clients (id serial primary key, name text not null)",
        );
        await conn.execute(
          "create table ex02_products (id serial primary key, name text not null)",
        );
        await conn.execute(
          "create table ex02_invoices (id serial primary key, " +
            "client_id integer not null references ex02_clients (id), " +
            "issued_on date not null)",
        );
        await conn.execute(
          "create table ex02_invoice_lines (id serial primary key, " +
            "invoice_id integer not null references ex02_invoices (id), " +
            "product_id integer not null references ex02_products (id), " +
            "quantity integer not null)",
        );
        try {
          await dropByHand(conn);
        } catch (err) {
          return "dropByHand(conn) failed: " + String(err).split("\n")[0];
        }
        const res = await conn.execute(
          "select count(*) as n from pg_tables " +
            "where schemaname = current_schema() and tablename = any($1)",
          [names],
        );
        const left = Number(res.scalar());
        if (left !== 0) {
          return "After dropByHand(conn), " + left + " of the 4 tables are still there.";
        }
      });
    `,
  },
  {
    id: "library-order",
    description: "libraryOrder holds the names of md.sortedTables, in that order.",
    hidden: false,
    code: checkCode`
      const expected = md.sortedTables.map((table) => table.name);
      const got: any = libraryOrder;
      if (!Array.isArray(got) || got.length === 0) {
        return "libraryOrder is empty: map md.sortedTables to the tables' names.";
      }
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        return (
          "libraryOrder is " + JSON.stringify(got) +
          ", but md.sortedTables gives " + JSON.stringify(expected) + "."
        );
      }
    `,
  },
  {
    id: "schema-created",
    description: "The four tables and their three foreign keys are in the database.",
    hidden: false,
    code: checkCode`
      const names = [
        "ex02_clients",
        "ex02_products",
        "ex02_invoices",
        "ex02_invoice_lines",
      ];
      const found = await engine.connect(async (conn) => {
        const tables = await conn.execute(
          "select tablename from pg_tables " +
            "where schemaname = current_schema() and tablename = any($1)",
          [names],
        );
        const keys = await conn.execute(
          "select count(*) as n from pg_constraint con " +
            "join pg_class tbl on tbl.oid = con.conrelid " +
            "where con.contype = 'f' and tbl.relname = any($1) " +
            "and tbl.relnamespace = current_schema()::regnamespace",
          [names],
        );
        return { tables: tables.scalars(), keys: Number(keys.scalar()) };
      });
      const missing = names.filter((name) => !found.tables.includes(name));
      if (missing.length > 0) {
        return (
          "Not in the database: " + missing.join(", ") + ". " +
          "Create the tables with md.createAll(conn) inside engine.begin(), which commits."
        );
      }
      if (found.keys !== 3) {
        return (
          "The four tables have " + found.keys +
          " foreign keys between them instead of 3."
        );
      }
    `,
  },
  {
    id: "create-keeps-foreign-keys",
    description: "The tables createByHand(conn) makes keep all three foreign keys of ddl.",
    hidden: true,
    code: checkCode`
      const names = [
        "ex02_clients",
        "ex02_products",
        "ex02_invoices",
        "ex02_invoice_lines",
      ];
      return await engine.connect(async (conn) => {
        await conn.execute("drop table if exists " + names.join(", "));
        try {
          await createByHand(conn);
        } catch (err) {
          return "createByHand(conn) failed: " + String(err).split("\n")[0];
        }
        const res = await conn.execute(
          "select count(*) as n from pg_constraint con " +
            "join pg_class tbl on tbl.oid = con.conrelid " +
            "where con.contype = 'f' and tbl.relname = any($1) " +
            "and tbl.relnamespace = current_schema()::regnamespace",
          [names],
        );
        const keys = Number(res.scalar());
        if (keys !== 3) {
          return (
            "The tables createByHand(conn) makes have " + keys + " foreign keys " +
            "instead of 3: keep the REFERENCES clauses of ddl and fix the order instead."
          );
        }
      });
    `,
  },
  {
    id: "drop-without-cascade",
    description: "dropByHand(conn) drops tables that hold rows, without CASCADE.",
    hidden: true,
    code: checkCode`
      const names = [
        "ex02_clients",
        "ex02_products",
        "ex02_invoices",
        "ex02_invoice_lines",
      ];
      return await engine.connect(async (conn) => {
        await conn.execute("drop table if exists " + names.join(", "));
        await conn.execute(
          "create table ex02_clients (id serial primary key, name text not null)",
        );
        await conn.execute(
          "create table ex02_products (id serial primary key, name text not null)",
        );
        await conn.execute(
          "create table ex02_invoices (id serial primary key, " +
            "client_id integer not null references ex02_clients (id), " +
            "issued_on date not null)",
        );
        await conn.execute(
          "create table ex02_invoice_lines (id serial primary key, " +
            "invoice_id integer not null references ex02_invoices (id), " +
            "product_id integer not null references ex02_products (id), " +
            "quantity integer not null)",
        );
        await conn.execute("insert into ex02_clients (name) values ('Ada')");
        await conn.execute("insert into ex02_products (name) values ('Compiler')");
        await conn.execute(
          "insert into ex02_invoices (client_id, issued_on) values (1, current_date)",
        );
        await conn.execute(
          "insert into ex02_invoice_lines (invoice_id, product_id, quantity) " +
            "values (1, 1, 3)",
        );
        // Passes dropByHand a connection that records the SQL it sends,
        // and otherwise is conn itself.
        const sent: string[] = [];
        const recording = new Proxy(conn, {
          get(target: any, property) {
            const value = Reflect.get(target, property, target);
            if (property === "execute") {
              return (statement: any, ...rest: any[]) => {
                const compiled = statement?.compile?.(target.db)?.sql ?? statement;
                sent.push(typeof statement === "string" ? statement : String(compiled));
                return value.call(target, statement, ...rest);
              };
            }
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
        try {
          await dropByHand(recording);
        } catch (err) {
          return (
            "dropByHand(conn) failed on tables that hold rows: " +
            String(err).split("\n")[0]
          );
        }
        if (sent.some((statement) => /\bcascade\b/i.test(statement))) {
          return (
            "dropByHand(conn) uses CASCADE: " +
            "drop the tables in an order that works instead."
          );
        }
        const res = await conn.execute(
          "select count(*) as n from pg_tables " +
            "where schemaname = current_schema() and tablename = any($1)",
          [names],
        );
        const left = Number(res.scalar());
        if (left !== 0) {
          return (
            "After dropByHand(conn) on tables holding rows, " + left +
            " of the 4 tables are still there."
          );
        }
      });
    `,
  },
];
