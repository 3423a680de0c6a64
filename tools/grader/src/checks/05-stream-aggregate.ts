/**
 * Checks of exercise 05-stream-aggregate: totals computed row by row from a
 * stream, and a search that stops reading at the first match.
 *
 * @module
 */
import { checkCode, type Check } from "../check.js";

/** The checks of 05-stream-aggregate, in the order they run. */
export const checks: readonly Check[] = [
  {
    id: "stats-by-city",
    description: "statsByCity(conn) returns trips, km and longest for every city.",
    hidden: false,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const totals = await conn.execute(
          "select city, count(*)::int as trips, sum(km)::int as km, max(km) as longest " +
            "from ex05_trips group by city order by city",
        );
        const expected = totals.rows;
        const got: any = await statsByCity(conn);
        if (!(got instanceof Map)) {
          return (
            "statsByCity(conn) should return a Map from city to { trips, km, longest }, " +
            "not " + JSON.stringify(got) + "."
          );
        }
        const normal = [...got.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([city, stats]: [any, any]) => ({
            city,
            trips: stats?.trips,
            km: stats?.km,
            longest: stats?.longest,
          }));
        if (JSON.stringify(normal) !== JSON.stringify(expected)) {
          return (
            "statsByCity(conn) gave " + JSON.stringify(normal) +
            "; expected " + JSON.stringify(expected) + "."
          );
        }
      });
    `,
  },
  {
    id: "first-trip",
    description: "firstTripLongerThan(conn, 39) returns the id of the first trip longer than 39 km.",
    hidden: false,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const query = "select min(id) from ex05_trips where km > $1";
        const expected = (await conn.execute(query, [39])).scalar();
        const got: any = await firstTripLongerThan(conn, 39);
        if (got !== expected) {
          return (
            "firstTripLongerThan(conn, 39) returned " + JSON.stringify(got) +
            "; expected " + expected + "."
          );
        }
      });
    `,
  },
  {
    id: "stats-streamed",
    description: "statsByCity(conn) reads the rows with conn.stream(), not conn.execute().",
    hidden: true,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const totals = await conn.execute(
          "select city, count(*)::int as trips, sum(km)::int as km, max(km) as longest " +
            "from ex05_trips group by city order by city",
        );
        const expected = totals.rows;
        // statsByCity gets a connection whose execute() refuses to run:
        // everything must come through stream().
        const refusal =
          "statsByCity() should stream the rows with conn.stream(), " +
          "not fetch them all with conn.execute().";
        const streamOnly = new Proxy(conn, {
          get(target: any, property) {
            if (property === "execute") {
              return () => Promise.reject(new Error(refusal));
            }
            const value = Reflect.get(target, property, target);
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
        const got: any = await statsByCity(streamOnly);
        const normal = got instanceof Map
          ? [...got.entries()]
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([city, stats]: [any, any]) => ({
                city,
                trips: stats?.trips,
                km: stats?.km,
                longest: stats?.longest,
              }))
          : got;
        if (JSON.stringify(normal) !== JSON.stringify(expected)) {
          return (
            "Streaming, statsByCity(conn) gave " + JSON.stringify(normal) +
            "; expected " + JSON.stringify(expected) + "."
          );
        }
      });
    `,
  },
  {
    id: "stats-live",
    description: "statsByCity(conn) totals what is in the table now: a city gone, a new one added.",
    hidden: true,
    code: checkCode`
      // engine.connect() rolls back at the end:
      // the changes never reach the notebook's data.
      return await engine.connect(async (conn) => {
        await conn.execute("delete from ex05_trips where city = $1", ["Lima"]);
        await conn.execute(
          'insert into ex05_trips (city, km, "fareCents") ' +
            "values ($1, 3, 610), ($1, 55, 6850), ($1, 12, 1690)",
          ["Nuuk"],
        );
        const totals = await conn.execute(
          "select city, count(*)::int as trips, sum(km)::int as km, max(km) as longest " +
            "from ex05_trips group by city order by city",
        );
        const expected = totals.rows;
        const got: any = await statsByCity(conn);
        const normal = got instanceof Map
          ? [...got.entries()]
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([city, stats]: [any, any]) => ({
                city,
                trips: stats?.trips,
                km: stats?.km,
                longest: stats?.longest,
              }))
          : got;
        if (JSON.stringify(normal) !== JSON.stringify(expected)) {
          return (
            "After changing the trips, statsByCity(conn) gave " + JSON.stringify(normal) +
            "; expected " + JSON.stringify(expected) + "."
          );
        }
      });
    `,
  },
  {
    id: "first-trip-stops-early",
    description: "firstTripLongerThan() stops reading at the first match.",
    hidden: true,
    code: checkCode`
      return await engine.connect(async (conn) => {
        // Counts the rows firstTripLongerThan takes from its stream, however it
        // reads it (for await, fetchMany, partitions, first, scalars, ...);
        // it should not read past its answer.
        let taken = 0;
        const count = (value: any) => {
          taken += Array.isArray(value) ? value.length : value === undefined ? 0 : 1;
          return value;
        };
        const countSteps = (iterator: any) => ({
          next: async () => {
            const step = await iterator.next();
            if (!step.done) count(step.value);
            return step;
          },
          return: (value?: any) => iterator.return(value),
          throw: (error?: any) => iterator.throw(error),
          [Symbol.asyncIterator]() {
            return this;
          },
        });
        const uncounted: any[] = ["keys", "close", "return", "throw"];
        // The stream itself answers every call, so the cursor works as usual.
        const watch = (result: any): any =>
          new Proxy(result, {
            get(target: any, property: any) {
              const value = Reflect.get(target, property, target);
              if (typeof value !== "function") return value;
              return (...args: any[]) => {
                const out = value.apply(target, args);
                if (uncounted.includes(property)) return out;
                if (property === "next") {
                  return out.then((step: any) => {
                    if (!step.done) count(step.value);
                    return step;
                  });
                }
                if (out && typeof out.fetchMany === "function") return watch(out);
                if (out && typeof out.next === "function") return countSteps(out);
                return Promise.resolve(out).then(count);
              };
            },
          });
        const counting = new Proxy(conn, {
          get(target: any, property) {
            const value = Reflect.get(target, property, target);
            if (property === "stream" || property === "streamScalars") {
              return (...args: any[]) => watch(value.apply(target, args));
            }
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
        const query = "select min(id) from ex05_trips where km > $1";
        const expected = (await conn.execute(query, [39])).scalar();
        const got: any = await firstTripLongerThan(counting, 39);
        if (got !== expected) {
          return (
            "firstTripLongerThan(conn, 39) returned " + JSON.stringify(got) +
            "; expected " + expected + "."
          );
        }
        if (taken > 1000) {
          return (
            "firstTripLongerThan(conn, 39) read " + taken + " rows to find trip " +
            expected + ": leave the loop (return or break) at the first match."
          );
        }
      });
    `,
  },
  {
    id: "first-trip-none",
    description: "firstTripLongerThan() returns trip 1 when every trip matches, and undefined when none does.",
    hidden: true,
    code: checkCode`
      return await engine.connect(async (conn) => {
        const first: any = await firstTripLongerThan(conn, 0);
        if (first !== 1) {
          return (
            "firstTripLongerThan(conn, 0) returned " + JSON.stringify(first) +
            "; every trip is longer than 0 km, so expected trip 1."
          );
        }
        const got: any = await firstTripLongerThan(conn, 1000);
        if (got !== undefined) {
          return (
            "firstTripLongerThan(conn, 1000) returned " + JSON.stringify(got) +
            "; no trip is that long, so expected undefined."
          );
        }
      });
    `,
  },
];
