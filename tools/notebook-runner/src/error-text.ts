/**
 * The error a cell printed, as a person wants to read it.
 *
 * @module
 */
import type { NbOutput } from "./notebook.js";

/**
 * The error text of a cell's outputs (tslab reports errors as stderr text;
 * other kernels as `error` outputs), without what tslab and Node add to every
 * cell: the `evalmachine.<anonymous>:N` header with the source line and caret,
 * and stack frames. What is left is the error's own lines.
 */
export function errorText(outputs: readonly NbOutput[]): string {
  const stderr = outputs
    .flatMap((output) => {
      if (output.output_type === "stream" && output.name === "stderr") return [output.text];
      if (output.output_type === "error") return [`${output.ename}: ${output.evalue}\n`];
      return [];
    })
    .join("");
  return stderr
    .replace(/^evalmachine\.<anonymous>:\d+\n.*\n[ \t]*\^+[ \t]*\n\n?/gm, "")
    .replace(/^[ \t]+at .*\n?/gm, "")
    .trim();
}
