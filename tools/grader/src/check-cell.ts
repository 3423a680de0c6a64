/**
 * The two cells a check becomes: the visible check cell of an exercise
 * notebook, which answers ✓ or ✗ with a hint, and the grader's copy, which
 * prints a machine-readable verdict marked with a per-run nonce.
 *
 * @module
 */
import { cellTags, type Cell } from "../../notebook-runner/src/notebook.js";
import type { Check } from "./check.js";
import { METADATA_KEY } from "./exercises.js";

/** The tag that marks a notebook's check cells; the grader skips them and runs its own copies. */
export const CHECK_TAG = "check";

/** The check id a cell copies (`metadata.pglite_lab.check`), or undefined for any other cell. */
export function checkIdOf(cell: Cell): string | undefined {
  const meta = cell.metadata[METADATA_KEY] as { check?: unknown } | undefined;
  return typeof meta?.check === "string" ? meta.check : undefined;
}

/**
 * Whether a cell is one of the notebook's check cells (tagged "check", or
 * naming a check in its metadata): the grader skips them and runs its own copies.
 */
export function isCheckCell(cell: Cell): boolean {
  return cellTags(cell).includes(CHECK_TAG) || checkIdOf(cell) !== undefined;
}

/** A check's verdict as the grader read it from the kernel. */
export interface Verdict {
  pass: boolean;
  /** What is wrong, when the check failed. */
  hint: string;
}

/** Longest line of a generated notebook check cell, as in the notebooks' other code cells. */
const CELL_WIDTH = 90;

/**
 * The source of a visible check cell: the check's body in an async function,
 * run at once, printing `✓ <description>` or `✗ <hint>`. Its lines are at most
 * 90 characters long when the check's body lines are at most 86.
 */
export function notebookCheckCell(check: Check): string {
  const passed = JSON.stringify(`✓ ${check.description}`);
  const verdict = `  console.log(hint ? "✗ " + hint : ${passed});`;
  return [
    `// Check "${check.id}". Do not edit: the grader runs its own copy`,
    "// of this cell, and hidden checks too.",
    "{",
    "  const check = async (): Promise<string | void> => {",
    indent(check.code, 4),
    "  };",
    '  const hint = await check().catch((err) => String(err).split("\\n")[0]);',
    ...(verdict.length <= CELL_WIDTH
      ? [verdict]
      : ["  const passed =", stringLines(`✓ ${check.description}`, 4), '  console.log(hint ? "✗ " + hint : passed);']),
    "}",
  ].join("\n");
}

/**
 * `text` as a sum of string literals, one per line, each line at most
 * CELL_WIDTH characters long (unless one word is longer), ending with `;`.
 */
function stringLines(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  // Room for the padding, the quotes, " +" or ";", and the escapes JSON adds.
  const fits = (piece: string) => pad.length + JSON.stringify(piece).length + 2 <= CELL_WIDTH;
  const pieces: string[] = [];
  let piece = "";
  for (const word of text.split(/(?<= )/)) {
    if (piece !== "" && !fits(piece + word)) {
      pieces.push(piece);
      piece = "";
    }
    piece += word;
  }
  pieces.push(piece);
  return pieces.map((p, i) => pad + JSON.stringify(p) + (i === pieces.length - 1 ? ";" : " +")).join("\n");
}

/**
 * The grader's copy of a check: the same body, raced against a timer so a
 * check waiting on a scope that never ends fails with a hint, printing one
 * line `@@check <nonce> <id> pass` or `@@check <nonce> <id> fail <hint>`.
 * The nonce is new for every grading run, so nothing the notebook prints can
 * pass for a verdict.
 */
export function graderCheckCell(check: Check, options: { nonce: string; timeoutMs: number }): string {
  const prefix = `@@check ${options.nonce} ${check.id} `;
  const seconds = Math.round(options.timeoutMs / 100) / 10;
  const timeoutHint =
    `The check did not finish within ${seconds} s: a function it calls never returns, or an earlier cell ` +
    "left a scope (engine.begin/connect) waiting, so the engine cannot serve another one.";
  return [
    "{",
    "  const check = async (): Promise<string | void> => {",
    indent(check.code, 4),
    "  };",
    "  let timer: any;",
    "  const timeout = new Promise<string>((resolve) => {",
    `    timer = setTimeout(() => resolve(${JSON.stringify(timeoutHint)}), ${Math.round(options.timeoutMs)});`,
    "  });",
    "  const verdict = await Promise.race([check(), timeout]).catch(",
    '    (err) => String(err).split("\\n")[0] || "The check threw an error without a message.",',
    "  );",
    "  clearTimeout(timer);",
    '  const hint = typeof verdict === "string" ? verdict.replace(/\\s+/g, " ").trim() : "";',
    `  console.log(hint === "" ? ${JSON.stringify(`${prefix}pass`)} : ${JSON.stringify(`${prefix}fail `)} + hint);`,
    "}",
  ].join("\n");
}

/** Finds the verdict of check `id` in what its grader cell printed, or undefined if there is none. */
export function readVerdict(stdout: string, nonce: string, id: string): Verdict | undefined {
  const prefix = `@@check ${nonce} ${id} `;
  for (const line of stdout.split("\n")) {
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    if (rest === "pass") return { pass: true, hint: "" };
    if (rest.startsWith("fail")) return { pass: false, hint: rest.slice(4).trim() || "The check failed without a hint." };
  }
  return undefined;
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((line) => (line === "" ? line : pad + line))
    .join("\n");
}
