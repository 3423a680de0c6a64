/**
 * A short line diff for showing how a cell's outputs changed.
 *
 * @module
 */

/** Options of `lineDiff`. */
export interface LineDiffOptions {
  /** Unchanged lines shown around each change (default 1). */
  context?: number;
  /** Lines shown at most; the rest is summarized (default 20). */
  maxLines?: number;
}

/**
 * Diffs two texts line by line: removed lines start with "- ", added ones
 * with "+ ", context lines with "  ", and skipped stretches show as "  …".
 * Returns "" when the texts are equal.
 */
export function lineDiff(expected: string, actual: string, options: LineDiffOptions = {}): string {
  if (expected === actual) return "";
  const context = options.context ?? 1;
  const maxLines = options.maxLines ?? 20;
  const ops = diffOps(expected.split("\n"), actual.split("\n"));
  const near = ops.map((_, i) =>
    ops.slice(Math.max(0, i - context), i + context + 1).some((op) => op.kind !== " "),
  );
  const lines: string[] = [];
  ops.forEach((op, i) => {
    if (near[i]) lines.push(`${op.kind} ${op.line}`);
    else if (near[i - 1] === true || (i === 0 && lines.length === 0)) lines.push("  …");
  });
  if (lines.length <= maxLines) return lines.join("\n");
  return [...lines.slice(0, maxLines), `  … (${lines.length - maxLines} more diff lines)`].join("\n");
}

interface Op {
  kind: " " | "-" | "+";
  line: string;
}

// Longest common subsequence; outputs are small, and huge ones are compared as a whole.
function diffOps(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length * b.length > 4_000_000) {
    return [...a.map((line) => ({ kind: "-" as const, line })), ...b.map((line) => ({ kind: "+" as const, line }))];
  }
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      ops.push({ kind: "-", line: a[i++]! });
    } else {
      ops.push({ kind: "+", line: b[j++]! });
    }
  }
  return ops;
}
