/**
 * The `tslab` module in the page: its display API, showing rich output under
 * the running cell as Jupyter shows it under a tslab cell.
 *
 * @module
 */
import type { OutputRouter } from "./output-router.js";

/** tslab's `Display`. */
export interface Display {
  javascript(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  jpeg(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  pdf(b: Uint8Array): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): void;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

let displays = 0;

function makeDisplay(router: OutputRouter, id: string | undefined): Display {
  const raw = (contentType: string, b: string | Uint8Array) => router.display({ [contentType]: typeof b === "string" ? b : base64(b) }, id);
  return {
    javascript: (s) => raw("text/javascript", s),
    html: (s) => raw("text/html", s),
    markdown: (s) => raw("text/markdown", s),
    latex: (s) => raw("text/latex", s),
    svg: (s) => raw("image/svg+xml", s),
    png: (b) => raw("image/png", b),
    jpeg: (b) => raw("image/jpeg", b),
    gif: (b) => raw("image/gif", b),
    pdf: (b) => raw("application/pdf", b),
    text: (s) => raw("text/plain", s),
    raw,
  };
}

/** The module object a cell gets for `import * as tslab from "tslab"`. */
export function tslabModule(router: OutputRouter): { display: Display; newDisplay(): Display; versions: Record<string, string> } {
  return {
    display: makeDisplay(router, undefined),
    newDisplay: () => makeDisplay(router, `display-${++displays}`),
    versions: { tslab: "page", typescript: "sucrase", node: "none (browser)" },
  };
}
