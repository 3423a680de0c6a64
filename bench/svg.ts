/**
 * A hand-built SVG bar chart of the results: one block per workload, one bar
 * per contender, bar length proportional to the median time within the block.
 *
 * @module
 */
import { plain, seconds, times } from "./format.js";
import type { PanelResult } from "./report.js";

const WIDTH = 960;
const LABEL_WIDTH = 400;
const BAR_WIDTH = 380;
const ROW = 22;
const TITLE = 26;
const GAP = 14;
const COLORS = { baseline: "#9ca3af", lab: "#2563eb", peer: "#f59e0b", fail: "#dc2626", text: "#111827", muted: "#4b5563" };

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** Splits a caption line at spaces so that it fits the chart's width. */
function wrap(line: string, max = 150): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current && current.length + word.length + 1 > max) {
      out.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) out.push(current);
  return out;
}

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${x}" y="${y}" ${attrs}>${escape(content)}</text>`;
}

export function svgChart(results: readonly PanelResult[], caption: readonly string[]): string {
  const parts: string[] = [];
  let y = 34;
  parts.push(text(16, 22, "pglite-lab benchmark: median time per workload (shorter is faster)", `font-size="16" font-weight="bold" fill="${COLORS.text}"`));
  for (const { panel, summaries } of results) {
    y += GAP;
    parts.push(text(16, y + 16, `${panel.title} (${panel.group})`, `font-size="14" font-weight="bold" fill="${COLORS.text}"`));
    y += TITLE;
    const longest = Math.max(...summaries.filter((s) => s.error === undefined).map((s) => s.ms), 1);
    for (const s of summaries) {
      const label = plain(s.contender.label);
      parts.push(text(16, y + 15, label.length > 58 ? `${label.slice(0, 56)}…` : label, `font-size="12" fill="${COLORS.text}"`));
      const x = 16 + LABEL_WIDTH;
      if (s.error !== undefined) {
        const reason = `fails: ${s.error}`;
        parts.push(text(x, y + 15, reason.length > 80 ? `${reason.slice(0, 78)}…` : reason, `font-size="12" fill="${COLORS.fail}"`));
      } else {
        const kind = s.contender.baseline ? "baseline" : s.contender.kind.startsWith("lab") ? "lab" : "peer";
        const width = Math.max(2, (s.ms / longest) * BAR_WIDTH);
        parts.push(`<rect x="${x}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW - 8}" rx="2" fill="${COLORS[kind]}"/>`);
        const ratio = s.contender.baseline ? "baseline" : times(s.ratio);
        parts.push(text(x + width + 6, y + 15, `${seconds(s.ms)} · ${ratio}`, `font-size="12" fill="${COLORS.muted}"`));
      }
      y += ROW;
    }
  }
  y += GAP;
  for (const line of caption.flatMap((l) => wrap(l))) {
    y += 14;
    parts.push(text(16, y, line, `font-size="11" fill="${COLORS.muted}"`));
  }
  y += 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
    `<rect width="${WIDTH}" height="${y}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
