/**
 * Medians and paired ratios over the runs of a panel.
 *
 * @module
 */
import type { Contender, Panel } from "./plan.js";
import type { Outcome } from "./task.js";

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** What a contender's runs add up to. */
export interface Summary {
  readonly contender: Contender;
  readonly runs: number;
  /** Error of the first failed run; set when every run failed. */
  readonly error?: string;
  /** Runs that failed while others succeeded, with the first error. */
  readonly partialFailure?: { readonly count: number; readonly error: string };
  readonly ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly cpuMs: number;
  /**
   * Median over runs of (this run ÷ the baseline's run with the same index):
   * runs alternate, so a pair ran seconds apart under the same load.
   */
  readonly ratio: number;
  readonly cpuRatio: number;
  readonly rssMb?: number;
  readonly maxRssMb?: number;
  /** Whether the goal is met: undefined when there is no goal or no figure. */
  readonly goalMet?: boolean;
}

export function summarize(panel: Panel, outcomes: ReadonlyMap<string, readonly Outcome[]>): Summary[] {
  const baseline = panel.contenders.find((c) => c.baseline);
  const base = baseline ? (outcomes.get(baseline.key) ?? []) : [];
  return panel.contenders.map((contender) => {
    const runs = outcomes.get(contender.key) ?? [];
    const good = runs.flatMap((o) => (o.ok ? [o] : []));
    const failed = runs.flatMap((o) => (o.ok ? [] : [o]));
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    runs.forEach((o, i) => {
      const b = base[i];
      if (o.ok && b?.ok) {
        ratios.push(o.ms / b.ms);
        cpuRatios.push(o.cpuMs / b.cpuMs);
      }
    });
    const rss = good.flatMap((o) => (o.rssGrowthMb === undefined ? [] : [o.rssGrowthMb]));
    const summary: Summary = {
      contender,
      runs: runs.length,
      ...(good.length === 0 && failed[0] ? { error: failed[0].error } : {}),
      ...(good.length > 0 && failed[0] ? { partialFailure: { count: failed.length, error: failed[0].error } } : {}),
      ms: median(good.map((o) => o.ms)),
      minMs: Math.min(...good.map((o) => o.ms)),
      maxMs: Math.max(...good.map((o) => o.ms)),
      cpuMs: median(good.map((o) => o.cpuMs)),
      ratio: median(ratios),
      cpuRatio: median(cpuRatios),
      ...(rss.length > 0 ? { rssMb: median(rss), maxRssMb: Math.max(...rss) } : {}),
    };
    const goal = contender.goal;
    if (!goal || Number.isNaN(summary.ratio)) return summary;
    const rssOk = goal.maxRssMb === undefined || (summary.rssMb !== undefined && summary.rssMb <= goal.maxRssMb);
    return { ...summary, goalMet: summary.ratio <= goal.maxRatio && rssOk };
  });
}
