/**
 * Reading and writing Jupyter notebooks (nbformat 4.5) the way Jupyter does,
 * so that a notebook written here and saved again from Jupyter has no diff.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

/** A MIME bundle: MIME type to data (text for text types, JSON for `*json`). */
export type MimeBundle = Record<string, unknown>;

/** Text written to stdout or stderr. */
export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}

/** Rich output shown by a display call. */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** The value of a cell's last expression, in kernels that send one (tslab does not). */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** An error, in kernels that send `error` messages (tslab writes to stderr instead). */
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One nbformat-4 output of a code cell. */
export type NbOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Cell metadata; `tags` is the part the runner reads. */
export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}

/** A code cell. In memory, `source` and output texts are single strings. */
export interface CodeCell {
  cell_type: "code";
  id: string;
  metadata: CellMetadata;
  source: string;
  execution_count: number | null;
  outputs: NbOutput[];
}

/** A Markdown or raw cell; the runner skips these. */
export interface TextCell {
  cell_type: "markdown" | "raw";
  id: string;
  metadata: CellMetadata;
  source: string;
  attachments?: Record<string, MimeBundle>;
}

/** Any notebook cell. */
export type Cell = CodeCell | TextCell;

/** An nbformat-4 notebook. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/**
 * Reads a `.ipynb` file: multi-line fields become single strings and cells
 * without an id (nbformat < 4.5) get one.
 *
 * @throws Error when the file is not nbformat 4.
 */
export async function readNotebook(path: string): Promise<Notebook> {
  return parseNotebook(await readFile(path, "utf8"), path);
}

/** Parses notebook JSON text; `name` only labels error messages. */
export function parseNotebook(text: string, name = "notebook"): Notebook {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (raw.nbformat !== 4) {
    throw new Error(`Notebook "${name}" is nbformat ${String(raw.nbformat)}; only nbformat 4 is supported.`);
  }
  const cells = Array.isArray(raw.cells) ? (raw.cells as Record<string, unknown>[]) : [];
  return {
    nbformat: 4,
    // Every cell has an id once read, so the notebook is 4.5 from here on.
    nbformat_minor: Math.max(5, Number(raw.nbformat_minor ?? 0)),
    metadata: (raw.metadata ?? {}) as Record<string, unknown>,
    cells: cells.map(readCell),
  };
}

/**
 * A notebook as Jupyter writes it: keys sorted, one-space indent, texts split
 * into lists of lines, and a trailing newline.
 */
export function serializeNotebook(notebook: Notebook): string {
  const cells = notebook.cells.map((cell) => {
    const source = splitLines(cell.source);
    if (cell.cell_type !== "code") {
      const attachments = cell.attachments;
      if (attachments === undefined) return { ...cell, source };
      const split = Object.fromEntries(Object.entries(attachments).map(([name, data]) => [name, splitBundle(data)]));
      return { ...cell, source, attachments: split };
    }
    return { ...cell, source, outputs: cell.outputs.map(splitOutput) };
  });
  return JSON.stringify(sortKeys({ ...notebook, cells }), null, 1) + "\n";
}

/** Generates a cell id like Jupyter's (eight hex digits). */
export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

/** The tags of a cell (an empty list when it has none). */
export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}

function readCell(raw: Record<string, unknown>): Cell {
  const base = {
    ...raw,
    id: typeof raw.id === "string" && raw.id !== "" ? raw.id : newCellId(),
    metadata: (raw.metadata ?? {}) as CellMetadata,
    source: joinLines(raw.source),
  };
  if (raw.cell_type !== "code") return base as TextCell;
  const outputs = Array.isArray(raw.outputs) ? (raw.outputs as Record<string, unknown>[]) : [];
  return {
    ...base,
    cell_type: "code",
    execution_count: typeof raw.execution_count === "number" ? raw.execution_count : null,
    outputs: outputs.map(joinOutput),
  };
}

function joinOutput(raw: Record<string, unknown>): NbOutput {
  if (raw.output_type === "stream") return { ...raw, text: joinLines(raw.text) } as StreamOutput;
  if (raw.output_type === "display_data" || raw.output_type === "execute_result") {
    return { ...raw, data: joinBundle(raw.data as MimeBundle | undefined) } as NbOutput;
  }
  return raw as unknown as NbOutput;
}

function splitOutput(output: NbOutput): unknown {
  if (output.output_type === "stream") return { ...output, text: splitLines(output.text) };
  if (output.output_type === "display_data" || output.output_type === "execute_result") {
    return { ...output, data: splitBundle(output.data) };
  }
  return output;
}

// As nbformat's rejoin_mimebundle: lists of lines become text, except in JSON types.
function joinBundle(data: MimeBundle | undefined): MimeBundle {
  const result: MimeBundle = {};
  for (const [mime, value] of Object.entries(data ?? {})) {
    const json = mime === "application/json" || mime.endsWith("+json");
    result[mime] = !json && Array.isArray(value) ? joinLines(value) : value;
  }
  return result;
}

// As nbformat's _split_mimebundle: only text/*, JavaScript and SVG are written as lines.
function splitBundle(data: MimeBundle): MimeBundle {
  const result: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    const lines = mime.startsWith("text/") || mime === "application/javascript" || mime === "image/svg+xml";
    result[mime] = lines ? splitLines(value) : value;
  }
  return result;
}

function joinLines(value: unknown): string {
  if (Array.isArray(value)) return value.join("");
  return typeof value === "string" ? value : "";
}

// Python's str.splitlines(keepends=True), which nbformat uses to write texts.
const LINE_END = /(\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])/;

function splitLines(value: unknown): unknown {
  if (typeof value !== "string") return value;
  // With a capturing group, split alternates text and line ends: [text, end, text, end, …, text].
  const parts = value.split(LINE_END);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i]! + (parts[i + 1] ?? "");
    if (line !== "") lines.push(line);
  }
  return lines;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return sorted;
}
