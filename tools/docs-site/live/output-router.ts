/**
 * Which cell receives output: the one running, or the last one that ran (as
 * in Jupyter, where output of work a cell left running shows under it).
 *
 * @module
 */
import type { MimeBundle, OutputArea } from "./output-area.js";

/** Routes console output and display calls to the current cell. */
export class OutputRouter {
  current: OutputArea | undefined;
  /** Where output goes when no cell has run yet. */
  readonly #fallback: (name: "stdout" | "stderr", text: string) => void;

  constructor(fallback: (name: "stdout" | "stderr", text: string) => void) {
    this.#fallback = fallback;
  }

  stream(name: "stdout" | "stderr", text: string): void {
    if (this.current) this.current.stream(name, text);
    else this.#fallback(name, text);
  }

  display(data: MimeBundle, displayId?: string): void {
    if (!this.current) throw new Error("Not ready");
    this.current.display(data, displayId);
  }
}
