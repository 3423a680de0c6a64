/**
 * The public API as TypeScript sees it: the names `src/index.ts` exports and
 * the `@example` blocks of their doc comments. Shared by the notebook renderer
 * (which links exported names) and `test/examples.test.ts` (which runs the
 * examples), so both agree on what "public" means.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import path from "node:path";
import ts from "typescript";

/** The repository root (three folders above tools/docs-site/src). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");

/** One fenced ```ts block under an `@example` tag. */
export interface DocExample {
  /** What the example documents: `createEngine`, `Engine.begin`, or `pglite-lab` for the module comment. */
  readonly name: string;
  /** The code, comment markers stripped. */
  readonly code: string;
  /** Where the doc comment is, as `src/file.ts:line`. */
  readonly location: string;
}

/** The exported names and their members, as found by the compiler. */
export interface PublicApi {
  /** Every name `src/index.ts` exports (values and types), in declaration order. */
  readonly names: readonly string[];
  /** Whether `ref` (`createEngine`, `Engine.begin`) names an export or a member of one. */
  has(ref: string): boolean;
  /** Every example of an exported symbol, its members, and the module comment. */
  readonly examples: readonly DocExample[];
}

/** Reads the public API of `src/index.ts` with the TypeScript compiler. */
export function readPublicApi(root = REPO_ROOT): PublicApi {
  const entry = path.join(root, "src", "index.ts");
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!source || !moduleSymbol) throw new Error(`Cannot read ${entry}.`);
  const srcDir = path.join(root, "src") + path.sep;

  const names: string[] = [];
  const members = new Map<string, Set<string>>();
  const examples: DocExample[] = [];
  const seenComments = new Set<ts.Node>();

  const collect = (name: string, node: ts.Node) => {
    for (const doc of ts.getJSDocCommentsAndTags(node)) {
      if (!ts.isJSDoc(doc) || seenComments.has(doc)) continue;
      seenComments.add(doc);
      const file = doc.getSourceFile();
      if (!path.resolve(file.fileName).startsWith(srcDir)) continue;
      const line = file.getLineAndCharacterOfPosition(doc.getStart()).line + 1;
      const location = `${path.relative(root, file.fileName)}:${line}`;
      const blocks = examplesIn(doc.getText());
      const isModule = /^\s*\*?\s*@module\b/m.test(stripCommentMarkers(doc.getText()));
      blocks.forEach((code, i) => {
        const base = isModule ? "pglite-lab" : name;
        examples.push({ name: blocks.length > 1 ? `${base} (${i + 1})` : base, code, location });
      });
    }
  };

  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const name = exported.getName();
    names.push(name);
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    // A doc comment on the re-export itself (`export { sql } from "kysely"`) documents it here.
    for (const declaration of exported.getDeclarations() ?? []) {
      const exportDeclaration = declaration.parent?.parent;
      if (exportDeclaration && ts.isExportDeclaration(exportDeclaration)) collect(name, exportDeclaration);
    }
    const memberNames = new Set<string>();
    members.set(name, memberNames);
    for (const declaration of symbol.getDeclarations() ?? []) {
      collect(name, declaration);
      if (ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration)) {
        for (const member of declaration.members) {
          const memberName = member.name && ts.isIdentifier(member.name) ? member.name.text : undefined;
          if (memberName === undefined) continue;
          memberNames.add(memberName);
          collect(`${name}.${memberName}`, member);
        }
      }
    }
  }

  return {
    names,
    examples,
    has(ref: string): boolean {
      const [head, member, ...rest] = ref.split(".");
      if (head === undefined || rest.length > 0 || !members.has(head)) return false;
      return member === undefined || (members.get(head)?.has(member) ?? false);
    },
  };
}

/** The text of a `/** … *\/` comment without its delimiters and leading `*`s. */
export function stripCommentMarkers(comment: string): string {
  return comment
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, ""))
    .join("\n");
}

/** The ```ts / ```typescript blocks that follow an `@example` tag in a doc comment. */
export function examplesIn(comment: string): string[] {
  const text = stripCommentMarkers(comment);
  const found: string[] = [];
  // Each @example section runs to the next block tag outside a code fence.
  const lines = text.split("\n");
  let inExample = false;
  let fence: { marker: string; lines: string[]; ts: boolean } | undefined;
  for (const line of lines) {
    if (fence) {
      if (line.trim() === fence.marker) {
        if (inExample && fence.ts) found.push(fence.lines.join("\n"));
        fence = undefined;
      } else {
        fence.lines.push(line);
      }
      continue;
    }
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (open) {
      fence = { marker: open[1] as string, lines: [], ts: ["ts", "typescript", "mts"].includes(open[2] ?? "") };
      continue;
    }
    const tag = /^\s*@(\w+)/.exec(line);
    if (tag) inExample = tag[1] === "example";
  }
  return found;
}
