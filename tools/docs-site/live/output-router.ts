/**
 * Which cell receives output: the one running, or the last one that ran (as
 * in Jupyter, where output of work a cell left running shows under it).
 *
 * @module
 */
import type { MimeBundle, OutputArea } from "./output-area.js";

/** A `display_data` message's content, as tslab hands it to its writer. */
export interface DisplayMessage {
  data: MimeBundle;
  metadata?: Record<string, unknown>;
  /** `display_id` names an output that later messages with `update` replace. */
  transient?: { display_id?: string };
}

/** Routes console output and display calls to the current cell. */
export class OutputRouter {
  current: OutputArea | undefined;
  /** Where output goes when no cell has run yet. */
  readonly #fallback: (name: "stdout" | "stderr", text: string) => void;
  /** The cell that showed each display id: an update reaches it from any later cell, as in Jupyter. */
  readonly #displays = new Map<string, OutputArea>();

  constructor(fallback: (name: "stdout" | "stderr", text: string) => void) {
    this.#fallback = fallback;
  }

  stream(name: "stdout" | "stderr", text: string): void {
    if (this.current) this.current.stream(name, text);
    else this.#fallback(name, text);
  }

  /**
   * Shows a MIME bundle under the current cell; with `update`, replaces the
   * output that showed the same display id instead (nothing, if none did or
   * its cell has been cleared since, as Jupyter ignores such an update).
   */
  display(message: DisplayMessage, update = false): void {
    if (!this.current) throw new Error("Not ready");
    const id = message.transient?.display_id;
    const metadata = message.metadata ?? {};
    if (update) {
      if (id !== undefined) this.#displays.get(id)?.update(id, message.data, metadata);
      return;
    }
    this.current.display(message.data, metadata, id);
    if (id !== undefined) this.#displays.set(id, this.current);
  }
}
