/**
 * Turns the iopub messages of one execute request into nbformat-4 outputs,
 * the way a Jupyter front end fills a cell's output area.
 *
 * @module
 */
import type { DisplayDataOutput, ExecuteResultOutput, MimeBundle, NbOutput } from "./notebook.js";
import type { JupyterMessage } from "./wire-protocol.js";

/** Collects the outputs of one cell from its iopub messages, in arrival order. */
export class OutputCollector {
  readonly outputs: NbOutput[] = [];
  #displays = new Map<string, (DisplayDataOutput | ExecuteResultOutput)[]>();
  #clearBeforeNext = false;

  /** Applies one iopub message whose parent is this cell's request. */
  handle(msg: JupyterMessage): void {
    const content = msg.content;
    switch (msg.header.msg_type) {
      case "stream":
        return this.#stream(content.name === "stderr" ? "stderr" : "stdout", String(content.text ?? ""));
      case "display_data":
        return this.#display(
          { output_type: "display_data", data: bundle(content.data), metadata: bundle(content.metadata) },
          content,
        );
      case "execute_result":
        return this.#display(
          {
            output_type: "execute_result",
            execution_count: typeof content.execution_count === "number" ? content.execution_count : null,
            data: bundle(content.data),
            metadata: bundle(content.metadata),
          },
          content,
        );
      case "update_display_data":
        return this.#update(content);
      case "error":
        this.#push({
          output_type: "error",
          ename: String(content.ename ?? ""),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
        return;
      case "clear_output":
        if (content.wait === true) this.#clearBeforeNext = true;
        else this.#clear();
        return;
      default:
        // status, execute_input and comm messages carry no output.
        return;
    }
  }

  // Consecutive writes to one stream form one output, as Jupyter stores them.
  #stream(name: "stdout" | "stderr", text: string): void {
    this.#flushClear();
    const last = this.outputs.at(-1);
    if (last?.output_type === "stream" && last.name === name) last.text += text;
    else this.outputs.push({ output_type: "stream", name, text });
  }

  #display(output: DisplayDataOutput | ExecuteResultOutput, content: Record<string, unknown>): void {
    this.#push(output);
    const id = displayId(content);
    if (id !== undefined) this.#displays.set(id, [...(this.#displays.get(id) ?? []), output]);
  }

  // tslab's newDisplay().update() replaces what an earlier display call showed.
  #update(content: Record<string, unknown>): void {
    const id = displayId(content);
    for (const output of id === undefined ? [] : (this.#displays.get(id) ?? [])) {
      output.data = bundle(content.data);
      output.metadata = bundle(content.metadata);
    }
  }

  #push(output: NbOutput): void {
    this.#flushClear();
    this.outputs.push(output);
  }

  #flushClear(): void {
    if (!this.#clearBeforeNext) return;
    this.#clearBeforeNext = false;
    this.#clear();
  }

  #clear(): void {
    this.outputs.length = 0;
    this.#displays.clear();
  }
}

function bundle(value: unknown): MimeBundle {
  return value !== null && typeof value === "object" ? { ...(value as MimeBundle) } : {};
}

function displayId(content: Record<string, unknown>): string | undefined {
  const transient = content.transient as { display_id?: unknown } | undefined;
  return typeof transient?.display_id === "string" ? transient.display_id : undefined;
}
