/**
 * A check: one graded question about a learner's notebook, written as
 * TypeScript that runs in the learner's own kernel once the notebook has run.
 *
 * @module
 */

/**
 * One graded question of an exercise.
 *
 * `code` is the body of an async function that runs in the learner's kernel
 * after their notebook, so it sees their variables and reaches their database
 * through their `engine`. It returns nothing to pass, or a hint (a sentence
 * saying what is wrong and what to do) to fail; a throw fails with the
 * error's first line as the hint. A check that changes the database undoes
 * its changes: it works inside an `engine.connect()` scope (rolled back when
 * it ends) or deletes what it added.
 *
 * Visible checks are also copied into the exercise notebook as check cells;
 * hidden checks live only here, so that the grade never depends on a cell
 * the learner can edit.
 *
 * @example
 * ```ts
 * import { checkCode, type Check } from "./check.js";
 *
 * const check: Check = {
 *   id: "answer-defined",
 *   description: "answer is 42.",
 *   hidden: false,
 *   code: checkCode`
 *     if (answer !== 42) return "answer is " + answer + ", not 42.";
 *   `,
 * };
 * ```
 */
export interface Check {
  /** Short kebab-case name, unique within its exercise, such as `orders-fk`. */
  readonly id: string;
  /** What passing means, as a sentence; shown after ✓ and in reports. */
  readonly description: string;
  /** Whether the check runs only in the grader (true) or is also a check cell of the notebook. */
  readonly hidden: boolean;
  /** TypeScript 5.0: the body of an async function returning `string | void`. */
  readonly code: string;
}

/**
 * Template tag for a check's `code`: keeps the text raw (so `"\n"` stays an
 * escape in the generated TypeScript), strips the common indentation and the
 * blank first and last lines. It takes no `${…}` placeholders, and check
 * bodies avoid backticks, so that the text is exactly the code that runs.
 */
export function checkCode(strings: TemplateStringsArray): string {
  const lines = (strings.raw[0] ?? "").split("\n");
  while (lines.length > 0 && lines[0]!.trim() === "") lines.shift();
  while (lines.length > 0 && lines.at(-1)!.trim() === "") lines.pop();
  const indents = lines.filter((line) => line.trim() !== "").map((line) => line.length - line.trimStart().length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(common).trimEnd()).join("\n");
}
