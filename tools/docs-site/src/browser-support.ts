/**
 * Which cells of a walkthrough can run in a web page, decided when the docs
 * are built, so that a guide page says so on its Run buttons before anything
 * is downloaded.
 *
 * A cell needs Node when it
 * - uses something only Node has: a name imported from a module the page
 *   does not provide (`node:fs`, `@hono/node-server`), a Node global
 *   (`Buffer`, `setImmediate`), or a part of `process` other than `env`;
 * - connects to a PostgreSQL server or opens a database folder (a
 *   `postgres://` or `pglite://./dir` URL in the cell);
 * - uses a name that a cell needing Node declared;
 * - comes after a cell that needs Node and ran a scope on an engine the page
 *   has (so later cells may read what it wrote).
 *
 * Names are followed through the JavaScript the page runs (types removed),
 * so `typeof measured` in a type annotation is no use of `measured`.
 *
 * @module
 */
import { compileCell, patternNames, visit, type AnyNode, type CompiledCell } from "../live/cell-compiler.js";
import { NODE_ONLY_GLOBALS, PROCESS_MEMBERS, unavailableModule } from "../live/page-modules.js";

/** A code cell of a notebook: its index among the notebook's cells, and its source. */
export interface SourceCell {
  readonly index: number;
  readonly source: string;
}

/** Methods whose call, on an engine, runs statements (and may change what later cells read). */
const DATABASE_CALLS = new Set(["begin", "connect", "kysely"]);
const SERVER_URL = /^postgres(?:ql)?:\/\//i;
const FOLDER_URL = /^pglite:\/\/(?:\.{1,2}(?:\/|$)|\/)/i;

/**
 * For each cell that cannot run in a page, why, as the end of a sentence
 * starting "This cell …": `imports node:fs, which only Node has`.
 */
export function cellsNeedingNode(cells: readonly SourceCell[]): Map<number, string> {
  const needs = new Map<number, string>();
  /** Names a cell needing Node declared (or that come from a module the page lacks), with why. */
  const nodeNames = new Map<string, string>();
  let afterDatabaseWrite = false;
  for (const cell of cells) {
    let compiled: CompiledCell;
    try {
      compiled = compileCell(cell.source);
    } catch {
      continue; // the page shows the syntax error, as the notebook would
    }
    for (const { source, names } of compiled.imports) {
      const missing = unavailableModule(source);
      for (const name of names) {
        if (missing) nodeNames.set(name, `uses ${name} from ${source}, which only Node has`);
        else nodeNames.delete(name);
      }
    }
    const local = declaredAnywhere(compiled.program);
    const used = [...referencedNames(compiled.program)].filter((name) => !local.has(name));
    const reason =
      (afterDatabaseWrite ? "runs after a cell that needs Node and used the same database" : undefined) ??
      compiled.dynamicImports.map((source) => unavailableModule(source)).find(Boolean) ??
      used.map((name) => nodeNames.get(name)).find(Boolean) ??
      used.filter((name) => (NODE_ONLY_GLOBALS as readonly string[]).includes(name)).map((name) => `uses ${name}, which only Node has`)[0] ??
      processUse(compiled.program, local) ??
      urlUse(compiled.program);
    const imported = new Set(compiled.imports.flatMap((i) => i.names));
    const declared = compiled.declared.filter((name) => !imported.has(name));
    if (reason === undefined) {
      for (const name of declared) nodeNames.delete(name);
      continue;
    }
    needs.set(cell.index, reason);
    for (const name of declared) nodeNames.set(name, `uses ${name}, from a cell that needs Node`);
    if (runsScopeOn(compiled.program, (name) => !nodeNames.has(name) && !local.has(name))) afterDatabaseWrite = true;
  }
  return needs;
}

/** Identifiers read or written as variables (not property names, labels or keys). */
function referencedNames(program: AnyNode): Set<string> {
  const names = new Set<string>();
  visit(program, (node, parent, key) => {
    if (node.type === "ImportDeclaration") return false; // its names are bindings, handled with the imports
    if (node.type !== "Identifier" || !parent) return true;
    const notAVariable =
      (parent.type === "MemberExpression" && key === "property" && !parent["computed"]) ||
      ((parent.type === "Property" || parent.type === "MethodDefinition" || parent.type === "PropertyDefinition") && key === "key" && !parent["computed"]) ||
      (key === "label" && /Statement$/.test(parent.type)) ||
      parent.type === "MetaProperty";
    if (!notAVariable) names.add(node["name"]);
    return true;
  });
  return names;
}

/** Every name the cell binds, at any depth (a close enough stand-in for scope analysis here). */
function declaredAnywhere(program: AnyNode): Set<string> {
  const names = new Set<string>();
  visit(program, (node) => {
    if (node.type === "VariableDeclarator") for (const name of patternNames(node["id"])) names.add(name);
    if (/Function/.test(node.type)) {
      if (node["id"]) names.add(node["id"].name);
      for (const param of node["params"] as AnyNode[]) for (const name of patternNames(param)) names.add(name);
    }
    if (/^Class/.test(node.type) && node["id"]) names.add(node["id"].name);
    if (node.type === "CatchClause") for (const name of patternNames(node["param"])) names.add(name);
  });
  return names;
}

function processUse(program: AnyNode, local: ReadonlySet<string>): string | undefined {
  if (local.has("process")) return undefined;
  let found: string | undefined;
  visit(program, (node) => {
    if (found || node.type !== "MemberExpression" || node["computed"]) return;
    const object = node["object"] as AnyNode;
    const member = node["property"]["name"] as string;
    if (object.type === "Identifier" && object["name"] === "process" && !(PROCESS_MEMBERS as readonly string[]).includes(member)) {
      found = `uses process.${member}, which only Node has`;
    }
  });
  return found;
}

function urlUse(program: AnyNode): string | undefined {
  let found: string | undefined;
  visit(program, (node) => {
    const text = node.type === "Literal" ? node["value"] : node.type === "TemplateElement" ? node["value"]?.cooked : undefined;
    if (found || typeof text !== "string") return;
    if (SERVER_URL.test(text)) found = "connects to a PostgreSQL server, which a web page cannot reach";
    else if (FOLDER_URL.test(text)) found = "keeps a database in a folder on disk, which a web page does not have";
  });
  return found;
}

/** Whether the cell, outside any function it defines, calls `x.begin()` / `x.connect()` / uses `x.kysely` on a name `isPageEngine` accepts. */
function runsScopeOn(program: AnyNode, isPageEngine: (name: string) => boolean): boolean {
  let found = false;
  visit(program, (node) => {
    // The functions a cell defines run later, if at all: only what it runs now counts.
    if (found || /Function/.test(node.type)) return false;
    if (node.type === "MemberExpression" && !node["computed"]) {
      const object = node["object"] as AnyNode;
      if (object.type === "Identifier" && DATABASE_CALLS.has(node["property"]["name"]) && isPageEngine(object["name"])) found = true;
    }
    return true;
  });
  return found;
}
