/**
 * `noteEngineCreated` and `withInMemoryHint`: a missing table on an in-memory
 * engine says why it is likely missing.
 *
 * In a notebook, running the engine cell again makes a new in-memory
 * database, empty, and the next select fails with `relation "emps" does not
 * exist`: true, and no help. The engine counts the in-memory engines it
 * creates in this process, and such an error gets a line that says in-memory
 * engines start empty and, when there have been several, that an earlier
 * cell's engine is another database.
 *
 * @module
 */
import { StatementError } from "../errors.js";

/** The URL an in-memory engine reports as `engine.url`. */
const IN_MEMORY_URL = "pglite://memory";
/** SQLSTATE `undefined_table`: `relation "…" does not exist`. */
const UNDEFINED_TABLE = "42P01";
/** Marks an error that already carries the hint, so that it is added once. */
const HINTED = Symbol("pglite-lab.in-memory-hint");

let inMemoryEngines = 0;

/** Records that an engine was created with `url` (as `engine.url` shows it). */
export function noteEngineCreated(url: string): void {
  if (url === IN_MEMORY_URL) inMemoryEngines++;
}

/** How many in-memory engines this process has created. */
export function inMemoryEngineCount(): number {
  return inMemoryEngines;
}

/**
 * Returns `error`, with a hint added to its message when it is a missing
 * table on an engine at `url` that lives in memory. Any other error is
 * returned untouched.
 */
export function withInMemoryHint<E>(error: E, url: string): E {
  if (!(error instanceof StatementError) || error.code !== UNDEFINED_TABLE || url !== IN_MEMORY_URL) return error;
  const marked = error as StatementError & { [HINTED]?: true };
  if (marked[HINTED]) return error;
  marked[HINTED] = true;
  const lines = [
    "Hint: an in-memory engine starts empty; its tables exist only while it is open, and only in it.",
  ];
  if (inMemoryEngines > 1) {
    lines.push(
      `This process has created ${inMemoryEngines} in-memory engines, each a separate database: ` +
        "a table created through an earlier engine (say, before the engine cell was run again) is not in this one. " +
        "Create the tables again on this engine, or run the notebook from the top.",
    );
  }
  insertBeforeStatement(error, lines.join("\n"));
  return error;
}

// The hint goes with PostgreSQL's own lines, above "Statement: …"; the stack's
// header repeats the message, so it is rewritten the same way.
function insertBeforeStatement(error: Error, text: string): void {
  const old = error.message;
  const at = old.lastIndexOf("\nStatement: ");
  const message = at < 0 ? `${old}\n${text}` : `${old.slice(0, at)}\n${text}${old.slice(at)}`;
  error.message = message;
  const header = `${error.name}: ${old}`;
  if (typeof error.stack === "string" && error.stack.startsWith(header)) {
    error.stack = `${error.name}: ${message}${error.stack.slice(header.length)}`;
  }
}
