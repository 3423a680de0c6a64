// The web API example (examples/web-api/): its routes called in-process with
// app.request(), and through a real server on 127.0.0.1 where streaming,
// disconnects, paused readers and slow clients need a socket. One engine per
// target: the embedded one always, a PostgreSQL server when DATABASE_URL is set
// (in a schema of its own, since the example's tables have fixed names).
import assert from "node:assert/strict";
import { createHook } from "node:async_hooks";
import { createHmac } from "node:crypto";
import { request as httpRequest, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Hono } from "hono";
import { sign } from "hono/jwt";
import { createEngine, type Engine } from "pglite-lab";
import { createApp } from "../examples/web-api/app.js";
import { createUser } from "../examples/web-api/auth.js";
import { ndjson } from "../examples/web-api/ndjson.js";
import { connectionScope, type ScopeEnv } from "../examples/web-api/connection-scope.js";
import { employees, md, type ApiDatabase, type Employee } from "../examples/web-api/schema.js";
import { serveApi, type ServeOptions } from "../examples/web-api/serve-api.js";
import { verifyToken } from "../examples/web-api/tokens.js";
import { targets, uniqueName } from "./support/targets.js";

const SECRET = "a test secret of at least 32 bytes";
const EXPORT_ROWS = 100_000;
const PAGE_ROWS = 1000;
const PAGE_SQL = 'select * from "employees" where "id" > $1 order by "id" limit $2';
const CITIES = ["London", "Paris", "Berlin", "Madrid", "Rome"];
const BODY_LIMIT = 16 * 1024;

/** A full garbage collection, whether or not the runner was started with --expose-gc. */
function collector(): () => void {
  if (typeof global.gc === "function") return global.gc;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `promise`, or rejects when it takes longer than `ms`: a stuck engine fails the test instead of hanging it. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A JWT part as hono/jwt and every other library encode it. */
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** A raw TCP client: what it received so far, and a promise of the connection's close. */
function rawClient(base: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return { socket, received: () => Buffer.concat(chunks).toString("latin1"), closed };
}

/**
 * An engine for `url` whose sessions work in a fresh schema (a server), or the
 * embedded engine; `drop` removes what it made.
 */
async function openEngine(url: string | undefined, echo: (line: string) => void): Promise<{ engine: Engine<ApiDatabase>; drop: () => Promise<void> }> {
  if (url === undefined) {
    const engine = await createEngine<ApiDatabase>({ echo });
    return { engine, drop: () => engine.dispose() };
  }
  const schema = uniqueName("web_api");
  const admin = await createEngine(url);
  await admin.begin((conn) => conn.execute(`create schema ${schema}`));
  const scoped = new URL(url);
  scoped.searchParams.set("options", `-c search_path=${schema}`);
  const engine = await createEngine<ApiDatabase>(scoped.toString(), { echo });
  return {
    engine,
    drop: async () => {
      await engine.dispose();
      await admin.begin((conn) => conn.execute(`drop schema ${schema} cascade`));
      await admin.dispose();
    },
  };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
}

for (const target of targets) describe(`web API example [${target.name}]`, () => {
  let engine: Engine<ApiDatabase>;
  let drop: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let server: Server;
  let base: string;
  let token: string;
  const log: string[] = [];

  const count = () => engine.connect(async (conn) => (await conn.execute<{ n: number }>("select count(*)::int as n from employees")).scalar() as number);
  const post = async (body: unknown, bearer: string | null = token, contentType: string | null = "application/json") =>
    app.request("/employees", {
      method: "POST",
      headers: {
        ...(contentType === null ? {} : { "Content-Type": contentType }),
        ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const tokenFor = async (username: string, password: string, to = app) =>
    to.request("/token", { method: "POST", body: new URLSearchParams({ username, password }) });
  /** Statement-log lines from `mark` on: what the engine did since. */
  const since = (mark: number) => log.slice(mark);
  const pagesSince = (mark: number) => since(mark).filter((line) => line === PAGE_SQL).length;
  /** The fields a 422 names. */
  const fields = async (res: Response) => ((await res.json()) as { issues: { field: string }[] }).issues.map((i) => i.field);

  /**
   * Runs `fn` while a scope of the test holds `table` locked: on the embedded
   * engine no other scope can start, on a server every statement on the table waits.
   */
  async function whileLocked<T>(table: string, fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = engine.begin(async (conn) => {
      await conn.execute(`lock table ${table} in access exclusive mode`);
      locked();
      await released;
    });
    await isLocked;
    try {
      return await fn();
    } finally {
      release();
      await holder;
    }
  }

  before(async () => {
    ({ engine, drop } = await openEngine(target.url, (line) => log.push(line)));
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await createUser(conn, "alice", "wonderland");
      const rows = Array.from({ length: EXPORT_ROWS }, (_, i) => ({
        name: `Employee ${i + 1}`,
        city: CITIES[i % CITIES.length] as string,
        salary: 3000 + (i % 5000),
      }));
      await conn.execute(employees.insert(), rows);
    });
    // Fresh statistics (PGlite runs no autovacuum; a server's may not have run yet).
    await engine.connect((conn) => conn.execute("analyze employees"));
    app = createApp(engine, { jwtSecret: SECRET });
    ({ server, url: base } = await serveApi(app, { port: 0 }));
    const res = await tokenFor("alice", "wonderland");
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  after(async () => {
    await closeServer(server);
    await drop();
  });

  describe("GET /employees", () => {
    test("returns the first 20 rows in id order with the total", async () => {
      const res = await app.request("/employees");
      assert.equal(res.status, 200);
      const body = (await res.json()) as { total: number; limit: number; offset: number; items: Employee[] };
      assert.equal(body.total, await count());
      assert.equal(body.limit, 20);
      assert.equal(body.offset, 0);
      assert.deepEqual(body.items.map((e) => e.id), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.deepEqual(body.items[0], { id: 1, name: "Employee 1", city: "London", salary: 3000 });
    });

    test("returns the page that limit and offset select", async () => {
      const res = await app.request("/employees?limit=3&offset=5");
      const body = (await res.json()) as { limit: number; offset: number; items: Employee[] };
      assert.equal(res.status, 200);
      assert.deepEqual([body.limit, body.offset], [3, 5]);
      assert.deepEqual(body.items.map((e) => e.id), [6, 7, 8]);
    });

    test("answers 422 naming limit when limit is out of range", async () => {
      const res = await app.request("/employees?limit=1000");
      assert.equal(res.status, 422);
      const body = (await res.json()) as { error: string; issues: { field: string }[] };
      assert.deepEqual(body.issues.map((i) => i.field), ["limit"]);
      assert.match(body.error, /^Invalid query: limit: /);
    });

    test("answers 422 naming offset when offset is not a number", async () => {
      const res = await app.request("/employees?offset=ten");
      assert.equal(res.status, 422);
      assert.deepEqual(await fields(res), ["offset"]);
    });

    test("answers 422 for a limit written other than in decimal digits, or given twice", async () => {
      for (const query of ["limit=0x10", "limit=1e1", "limit=%201", "limit=-0", "limit=2&limit=3"]) {
        const res = await app.request(`/employees?${query}`);
        assert.equal(res.status, 422, query);
        assert.deepEqual(await fields(res), ["limit"], query);
      }
    });
  });

  describe("GET /employees/:id", () => {
    test("returns the employee with that id", async () => {
      const res = await app.request("/employees/2");
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { id: 2, name: "Employee 2", city: "Paris", salary: 3001 });
    });

    test("answers 404 with a message naming the id when there is no such employee", async () => {
      const res = await app.request("/employees/999999");
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { error: "Employee 999999 not found." });
    });

    test("answers 422 naming id when the id is not a number", async () => {
      const res = await app.request("/employees/abc");
      assert.equal(res.status, 422);
      assert.deepEqual(await fields(res), ["id"]);
    });

    test("answers 422 for an id written other than in plain decimal digits", async () => {
      for (const id of ["0x10", "1e1", "%201", "01", "1.0", "2147483648", "1%00", "..%2F..%2Fetc%2Fpasswd"]) {
        const res = await app.request(`/employees/${id}`);
        assert.equal(res.status, 422, id);
        assert.deepEqual(await fields(res), ["id"], id);
      }
    });
  });

  describe("POST /token", () => {
    test("issues an HS256 bearer token naming the user for the right password", async () => {
      const res = await tokenFor("alice", "wonderland");
      assert.equal(res.status, 200);
      const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
      assert.equal(body.token_type, "bearer");
      assert.equal(body.expires_in, 1800);
      const [header] = body.access_token.split(".");
      assert.deepEqual(JSON.parse(Buffer.from(header as string, "base64url").toString()), { alg: "HS256", typ: "JWT" });
      const claims = verifyToken(body.access_token, SECRET);
      assert.equal(claims.sub, "alice");
      assert.equal(claims.exp - claims.iat, 1800);
    });

    test("answers 401 for a wrong password", async () => {
      const res = await tokenFor("alice", "looking-glass");
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: "Incorrect username or password." });
    });

    test("answers 401 for an unknown user, with the same body as for a wrong password", async () => {
      const res = await tokenFor("mallory", "wonderland");
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: "Incorrect username or password." });
    });

    test("an unknown user's login runs the password hash, as a wrong password's does", async () => {
      // scrypt requests are counted as Node creates them: the work a login does, whatever the clock says.
      let hashes = 0;
      const hook = createHook({ init: (_id, type) => void (type === "SCRYPTREQUEST" && hashes++) });
      const hashesDuring = async (login: () => Promise<Response>) => {
        hashes = 0;
        hook.enable();
        try {
          assert.equal((await login()).status, 401);
        } finally {
          hook.disable();
        }
        return hashes;
      };
      await tokenFor("nobody", "x"); // the first unknown user also hashes the stand-in password once
      const unknown = await hashesDuring(() => tokenFor("mallory", "wonderland"));
      const wrong = await hashesDuring(() => tokenFor("alice", "looking-glass"));
      assert.equal(wrong, 1);
      assert.equal(unknown, wrong);
    });

    test("answers 422 naming username for a username holding a NUL", async () => {
      const res = await tokenFor("ali\0ce", "wonderland");
      assert.equal(res.status, 422);
      assert.deepEqual(await fields(res), ["username"]);
    });

    test("answers 422 naming username when it is given twice", async () => {
      const res = await app.request("/token", { method: "POST", body: new URLSearchParams("username=alice&username=bob&password=x") });
      assert.equal(res.status, 422);
      assert.deepEqual(await fields(res), ["username"]);
    });

    test("answers 415 naming the form type for credentials sent as JSON", async () => {
      const res = await app.request("/token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: "alice", password: "wonderland" }),
      });
      assert.equal(res.status, 415);
      assert.match(((await res.json()) as { error: string }).error, /Content-Type: application\/x-www-form-urlencoded/);
    });
  });

  describe("POST /employees", () => {
    test("answers 201 with the created row as RETURNING gave it, and commits it", async () => {
      const res = await post({ name: "Barbara Liskov", city: "Boston", salary: 7000 });
      assert.equal(res.status, 201);
      const created = (await res.json()) as Employee;
      assert.equal(typeof created.id, "number");
      assert.deepEqual(created, { id: created.id, name: "Barbara Liskov", city: "Boston", salary: 7000 });
      assert.equal(res.headers.get("Location"), `/employees/${created.id}`);
      const stored = await engine.connect(async (conn) => (await conn.execute(employees.select().where("id", "=", created.id))).first());
      assert.deepEqual(stored, created);
    });

    test("answers 401 with WWW-Authenticate: Bearer and inserts nothing without a token", async () => {
      const before = await count();
      const res = await post({ name: "Eve", city: "Nowhere", salary: 1 }, null);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("WWW-Authenticate"), "Bearer");
      assert.match(((await res.json()) as { error: string }).error, /Authorization: Bearer/);
      assert.equal(await count(), before);
    });

    test("refuses a request without a token, or with a bad body, while the engine is busy: no scope is taken first", async () => {
      const answers = await whileLocked("employees", () =>
        within(5000, Promise.all([post({ name: "Eve", city: "Nowhere", salary: 1 }, null), post({ name: "Eve" })]), "the refusals"),
      );
      assert.deepEqual(answers.map((r) => r.status), [401, 422]);
    });

    describe("bearer tokens", () => {
      const refusal = async (bearer: string) => {
        const before = await count();
        const res = await post({ name: "Eve", city: "Nowhere", salary: 1 }, bearer);
        assert.equal(res.status, 401);
        assert.equal(res.headers.get("WWW-Authenticate"), 'Bearer error="invalid_token"');
        assert.equal(await count(), before);
        return ((await res.json()) as { error: string }).error;
      };

      test("answers 401 for a token signed with another secret", async () => {
        const forged = await sign({ sub: "alice", iat: now(), exp: now() + 60 }, "not-the-secret", "HS256");
        assert.equal(await refusal(forged), "The bearer token was refused: its signature does not match.");
      });

      test("answers 401 for an expired token", async () => {
        const expired = await sign({ sub: "alice", iat: now() - 120, exp: now() - 60 }, SECRET, "HS256");
        assert.equal(await refusal(expired), "The bearer token was refused: it has expired.");
      });

      test("answers 401 for a token without an expiry time", async () => {
        const forever = await sign({ sub: "alice", iat: now() }, SECRET, "HS256");
        assert.equal(await refusal(forever), "The bearer token was refused: it has no expiry time (exp).");
      });

      test("says only that the signature does not match for a forged token, whatever its claims", async () => {
        const forged = await sign({ sub: "alice", iat: now() - 120, exp: now() - 60 }, "not-the-secret", "HS256");
        assert.equal(await refusal(forged), "The bearer token was refused: its signature does not match.");
      });

      test("answers 401 for a token signed with HS512 or with alg none", async () => {
        const hs512 = await sign({ sub: "alice", iat: now(), exp: now() + 60 }, SECRET, "HS512");
        assert.equal(await refusal(hs512), "The bearer token was refused: its signature does not match.");
        const none = `${part({ alg: "none", typ: "JWT" })}.${part({ sub: "alice", iat: now(), exp: now() + 60 })}.`;
        assert.equal(await refusal(none), "The bearer token was refused: it is not a JWT.");
      });

      test("answers 401 for a correctly signed token whose header names another algorithm", async () => {
        const input = `${part({ alg: "HS512", typ: "JWT" })}.${part({ sub: "alice", iat: now(), exp: now() + 60 })}`;
        const relabelled = `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
        assert.equal(await refusal(relabelled), "The bearer token was refused: its header does not say HS256.");
      });

      test("answers 401 for a token issued in the future or not valid yet", async () => {
        const early = await sign({ sub: "alice", iat: now() + 3600, exp: now() + 7200 }, SECRET, "HS256");
        assert.equal(await refusal(early), "The bearer token was refused: its issue time (iat) is in the future.");
        const later = await sign({ sub: "alice", iat: now(), nbf: now() + 3600, exp: now() + 7200 }, SECRET, "HS256");
        assert.equal(await refusal(later), "The bearer token was refused: it is not valid yet (nbf).");
      });

      test("answers 401 for a token whose subject is not a username", async () => {
        const numbered = await sign({ sub: 42, iat: now(), exp: now() + 60 }, SECRET, "HS256");
        assert.equal(await refusal(numbered), "The bearer token was refused: it names no user.");
      });

      test("answers 401 for a bearer value that is not a JWT", async () => {
        assert.equal(await refusal("not-a-jwt"), "The bearer token was refused: it is not a JWT.");
        assert.equal(await refusal(`${token}x`.repeat(20)), "The bearer token was refused: it is not a JWT.");
      });
    });

    test("answers 422 naming salary when salary is a string", async () => {
      const before = await count();
      const res = await post({ name: "Ken", city: "Murray Hill", salary: "7000" });
      assert.equal(res.status, 422);
      const body = (await res.json()) as { error: string; issues: { field: string; message: string }[] };
      assert.deepEqual(body.issues.map((i) => i.field), ["salary"]);
      assert.equal(body.error, "Invalid body: salary: Invalid input: expected number, received string.");
      assert.equal(await count(), before);
    });

    test("answers 422 naming city when city is missing", async () => {
      const res = await post({ name: "Ken", salary: 7000 });
      assert.equal(res.status, 422);
      assert.deepEqual(await fields(res), ["city"]);
    });

    test("answers 422 naming an unknown field such as id", async () => {
      const res = await post({ id: 1, name: "Ken", city: "Murray Hill", salary: 7000 });
      assert.equal(res.status, 422);
      const body = (await res.json()) as { error: string; issues: { field: string }[] };
      assert.deepEqual(body.issues.map((i) => i.field), ["id"]);
      assert.match(body.error, /id: Unrecognized key/);
    });

    test("answers 422 naming name, and inserts nothing, when the name holds a NUL", async () => {
      const before = await count();
      const res = await post({ name: "Ken\u0000Thompson", city: "Murray Hill", salary: 7000 });
      assert.equal(res.status, 422);
      const body = (await res.json()) as { error: string; issues: { field: string }[] };
      assert.deepEqual(body.issues.map((i) => i.field), ["name"]);
      assert.match(body.error, /NUL/);
      assert.equal(await count(), before);
    });

    test("answers 422 naming city, and inserts nothing, when the city holds a lone surrogate", async () => {
      const before = await count();
      const res = await post('{"name": "Ken", "city": "Murray \\ud800Hill", "salary": 7000}');
      assert.equal(res.status, 422);
      const body = (await res.json()) as { error: string; issues: { field: string }[] };
      assert.deepEqual(body.issues.map((i) => i.field), ["city"]);
      assert.match(body.error, /lone surrogate/);
      assert.equal(await count(), before);
    });

    test("answers 422 naming salary for a salary too large, fractional or overflowing to Infinity", async () => {
      for (const salary of ["1e400", "10000001", "9007199254740993", "1.5", "-1", "null", "[7000]", '{"$gt": 0}']) {
        const res = await post(`{"name": "Ken", "city": "Murray Hill", "salary": ${salary}}`);
        assert.equal(res.status, 422, salary);
        assert.deepEqual([...new Set(await fields(res))], ["salary"], salary);
      }
    });

    test("answers 422 for a body that is JSON but not an object", async () => {
      for (const body of ["null", "[]", '"Ken"', "42"]) {
        const res = await post(body);
        assert.equal(res.status, 422, body);
        assert.match(((await res.json()) as { error: string }).error, /^Invalid body: \(root\): /, body);
      }
    });

    test("answers 415 naming application/json for a body sent without a JSON Content-Type", async () => {
      for (const type of [null, "text/plain", "application/x-www-form-urlencoded"]) {
        const res = await post({ name: "Ken", city: "Murray Hill", salary: 7000 }, token, type);
        assert.equal(res.status, 415, String(type));
        assert.deepEqual(await res.json(), { error: "The request body must be sent as Content-Type: application/json." });
      }
    });

    test("answers 400 for a body that is not JSON", async () => {
      const res = await post('{"name": ');
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, /JSON/);
    });
  });

  describe("routes and errors", () => {
    test("createApp refuses a JWT secret shorter than 32 bytes", () => {
      for (const jwtSecret of ["", "test-secret"]) {
        assert.throws(() => createApp(engine, { jwtSecret }), { name: "RangeError", message: /jwtSecret of at least 32 bytes/ });
      }
    });

    test("createApp refuses a limit that is not a whole number of at least 1, naming the option", () => {
      for (const [name, value] of [["maxBodyBytes", 0], ["tokenTtlSeconds", Number.NaN], ["exportPageRows", 0.5], ["maxRequestsInFlight", -1]] as const) {
        assert.throws(() => createApp(engine, { jwtSecret: SECRET, [name]: value }), { name: "RangeError", message: new RegExp(`option ${name} must be a whole number`) });
      }
    });

    test("an unknown route answers 404 in JSON naming the route", async () => {
      const res = await app.request("/employee");
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { error: "No route for GET /employee." });
    });

    test("a method a route does not take answers 405 with the methods in Allow", async () => {
      const before = await count();
      const res = await app.request("/employees/1", { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get("Allow"), "GET, HEAD");
      assert.deepEqual(await res.json(), { error: "DELETE is not allowed on /employees/1; use GET or HEAD." });
      const overridden = await app.request("/employees/1", { method: "POST", headers: { "X-HTTP-Method-Override": "DELETE" } });
      assert.equal(overridden.status, 405);
      assert.equal(await count(), before);
    });

    test("a database error answers 500 with a message that names no table or statement", async (t) => {
      const logged = t.mock.method(console, "error", () => undefined);
      await engine.begin((conn) => conn.execute("alter table employees rename to employees_away"));
      try {
        const res = await app.request("/employees/1");
        assert.equal(res.status, 500);
        assert.equal(await res.text(), '{"error":"Internal server error."}');
      } finally {
        await engine.begin((conn) => conn.execute("alter table employees_away rename to employees"));
      }
      assert.equal(logged.mock.callCount(), 1, "the error went to the server's log");
    });
  });

  describe("limits", () => {
    test("a body over the limit answers 413 in JSON, naming the limit", async () => {
      const res = await tokenFor("alice", "x".repeat(BODY_LIMIT));
      assert.equal(res.status, 413);
      assert.deepEqual(await res.json(), { error: `The request body is larger than the limit of ${BODY_LIMIT} bytes.` });
    });

    test("a 100 MB form to /token answers 413 from its Content-Length, before the body is sent (real server)", async () => {
      const client = rawClient(base);
      client.socket.write(
        "POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
          `Content-Length: ${100 * 2 ** 20}\r\n\r\nusername=alice&password=`,
      );
      const answered = new Promise<void>((resolve) => client.socket.on("data", () => client.received().includes("\r\n\r\n") && resolve()));
      await within(5000, answered, "the answer to the announced 100 MB body");
      assert.match(client.received(), /^HTTP\/1\.1 413 /);
      client.socket.destroy();
    });

    test("a chunked body answers 413 once it passes the limit, not after the whole body (real server)", async () => {
      const { hostname, port } = new URL(base);
      const req = httpRequest({ hostname, port, method: "POST", path: "/token", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      req.on("error", () => undefined);
      const response = new Promise<number>((resolve) => req.once("response", (res) => resolve(res.statusCode ?? 0)));
      let answered = false;
      void response.then(() => (answered = true));
      let sent = 0;
      const chunk = Buffer.alloc(4096, "a");
      // Sends up to 10 MB, a chunk at a time, and stops as soon as the server answers.
      while (!answered && sent < 10 * 2 ** 20) {
        sent += chunk.length;
        if (!req.write(chunk)) await Promise.race([new Promise((resolve) => req.once("drain", resolve)), response, delay(1000)]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const status = await within(5000, response, "the answer to the chunked body");
      req.destroy();
      assert.equal(status, 413);
      assert.ok(sent < 2 ** 20, `the answer came after ${sent} bytes`);
    });

    test("requests beyond maxRequestsInFlight answer 503 with Retry-After at once", async () => {
      const small = createApp(engine, { jwtSecret: SECRET, maxRequestsInFlight: 3 });
      const [admitted, refused] = await whileLocked("employees", async () => {
        const waiting = [1, 2, 3].map(async (id) => small.request(`/employees/${id}`));
        const extra = await within(5000, Promise.resolve(small.request("/employees/4")), "the request over the limit");
        return [waiting, extra] as const;
      });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get("Retry-After"), "1");
      assert.match(((await refused.json()) as { error: string }).error, /busy: 3 requests are under way/);
      assert.deepEqual((await Promise.all(admitted)).map((r) => r.status), [200, 200, 200]);
      assert.equal((await small.request("/employees/4")).status, 200, "the slots are given back");
    });

    test("logins beyond maxLoginsInFlight answer 503 at once", async () => {
      const small = createApp(engine, { jwtSecret: SECRET, maxLoginsInFlight: 2 });
      const [admitted, refused] = await whileLocked("users", async () => {
        const waiting = [tokenFor("alice", "x", small), tokenFor("alice", "y", small)];
        const extra = await within(5000, tokenFor("alice", "wonderland", small), "the login over the limit");
        return [waiting, extra] as const;
      });
      assert.equal(refused.status, 503);
      assert.match(((await refused.json()) as { error: string }).error, /busy: 2 logins are under way/);
      assert.deepEqual((await Promise.all(admitted)).map((r) => r.status), [401, 401]);
    });
  });

  describe("the HTTP server (real socket)", () => {
    /** Runs `fn` against a second server on the same app, with the given time limits. */
    async function withServer(options: ServeOptions, fn: (url: string) => Promise<void>): Promise<void> {
      const { server: other, url } = await serveApi(app, { port: 0, ...options });
      try {
        await fn(url);
      } finally {
        await closeServer(other);
      }
    }

    /** Sends `head`, then `drip` every 100 ms, until the server closes the connection; returns what it answered. */
    async function drip(url: string, head: string, dripped: string): Promise<string> {
      const client = rawClient(url);
      client.socket.write(head);
      const timer = setInterval(() => client.socket.writable && client.socket.write(dripped), 100);
      try {
        await within(5000, client.closed, "the server closing the slow connection");
      } finally {
        clearInterval(timer);
        client.socket.destroy();
      }
      return client.received();
    }

    /** Sends one GET on the raw client and waits for its whole (small, JSON) answer. */
    async function rawGet(client: ReturnType<typeof rawClient>, path: string): Promise<string> {
      const before = client.received().length;
      client.socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      while (!client.received().slice(before).endsWith("}")) {
        await within(5000, new Promise((resolve) => client.socket.once("data", resolve)), `the answer to ${path}`);
      }
      return client.received().slice(before);
    }

    test("an idle keep-alive connection is closed after idleTimeoutMs when that is shorter than Node's 5 s", async () => {
      await withServer({ idleTimeoutMs: 500 }, async (url) => {
        const client = rawClient(url);
        try {
          assert.match(await rawGet(client, "/employees/1"), /^HTTP\/1\.1 200 /);
          await within(5000, client.closed, "the server closing the idle connection");
        } finally {
          client.socket.destroy();
        }
      });
    });

    test("a client that sends its headers a line at a time is answered 408 and cut off after headersTimeoutMs", async () => {
      await withServer({ headersTimeoutMs: 500, requestTimeoutMs: 1000 }, async (url) => {
        const answer = await drip(url, "GET /employees/1 HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: 1\r\n");
        assert.match(answer, /^HTTP\/1\.1 408 /);
      });
    });

    test("a client that sends its body a byte at a time is answered 408 and cut off after requestTimeoutMs", async () => {
      await withServer({ headersTimeoutMs: 500, requestTimeoutMs: 1000 }, async (url) => {
        const head = "POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n";
        const answer = await drip(url, head, "a");
        assert.match(answer, /^HTTP\/1\.1 408 /);
      });
    });

    test("a client that stops reading a streamed body is disconnected after idleTimeoutMs, and the rows are closed", async () => {
      // An endless body: however large the socket buffers, the server ends up waiting on this client.
      let closed!: () => void;
      const rowsClosed = new Promise<void>((resolve) => (closed = resolve));
      async function* endless() {
        try {
          for (let i = 0; ; i++) yield { i, padding: "x".repeat(100) };
        } finally {
          closed();
        }
      }
      const probe = new Hono().get("/endless", (c) => ndjson(c, endless()));
      const { server: other, url } = await serveApi(probe, { port: 0, idleTimeoutMs: 500 });
      const client = rawClient(url);
      try {
        client.socket.write("GET /endless HTTP/1.1\r\nHost: localhost\r\n\r\n");
        await new Promise((resolve) => client.socket.once("data", resolve));
        client.socket.pause(); // a paused socket reads nothing, so it is the server's side that shows the close
        await within(10_000, rowsClosed, "the server closing the idle connection");
        const connections = await new Promise<number>((resolve, reject) => other.getConnections((err, n) => (err ? reject(err) : resolve(n))));
        assert.equal(connections, 0);
      } finally {
        client.socket.destroy();
        await closeServer(other);
      }
    });

    test("a 100 KB query string answers 431 and the server serves the next request", async () => {
      const res = await fetch(`${base}/employees?limit=1&x=${"a".repeat(100_000)}`);
      assert.equal(res.status, 431);
      assert.equal((await within(5000, fetch(`${base}/employees/1`), "the next request")).status, 200);
    });
  });

  describe("per-request connection scope", () => {
    test("a handler that throws after writing leaves nothing behind and the engine serves the next request", async () => {
      const probe = new Hono<ScopeEnv<ApiDatabase>>();
      probe.onError((err, c) => c.json({ error: err.message }, 500));
      probe.post("/boom", connectionScope(engine), async (c) => {
        await c.var.conn.execute(employees.insert(), [{ name: "Ghost", city: "Nowhere", salary: 1 }]);
        throw new Error("handler failed after its insert");
      });
      const res = await probe.request("/boom", { method: "POST" });
      assert.equal(res.status, 500);
      const ghosts = await engine.connect(async (conn) => (await conn.execute(employees.select().where("name", "=", "Ghost"))).rowCount);
      assert.equal(ghosts, 0);
    });

    test("50 concurrent POSTs and 50 concurrent GETs all succeed and the new ids are unique", async () => {
      const before = await count();
      const posts = Array.from({ length: 50 }, (_, i) => post({ name: `Parallel ${i}`, city: "Lyon", salary: 4000 + i }));
      const gets = Array.from({ length: 50 }, (_, i) => app.request(`/employees/${i + 1}`));
      const responses = await within(30_000, Promise.all([...posts, ...gets]), "100 concurrent requests");
      assert.deepEqual(responses.slice(0, 50).map((r) => r.status), Array(50).fill(201));
      assert.deepEqual(responses.slice(50).map((r) => r.status), Array(50).fill(200));
      const created = (await Promise.all(responses.slice(0, 50).map((r) => r.json()))) as Employee[];
      assert.equal(new Set(created.map((e) => e.id)).size, 50);
      const fetched = (await Promise.all(responses.slice(50).map((r) => r.json()))) as Employee[];
      assert.deepEqual(fetched.map((e) => e.id), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal(await count(), before + 50);
    });
  });

  describe("GET /employees/export (real server)", () => {
    test("streams every row as NDJSON, one line per row, in id order", async () => {
      const total = await count();
      const res = await fetch(`${base}/employees/export`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("Content-Type"), "application/x-ndjson; charset=utf-8");
      const lines = (await res.text()).split("\n");
      assert.equal(lines.pop(), "", "the body ends with a newline");
      assert.equal(lines.length, total);
      const ids = lines.map((line) => (JSON.parse(line) as Employee).id);
      assert.ok(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number)), "ids ascend");
      assert.deepEqual(JSON.parse(lines[0] as string), { id: 1, name: "Employee 1", city: "London", salary: 3000 });
    });

    test("reads the table in keyset pages, and sends the first before it reads the last", async () => {
      const total = await count();
      const mark = log.length;
      const res = await fetch(`${base}/employees/export`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      assert.ok(first.value && first.value.length > 0);
      const pagesAtFirst = pagesSince(mark);
      while (!(await reader.read()).done);
      const pages = Math.floor(total / PAGE_ROWS) + 1; // the last page is short, or empty
      assert.equal(pagesSince(mark), pages);
      assert.ok(pagesAtFirst < pages / 2, `${pagesAtFirst} of ${pages} pages were read before the first chunk arrived`);
      assert.equal(since(mark).filter((line) => line === "ROLLBACK").length, pages, "each page in a scope of its own");
    });

    test("memory stays flat while 100k rows are exported", async (t) => {
      // The heap, after a full GC, is sampled every 16 chunks: streaming holds about a page at a
      // time (under 1 MB measured); execute() then send holds every row (about 12 MB).
      const gc = collector();
      gc();
      const start = process.memoryUsage().heapUsed;
      let peak = start;
      let newlines = 0;
      let chunks = 0;
      const res = await fetch(`${base}/employees/export`);
      for await (const chunk of res.body as ReadableStream<Uint8Array>) {
        for (const byte of chunk) if (byte === 10) newlines++;
        if (++chunks % 16 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
      }
      assert.ok(newlines >= EXPORT_ROWS);
      const growthMb = (peak - start) / 2 ** 20;
      t.diagnostic(`heap growth during the export: ${growthMb.toFixed(1)} MB`);
      assert.ok(growthMb < 5, `the heap grew ${growthMb.toFixed(1)} MB during the export`);
    });

    test("a client that reads the start of the export and pauses does not hold up another client's request", async () => {
      const client = rawClient(base);
      client.socket.write("GET /employees/export HTTP/1.1\r\nHost: localhost\r\n\r\n");
      await new Promise((resolve) => client.socket.once("data", resolve));
      client.socket.pause();
      try {
        const other = await within(5000, fetch(`${base}/employees/1`), "another client's request during the paused export");
        assert.equal(other.status, 200);
        assert.equal(((await other.json()) as Employee).id, 1);
      } finally {
        client.socket.destroy();
      }
    });

    test("a HEAD of the export answers with the export's headers and no body, and holds up nothing", async () => {
      const head = await within(5000, fetch(`${base}/employees/export`, { method: "HEAD" }), "the HEAD");
      assert.equal(head.status, 200);
      assert.equal(head.headers.get("Content-Type"), "application/x-ndjson; charset=utf-8");
      assert.equal(await head.text(), "");
      const next = await within(5000, fetch(`${base}/employees/1`), "the request after the HEAD");
      assert.equal(next.status, 200);
    });

    test("a HEAD of the export through app.request() reads no page and holds up nothing", async () => {
      const mark = log.length;
      const head = await app.request("/employees/export", { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.body, null);
      const next = await within(5000, Promise.resolve(app.request("/employees/1")), "the request after the HEAD");
      assert.equal(next.status, 200);
      assert.equal(pagesSince(mark), 0);
    });

    test("a client that disconnects mid-export does not leave the engine stuck, and the export stops reading", async () => {
      const total = await count();
      const mark = log.length;
      const abort = new AbortController();
      const res = await fetch(`${base}/employees/export`, { signal: abort.signal });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      abort.abort();
      await reader.read().catch(() => undefined);
      const next = await within(10_000, fetch(`${base}/employees/1`), "the request after the disconnect");
      assert.equal(next.status, 200);
      assert.equal(((await next.json()) as Employee).id, 1);
      assert.ok(pagesSince(mark) < total / PAGE_ROWS, `${pagesSince(mark)} pages were read`);
    });

    test("an employee added while an export is paused appears in it once, in id order", async () => {
      const res = await fetch(`${base}/employees/export`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      const created = (await (await within(5000, post({ name: "Late Arrival", city: "Oslo", salary: 4242 }), "the insert")).json()) as Employee;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
      const rows = text.trimEnd().split("\n").map((line) => JSON.parse(line) as Employee);
      assert.deepEqual(rows.filter((e) => e.name === "Late Arrival"), [created]);
      assert.equal(rows.at(-1)?.id, created.id);
      assert.equal(rows.length, await count());
    });

    test("an export whose table goes away mid-way stops short, sending no database message", async (t) => {
      t.mock.method(console, "error", () => undefined);
      const res = await fetch(`${base}/employees/export`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      // Possible only because no scope of the export is open while it waits for this client.
      await within(5000, engine.begin((conn) => conn.execute("alter table employees rename to employees_away")), "the rename");
      try {
        const failed = await within(
          10_000,
          (async () => {
            try {
              for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
              return false;
            } catch {
              return true;
            }
          })(),
          "the end of the export",
        );
        const last = text.trimEnd().split("\n").at(-1) ?? "";
        assert.ok(failed || !last.startsWith("{"), "the client can tell the export stopped short");
        assert.doesNotMatch(text, /employees_away|relation|does not exist|select/i);
      } finally {
        await engine.begin((conn) => conn.execute("alter table employees_away rename to employees"));
      }
    });
  });
});

if (!targets.some((t) => t.name === "postgres")) {
  describe("web API example [postgres]", { skip: "DATABASE_URL is not set: the PostgreSQL server run was skipped" }, () => {});
}
