/**
 * `inTslabKernel` and `tslabDisplayData`: what the library does differently
 * when it runs inside a Jupyter notebook's tslab kernel.
 *
 * @module
 */
import { localRequire } from "./local-require.js";

/**
 * Whether this process is a tslab kernel. tslab sets the internal global
 * `__tslab__` before the first cell runs, so the answer is settled by the
 * time a cell loads the library; outside a kernel tslab's display functions
 * throw "Not ready", so everything notebook-only checks this first.
 */
export function inTslabKernel(): boolean {
  const marker = (globalThis as Record<string, unknown>)["__tslab__"];
  return typeof marker === "object" && marker !== null;
}

/** One Jupyter `display_data` message: MIME type to data (text, or base64 for binary types). */
export interface DisplayBundle {
  readonly data: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The function through which tslab publishes display data for the running cell. */
type WriteDisplayData = (message: { data: Record<string, string>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * Publishes a MIME bundle as one `display_data` output of the running cell,
 * or returns false outside a kernel. tslab's public `display.*` sends one MIME
 * type per output; a bundle (an SVG with a PNG of it beside) needs the writer
 * behind it, which tslab keeps in `tslab/dist/jupyter` as `lastWriteDisplayData`.
 */
export function tslabDisplayData(bundle: DisplayBundle): boolean {
  if (!inTslabKernel()) return false;
  let write: WriteDisplayData | undefined;
  try {
    write = (localRequire("tslab/dist/jupyter") as { lastWriteDisplayData?: WriteDisplayData }).lastWriteDisplayData;
  } catch {
    return false;
  }
  if (typeof write !== "function") return false;
  write({ data: { ...bundle.data }, metadata: { ...bundle.metadata }, transient: {} }, false);
  return true;
}
