/**
 * Checks of exercise 03-bulk-insert: fifty thousand generated rows inserted
 * with one executemany call, and a bad batch refused as a whole.
 *
 * @module
 */
import { checkCode, type Check } from "../check.js";

/** The checks of 03-bulk-insert, in the order they run. */
export const checks: readonly Check[] = [
  {
    id: "rows-generated",
    description: "rows holds the 50000 readings the brief describes.",
    hidden: false,
    code: checkCode`
      const got: any = rows;
      if (!Array.isArray(got)) return "rows should be an array of row objects.";
      if (got.length !== 50000) {
        return "rows has " + got.length + " rows; it should have 50000.";
      }
      for (const i of [0, 1, 12345, 49999]) {
        const expected = {
          sensor: "sensor-" + (i % 10),
          minute: Math.floor(i / 10),
          celsius: (i % 50) / 2,
        };
        const row = got[i] ?? {};
        if (
          row.sensor !== expected.sensor ||
          row.minute !== expected.minute ||
          row.celsius !== expected.celsius
        ) {
          return (
            "rows[" + i + "] is " + JSON.stringify(row) +
            "; expected " + JSON.stringify(expected) + "."
          );
        }
      }
    `,
  },
  {
    id: "rows-inserted",
    description: 'One conn.execute() call inserted all 50000 rows into "ex03_readings", and they were committed.',
    hidden: false,
    code: checkCode`
      const result: any = inserted;
      if (result === undefined || result === null) {
        return (
          "inserted is undefined: " +
          "keep the result of conn.execute(readings.insert(), rows) in it."
        );
      }
      if (result.rowCount !== 50000) {
        return (
          "inserted.rowCount is " + result.rowCount +
          ": one conn.execute() call should insert all 50000 rows."
        );
      }
      const stored = await engine.connect(async (conn) => {
        const query = "select count(*) as n from ex03_readings where minute < 10000";
        return Number((await conn.execute(query)).scalar());
      });
      if (stored !== 50000) {
        return (
          'Table "ex03_readings" holds ' + stored +
          " readings instead of 50000. Was the insert committed?"
        );
      }
    `,
  },
  {
    id: "bad-batch-refused",
    description: "Inserting badBatch failed, and none of its rows went in.",
    hidden: false,
    code: checkCode`
      const err: any = badError;
      if (err === undefined) {
        return "badError is still undefined: insert badBatch inside the try block.";
      }
      const inserted = await engine.connect(async (conn) => {
        const query = "select count(*) as n from ex03_readings where minute >= 10000";
        return Number((await conn.execute(query)).scalar());
      });
      if (inserted > 0) {
        return (
          inserted + " rows of badBatch are in the table: " +
          "insert the whole batch with one conn.execute() in engine.begin(), " +
          "so that the bad row takes the others down with it."
        );
      }
    `,
  },
  {
    id: "values-exact",
    description: "Every reading has the sensor, minute and temperature the brief gives for its i.",
    hidden: true,
    code: checkCode`
      const stats: any = await engine.connect(async (conn) => {
        const res = await conn.execute(
          "select count(*) as n, count(distinct sensor) as sensors, " +
            "min(minute) as first, max(minute) as last, " +
            "sum(celsius)::float8 as celsius, count(distinct (sensor, minute)) as pairs, " +
            "count(*) filter (where sensor = 'sensor-' || ((celsius * 2)::int % 10) " +
              "and (minute * 10 + (celsius * 2)::int % 10) % 50 = (celsius * 2)::int) " +
              "as consistent " +
            "from ex03_readings where minute < 10000",
        );
        return res.one();
      });
      const expected: Record<string, number> = {
        n: 50000,
        sensors: 10,
        first: 0,
        last: 4999,
        celsius: 612500,
        pairs: 50000,
        consistent: 50000,
      };
      const what: Record<string, string> = {
        n: "readings",
        sensors: "distinct sensors",
        first: "the first minute",
        last: "the last minute",
        celsius: "the sum of celsius",
        pairs: "distinct (sensor, minute) pairs",
        consistent: "readings whose sensor matches their i",
      };
      for (const key of Object.keys(expected)) {
        if (Number(stats[key]) !== expected[key]) {
          return (
            "In ex03_readings, " + what[key] + " is " + stats[key] +
            " instead of " + expected[key] + ". For i from 0 to 49999: " +
            "sensor 'sensor-' + (i % 10), minute Math.floor(i / 10), celsius (i % 50) / 2."
          );
        }
      }
    `,
  },
  {
    id: "ids-generated",
    description: "The database generated the ids: they run without a gap from 1.",
    hidden: true,
    code: checkCode`
      const ids: any = await engine.connect(async (conn) => {
        const query =
          "select min(id) as low, max(id) as high, count(*) as n from ex03_readings";
        return (await conn.execute(query)).one();
      });
      if (Number(ids.n) === 0) return 'Table "ex03_readings" is empty.';
      const [low, high, n] = [Number(ids.low), Number(ids.high), Number(ids.n)];
      if (low < 1 || high - low + 1 !== n) {
        return (
          "The ids run from " + ids.low + " to " + ids.high + " for " + ids.n +
          " rows: leave id out of the rows so that the database numbers them."
        );
      }
    `,
  },
  {
    id: "bad-batch-not-null",
    description: "badError is the IntegrityError PostgreSQL raised for the reading without a sensor.",
    hidden: true,
    code: checkCode`
      const err: any = badError;
      if (err === undefined) return "badError is undefined.";
      const first = String(err?.message ?? err).split("\n")[0];
      if (err?.name !== "IntegrityError" || err.code !== "23502") {
        return (
          "badError should be the IntegrityError of the NOT NULL violation " +
          "(SQLSTATE 23502), not " +
          (err?.name ?? typeof err) + (err?.code ? " " + err.code : "") + ": " + first
        );
      }
    `,
  },
];
