/**
 * The results as a terminal table and as markdown (bench/results/*.md).
 *
 * @module
 */
import { megabytes, plain, seconds, times } from "./format.js";
import type { Goal, Panel } from "./plan.js";
import type { Summary } from "./stats.js";

export interface PanelResult {
  readonly panel: Panel;
  readonly summaries: readonly Summary[];
}

function goalText(goal: Goal): string {
  return `≤ ${goal.maxRatio}×${goal.maxRssMb === undefined ? "" : `, ≤ ${goal.maxRssMb} MB`}`;
}

interface Cells {
  readonly time: string;
  readonly ratio: string;
  readonly cpuRatio: string;
  readonly rss: string;
  readonly goal: string;
}

function cells(s: Summary, markdown: boolean): Cells {
  const bold = (t: string) => (markdown ? `**${t}**` : t);
  const goal = s.contender.goal ? `${goalText(s.contender.goal)}: ${s.goalMet === undefined ? "no figure" : bold(s.goalMet ? "met" : "not met")}` : "";
  if (s.error !== undefined) {
    return { time: `${bold("fails")}: ${s.error}`, ratio: "—", cpuRatio: "—", rss: "", goal };
  }
  const spread = `${seconds(s.ms)} (${seconds(s.minMs)}–${seconds(s.maxMs)})`;
  const partial = s.partialFailure ? `; ${s.partialFailure.count} of ${s.runs} runs failed: ${s.partialFailure.error}` : "";
  const rss = s.rssMb === undefined ? "" : `${megabytes(s.rssMb)} (max ${megabytes(s.maxRssMb)})`;
  return {
    time: spread + partial,
    ratio: s.contender.baseline ? "baseline" : times(s.ratio),
    cpuRatio: s.contender.baseline ? "baseline" : times(s.cpuRatio),
    rss,
    goal,
  };
}

const HEADER = ["workload", "contender", "median (min–max)", "× baseline", "× baseline, CPU time", "RSS growth", "goal"];

function panelTitle(panel: Panel): string {
  return `${panel.title} (${panel.group})`;
}

export function markdownTable(results: readonly PanelResult[]): string {
  const lines = [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => "---").join("|")}|`];
  for (const { panel, summaries } of results) {
    summaries.forEach((s, i) => {
      const c = cells(s, true);
      const label = s.contender.baseline ? `${s.contender.label} *(baseline)*` : s.contender.label;
      const row = [i === 0 ? `**${panelTitle(panel)}**` : "", label, c.time, c.ratio, c.cpuRatio, c.rss, c.goal];
      lines.push(`| ${row.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`);
    });
  }
  return lines.join("\n");
}

export function terminalTable(results: readonly PanelResult[]): string {
  const rows: string[][] = [];
  for (const { panel, summaries } of results) {
    rows.push([panelTitle(panel)]);
    for (const s of summaries) {
      const c = cells(s, false);
      rows.push(["  " + plain(s.contender.label), c.time, c.ratio, c.cpuRatio, c.rss, c.goal]);
    }
  }
  const head = ["", ...HEADER.slice(2)];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 1).map((r) => (r[i] ?? "").length)));
  const fmt = (r: readonly string[]) => (r.length === 1 ? (r[0] as string) : r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd());
  return [fmt(head), ...rows.map(fmt)].join("\n");
}
