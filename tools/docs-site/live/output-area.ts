/**
 * Where a cell's outputs go when it runs in the page: shown the way the guide
 * shows saved outputs (same classes), and kept as nbformat outputs so that
 * what the page printed can be compared with what the notebook saved.
 *
 * @module
 */
import { LIVE } from "./markup.js";

/** A MIME bundle: MIME type to data, as nbformat keeps it. */
export type MimeBundle = Record<string, string>;

/** One output of a cell run in the page, in nbformat's shape. */
export type LiveOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown> };

/** MIME types shown as images, in the order a bundle's richest one is picked. */
const IMAGES = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"];

/** The outputs of one cell: an element after its code, and their record. */
export class OutputArea {
  readonly element: HTMLElement;
  readonly #outputs: LiveOutput[] = [];
  /** The element of each output, by position in #outputs. */
  readonly #elements: HTMLElement[] = [];
  /** Where each `newDisplay()` id is shown, for updates. */
  readonly #displays = new Map<string, number>();

  constructor(element: HTMLElement) {
    this.element = element;
  }

  /** What the cell printed and displayed so far (copies). */
  get outputs(): LiveOutput[] {
    return this.#outputs.map((output) => structuredClone(output));
  }

  /** Forgets every output. */
  clear(): void {
    this.#outputs.length = 0;
    this.#elements.length = 0;
    this.#displays.clear();
    this.element.replaceChildren();
  }

  /** Appends text to stdout or stderr; consecutive writes to one stream share a block, as in Jupyter. */
  stream(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    const last = this.#outputs.at(-1);
    if (last?.output_type === "stream" && last.name === name) {
      last.text += text;
      const code = this.#elements.at(-1)?.querySelector("code");
      if (code) code.textContent = last.text.replace(/\n$/, "");
      return;
    }
    const block = this.#block(`nb-${name}`);
    const pre = block.appendChild(document.createElement("pre"));
    const code = pre.appendChild(document.createElement("code"));
    code.className = "text";
    code.textContent = text.replace(/\n$/, "");
    this.#push({ output_type: "stream", name, text }, block);
  }

  /**
   * Shows a MIME bundle; `metadata` is nbformat's (an image's `width` and
   * `height` under its MIME type). With a display id, {@link update} can
   * replace it later.
   */
  display(data: MimeBundle, metadata: Record<string, unknown> = {}, displayId?: string): void {
    if (displayId !== undefined) this.#displays.set(displayId, this.#outputs.length);
    this.#push(displayOutput(data, metadata), renderBundle(data, metadata, this.#block.bind(this)));
  }

  /** Replaces the output shown with `displayId`; returns false (and shows nothing) if this area has none. */
  update(displayId: string, data: MimeBundle, metadata: Record<string, unknown> = {}): boolean {
    const at = this.#displays.get(displayId);
    if (at === undefined) return false;
    const element = renderBundle(data, metadata, this.#block.bind(this));
    this.#outputs[at] = displayOutput(data, metadata);
    this.#elements[at]?.replaceWith(element);
    this.#elements[at] = element;
    return true;
  }

  #push(output: LiveOutput, element: HTMLElement): void {
    this.#outputs.push(output);
    this.#elements.push(element);
    this.element.append(element);
  }

  #block(kind: string): HTMLElement {
    const block = document.createElement("div");
    block.className = `${LIVE.output} ${kind}`;
    return block;
  }
}

function displayOutput(data: MimeBundle, metadata: Record<string, unknown>): LiveOutput {
  return { output_type: "display_data", data: { ...data }, metadata: { ...metadata } };
}

function renderBundle(data: MimeBundle, metadata: Record<string, unknown>, block: (kind: string) => HTMLElement): HTMLElement {
  if (data["text/html"] !== undefined) {
    const element = block("nb-html");
    element.innerHTML = data["text/html"];
    return element;
  }
  for (const mime of IMAGES) {
    const value = data[mime];
    if (value === undefined) continue;
    const element = block("nb-image");
    const img = element.appendChild(document.createElement("img"));
    img.alt = data["text/plain"] ?? "output"; // showSvg()'s text form names the picture
    img.src = `data:${mime};base64,${mime === "image/svg+xml" ? utf8Base64(value) : value.replace(/\s+/g, "")}`;
    // An image drawn at twice its size for sharp screens says so in its metadata, as Jupyter reads it.
    const size = metadata[mime] as { width?: unknown; height?: unknown } | undefined;
    if (typeof size?.width === "number") img.width = size.width;
    if (typeof size?.height === "number") img.height = size.height;
    return element;
  }
  if (data["text/markdown"] !== undefined) {
    const element = block("nb-markdown");
    element.innerHTML = renderMarkdown(data["text/markdown"]);
    return element;
  }
  const text = data["text/plain"] ?? `[${Object.keys(data).join(", ")} output: not shown in the page]`;
  const element = block("nb-stdout");
  element.appendChild(document.createElement("pre")).appendChild(document.createElement("code")).textContent = text;
  return element;
}

function utf8Base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Markdown's common core (headings, paragraphs, lists, code, emphasis, links), escaped; enough for a display call. */
export function renderMarkdown(markdown: string): string {
  const inline = (text: string) =>
    escapeHtml(text)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|[^*])\*([^*]+)\*/g, "$1<em>$2</em>")
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>');
  const html: string[] = [];
  const blocks = markdown.replace(/\r\n/g, "\n").split(/\n{2,}/);
  for (const block of blocks) {
    const fence = /^```[^\n]*\n([\s\S]*?)\n?```$/.exec(block);
    const heading = /^(#{1,6})\s+(.*)$/.exec(block);
    if (fence) html.push(`<pre><code>${escapeHtml(fence[1] ?? "")}</code></pre>`);
    else if (heading) html.push(`<h${heading[1]?.length}>${inline(heading[2] ?? "")}</h${heading[1]?.length}>`);
    else if (/^\s*[-*]\s/.test(block)) {
      const items = block.split(/\n\s*[-*]\s/).map((item) => `<li>${inline(item.replace(/^\s*[-*]\s/, ""))}</li>`);
      html.push(`<ul>${items.join("")}</ul>`);
    } else if (block.trim() !== "") html.push(`<p>${inline(block)}</p>`);
  }
  return html.join("\n");
}
