import { createEngine, MetaData, integer, text } from "pglite-lab";

const md = new MetaData();
const emps = md.table("emps", {
  id: integer().primaryKey(),   // integer primary key: generated, like SERIAL
  name: text(),
});

const engine = await createEngine({ echo: true });   // in-memory PGlite

await engine.begin(async (conn) => {                 // commits, or rolls back on throw
  await md.dropAll(conn);
  await md.createAll(conn);
  await conn.execute(emps.insert(), [{ name: "12" }, { name: "Welcome To My Domain" }]);
});

await engine.connect(async (conn) => {
  const res = await conn.execute(emps.select());
  console.log(res.fetchAll());   // [ { id: 1, name: '12' }, { id: 2, name: 'Welcome To My Domain' } ]
  for await (const row of conn.stream(emps.select())) console.log(row);
});

await engine.dispose();
