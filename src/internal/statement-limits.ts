/**
 * Checks on a statement before it is sent, for limits the drivers would
 * otherwise break silently or fatally.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";

/**
 * Bind parameters one statement may carry. The protocol's Bind message counts
 * them in 16 bits; node-postgres and PGlite write the count without checking,
 * so 70,000 parameters arrive as 70,000 − 65,536 = 4,464 and the server
 * answers "bind message has 4464 parameter formats but 0 parameters".
 */
export const MAX_BIND_PARAMETERS = 65535;

/**
 * Expression nesting the embedded engine is allowed to parse. PGlite's
 * PostgreSQL never reported "stack depth limit exceeded" here (its
 * max_stack_depth check does not guard the WebAssembly stack, even set to
 * 100kB), so a deeper expression runs off its stack. Measured on PGlite
 * 0.5.16: `select 1+1+…` with 300 terms once returned no rows at all (a fresh
 * process evaluated 1,000), 1,000 terms once failed with "bad buffer ID: 0"
 * and 3,000 with "unnamed prepared statement does not exist"; 500 nested
 * subqueries returned no rows; 30,000 terms after a large result killed Node
 * ("Fatal JavaScript invalid size error"). A server refuses all of these
 * cleanly (SQLSTATE 54001) or evaluates them. The limit stays below the
 * smallest depth seen to fail.
 */
export const MAX_EMBEDDED_NESTING = 200;

const SHOWN_SQL = 200;

/** The statement as an error message quotes it: its first 200 characters. */
export function shownStatement(sql: string): string {
  return sql.length > SHOWN_SQL ? `${sql.slice(0, SHOWN_SQL)} …` : sql;
}

/**
 * Throws an {@link ArgumentError} naming the statement when it carries more
 * bind parameters than PostgreSQL's protocol can count. Call it wherever a
 * statement with parameters is sent, on every engine.
 */
export function checkParameterCount(sql: string, parameters: readonly unknown[]): void {
  if (parameters.length <= MAX_BIND_PARAMETERS) return;
  throw new ArgumentError(
    `The statement has ${parameters.length} bind parameters; PostgreSQL's protocol carries at most ${MAX_BIND_PARAMETERS} in one statement ` +
      "(a driver would wrap the count and the server would refuse a garbled message). Send many values as one array parameter " +
      "(conn.execute(table.insert(), rows) does this for rows), or split the statement. " +
      `Statement: ${shownStatement(sql)}`,
  );
}

/**
 * Throws an {@link ArgumentError} naming the statement when its expressions
 * nest deeper than {@link MAX_EMBEDDED_NESTING} by {@link nestingDepth}'s
 * estimate. Only the embedded engine needs it: a server refuses such a
 * statement itself with "stack depth limit exceeded" (SQLSTATE 54001).
 */
export function checkEmbeddedNesting(sql: string): void {
  const depth = nestingDepth(sql, MAX_EMBEDDED_NESTING);
  if (depth <= MAX_EMBEDDED_NESTING) return;
  throw new ArgumentError(
    `The statement nests its expressions more than ${MAX_EMBEDDED_NESTING} levels deep (a long chain of operators such as ` +
      "1 + 1 + …, or deeply nested parentheses or subqueries). The embedded PostgreSQL (PGlite) cannot evaluate that safely: " +
      "it would overflow its stack and return wrong results or crash the process. Rewrite it flatter (for example sum() over " +
      `unnest($1::int[]) instead of a chain of +), or run it on a PostgreSQL server. Statement: ${shownStatement(sql)}`,
  );
}

/**
 * A pattern for statements whose first word matches `head` (a regular
 * expression's source), after any whitespace and comments.
 */
export function statementStartingWith(head: string): RegExp {
  return new RegExp(`^(?:\\s|--[^\\n]*(?:\\n|$)|/\\*[\\s\\S]*?\\*/)*(?:${head})`, "i");
}

/**
 * The statements of a script (`sql.raw(migration)` sends several at once), split
 * at the semicolons PostgreSQL splits at: not inside a literal, a quoted name,
 * a comment, a dollar-quoted body or a `BEGIN ATOMIC … END` function body.
 * Each keeps its own leading comments; a statement without a semicolon is
 * returned as it is.
 */
export function scriptStatements(sql: string): string[] {
  if (!sql.includes(";")) return [sql];
  const statements: string[] = [];
  const n = sql.length;
  let start = 0;
  let i = 0;
  let previous = "";
  // Inside BEGIN ATOMIC: its END and those of CASE expressions, as psql counts them.
  let depth = 0;
  while (i < n) {
    const skipped = skipText(sql, i);
    if (skipped >= 0) {
      i = skipped;
    } else if (isWordStart(sql.charCodeAt(i))) {
      let end = i + 1;
      while (end < n && isWordPart(sql.charCodeAt(end))) end++;
      const word = sql.slice(i, end).toLowerCase();
      if (word === "atomic" && previous === "begin" && depth === 0) depth = 1;
      else if (depth > 0 && word === "case") depth++;
      else if (depth > 0 && word === "end") depth--;
      previous = word;
      i = end;
    } else {
      if (sql[i] === ";" && depth === 0) {
        statements.push(sql.slice(start, i));
        start = i + 1;
        previous = "";
      }
      i++;
    }
  }
  statements.push(sql.slice(start));
  return statements;
}

/** `COPY`, after any leading comments. */
const COPY = statementStartingWith("copy\\b");
/** Where a COPY's data would come from or go to over the connection itself. */
const COPY_STDIO = /\b(from\s+stdin|to\s+stdout)\b/i;

/**
 * Throws an {@link ArgumentError} naming the statement for `COPY … FROM
 * STDIN` or `COPY … TO STDOUT`. Neither driver takes or gives copy data here:
 * FROM STDIN waits for data that never comes, for ever (on PGlite it blocks
 * the whole process, timers included), and TO STDOUT throws its rows away.
 */
export function checkCopy(sql: string): void {
  // SQL that is not text never gets here: checkBindParameters, which runs first, refuses it.
  if (typeof sql !== "string") return;
  // Any statement of a script: a COPY FROM STDIN after a SELECT blocks PGlite as surely as a first one.
  for (const statement of scriptStatements(sql)) checkOneCopy(statement.trim());
}

function checkOneCopy(sql: string): void {
  if (!COPY.test(sql)) return;
  // String literals and quoted names could hold the words themselves.
  const direction = COPY_STDIO.exec(sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, "''"))?.[1];
  if (!direction) return;
  const from = /^from/i.test(direction);
  throw new ArgumentError(
    `COPY … ${from ? "FROM STDIN" : "TO STDOUT"} is not supported: ${from ? "it would wait for ever for data that nothing sends" : "its rows would be thrown away"}. ` +
      (from
        ? "Insert rows with conn.execute(table.insert(), rows), which sends them as column arrays, as fast as COPY on PGlite. "
        : "Read rows with conn.execute() or conn.stream() of a SELECT. ") +
      `Nothing was sent. Statement: ${shownStatement(sql)}`,
  );
}

/** Words after which an operator chain starts over: PostgreSQL keeps AND / OR lists flat, and clauses are separate trees. */
const RESET_WORDS = new Set([
  "and", "or", "select", "from", "where", "group", "having", "order", "by", "limit", "offset", "on", "using", "when",
  "then", "else", "end", "set", "values", "returning", "union", "intersect", "except", "join", "window", "into", "as",
]);

const OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

/**
 * An estimate of how deep the parse tree of `sql` nests, from its text alone:
 * at each point, the brackets open around it plus the operators chained
 * before it at each of those levels (a chain `a + b + c` nests one level per
 * operator; a comma or a clause keyword starts a new chain). Literals,
 * quoted identifiers and comments are skipped. Stops counting once past
 * `stopAbove`.
 */
export function nestingDepth(sql: string, stopAbove = Infinity): number {
  const chains: number[] = [0]; // operators chained so far at each open bracket level
  let chained = 0; // their sum
  let deepest = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    const skipped = skipText(sql, i);
    if (skipped >= 0) {
      i = skipped;
    } else if (ch === "(" || ch === "[") {
      chains.push(0);
      i++;
    } else if (ch === ")" || ch === "]") {
      if (chains.length > 1) chained -= chains.pop()!;
      i++;
    } else if (ch === ",") {
      chained -= chains[chains.length - 1]!;
      chains[chains.length - 1] = 0;
      i++;
    } else if (OPERATOR_CHARS.includes(ch)) {
      while (i < n && OPERATOR_CHARS.includes(sql[i]!) && !(sql[i] === "-" && sql[i + 1] === "-") && !(sql[i] === "/" && sql[i + 1] === "*")) i++;
      chains[chains.length - 1]!++;
      chained++;
    } else if (isWordStart(sql.charCodeAt(i))) {
      let end = i + 1;
      while (end < n && isWordPart(sql.charCodeAt(end))) end++;
      if (RESET_WORDS.has(sql.slice(i, end).toLowerCase())) {
        chained -= chains[chains.length - 1]!;
        chains[chains.length - 1] = 0;
      }
      i = end;
    } else {
      i++;
    }
    const depth = chains.length - 1 + chained;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > stopAbove) return deepest;
    }
  }
  return deepest;
}

/**
 * The highest `$n` placeholder of `sql`, as PostgreSQL's lexer finds them:
 * not inside a literal, a quoted identifier, a comment or a dollar-quoted
 * string, and not part of a word (`a$1` is a name). 0 when there is none.
 */
export function highestPlaceholder(sql: string): number {
  let highest = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const skipped = skipText(sql, i);
    if (skipped >= 0) {
      i = skipped;
    } else if (sql[i] === "$") {
      // skipText took `$` before anything but a digit (a dollar quote): this is $n.
      let end = i + 1;
      while (end < n && sql[end]! >= "0" && sql[end]! <= "9") end++;
      highest = Math.max(highest, Number(sql.slice(i + 1, end)));
      i = end;
    } else if (isWordStart(sql.charCodeAt(i))) {
      i++;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
    } else {
      i++;
    }
  }
  return highest;
}

/**
 * When a comment, a literal, a quoted identifier or a dollar-quoted string
 * starts at `i`, the index just after it; otherwise -1.
 */
function skipText(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === "-" && next === "-") {
    const end = sql.indexOf("\n", i);
    return end < 0 ? sql.length : end + 1;
  }
  if (ch === "/" && next === "*") return skipBlockComment(sql, i);
  if (ch === "'") {
    const escapes = (sql[i - 1] === "e" || sql[i - 1] === "E") && (i < 2 || !isWordPart(sql.charCodeAt(i - 2)));
    return skipQuoted(sql, i, "'", escapes);
  }
  if (ch === '"') return skipQuoted(sql, i, '"', false);
  if (ch === "$" && next !== undefined && !(next >= "0" && next <= "9")) return skipDollarQuoted(sql, i);
  return -1;
}

/** A letter, `_`, or any non-ASCII character: what starts an SQL identifier or keyword. */
function isWordStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 128;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36;
}

function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === "\\") i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

function skipDollarQuoted(sql: string, start: number): number {
  const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(start, start + 64))?.[0];
  if (!tag) return start + 1;
  const end = sql.indexOf(tag, start + tag.length);
  return end < 0 ? sql.length : end + tag.length;
}
