/**
 * tslab's modules in the page: `tslab` (its display API, for cells) and
 * `tslab/dist/jupyter` (the writer behind it, which the library uses to show
 * a MIME bundle of several types as one output), showing rich output under
 * the running cell as Jupyter shows it under a tslab cell.
 *
 * @module
 */
import type { DisplayMessage, OutputRouter } from "./output-router.js";

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

/** What `tslab/dist/jupyter` offers the library: tslab's writer of `display_data` / `update_display_data`. */
export interface JupyterModule {
  lastWriteDisplayData(message: DisplayMessage, update: boolean): void;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

let displays = 0;

/** The page's `tslab/dist/jupyter`: every message goes to the router, as tslab sends it to the running cell. */
export function jupyterModule(router: OutputRouter): JupyterModule {
  return { lastWriteDisplayData: (message, update) => router.display(message, update) };
}

/**
 * A `Display` over `write`, as tslab builds one: one MIME type per output;
 * with an id, the first call shows an output and later calls update it.
 */
function makeDisplay(write: JupyterModule["lastWriteDisplayData"], id: string | undefined): Display {
  let shown = false;
  const raw = (contentType: string, b: string | Uint8Array) => {
    const update = id !== undefined && shown;
    shown = true;
    const data = { [contentType]: typeof b === "string" ? b : base64(b) };
    write({ data, metadata: {}, transient: id === undefined ? {} : { display_id: id } }, update);
  };
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
  const { lastWriteDisplayData } = jupyterModule(router);
  return {
    display: makeDisplay(lastWriteDisplayData, undefined),
    newDisplay: () => makeDisplay(lastWriteDisplayData, `display-${++displays}`),
    versions: { tslab: "page", typescript: "sucrase", node: "none (browser)" },
  };
}
