/**
 * The exercises the grader knows, and how a submitted notebook is matched to
 * one: by `--exercise`, by the notebook's `pglite_lab.exercise` metadata, or
 * by its file name.
 *
 * @module
 */
import { basename } from "node:path";
import type { Notebook } from "../../notebook-runner/src/notebook.js";
import type { Check } from "./check.js";
import { checks as foreignKeys } from "./checks/01-foreign-keys.js";
import { checks as createDropOrder } from "./checks/02-create-drop-order.js";
import { checks as bulkInsert } from "./checks/03-bulk-insert.js";
import { checks as queryAggregate } from "./checks/04-query-aggregate.js";
import { checks as streamAggregate } from "./checks/05-stream-aggregate.js";
import { checks as atomicTransfer } from "./checks/06-atomic-transfer.js";

/** An exercise: its id (the notebook's file name without `.ipynb`) and its checks. */
export interface Exercise {
  readonly id: string;
  readonly checks: readonly Check[];
}

/** Every exercise, in course order; `notebooks/exercises/<id>.ipynb` is its notebook. */
export const EXERCISES: readonly Exercise[] = [
  { id: "01-foreign-keys", checks: foreignKeys },
  { id: "02-create-drop-order", checks: createDropOrder },
  { id: "03-bulk-insert", checks: bulkInsert },
  { id: "04-query-aggregate", checks: queryAggregate },
  { id: "05-stream-aggregate", checks: streamAggregate },
  { id: "06-atomic-transfer", checks: atomicTransfer },
];

/** The key of notebook (and cell) metadata that pglite-lab reads. */
export const METADATA_KEY = "pglite_lab";

/** Which exercise a notebook is, and how that was decided. */
export interface ExerciseMatch {
  exercise: Exercise;
  /** Where the id came from. */
  source: "option" | "metadata" | "file name";
  /** Set when the file name points at a different exercise than the metadata. */
  warning?: string;
}

/** Thrown when a notebook cannot be matched to an exercise. */
export class UnknownExerciseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnknownExerciseError";
  }
}

/** Looks an exercise up by id. */
export function getExercise(id: string): Exercise | undefined {
  return EXERCISES.find((exercise) => exercise.id === id);
}

/**
 * Decides which exercise `notebook` (read from `path`) answers: the `override`
 * if given, else its `metadata.pglite_lab.exercise`, else the exercise id its
 * file name contains (`alice-03-bulk-insert.ipynb` is 03-bulk-insert).
 *
 * @throws UnknownExerciseError when none of these names a known exercise.
 */
export function findExercise(notebook: Notebook, path: string, override?: string): ExerciseMatch {
  const known = EXERCISES.map((exercise) => exercise.id).join(", ");
  if (override !== undefined) {
    const exercise = getExercise(override);
    if (exercise === undefined) throw new UnknownExerciseError(`There is no exercise "${override}"; the exercises are ${known}.`);
    return { exercise, source: "option" };
  }
  const byName = fromFileName(path);
  const meta = notebook.metadata[METADATA_KEY] as { exercise?: unknown } | undefined;
  if (typeof meta?.exercise === "string") {
    const exercise = getExercise(meta.exercise);
    if (exercise === undefined) {
      throw new UnknownExerciseError(
        `The notebook's metadata names exercise "${meta.exercise}", which does not exist; the exercises are ${known}. ` +
          "Name the right one with --exercise.",
      );
    }
    const warning =
      byName !== undefined && byName !== exercise
        ? `The file name suggests exercise ${byName.id}, but the notebook's metadata says ${exercise.id}; grading as ${exercise.id} (use --exercise to choose).`
        : undefined;
    return { exercise, source: "metadata", ...(warning === undefined ? {} : { warning }) };
  }
  if (byName !== undefined) return { exercise: byName, source: "file name" };
  throw new UnknownExerciseError(
    `Cannot tell which exercise ${basename(path)} is: it has no "${METADATA_KEY}.exercise" metadata and its file name ` +
      `contains no exercise id (${known}). Name it with --exercise.`,
  );
}

// The longest id the name contains, so that a future "01-foreign-keys-2" would win over "01-foreign-keys".
function fromFileName(path: string): Exercise | undefined {
  const name = basename(path).replace(/\.ipynb$/i, "").toLowerCase();
  const matches = EXERCISES.filter((exercise) => name.includes(exercise.id));
  return matches.sort((a, b) => b.id.length - a.id.length)[0];
}
