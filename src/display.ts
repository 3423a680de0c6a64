/**
 * Showing rows as tables: HTML inside Jupyter, plain text elsewhere.
 *
 * @module
 */
import { formatValue } from "./echo.js";
import { localRequire } from "./internal/local-require.js";

/**
 * Options of {@link show}.
 *
 * `maxRows` keeps a large result from flooding a notebook: the rows past it
 * are counted in the footer, not shown.
 *
 * @example
 * ```ts
 * import { show, type ShowOptions } from "pglite-lab";
 *
 * const options: ShowOptions = { maxRows: 2 };
 * show([{ n: 1 }, { n: 2 }, { n: 3 }], options);
 * //  n
 * // ---
 * //  1
 * //  2
 * // ... 1 more rows
 * // (3 rows)
 * ```
 */
export interface ShowOptions {
  /** Most rows to show; the rest are counted in a footer. Default 50. */
  readonly maxRows?: number;
}

interface Tabular {
  readonly rows: readonly unknown[];
  readonly columns: readonly string[];
}

/**
 * Shows rows as a table: as an HTML table when running in a Jupyter notebook
 * (the tslab kernel), as a plain-text table printed to stdout elsewhere.
 * Takes a {@link Result} or an array of row objects.
 *
 * @example
 * ```ts
 * import { show } from "pglite-lab";
 *
 * show([{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }]);
 * //  id | name
 * // ----+-------
 * //   1 | Ada
 * //   2 | Grace
 * // (2 rows)
 * ```
 */
export function show(value: Tabular | readonly object[], options: ShowOptions = {}): void {
  const { rows, columns } = tabular(value);
  const kernel = tslabDisplay();
  if (kernel) kernel.html(renderHtmlTable(rows, columns, options));
  else console.log(renderPlainTable(rows, columns, options));
}

function tabular(value: Tabular | readonly object[]): { rows: readonly Record<string, unknown>[]; columns: readonly string[] } {
  if (Array.isArray(value)) {
    const rows = value as readonly Record<string, unknown>[];
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      for (const key of Object.keys(row)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    }
    return { rows, columns };
  }
  const result = value as Tabular;
  return { rows: result.rows as readonly Record<string, unknown>[], columns: result.columns };
}

/** tslab's display API when this process is a tslab kernel, else undefined. */
function tslabDisplay(): { html(html: string): void } | undefined {
  // tslab sets this internal global in its kernels; outside one, display.* throws "Not ready".
  if (!(globalThis as Record<string, unknown>)["__tslab__"]) return undefined;
  try {
    return (localRequire("tslab") as { display: { html(html: string): void } }).display;
  } catch {
    return undefined;
  }
}

function cell(value: unknown): string {
  if (typeof value === "string") return value;
  return formatValue(value);
}

/** Renders rows as a psql-style text table. */
export function renderPlainTable(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  options: ShowOptions = {},
): string {
  const maxRows = options.maxRows ?? 50;
  const shown = rows.slice(0, maxRows);
  const cells = shown.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const numeric = columns.map((c) => shown.length > 0 && shown.every((r) => typeof r[c] === "number" || typeof r[c] === "bigint" || r[c] === null));
  const line = (values: readonly string[], align: boolean) =>
    values
      .map((v, i) => {
        const width = widths[i] ?? 0;
        return align && numeric[i] ? v.padStart(width) : v.padEnd(width);
      })
      .join(" | ")
      .trimEnd();
  const out = [
    ` ${line(columns, false)}`,
    widths.map((w) => "-".repeat(w + 2)).join("+"),
    ...cells.map((r) => ` ${line(r, true)}`),
  ];
  if (rows.length > shown.length) out.push(`... ${rows.length - shown.length} more rows`);
  out.push(`(${rows.length} ${rows.length === 1 ? "row" : "rows"})`);
  return out.join("\n");
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** Renders rows as an HTML table, values escaped. */
export function renderHtmlTable(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  options: ShowOptions = {},
): string {
  const maxRows = options.maxRows ?? 50;
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .slice(0, maxRows)
    .map((row) => `<tr>${columns.map((c) => `<td>${escapeHtml(cell(row[c]))}</td>`).join("")}</tr>`)
    .join("\n");
  const more = rows.length > maxRows ? `, ${maxRows} shown` : "";
  return (
    `<table class="pglite-lab-result">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n` +
    `<p><small>${rows.length} ${rows.length === 1 ? "row" : "rows"}${more}</small></p>`
  );
}
