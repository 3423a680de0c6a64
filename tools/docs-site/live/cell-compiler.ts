/**
 * Turns a notebook cell (TypeScript, as tslab runs it) into the body of an
 * async function that the page runs, with the semantics of a tslab cell:
 *
 * - types are removed by sucrase (no type checking, as in tslab's fast path);
 * - `import … from "m"` becomes `const … = await __import("m")` at the top of
 *   the cell (tslab turns imports into `require()`), and `import("m")`
 *   becomes `__import("m")`;
 * - every top-level `const` / `let` / `var` / `function` / `class` and every
 *   imported name is published to the notebook's shared scope, so that later
 *   cells see it (tslab keeps them on an `exports` object);
 * - when the last statement is an expression, its value is returned, to be
 *   printed as tslab prints it.
 *
 * Runs in the page and, for the static checks of the docs build, in Node.
 *
 * @module
 */
import { parse, type Node } from "acorn";
import { transform } from "sucrase";

/** Names the compiled body expects from its caller. */
export const RUNTIME_NAMES = { publish: "__pgliteLab$publish", import: "__pgliteLab$import", interop: "__pgliteLab$default" } as const;

/** One `import` of a cell. */
export interface CellImport {
  /** The module specifier: `"pglite-lab"`, `"node:fs"`. */
  readonly source: string;
  /** The local names it binds. */
  readonly names: readonly string[];
}

/** A compiled cell. */
export interface CompiledCell {
  /** The body of an async function (see the module comment). */
  readonly body: string;
  /** Top-level names the cell declares or imports, published to the shared scope. */
  readonly declared: readonly string[];
  /** The cell's static imports, in order. */
  readonly imports: readonly CellImport[];
  /** Modules the cell loads with `import("…")` and a string literal. */
  readonly dynamicImports: readonly string[];
  /** Whether the cell ends with an expression whose value the body returns. */
  readonly returnsLast: boolean;
  /** The JavaScript the cell becomes once its types are removed, parsed (for static checks). */
  readonly program: AnyNode;
}

/** An acorn node, read generically. */
export type AnyNode = Node & Record<string, any>;

/** A cell that is not valid TypeScript (or uses syntax the page cannot run). */
export class CellSyntaxError extends SyntaxError {
  override name = "SyntaxError";
}

/** Compiles one cell; throws {@link CellSyntaxError} with the parser's message. */
export function compileCell(source: string): CompiledCell {
  let js: string;
  try {
    js = transform(source, {
      transforms: ["typescript"],
      disableESTransforms: true,
      preserveDynamicImport: true,
      // An import line is often a cell of its own: the names are used by later cells.
      keepUnusedImports: true,
    }).code;
  } catch (err) {
    throw new CellSyntaxError((err as Error).message);
  }
  let program: AnyNode;
  try {
    program = parse(js, { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true }) as AnyNode;
  } catch (err) {
    throw new CellSyntaxError((err as Error).message);
  }

  const edits: { start: number; end: number; text: string }[] = [];
  const hoisted: string[] = [];
  const imports: CellImport[] = [];
  const dynamicImports: string[] = [];
  const published = new Map<string, boolean>(); // name → assignable
  const statements = program["body"] as AnyNode[];

  statements.forEach((statement, index) => {
    if (statement.type === "ImportDeclaration") {
      const { code, names } = importAsConst(statement);
      hoisted.push(code);
      imports.push({ source: String(statement["source"].value), names });
      for (const name of names) published.set(name, false);
      edits.push({ start: statement.start, end: statement.end, text: "" });
      return;
    }
    let declaration = statement;
    if (statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration") {
      if (!statement["declaration"]) {
        edits.push({ start: statement.start, end: statement.end, text: "" });
        return;
      }
      declaration = statement["declaration"];
      edits.push({ start: statement.start, end: declaration.start, text: "" });
    }
    if (declaration.type === "VariableDeclaration") {
      for (const declarator of declaration["declarations"] as AnyNode[]) {
        for (const name of patternNames(declarator["id"])) published.set(name, declaration["kind"] !== "const");
      }
    } else if ((declaration.type === "FunctionDeclaration" || declaration.type === "ClassDeclaration") && declaration["id"]) {
      published.set(declaration["id"].name, true);
    } else if (index === statements.length - 1 && statement.type === "ExpressionStatement" && !statement["directive"]) {
      const expression = statement["expression"] as AnyNode;
      edits.push({ start: statement.start, end: expression.start, text: "return [(" });
      edits.push({ start: expression.end, end: statement.end, text: ")];" });
    }
  });

  visit(program, (node) => {
    if (node.type !== "ImportExpression") return;
    edits.push({ start: node.start, end: node.start + "import".length, text: RUNTIME_NAMES.import });
    const specifier = node["source"] as AnyNode;
    if (specifier.type === "Literal" && typeof specifier["value"] === "string") dynamicImports.push(specifier["value"]);
  });

  const accessors = [...published].map(([name, assignable]) =>
    assignable ? `${JSON.stringify(name)}: [() => ${name}, (v) => ${name} = v]` : `${JSON.stringify(name)}: [() => ${name}]`,
  );
  const prologue = [`${RUNTIME_NAMES.publish}({${accessors.join(", ")}});`, ...hoisted].join("\n");
  const last = statements.at(-1);
  return {
    body: `${prologue}\n${applyEdits(js, edits)}`,
    declared: [...published.keys()],
    imports,
    dynamicImports,
    returnsLast: last?.type === "ExpressionStatement" && !last["directive"],
    program,
  };
}

/** `import a, { b as c } from "m"` → `const a = interop(m), { b: c } = m`, through one `await __import("m")`. */
function importAsConst(statement: AnyNode): { code: string; names: string[] } {
  const source = JSON.stringify(statement["source"].value);
  const load = `await ${RUNTIME_NAMES.import}(${source})`;
  const specifiers = statement["specifiers"] as AnyNode[];
  if (specifiers.length === 0) return { code: `${load};`, names: [] };
  const names: string[] = [];
  const parts: string[] = [];
  const named: string[] = [];
  const module = `__pgliteLab$module${statement.start}`;
  for (const specifier of specifiers) {
    const local = specifier["local"].name as string;
    names.push(local);
    if (specifier.type === "ImportNamespaceSpecifier") parts.push(`${local} = ${module}`);
    else if (specifier.type === "ImportDefaultSpecifier") parts.push(`${local} = ${RUNTIME_NAMES.interop}(${module})`);
    else {
      const imported = specifier["imported"];
      const key = imported.type === "Literal" ? JSON.stringify(imported.value) : imported.name;
      named.push(key === local ? local : `${key}: ${local}`);
    }
  }
  if (named.length > 0) parts.push(`{ ${named.join(", ")} } = ${module}`);
  return { code: `const ${module} = ${load};\nconst ${parts.join(", ")};`, names };
}

/** The identifiers a binding pattern declares. */
export function patternNames(pattern: AnyNode | null | undefined): string[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case "Identifier":
      return [pattern["name"]];
    case "ObjectPattern":
      return (pattern["properties"] as AnyNode[]).flatMap((p) => patternNames(p.type === "RestElement" ? p["argument"] : p["value"]));
    case "ArrayPattern":
      return (pattern["elements"] as (AnyNode | null)[]).flatMap((e) => patternNames(e));
    case "RestElement":
      return patternNames(pattern["argument"]);
    case "AssignmentPattern":
      return patternNames(pattern["left"]);
    default:
      return [];
  }
}

/** Calls `fn` on every node of the tree, parents first; where `fn` returns false, the node's children are skipped. */
export function visit(
  node: AnyNode,
  fn: (node: AnyNode, parent: AnyNode | undefined, key: string) => boolean | void,
  parent?: AnyNode,
  key = "",
): void {
  if (fn(node, parent, key) === false) return;
  for (const [field, value] of Object.entries(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item.type === "string") visit(item, fn, node, field);
    } else if (value && typeof value === "object" && typeof (value as AnyNode).type === "string") {
      visit(value as AnyNode, fn, node, field);
    }
  }
}

function applyEdits(text: string, edits: readonly { start: number; end: number; text: string }[]): string {
  let out = text;
  // Last edit first, so that earlier offsets stay valid; at one offset, an insertion goes after the replacement.
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}
