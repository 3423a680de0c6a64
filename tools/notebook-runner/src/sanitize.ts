/**
 * Removes what changes from run to run (paths, durations, timestamps, UUIDs,
 * stack frames) from cell outputs, so that committed outputs stay stable and
 * `--check` compares only what the notebook teaches.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Notebook, NbOutput } from "./notebook.js";

/** Where the repository is, so that its absolute paths become `<repo>`. */
export interface SanitizeOptions {
  repoRoot: string;
}

const DURATION =
  /(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?\s?(?:ns|µs|μs|us|ms|s|secs?|seconds?|milliseconds?)(?![\w])/g;
const ISO_TIMESTAMP =
  /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?(?![\w])/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
// Frames name Node's internals and line numbers that differ between Node versions.
const FRAME = String.raw`at [^\n]*(?::\d+|\)|<anonymous>)`;
const STACK_FRAMES = new RegExp(String.raw`^([ \t]+)${FRAME}$(?:\r?\n\1${FRAME}$)*`, "gm");
// A path starts where no path character precedes it (so `/work/tmp/x` is not a
// temporary path), or right after the `//` of a file URL.
const PATH_START = String.raw`(?<![\w.~-])(?<![\w.~-]/)`;
const PATH_REST = String.raw`(?:/[^\s'"\`<>(){}\[\],;:]*)?`;

/**
 * Replaces volatile text: absolute paths under the repository with
 * `<repo>/…`, temporary paths with `<tmp>`, durations ("12 ms", "1.23 s",
 * "in 0.0012s") with `<duration>`, ISO timestamps with `<timestamp>`, UUIDs
 * with `<uuid>`, and each run of stack frames with one `at …` line.
 */
export function sanitizeText(text: string, options: SanitizeOptions): string {
  let result = text;
  for (const root of variants(options.repoRoot)) {
    result = result.replace(new RegExp(PATH_START + escape(root) + "(?![\\w.-])", "g"), "<repo>");
  }
  for (const root of variants(tmpdir(), "/tmp")) {
    result = result.replace(new RegExp(PATH_START + escape(root) + "(?![\\w.-])" + PATH_REST, "g"), "<tmp>");
  }
  return result
    .replace(UUID, "<uuid>")
    .replace(ISO_TIMESTAMP, "<timestamp>")
    .replace(DURATION, "<duration>")
    .replace(STACK_FRAMES, "$1at …");
}

/** Sanitizes the text parts of outputs (streams, text MIME types, errors); images are left alone. */
export function sanitizeOutputs(outputs: readonly NbOutput[], options: SanitizeOptions): NbOutput[] {
  const clean = (text: string) => sanitizeText(text, options);
  return outputs.map((output): NbOutput => {
    switch (output.output_type) {
      case "stream":
        return { ...output, text: clean(output.text) };
      case "error":
        return { ...output, evalue: clean(output.evalue), traceback: output.traceback.map(clean) };
      default: {
        const data: Record<string, unknown> = {};
        for (const [mime, value] of Object.entries(output.data)) {
          data[mime] = typeof value === "string" && isTextMime(mime) ? clean(value) : value;
        }
        return { ...output, data };
      }
    }
  });
}

/**
 * Returns a copy of the notebook with sanitized outputs and execution counts
 * renumbered 1..n over the cells that ran, as a fresh kernel would number them.
 */
export function sanitizeNotebook(notebook: Notebook, options: SanitizeOptions): Notebook {
  let count = 0;
  const cells = notebook.cells.map((cell) => {
    if (cell.cell_type !== "code") return cell;
    const executionCount = cell.execution_count === null ? null : ++count;
    const outputs = sanitizeOutputs(cell.outputs, options).map((output) =>
      output.output_type === "execute_result" ? { ...output, execution_count: executionCount } : output,
    );
    return { ...cell, execution_count: executionCount, outputs };
  });
  return { ...notebook, cells };
}

function isTextMime(mime: string): boolean {
  return mime.startsWith("text/") || mime === "image/svg+xml" || mime.endsWith("+xml");
}

// The same folder can be reached through a symlink (macOS /tmp, CI checkouts).
function variants(...paths: string[]): string[] {
  const all = new Set<string>();
  for (const path of paths) {
    const trimmed = path.replace(/\/+$/, "");
    if (trimmed === "") continue;
    all.add(trimmed);
    try {
      all.add(realpathSync(trimmed));
    } catch {
      // A path that does not exist here can still appear in committed outputs.
    }
  }
  // Longest first, so /tmp/x/repo is replaced before /tmp.
  return [...all].sort((a, b) => b.length - a.length);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
