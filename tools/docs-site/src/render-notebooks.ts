/**
 * `tsx tools/docs-site/src/render-notebooks.ts [--notebooks dir] [--out dir]`: turns
 * the walkthrough notebooks (`notebooks/*.ipynb`, in name order) into Markdown
 * guide pages for typedoc, with their code and committed outputs.
 *
 * Writes `docs/site-src/guides.md` (the "Guides" page, always, listing the
 * guides as its children in reading order) and `docs/site-src/guides/<name>.md`
 * (one per notebook). Outputs become: stream text → a text code block;
 * `text/html` (result tables) → the HTML itself; `image/svg+xml` and
 * `image/png` → an embedded `<img>`; `text/markdown` → Markdown. In the
 * notebook's "See also" cell, exported names in backticks (`` `createEngine` ``)
 * become `{@link createEngine}`; the names a guide imports from "pglite-lab" or
 * links to are listed in its front matter (`uses`), which the typedoc plugin
 * (`typedoc-plugin.mjs`) turns into "Used in guides" links on the API pages.
 *
 * Each code cell is wrapped in a `<div class="nb-cell">` that the guides'
 * loader gives a Run button (see `../live/`); a cell that cannot run in a web
 * page carries the reason (browser-support.ts). Hidden cells stay in the page,
 * hidden, so that Run all still runs them.
 *
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { LIVE } from "../live/markup.js";
import { cellsNeedingNode } from "./browser-support.js";
import { readPublicApi, REPO_ROOT, type PublicApi } from "./public-api.js";

/** A guide rendered from one notebook. */
export interface Guide {
  /** File name without extension: `00-quickstart`. */
  readonly slug: string;
  /** The notebook's H1 title. */
  readonly title: string;
  /** The notebook's one-line `>` summary, if it has one. */
  readonly summary: string;
  /** Exported names the guide uses (imports and "See also" links), sorted. */
  readonly uses: readonly string[];
  /** The Markdown page, front matter included. */
  readonly markdown: string;
}

interface RawCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: RawOutput[];
}

interface RawOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** Cells with one of these tags are left out of the guide. */
const HIDDEN_TAGS = ["remove-cell", "docs-hide"];

const joinText = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join("") : (value ?? ""));
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");

/** A fenced code block whose fence is longer than any run of backticks inside. */
function fenced(language: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

/**
 * Raw HTML from a notebook output, made safe for typedoc's Markdown: blank
 * lines would end the HTML block (Markdown would take over), and `@` at a line
 * start or after `{` would be read as a doc-comment tag.
 */
function htmlBlock(html: string): string {
  const safe = html
    .split("\n")
    .filter((line) => line.trim() !== "")
    .join("\n")
    .replace(/\{@/g, "{&#64;")
    .replace(/^(\s*)@/gm, "$1&#64;")
    .replace(/`/g, "&#96;");
  return `<div class="nb-output nb-html">\n${safe}\n</div>`;
}

function imageBlock(mime: string, data: unknown): string {
  const text = joinText(data as string | string[]);
  const base64 = mime === "image/svg+xml" ? Buffer.from(text, "utf8").toString("base64") : text.replace(/\s+/g, "");
  return `<div class="nb-output nb-image"><img alt="output" src="data:${mime};base64,${base64}"></div>`;
}

function renderOutput(output: RawOutput): string | undefined {
  switch (output.output_type) {
    case "stream": {
      const text = stripAnsi(joinText(output.text));
      if (text.trim() === "") return undefined;
      // Blank lines around the fence let Markdown render it inside the HTML wrapper.
      return `<div class="nb-output nb-${output.name === "stderr" ? "stderr" : "stdout"}">\n\n${fenced("text", text)}\n\n</div>`;
    }
    case "display_data":
    case "execute_result": {
      const data = output.data ?? {};
      if ("text/html" in data) return htmlBlock(joinText(data["text/html"] as string | string[]));
      for (const mime of ["image/svg+xml", "image/png", "image/jpeg"]) {
        if (mime in data) return imageBlock(mime, data[mime]);
      }
      if ("text/markdown" in data) return joinText(data["text/markdown"] as string | string[]);
      if ("text/plain" in data) {
        return `<div class="nb-output nb-stdout">\n\n${fenced("text", stripAnsi(joinText(data["text/plain"] as string | string[])))}\n\n</div>`;
      }
      return undefined;
    }
    case "error": {
      const text = stripAnsi((output.traceback ?? [`${output.ename}: ${output.evalue}`]).join("\n"));
      return `<div class="nb-output nb-stderr">\n\n${fenced("text", text)}\n\n</div>`;
    }
    default:
      return undefined;
  }
}

/**
 * A code cell and its outputs inside the wrapper the live guides look for.
 * The blank lines let Markdown render the fenced code inside the HTML block.
 */
function liveCell(index: number, source: string, outputs: readonly string[], needs: string | undefined, hidden: boolean): string {
  const attributes = [`class="${LIVE.cell}"`, `${LIVE.indexAttribute}="${index}"`];
  if (needs) attributes.push(`${LIVE.needsAttribute}="${needs.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`);
  if (hidden) attributes.push("hidden");
  return [`<div ${attributes.join(" ")}>`, fenced("ts", source), ...outputs, "</div>"].join("\n\n");
}

/** Names imported from "pglite-lab" in a code cell. */
function importedNames(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["']pglite-lab["']/g)) {
    for (const part of (match[1] ?? "").split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]?.trim();
      if (name) names.push(name);
    }
  }
  return names;
}

/**
 * Markdown text made safe for typedoc's comment parser, outside code: a line
 * starting with `@` would be read as a block tag.
 */
function escapeTags(markdown: string): string {
  let inFence = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      return inFence ? line : line.replace(/^(\s*)@/, "$1\\@");
    })
    .join("\n");
}

/** Links `` `name` `` to the API page of `name` where it is an export (or a member of one). */
function linkApiNames(markdown: string, api: PublicApi, linked: Set<string>, unknown: Set<string>): string {
  return markdown.replace(/`([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?)(?:\(\))?`/g, (whole, ref: string) => {
    if (!api.has(ref)) {
      unknown.add(ref);
      return whole;
    }
    linked.add(ref.split(".")[0] as string);
    return `{@link ${ref}}`;
  });
}

/**
 * Links to sibling notebooks point at their guide pages instead: Markdown links
 * to `01-engine.ipynb`, and a notebook named in backticks (`` `01-engine` ``)
 * outside code blocks.
 */
function relinkNotebooks(markdown: string, slugs: ReadonlySet<string>): string {
  let inFence = false;
  return markdown
    .replace(/\]\((\.\/)?([\w.-]+)\.ipynb(#[^)]*)?\)/g, (_m, _dot, name: string, hash = "") => `](./${name}.md${hash})`)
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence) return line;
      return line.replace(/(^|[^[])`([\w.-]+?)(?:\.ipynb)?`/g, (whole, before: string, name: string) =>
        slugs.has(name) ? `${before}[\`${name}\`](./${name}.md)` : whole,
      );
    })
    .join("\n");
}

/** Renders one notebook (its parsed JSON) as a guide page. */
export function renderNotebook(
  slug: string,
  notebook: { cells: RawCell[] },
  api: PublicApi,
  siblings: ReadonlySet<string> = new Set(),
): Guide {
  let title = slug;
  let summary = "";
  const uses = new Set<string>();
  const unknown = new Set<string>();
  const parts: string[] = [];
  /** Where the "rendered from" note goes: after the title cell. */
  let titleAt = 0;
  const needsNode = cellsNeedingNode(
    notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ index, source: joinText(cell.source) }] : [])),
  );
  for (const [index, cell] of notebook.cells.entries()) {
    const hidden = cell.metadata?.tags?.some((tag) => HIDDEN_TAGS.includes(tag)) ?? false;
    const source = joinText(cell.source);
    if (hidden) {
      if (cell.cell_type === "code" && source.trim() !== "") parts.push(liveCell(index, source, [], needsNode.get(index), true));
      continue;
    }
    if (cell.cell_type === "markdown") {
      if (title === slug) {
        const h1 = /^#\s+(.+?)\s*#*\s*$/m.exec(source);
        if (h1) title = (h1[1] as string).trim();
      }
      if (summary === "") {
        const quote = /^>\s*(.+)$/m.exec(source);
        if (quote) summary = (quote[1] as string).trim();
      }
      let text = relinkNotebooks(escapeTags(source), siblings);
      if (/see also|^\s*API:/im.test(text)) text = linkApiNames(text, api, uses, unknown);
      parts.push(text);
      if (titleAt === 0 && /^#\s/m.test(source)) titleAt = parts.length;
    } else if (cell.cell_type === "code") {
      if (source.trim() === "") continue;
      for (const name of importedNames(source)) if (api.has(name)) uses.add(name);
      const outputs = (cell.outputs ?? []).map(renderOutput).filter((output): output is string => output !== undefined);
      parts.push(liveCell(index, source, outputs, needsNode.get(index), false));
    }
  }
  if (unknown.size > 0) {
    console.warn(`render-notebooks: ${slug}: not linked (not exported by pglite-lab): ${[...unknown].join(", ")}`);
  }
  const sortedUses = [...uses].sort();
  const frontMatter = ["---", `title: ${JSON.stringify(title)}`, `uses: ${JSON.stringify(sortedUses)}`, "---"].join("\n");
  const origin =
    `<p class="nb-origin"><small>Rendered from <code>notebooks/${slug}.ipynb</code> with its saved outputs. ` +
    "Press Run all to run it in this page, or run it yourself with <code>npm run lab</code>, " +
    "or all notebooks with <code>npm start</code>.</small></p>";
  const body = [...parts];
  body.splice(titleAt, 0, origin);
  const markdown = `${frontMatter}\n\n${body.join("\n\n")}\n`;
  return { slug, title, summary, uses: sortedUses, markdown };
}

/** The "Guides" page: an introduction and, as typedoc children, the guides in reading order. */
export function renderGuidesIndex(guides: readonly Guide[]): string {
  const frontMatter = ["---", "title: Guides", "group: Guides"];
  if (guides.length > 0) {
    frontMatter.push("children:");
    for (const guide of guides) frontMatter.push(`  - ./guides/${guide.slug}.md`);
  }
  frontMatter.push("---");
  const body =
    guides.length === 0
      ? "No walkthrough notebooks yet: each `notebooks/NN-topic.ipynb` appears here as a guide page once it exists."
      : [
          "The walkthrough notebooks, in reading order, with the outputs they produce. Each one is a",
          "Jupyter notebook in `notebooks/`: open it with `npm run lab` to run and change the cells.",
          "",
          ...guides.map((g, i) => `${i + 1}. [${g.title}](./guides/${g.slug}.md)${g.summary ? ` — ${g.summary}` : ""}`),
        ].join("\n");
  return `${frontMatter.join("\n")}\n\n# Guides\n\n${body}\n`;
}

/** Renders every `*.ipynb` of `notebooksDir` into `outDir`, replacing what was there. */
export function renderNotebooks(notebooksDir: string, outDir: string, api: PublicApi = readPublicApi()): Guide[] {
  let files: string[] = [];
  try {
    files = readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const slugs = new Set(files.map((file) => file.replace(/\.ipynb$/, "")));
  const guides = files.map((file) =>
    renderNotebook(file.replace(/\.ipynb$/, ""), JSON.parse(readFileSync(path.join(notebooksDir, file), "utf8")), api, slugs),
  );
  // Written in place, each file atomically, and stale pages removed afterwards: a typedoc run of
  // another build reading this folder at the same time never finds it empty or a file half-written.
  const guidesDir = path.join(outDir, "guides");
  mkdirSync(guidesDir, { recursive: true });
  const pages = new Set(guides.map((guide) => `${guide.slug}.md`));
  for (const guide of guides) writeAtomically(path.join(guidesDir, `${guide.slug}.md`), guide.markdown);
  writeAtomically(path.join(outDir, "guides.md"), renderGuidesIndex(guides));
  for (const file of readdirSync(guidesDir)) {
    if (!pages.has(file) && file.endsWith(".md")) rmSync(path.join(guidesDir, file), { force: true });
  }
  return guides;
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { values } = parseArgs({
    options: {
      notebooks: { type: "string", default: path.join(REPO_ROOT, "notebooks") },
      out: { type: "string", default: path.join(REPO_ROOT, "docs", "site-src") },
    },
  });
  const guides = renderNotebooks(values.notebooks as string, values.out as string);
  const where = path.relative(process.cwd(), values.out as string) || ".";
  console.log(
    guides.length === 0
      ? `render-notebooks: no notebooks in ${values.notebooks}; wrote an empty Guides page to ${where}/`
      : `render-notebooks: ${guides.length} guides → ${where}/guides/ (${guides.map((g) => g.slug).join(", ")})`,
  );
}
