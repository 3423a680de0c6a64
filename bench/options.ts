/**
 * The command line of `npm run bench`: which workloads, how many rows, how many runs.
 *
 * @module
 */

/** The workloads, in the order they run and are reported. */
export const WORKLOADS = ["start", "insert", "fetchall", "stream", "many", "batch"] as const;
export type Workload = (typeof WORKLOADS)[number];

/** What runs when `--only` is not given: everything but the batch-size study. */
export const DEFAULT_WORKLOADS: readonly Workload[] = ["start", "insert", "fetchall", "stream", "many"];

/** The kinds of database the contenders run on; `server` only when DATABASE_URL is set. */
export const TARGETS = ["pglite", "server"] as const;
export type Target = (typeof TARGETS)[number];

export interface BenchOptions {
  /** Rows inserted (`insert`) and fetched (`fetchall`). */
  readonly rows: number;
  /** Rows streamed (`stream`, `batch`). */
  readonly streamRows: number;
  /** Rows of the one-call executemany check (`many`). */
  readonly manyRows: number;
  /** Runs per contender; the report shows medians. */
  readonly runs: number;
  /**
   * Untimed repetitions of insert and fetchall in the same process before the
   * timed one; those workloads are also reported as first calls in a fresh process.
   */
  readonly warmups: number;
  readonly only: readonly Workload[];
  /** Which kinds of database to run the workloads on. */
  readonly targets: readonly Target[];
  /** Stream batch sizes the `batch` workload compares. */
  readonly batchSizes: readonly number[];
  /** Base name of the files written in bench/results/ (`latest` → latest.md, latest.svg). */
  readonly out: string;
  /** Longest a single run may take, in seconds. */
  readonly timeoutSeconds: number;
}

export const USAGE = `Usage: npm run bench -- [options]

  --only start,insert,...  workloads to run: ${WORKLOADS.join(", ")}
                           (default: ${DEFAULT_WORKLOADS.join(",")}; "batch" is the stream batch-size study)
  --targets pglite,server  where to run them: PGlite, the server at DATABASE_URL, or both
                           (default: both; the server only when DATABASE_URL is set)
  --rows N                 rows for insert and fetchall (default 100000)
  --stream-rows N          rows for stream and batch (default 1000000)
  --many-rows N            rows for the one-call executemany check (default 1000000)
  --runs N                 runs per contender, alternated ABC ABC ... (default 5)
  --warmups N              untimed repetitions of insert and fetchall before the timed
                           one, in the same process (default 2); both are also reported
                           as first calls in a fresh process (0: only those)
  --batch-sizes a,b,...    batch sizes for the batch study (default 100,500,1000,5000,10000)
  --out NAME               write bench/results/NAME.md and NAME.svg (default latest)
  --timeout SECONDS        longest one run may take (default 900)

Server peers (node-postgres, pg-cursor, Kysely + pg, pglite-lab on a server) run
when DATABASE_URL is set; they work in a schema of the bench run's own, dropped at the end.`;

function positive(flag: string, value: string | undefined): number {
  const n = Number(value?.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number, not ${String(value)}.`);
  return n;
}

/** The names of a comma-separated list, in the order of `known`; throws on a name not in it. */
function pick<T extends string>(flag: string, list: string, known: readonly T[], noun: string): T[] {
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(known as readonly string[]).includes(name)) throw new Error(`${flag}: there is no ${noun} "${name}"; the ${noun}s are ${known.join(", ")}.`);
  }
  return known.filter((k) => names.includes(k));
}

/** Reads the flags; throws with a message naming the flag on a bad value. */
export function parseOptions(argv: readonly string[]): BenchOptions | "help" {
  let rows = 100_000;
  let streamRows = 1_000_000;
  let manyRows = 1_000_000;
  let runs = 5;
  let warmups = 2;
  let only: Workload[] = [...DEFAULT_WORKLOADS];
  let targets: Target[] = [...TARGETS];
  let batchSizes = [100, 500, 1000, 5000, 10000];
  let out = "latest";
  let timeoutSeconds = 900;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value.`);
      return next;
    };
    switch (flag) {
      case "-h":
      case "--help":
        return "help";
      case "--rows":
        rows = positive(flag, value());
        break;
      case "--stream-rows":
        streamRows = positive(flag, value());
        break;
      case "--many-rows":
        manyRows = positive(flag, value());
        break;
      case "--runs":
        runs = positive(flag, value());
        break;
      case "--warmups": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0) throw new Error(`--warmups takes a whole number, 0 or more.`);
        warmups = n;
        break;
      }
      case "--timeout":
        timeoutSeconds = positive(flag, value());
        break;
      case "--batch-sizes":
        batchSizes = value().split(",").map((s) => positive(flag, s.trim()));
        break;
      case "--out": {
        out = value();
        if (!/^[\w.-]+$/.test(out)) throw new Error(`--out takes a plain file name such as "latest", not "${out}".`);
        break;
      }
      case "--only":
        only = pick(flag, value(), WORKLOADS, "workload");
        break;
      case "--targets":
        targets = pick(flag, value(), TARGETS, "target");
        break;
      default:
        throw new Error(`Unknown option "${arg}".\n\n${USAGE}`);
    }
  }
  return { rows, streamRows, manyRows, runs, warmups, only, targets, batchSizes, out, timeoutSeconds };
}
