// A PostgreSQL server: bad connection details fail fast and clearly, scopes
// really run at once on pooled connections, and what the server does differently
// underneath (a pool, pg's protocol) is invisible to the same code.
// The closed-port and silent-server cases need no server; the rest run when
// DATABASE_URL is set and are skipped, with the reason, when it is not.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { ArgumentError, ConnectionError, createEngine, EngineDisposedError, ProgrammingError, sql, StatementError, type Engine } from "../src/index.js";
import { describeEachTarget, uniqueName } from "./support/targets.js";

const serverUrl = process.env["DATABASE_URL"];
const needsServer = serverUrl ? false : "DATABASE_URL is not set: this needs a PostgreSQL server (source .ci/postgres.sh)";

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Asserts that `fn` fails with a ConnectionError naming host and database but not the password, within `ms`. */
async function assertConnectionError(fn: () => Promise<unknown>, named: RegExp[], secret: string, ms: number): Promise<ConnectionError> {
  const started = Date.now();
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  const elapsed = Date.now() - started;
  assert.ok(caught instanceof ConnectionError, `expected a ConnectionError, got ${String(caught)}`);
  for (const pattern of named) assert.match(caught.message, pattern);
  assert.ok(!caught.message.includes(secret), `the message shows the password: ${caught.message}`);
  assert.ok(caught.cause !== undefined, "the driver error is kept as cause");
  assert.ok(elapsed < ms, `took ${elapsed} ms`);
  return caught;
}

/** A URL like DATABASE_URL with another password or database. */
function variant(change: (url: URL) => void): string {
  const url = new URL(serverUrl ?? "postgres://localhost/x");
  change(url);
  return url.toString();
}

describe("bad connection details", () => {
  test("a closed port is a ConnectionError naming host, port and database, not the password, and the engine still disposes", async () => {
    const port = await closedPort();
    const engine = await createEngine(`postgres://someone:s3cret-pw@127.0.0.1:${port}/somedb`, { connectTimeoutMs: 2000 });
    assert.equal(engine.url, `postgres://someone:***@127.0.0.1:${port}/somedb`);
    const err = await assertConnectionError(
      () => engine.connect((conn) => conn.execute("select 1")),
      [/127\.0\.0\.1/, new RegExp(`:${port}/`), /somedb/, /Is PostgreSQL running/],
      "s3cret-pw",
      5000,
    );
    assert.match(String((err.cause as Error).message), /ECONNREFUSED/);
    // Every way in fails the same way, and the engine is not left half-open.
    await assert.rejects(engine.begin(async () => 1), ConnectionError);
    await assert.rejects(engine.kysely.selectNoFrom((eb) => eb.lit(1).as("one")).execute(), ConnectionError);
    await engine.dispose();
    await assert.rejects(engine.connect(async () => 1), EngineDisposedError);
  });

  test("a server that accepts the connection but never answers fails after connectTimeoutMs, not never", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket); // accept, read nothing back
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const engine = await createEngine(`postgres://someone:pw-never-shown@127.0.0.1:${port}/quiet`, { connectTimeoutMs: 500 });
      const started = Date.now();
      await assertConnectionError(() => engine.connect(async () => 1), [/127\.0\.0\.1/, /quiet/, /500 ms/], "pw-never-shown", 4000);
      assert.ok(Date.now() - started >= 400, "it waited for the timeout");
      await engine.dispose();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test("a password given as a query parameter is hidden as well", async () => {
    const port = await closedPort();
    const engine = await createEngine(`postgres://someone@127.0.0.1:${port}/somedb?password=query-secret&application_name=lab`, { connectTimeoutMs: 2000 });
    assert.equal(engine.url, `postgres://someone@127.0.0.1:${port}/somedb?password=***&application_name=lab`);
    await assertConnectionError(() => engine.connect(async () => 1), [/somedb/], "query-secret", 5000);
    await engine.dispose();
  });

  test("createEngine does not connect: a bad server is found by the first scope, as in SQLAlchemy", async () => {
    const port = await closedPort();
    const started = Date.now();
    const engine = await createEngine(`postgres://u:p@127.0.0.1:${port}/db`);
    assert.ok(Date.now() - started < 1000);
    assert.equal(engine.dialect, "postgres");
    await engine.dispose();
  });

  test("a pool size or connect timeout that is not positive is refused", async () => {
    await assert.rejects(createEngine("postgres://u@127.0.0.1/db", { poolSize: 0 }), (err: unknown) => err instanceof ArgumentError && /poolSize/.test((err as Error).message));
    await assert.rejects(createEngine("postgres://u@127.0.0.1/db", { connectTimeoutMs: -1 }), (err: unknown) => err instanceof ArgumentError && /connectTimeoutMs/.test((err as Error).message));
  });

  test("a wrong password is a ConnectionError naming user, host and database, not the password", { skip: needsServer }, async () => {
    const url = variant((u) => {
      u.password = "definitely-wrong-pw";
    });
    const engine = await createEngine(url, { connectTimeoutMs: 5000 });
    const target = new URL(url);
    await assertConnectionError(
      () => engine.connect(async () => 1),
      [new RegExp(target.hostname.replace(/\./g, "\\.")), new RegExp(target.pathname.slice(1)), /password authentication failed/, /Check the user name and password/],
      "definitely-wrong-pw",
      8000,
    );
    await engine.dispose();
  });

  test("a database that does not exist is a ConnectionError naming it", { skip: needsServer }, async () => {
    const engine = await createEngine(variant((u) => (u.pathname = "/no_such_database_here")), { connectTimeoutMs: 5000 });
    const password = decodeURIComponent(new URL(serverUrl ?? "postgres://x").password);
    await assertConnectionError(() => engine.connect(async () => 1), [/no_such_database_here/, /does not exist/, /Create the database/], password || "\u0000", 8000);
    await engine.dispose();
  });
});

describe("scopes on a server run at once", { skip: needsServer }, () => {
  let engine: Engine;
  let table: string;
  before(async () => {
    engine = await createEngine(serverUrl, { poolSize: 3 });
    table = uniqueName("server_overlap");
    await engine.begin((conn) => conn.execute(`create table ${table} (who text)`));
  });
  after(async () => {
    await engine.begin((conn) => conn.execute(`drop table ${table}`));
    await engine.dispose();
  });

  test("two begin() scopes hold their transactions at the same time, on different connections", async () => {
    const pids = new Map<string, number>();
    let arrive!: () => void;
    const bothInside = new Promise<void>((resolve) => {
      arrive = () => {
        if (pids.size === 2) resolve();
      };
    });
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new Error("the other scope never started: the scopes were serialized")), 5000);
      void bothInside.then(() => clearTimeout(timer));
    });
    const measured = new Set<string>();
    let bothMeasured!: () => void;
    const measuredPromise = new Promise<void>((resolve) => {
      bothMeasured = resolve;
    });
    const scope = (who: string, other: string) =>
      engine.begin(async (conn) => {
        await conn.execute(`insert into ${table} values ($1)`, [who]);
        pids.set(who, (await conn.execute("select pg_backend_pid() as pid")).scalar() as number);
        arrive();
        await Promise.race([bothInside, timeout]);
        // Each sees only its own uncommitted row, and the other session is inside a transaction too.
        const seen = (await conn.execute(`select who from ${table} order by who`)).scalars();
        const otherInTransaction = (await conn.execute("select xact_start is not null from pg_stat_activity where pid = $1", [pids.get(other)])).scalar();
        // Neither commits before both have looked at the other.
        measured.add(who);
        if (measured.size === 2) bothMeasured();
        await measuredPromise;
        return { seen, otherInTransaction };
      });
    const [a, b] = await Promise.all([scope("a", "b"), scope("b", "a")]);
    assert.notEqual(pids.get("a"), pids.get("b"));
    assert.deepEqual(a, { seen: ["a"], otherInTransaction: true });
    assert.deepEqual(b, { seen: ["b"], otherInTransaction: true });
    const committed = await engine.connect(async (conn) => (await conn.execute(`select who from ${table} order by who`)).scalars());
    assert.deepEqual(committed, ["a", "b"]);
  });

  test("no more scopes run at once than poolSize, and the ones waiting are served in turn", async () => {
    let running = 0;
    let peak = 0;
    const pids = new Set<number>();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 9 }, () =>
        engine.begin(async (conn) => {
          running++;
          peak = Math.max(peak, running);
          pids.add((await conn.execute("select pg_backend_pid() as pid")).scalar() as number);
          await conn.execute("select pg_sleep(0.15)");
          running--;
        }),
      ),
    );
    const elapsed = Date.now() - started;
    assert.equal(peak, 3);
    assert.ok(pids.size <= 3, `${pids.size} server sessions were used`);
    // Nine scopes of 150 ms, three at a time: three rounds, far less than nine in a row.
    assert.ok(elapsed >= 400 && elapsed < 1350 * 2, `took ${elapsed} ms`);
  });

  test("waiting for a busy pool is not a connection timeout", async () => {
    const small = await createEngine(serverUrl, { poolSize: 1, connectTimeoutMs: 300 });
    try {
      const first = small.begin((conn) => conn.execute("select pg_sleep(0.8)"));
      await new Promise((r) => setTimeout(r, 50));
      const second = await small.connect(async (conn) => (await conn.execute("select 2 as two")).scalar());
      await first;
      assert.equal(second, 2);
    } finally {
      await small.dispose();
    }
  });
});

describe("streams on a server", { skip: needsServer }, () => {
  let engine: Engine;
  before(async () => {
    engine = await createEngine(serverUrl, { poolSize: 1, connectTimeoutMs: 2000 });
  });
  after(async () => {
    await engine.dispose();
  });

  const fast = async (what: string) => {
    const started = Date.now();
    const value = await engine.connect(async (conn) => (await conn.execute("select count(*)::int from pg_cursors where name like 'pglite_lab%'")).scalar());
    assert.equal(value, 0, `no cursor is left open after ${what}`);
    assert.ok(Date.now() - started < 1000, `the next scope waited ${Date.now() - started} ms after ${what}`);
  };

  test("a stream holds the pool's one connection and gives it back on break", async () => {
    const seen: number[] = [];
    await engine.connect(async (conn) => {
      for await (const row of conn.stream<{ i: number }>("select i from generate_series(1, 100000) as i", [], { batchSize: 10 })) {
        seen.push(row.i);
        if (seen.length === 3) break;
      }
    });
    assert.deepEqual(seen, [1, 2, 3]);
    await fast("break");
  });

  test("a throw inside a stream gives the connection back too", async () => {
    await assert.rejects(
      engine.begin(async (conn) => {
        for await (const row of conn.stream<{ i: number }>("select i from generate_series(1, 100000) as i", [], { batchSize: 10 })) {
          if (row.i === 15) throw new Error("stop streaming");
        }
      }),
      /stop streaming/,
    );
    await fast("a throw");
  });

  test("engine.kysely streams outside a scope and gives the connection back when the loop ends early", async () => {
    const rows: unknown[] = [];
    for await (const row of engine.kysely.selectFrom(sql<{ g: number }>`generate_series(1, 3)`.as("g")).selectAll().stream(2)) {
      rows.push(row);
      if (rows.length === 2) break;
    }
    assert.equal(rows.length, 2);
    await fast("an early end of a Kysely stream");
  });
});

describe("a lost server connection", { skip: needsServer }, () => {
  test("fails the scope that held it, without crashing the process, and the next scope gets a fresh connection", async () => {
    const engine = await createEngine(serverUrl, { poolSize: 2 });
    const killer = await createEngine(serverUrl, { poolSize: 1 });
    try {
      let pidBefore = 0;
      await assert.rejects(
        engine.begin(async (conn) => {
          pidBefore = (await conn.execute("select pg_backend_pid() as pid")).scalar() as number;
          await killer.connect((k) => k.execute("select pg_terminate_backend($1)", [pidBefore]));
          await new Promise((r) => setTimeout(r, 100));
          await conn.execute("select 1");
        }),
        (err: unknown) => err instanceof StatementError || err instanceof ConnectionError,
      );
      const pidAfter = await engine.connect(async (conn) => (await conn.execute("select pg_backend_pid() as pid")).scalar());
      assert.notEqual(pidAfter, pidBefore);
    } finally {
      await engine.dispose();
      await killer.dispose();
    }
  });
});

// What the server does underneath must not show: the same code behaves the same on both targets.
describeEachTarget("behaviour the server shares with the embedded engine", ({ engine }) => {
  test("other statements run between the fetches of a stream in the same scope", async () => {
    const table = uniqueName("between_fetches");
    const copied = await engine().begin(async (conn) => {
      await conn.execute(`create table ${table} (i int)`);
      for await (const row of conn.stream<{ i: number }>("select i from generate_series(1, 25) as i", [], { batchSize: 4 })) {
        await conn.execute(`insert into ${table} values ($1)`, [row.i * 2]);
      }
      const sum = (await conn.execute(`select sum(i)::int from ${table}`)).scalar();
      await conn.execute(`drop table ${table}`);
      return sum;
    });
    assert.equal(copied, 650);
  });

  test("two statements in one string are refused, one statement per call", async () => {
    await engine().connect(async (conn) => {
      await assert.rejects(conn.execute("select 1; select 2"), (err: unknown) => err instanceof ProgrammingError && /multiple commands/.test((err as Error).message));
    });
  });

  test("a nested scope from inside a scope runs on a server and is refused on PGlite", async () => {
    const inner = engine().begin(async () => engine().connect(async (conn) => (await conn.execute("select 1 as one")).scalar()));
    if (engine().dialect === "postgres") assert.equal(await inner, 1);
    else await assert.rejects(inner, /inside an open scope/);
  });
});
