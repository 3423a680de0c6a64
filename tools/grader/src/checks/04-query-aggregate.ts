/**
 * Checks of exercise 04-query-aggregate: four query functions over a product
 * catalogue, each compared with what SQL says, on the notebook's data and (in
 * the hidden checks) on data the check changes inside a rolled-back scope.
 *
 * @module
 */
import { checkCode, type Check } from "../check.js";

/** The checks of 04-query-aggregate, in the order they run. */
export const checks: readonly Check[] = [
  {
    id: "find-cheap",
    description: 'findCheap(conn, "books", 20) returns the books costing at most 20, cheapest first.',
    hidden: false,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const cheap = await conn.execute(
          "select name from ex04_products " +
            "where category = $1 and price <= $2 order by price, name",
          ["books", 20],
        );
        const expected = cheap.scalars();
        const got: any = await findCheap(conn, "books", 20);
        if (!Array.isArray(got)) {
          return (
            'findCheap(conn, "books", 20) should return an array of rows, not ' +
            JSON.stringify(got) + "."
          );
        }
        const names = got.map((row: any) => row?.name);
        if (JSON.stringify(names) !== JSON.stringify(expected)) {
          return (
            'findCheap(conn, "books", 20) returned the products ' + JSON.stringify(names) +
            "; expected " + JSON.stringify(expected) + "."
          );
        }
        if (got.some((row: any) => row.category === undefined || row.price === undefined)) {
          return "findCheap() should return whole rows, as products.select() gives them.";
        }
      });
    `,
  },
  {
    id: "count-in-stock",
    description: "countInStock(conn) returns how many products are in stock, as a number.",
    hidden: false,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const query = 'select count(*) from ex04_products where "inStock"';
        const expected = Number((await conn.execute(query)).scalar());
        const got: any = await countInStock(conn);
        if (typeof got !== "number") {
          return (
            "countInStock(conn) returned " + JSON.stringify(got) +
            " (" + typeof got + "); it should return a number."
          );
        }
        if (got !== expected) {
          return (
            "countInStock(conn) returned " + got + "; " +
            expected + " products are in stock."
          );
        }
      });
    `,
  },
  {
    id: "category-summary",
    description: "categorySummary(conn) gives category, products and maxPrice for each category, in category order.",
    hidden: false,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const summary = await conn.execute(
          'select category, count(*)::int as products, max(price)::float8 as "maxPrice" ' +
            "from ex04_products group by category order by category",
        );
        const expected = summary.rows;
        const got: any = await categorySummary(conn);
        if (!Array.isArray(got)) {
          return (
            "categorySummary(conn) should return an array of rows, not " +
            JSON.stringify(got) + "."
          );
        }
        const normal = got.map((row: any) => ({
          category: row?.category,
          products: Number(row?.products),
          maxPrice: Number(row?.maxPrice),
        }));
        if (JSON.stringify(normal) !== JSON.stringify(expected)) {
          return (
            "categorySummary(conn) returned " + JSON.stringify(normal) +
            "; expected " + JSON.stringify(expected) + "."
          );
        }
      });
    `,
  },
  {
    id: "priciest-in-stock",
    description: "priciestInStock(conn) returns the name of the most expensive product in stock.",
    hidden: false,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const query =
          'select name from ex04_products where "inStock" order by price desc limit 1';
        const expected = (await conn.execute(query)).scalar();
        const got: any = await priciestInStock(conn);
        if (got !== expected) {
          return (
            "priciestInStock(conn) returned " + JSON.stringify(got) +
            "; expected " + JSON.stringify(expected) + "."
          );
        }
      });
    `,
  },
  {
    id: "find-cheap-other-arguments",
    description: "findCheap() uses its category and maxPrice arguments (at most maxPrice, an empty list when nothing matches).",
    hidden: true,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const cases = [["games", 30], ["music", 12], ["toys", 100]] as [string, number][];
        for (const [category, maxPrice] of cases) {
          const cheap = await conn.execute(
            "select name from ex04_products " +
              "where category = $1 and price <= $2 order by price, name",
            [category, maxPrice],
          );
          const expected = cheap.scalars();
          const got: any = await findCheap(conn, category, maxPrice);
          const names = Array.isArray(got) ? got.map((row: any) => row?.name) : got;
          if (JSON.stringify(names) !== JSON.stringify(expected)) {
            return (
              "findCheap(conn, " + JSON.stringify(category) + ", " + maxPrice +
              ") returned " + JSON.stringify(names) +
              "; expected " + JSON.stringify(expected) + "."
            );
          }
        }
      });
    `,
  },
  {
    id: "count-in-stock-live",
    description: "countInStock(conn) counts what is in the database now, not a number written down.",
    hidden: true,
    code: checkCode`
      // engine.connect() rolls back at the end:
      // the change below never reaches the notebook's data.
      return await engine.connect(async (conn) => {
        await conn.execute(
          'update ex04_products set "inStock" = false where name = $1',
          ["Dune"],
        );
        await conn.execute(
          'insert into ex04_products (name, category, price, "inStock") ' +
            "values ($1, $2, 1, true), ($3, $2, 2, true)",
          ["Kite", "toys", "Yo-yo"],
        );
        const query = 'select count(*) from ex04_products where "inStock"';
        const expected = Number((await conn.execute(query)).scalar());
        const got: any = await countInStock(conn);
        if (got !== expected) {
          return (
            "After changing the data, countInStock(conn) returned " +
            JSON.stringify(got) + " instead of " + expected + "."
          );
        }
      });
    `,
  },
  {
    id: "category-summary-live",
    description: "categorySummary(conn) picks up a new category and new prices.",
    hidden: true,
    code: checkCode`
      return await engine.connect(async (conn) => {
        await conn.execute(
          'insert into ex04_products (name, category, price, "inStock") ' +
            "values ($1, $2, 3.5, true), ($3, $2, 4.25, false), ($4, $5, 99.95, true)",
          ["Kite", "toys", "Yo-yo", "Encyclopaedia", "books"],
        );
        const summary = await conn.execute(
          'select category, count(*)::int as products, max(price)::float8 as "maxPrice" ' +
            "from ex04_products group by category order by category",
        );
        const expected = summary.rows;
        const got: any = await categorySummary(conn);
        const normal = Array.isArray(got)
          ? got.map((row: any) => ({
              category: row?.category,
              products: Number(row?.products),
              maxPrice: Number(row?.maxPrice),
            }))
          : got;
        if (JSON.stringify(normal) !== JSON.stringify(expected)) {
          return (
            "After adding products, categorySummary(conn) returned " +
            JSON.stringify(normal) + "; expected " + JSON.stringify(expected) + "."
          );
        }
      });
    `,
  },
  {
    id: "priciest-in-stock-live",
    description: "priciestInStock(conn) follows the stock, and returns undefined when nothing is in stock.",
    hidden: true,
    code: checkCode`
      return await engine.connect(async (conn) => {
        await conn.execute(
          'update ex04_products set "inStock" = false where name = $1',
          ["Ukulele"],
        );
        const query =
          'select name from ex04_products where "inStock" order by price desc limit 1';
        const expected = (await conn.execute(query)).scalar();
        const got: any = await priciestInStock(conn);
        if (got !== expected) {
          return (
            "With the Ukulele sold out, priciestInStock(conn) returned " +
            JSON.stringify(got) + " instead of " + JSON.stringify(expected) + "."
          );
        }
        await conn.execute('update ex04_products set "inStock" = false');
        const none: any = await priciestInStock(conn);
        if (none !== undefined) {
          return (
            "With nothing in stock, priciestInStock(conn) returned " +
            JSON.stringify(none) + " instead of undefined."
          );
        }
      });
    `,
  },
];
