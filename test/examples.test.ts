// Every ```ts block under an @example tag of an exported symbol (see
// tools/docs-site/src/public-api.ts) runs as written: it is saved as a .mts file in
// test-artifacts/examples/ — inside the repository, so that `from "pglite-lab"`
// resolves through node_modules/pglite-lab to the built dist/ (`npm test` builds
// it first) — and run with Node, its types stripped by TypeScript's transpiler
// (as tsx would, minus tsx's start-up cost), while one more test type-checks
// every example as written. A `// comment` after console.log(…) or
// show(…), or comment lines right below one, is the output the reader is told to
// expect: the test checks that it was printed, in that order.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";
import { readPublicApi, REPO_ROOT, type DocExample } from "../tools/docs-site/src/public-api.js";

// One folder per run: test runs at the same time in this tree must not delete each other's files.
const OUT = path.join(REPO_ROOT, "test-artifacts", "examples", String(process.pid));
const TIMEOUT_MS = 90_000;
const api = readPublicApi();

mkdirSync(OUT, { recursive: true });
// Folders of earlier runs go once their process has ended; this run's stays for a look after a failure.
for (const name of readdirSync(path.dirname(OUT))) {
  const pid = Number(name);
  if (!Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
  rmSync(path.join(path.dirname(OUT), name), { recursive: true, force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
// Loaded before each example: records what console.log prints, call by call.
const CAPTURE = path.join(OUT, "_capture.mjs");
writeFileSync(
  CAPTURE,
  `import { writeFileSync } from "node:fs";
import { format } from "node:util";
const printed = [];
const log = console.log;
console.log = (...args) => { printed.push(format(...args)); log(...args); };
process.on("exit", () => writeFileSync(process.env.EXAMPLE_OUTPUT, JSON.stringify(printed)));
`,
);

const fileOf = (example: DocExample) => path.join(OUT, `${example.name.replace(/[^\w.-]+/g, "_")}.mts`);
const runnableOf = (example: DocExample) => fileOf(example).replace(/\.mts$/, ".mjs");
for (const example of api.examples) {
  writeFileSync(fileOf(example), `${example.code}\n`);
  const js = ts.transpileModule(example.code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: path.basename(fileOf(example)),
  });
  writeFileSync(runnableOf(example), js.outputText);
}

/** Output an example promises: comments after a console.log(…) / show(…) / showSvg(…) line, or right below it. */
function expectedOutputs(code: string): string[] {
  const source = ts.createSourceFile("example.mts", code, ts.ScriptTarget.Latest, true);
  const comments = new Map<number, { text: string; trailing: boolean }>();
  const addComments = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (range.kind !== ts.SyntaxKind.SingleLineCommentTrivia) continue;
      const { line, character } = source.getLineAndCharacterOfPosition(range.pos);
      const lineStart = range.pos - character;
      const trailing = code.slice(lineStart, range.pos).trim() !== "";
      comments.set(line, { text: code.slice(range.pos, range.end).replace(/^\/\/ ?/, ""), trailing });
    }
  };
  const visit = (node: ts.Node) => {
    addComments(ts.getLeadingCommentRanges(code, node.getFullStart()));
    addComments(ts.getTrailingCommentRanges(code, node.getEnd()));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  const lines = code.split("\n");
  const prints = (line: string) => /\bconsole\.log\(|(^|[^.\w])show(Svg)?\(/.test(line);
  const expected: string[] = [];
  lines.forEach((line, i) => {
    if (!prints(line)) return;
    const own = comments.get(i);
    if (own?.trailing) expected.push(own.text);
    const block: string[] = [];
    for (let j = i + 1; comments.get(j) && !comments.get(j)?.trailing; j++) block.push(comments.get(j)?.text ?? "");
    if (block.length > 0 && !own?.trailing) expected.push(block.join("\n"));
  });
  return expected;
}

const normalize = (text: string) => text.replace(/\s+/g, " ").trim();

function run(file: string, outputFile: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", CAPTURE, file], {
      cwd: OUT,
      env: { ...process.env, EXAMPLE_OUTPUT: outputFile, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test("the library is built, so that examples can import pglite-lab", () => {
  assert.ok(
    existsSync(path.join(REPO_ROOT, "dist", "cjs", "index.js")),
    "dist/cjs/index.js is missing: run `npm run build` (npm test does it first).",
  );
});

test("every public export has an @example", () => {
  const documented = new Set(api.examples.map((e) => e.name.replace(/ \(\d+\)$/, "").split(".")[0]));
  const missing = api.names.filter((name) => !documented.has(name));
  assert.deepEqual(missing, [], `exports without an @example: ${missing.join(", ")}`);
});

describe("examples", { concurrency: 2 }, () => {
  for (const example of api.examples) {
    test(example.name, { timeout: TIMEOUT_MS + 10_000 }, async () => {
      const file = fileOf(example);
      const outputFile = file.replace(/\.mts$/, ".output.json");
      rmSync(outputFile, { force: true });
      const result = await run(runnableOf(example), outputFile);
      const where = `example of ${example.name} (${example.location}, saved as ${path.relative(REPO_ROOT, file)})`;
      assert.ok(result.signal === null, `${where} did not finish within ${TIMEOUT_MS / 1000} s (${result.signal}).\n${result.stderr}`);
      assert.equal(result.code, 0, `${where} failed:\n${result.stderr || result.stdout}`);
      const printed: string[] = existsSync(outputFile) ? JSON.parse(readFileSync(outputFile, "utf8")) : [];
      let next = 0;
      for (const expected of expectedOutputs(example.code)) {
        const at = printed.findIndex((chunk, i) => i >= next && normalize(chunk) === normalize(expected));
        assert.ok(
          at >= 0,
          `${where} should print\n  ${expected.replace(/\n/g, "\n  ")}\nbut printed (from call ${next + 1} on):\n  ${printed.slice(next).join("\n  ") || "(nothing)"}`,
        );
        next = at + 1;
      }
    });
  }
});

test("every example type-checks (strict, as the project compiles)", () => {
  const files = api.examples.map(fileOf);
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const example = api.examples.find((e) => fileOf(e) === path.resolve(d.file?.fileName ?? ""));
    return `${example ? `example of ${example.name} (${example.location})` : d.file.fileName}, line ${line + 1}: ${message}`;
  });
  assert.deepEqual(problems, [], problems.join("\n"));
});
