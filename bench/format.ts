/**
 * How figures are written in the terminal, the markdown report and the chart.
 *
 * @module
 */

export function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  return ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "—";
}

export function megabytes(mb: number | undefined): string {
  return mb === undefined ? "" : `${Math.max(0, mb).toFixed(0)} MB`;
}

/** Markdown code spans and emphasis removed, for plain text. */
export function plain(label: string): string {
  return label.replaceAll("`", "");
}
