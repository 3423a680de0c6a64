/**
 * Showing rows as tables: HTML inside Jupyter, plain text elsewhere.
 *
 * @module
 */
import { formatValue } from "./echo.js";
import { ArgumentError } from "./errors.js";
import { localRequire } from "./internal/local-require.js";
import { inTslabKernel, tslabDisplayData } from "./internal/tslab-kernel.js";

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
  if (!tslabDisplayData({ data: { "text/html": renderHtmlTable(rows, columns, options) } })) {
    console.log(renderPlainTable(rows, columns, options));
  }
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

/**
 * Options of {@link showSvg}.
 *
 * @example
 * ```ts
 * import { showSvg, type ShowSvgOptions } from "pglite-lab";
 *
 * const options: ShowSvgOptions = { alt: "a red square" };
 * showSvg('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" fill="red"/></svg>', options);
 * // [SVG image 20×20: a red square]
 * ```
 */
export interface ShowSvgOptions {
  /** A few words saying what the picture shows: the text form of the output, printed outside a notebook. */
  readonly alt?: string;
}

/** Loaded at most once: a PNG renderer, or null where `@resvg/resvg-js` is not installed. */
let rasterizer: ((svg: string) => Uint8Array) | null | undefined;

/**
 * Shows an SVG picture (a chart drawn by hand, say) in a notebook, and a
 * PNG of the same picture in the same output.
 *
 * Jupyter opens a notebook it did not run itself as "Not Trusted" and then
 * drops SVG from its saved outputs until the cell runs again, but shows PNG:
 * with both, a committed chart is visible on opening. The PNG is drawn with
 * `@resvg/resvg-js` (a prebuilt binary from npm, no build step), with the
 * machine's fonts, when that package can be loaded; without it the output
 * holds the SVG alone. Outside a notebook it prints one line naming the
 * picture.
 *
 * @example
 * ```ts
 * import { showSvg } from "pglite-lab";
 *
 * showSvg('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="4" y="24">42</text></svg>');
 * // [SVG image 120×40]
 * ```
 */
export function showSvg(svg: string, options: ShowSvgOptions = {}): void {
  if (typeof svg !== "string" || !/<svg[\s>]/i.test(svg)) {
    throw new ArgumentError("showSvg() takes the text of an SVG document, starting with <svg …>.");
  }
  const size = svgSize(svg);
  const text = `[SVG image${size ? ` ${size.width}×${size.height}` : ""}${options.alt ? `: ${options.alt}` : ""}]`;
  if (!inTslabKernel()) {
    console.log(text);
    return;
  }
  const data: Record<string, string> = { "image/svg+xml": svg, "text/plain": text };
  const metadata: Record<string, unknown> = {};
  const png = renderPng(svg);
  if (png !== undefined) {
    data["image/png"] = Buffer.from(png).toString("base64");
    // Drawn at twice the size for sharp screens, shown at the SVG's own size.
    if (size) metadata["image/png"] = { width: size.width, height: size.height };
  }
  // A kernel whose writer cannot be reached still gets the picture's text form, as show() prints its table.
  if (!tslabDisplayData({ data, metadata })) console.log(text);
}

function svgSize(svg: string): { width: number; height: number } | undefined {
  const tag = /<svg\b[^>]*>/i.exec(svg)?.[0] ?? "";
  const width = Number(/\swidth="(\d+(?:\.\d+)?)(?:px)?"/.exec(tag)?.[1]);
  const height = Number(/\sheight="(\d+(?:\.\d+)?)(?:px)?"/.exec(tag)?.[1]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

interface ResvgModule {
  Resvg: new (svg: string, options: Record<string, unknown>) => { render(): { asPng(): Uint8Array } };
}

function renderPng(svg: string): Uint8Array | undefined {
  if (rasterizer === undefined) {
    try {
      const { Resvg } = localRequire("@resvg/resvg-js") as ResvgModule;
      rasterizer = (text) =>
        new Resvg(text, { background: "white", fitTo: { mode: "zoom", value: 2 }, font: { loadSystemFonts: true } })
          .render()
          .asPng();
    } catch {
      rasterizer = null;
    }
  }
  if (rasterizer === null) return undefined;
  try {
    return rasterizer(svg);
  } catch {
    return undefined; // an SVG resvg cannot read still shows as SVG
  }
}
