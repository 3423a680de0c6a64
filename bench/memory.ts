/**
 * RSS growth during a timed section: a baseline taken just before, then the
 * peak of samples taken by the consumer (`tick()`, cheap) and by a timer
 * (which catches growth inside long awaits).
 *
 * @module
 */

export class RssSampler {
  readonly #start = process.memoryUsage().rss;
  #peak = this.#start;
  readonly #timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    this.#timer = setInterval(() => this.tick(), intervalMs);
  }

  tick(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) this.#peak = rss;
  }

  /** Stops sampling; returns the growth in MB (10^6 bytes). */
  stop(): number {
    clearInterval(this.#timer);
    this.tick();
    return (this.#peak - this.#start) / 1e6;
  }
}

/** Wall and CPU time of a timed section; CPU time (all threads of this process) is the steadier figure on a busy machine. */
export interface Elapsed {
  readonly ms: number;
  readonly cpuMs: number;
}

/** Starts a clock; calling the result reads it. */
export function startClock(): () => Elapsed {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
}

/**
 * Runs `body` `warmups` times untimed, then once timed; `reset` puts the
 * database back in the same state before each (and is never timed).
 */
export async function afterWarmups<T>(
  warmups: number,
  reset: () => Promise<void>,
  body: () => Promise<T>,
): Promise<{ time: Elapsed; rssGrowthMb: number; result: T }> {
  for (let i = 0; i < warmups; i++) {
    await reset();
    await body();
  }
  await reset();
  const sampler = new RssSampler();
  const clock = startClock();
  const result = await body();
  const time = clock();
  return { time, rssGrowthMb: sampler.stop(), result };
}

/** Times reading every row at once, after `warmups` untimed reads; throws unless `rows` rows came back. */
export async function timeFetchAll(
  { warmups, rows }: { readonly warmups: number; readonly rows: number },
  fetch: () => Promise<readonly unknown[]>,
): Promise<Elapsed> {
  const { time, result } = await afterWarmups(warmups, async () => undefined, fetch);
  if (result.length !== rows) throw new Error(`fetched ${result.length} rows, expected ${rows}`);
  return time;
}
