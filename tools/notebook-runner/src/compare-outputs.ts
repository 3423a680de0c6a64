/**
 * Compares a cell's committed outputs with the outputs of a fresh run, for
 * `npm start -- --check`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { lineDiff } from "./line-diff.js";
import type { NbOutput } from "./notebook.js";
import { sanitizeOutputs, type SanitizeOptions } from "./sanitize.js";

/**
 * Returns a short diff between two lists of outputs after sanitizing both,
 * or "" when they match. Output metadata is ignored, and consecutive writes
 * to one stream count as one output however they were split.
 */
export function compareOutputs(
  expected: readonly NbOutput[],
  actual: readonly NbOutput[],
  options: SanitizeOptions,
): string {
  return lineDiff(renderOutputs(sanitizeOutputs(expected, options)), renderOutputs(sanitizeOutputs(actual, options)));
}

/** Renders outputs as text with one `[kind]` heading per output, as the diff shows them. */
export function renderOutputs(outputs: readonly NbOutput[]): string {
  const blocks: { heading: string; body: string }[] = [];
  for (const output of outputs) {
    const block = renderOutput(output);
    const last = blocks.at(-1);
    if (output.output_type === "stream" && last?.heading === block.heading) last.body += block.body;
    else blocks.push(block);
  }
  return blocks.map(({ heading, body }) => `${heading}\n${body.replace(/\n$/, "")}`).join("\n");
}

function renderOutput(output: NbOutput): { heading: string; body: string } {
  switch (output.output_type) {
    case "stream":
      return { heading: `[${output.name}]`, body: output.text };
    case "error":
      return { heading: "[error]", body: [`${output.ename}: ${output.evalue}`, ...output.traceback].join("\n") };
    default: {
      const body = Object.keys(output.data)
        .sort()
        .map((mime) => {
          const value = output.data[mime];
          const text = typeof value === "string" ? value : JSON.stringify(value);
          const image = mime.startsWith("image/") && mime !== "image/svg+xml";
          // Images are base64: a digest keeps the diff readable.
          return image
            ? `${mime}: sha256 ${createHash("sha256").update(text.replace(/\s/g, "")).digest("hex").slice(0, 12)}`
            : `${mime}: ${text}`;
        })
        .join("\n");
      return { heading: `[${output.output_type}]`, body };
    }
  }
}
