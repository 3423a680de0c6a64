/**
 * Checks of exercise 01-foreign-keys: an `orders` table whose rows must
 * belong to a customer.
 *
 * @module
 */
import { checkCode, type Check } from "../check.js";

/** The checks of 01-foreign-keys, in the order they run. */
export const checks: readonly Check[] = [
  {
    id: "orders-defined",
    description: 'orders is the table "ex01_orders" of md, with columns id, customerId and total.',
    hidden: false,
    code: checkCode`
      const table: any = orders;
      if (table === undefined || table === null) {
        return (
          "orders is still undefined: " +
          'define it with md.table("ex01_orders", { ... }).'
        );
      }
      if (table.name !== "ex01_orders") {
        const name = JSON.stringify(table.name);
        return 'orders should be the table "ex01_orders", not ' + name + ".";
      }
      for (const column of ["id", "customerId", "total"]) {
        if (!(column in (table.columns ?? {}))) {
          return 'Table "ex01_orders" has no column "' + column + '".';
        }
      }
      if (md.getTable("ex01_orders") !== table) {
        return (
          "Define orders with md.table() on the same MetaData as customers, " +
          "so that md.createAll() creates it."
        );
      }
    `,
  },
  {
    id: "orders-fk",
    description: 'Table "ex01_orders" has a foreign key to "ex01_customers".',
    hidden: false,
    code: checkCode`
      const targets = await engine.connect(async (conn) => {
        const exists = await conn.execute("select to_regclass('ex01_orders') as t");
        if (exists.scalar() === null) return undefined;
        const res = await conn.execute(
          "select ref.relname from pg_constraint con " +
            "join pg_class ref on ref.oid = con.confrelid " +
            "where con.contype = 'f' and con.conrelid = 'ex01_orders'::regclass",
        );
        return res.scalars();
      });
      if (targets === undefined) {
        return (
          'Table "ex01_orders" is not in the database: ' +
          "define orders, then run the notebook again from the top."
        );
      }
      if (!targets.includes("ex01_customers")) {
        return (
          'Table "ex01_orders" has no foreign key to "ex01_customers": ' +
          "customerId needs .references(customers.c.id)."
        );
      }
    `,
  },
  {
    id: "orders-inserted",
    description: "ex01_orders holds three orders: two for customer 1 and one for customer 2.",
    hidden: false,
    code: checkCode`
      const rows: any = await engine.connect(async (conn) => {
        const exists = await conn.execute("select to_regclass('ex01_orders') as t");
        if (exists.scalar() === null) return undefined;
        const res = await conn.execute(
          'select "customerId" as customer, count(*)::int as n from ex01_orders group by 1',
        );
        return res.rows;
      });
      if (rows === undefined) return 'Table "ex01_orders" is not in the database yet.';
      const count = (customer: number) =>
        Number(rows.find((row: any) => row.customer === customer)?.n ?? 0);
      const total = rows.reduce((sum: number, row: any) => sum + Number(row.n), 0);
      if (total === 0) {
        return (
          'Table "ex01_orders" is empty: insert the orders with ' +
          "conn.execute(orders.insert(), [ ... ]) in engine.begin()."
        );
      }
      if (total !== 3 || count(1) !== 2 || count(2) !== 1) {
        return (
          "Expected 3 orders, 2 for customer 1 and 1 for customer 2; found " + total +
          " (" + count(1) + " for customer 1, " + count(2) + " for customer 2)."
        );
      }
    `,
  },
  {
    id: "fk-refuses",
    description: "refused holds the IntegrityError the foreign key raised for customer 99.",
    hidden: false,
    code: checkCode`
      const err: any = refused;
      if (err === undefined) {
        return (
          "refused is still undefined: " +
          "insert an order for customerId 99 inside the try block."
        );
      }
      const first = String(err?.message ?? err).split("\n")[0];
      if (err?.name !== "IntegrityError") {
        return (
          "refused should be an IntegrityError (a foreign-key violation), not " +
          (err?.name ?? typeof err) + ": " + first
        );
      }
      if (err.code !== "23503") {
        return (
          "refused is an IntegrityError, but not a foreign-key violation (SQLSTATE " +
          err.code + ", not 23503): " + first
        );
      }
    `,
  },
  {
    id: "customer-required",
    description: 'Column "ex01_orders.customerId" is NOT NULL: every order belongs to a customer.',
    hidden: true,
    code: checkCode`
      const nullable = await engine.connect(async (conn) => {
        const res = await conn.execute(
          "select is_nullable from information_schema.columns " +
            "where table_schema = current_schema() " +
            "and table_name = 'ex01_orders' and column_name = 'customerId'",
        );
        return res.scalar();
      });
      if (nullable === undefined) {
        return 'Table "ex01_orders" has no column "customerId" in the database.';
      }
      if (nullable !== "NO") {
        return (
          'Column "ex01_orders.customerId" accepts NULL, ' +
          "so an order could belong to nobody: add .notNull()."
        );
      }
    `,
  },
  {
    id: "fk-cascade",
    description: "Deleting a customer deletes their orders (onDelete: cascade).",
    hidden: true,
    code: checkCode`
      // engine.connect() rolls back what is not committed:
      // the deletion is undone when the scope ends.
      return await engine.connect(async (conn) => {
        const countOrders = async () => {
          const query = 'select count(*) as n from ex01_orders where "customerId" = 2';
          return Number((await conn.execute(query)).scalar());
        };
        if ((await countOrders()) === 0) {
          return "Customer 2 (Grace) has no order, so deleting her shows nothing.";
        }
        try {
          await conn.execute("delete from ex01_customers where id = 2");
        } catch (err) {
          return (
            "Deleting customer 2 failed because her orders still point at her; " +
            "the foreign key should delete them with her: " +
            '.references(customers.c.id, { onDelete: "cascade" }).'
          );
        }
        const left = await countOrders();
        if (left !== 0) {
          return "After deleting customer 2, " + left + " of her orders are still there.";
        }
      });
    `,
  },
  {
    id: "total-numeric",
    description: 'Column "ex01_orders.total" is numeric(10, 2) NOT NULL.',
    hidden: true,
    code: checkCode`
      const column: any = await engine.connect(async (conn) => {
        const res = await conn.execute(
          "select data_type, numeric_precision, numeric_scale, is_nullable " +
            "from information_schema.columns where table_schema = current_schema() " +
            "and table_name = 'ex01_orders' and column_name = 'total'",
        );
        return res.first();
      });
      if (column === undefined) {
        return 'Table "ex01_orders" has no column "total" in the database.';
      }
      const precision = Number(column.numeric_precision);
      const scale = Number(column.numeric_scale);
      if (column.data_type !== "numeric" || precision !== 10 || scale !== 2) {
        const type = column.data_type;
        return 'Column "ex01_orders.total" is ' + type + ", not numeric(10, 2).";
      }
      if (column.is_nullable !== "NO") {
        return 'Column "ex01_orders.total" accepts NULL: add .notNull().';
      }
    `,
  },
];
