// showSvg: a chart that Jupyter shows even in a notebook it does not trust
// (PNG beside the SVG in one output), and one line outside a notebook.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ArgumentError, showSvg } from "../src/index.js";
import { runOk, startKernel } from "./support/kernel.js";
import type { KernelClient } from "../tools/notebook-runner/src/kernel-client.js";
import type { DisplayDataOutput } from "../tools/notebook-runner/src/notebook.js";

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="50"><rect width="160" height="50" fill="#1f77b4"/></svg>';

describe("showSvg outside a notebook", () => {
  test("prints one line naming the picture and its size", (t) => {
    const printed: string[] = [];
    t.mock.method(console, "log", (line: string) => printed.push(line));
    showSvg(SVG, { alt: "a blue bar" });
    assert.deepEqual(printed, ["[SVG image 160×50: a blue bar]"]);
  });

  test("prints the same line in a tslab kernel whose display writer cannot be reached", (t) => {
    const printed: string[] = [];
    t.mock.method(console, "log", (line: string) => printed.push(line));
    // The kernel's marker without tslab's writer: tslab/dist/jupyter loads, but no cell has run to set it.
    const global = globalThis as { __tslab__?: unknown };
    global.__tslab__ = {};
    try {
      showSvg(SVG, { alt: "a blue bar" });
    } finally {
      delete global.__tslab__;
    }
    assert.deepEqual(printed, ["[SVG image 160×50: a blue bar]"]);
  });

  test("text that is not an SVG document is an ArgumentError", () => {
    assert.throws(() => showSvg("<p>hello</p>"), ArgumentError);
    assert.throws(() => showSvg(42 as unknown as string), ArgumentError);
  });
});

describe("showSvg in a notebook (tslab kernel)", () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await startKernel();
  });
  after(async () => {
    await kernel?.shutdown();
  });

  test("one output holds the SVG, a PNG of it at twice the size, shown at the SVG's size, and a text form", async () => {
    const result = await runOk(kernel, `import { showSvg } from "pglite-lab";\nshowSvg(${JSON.stringify(SVG)});`);
    const displays = result.outputs.filter((o): o is DisplayDataOutput => o.output_type === "display_data");
    assert.equal(displays.length, 1);
    const { data, metadata } = displays[0]!;
    assert.equal(data["image/svg+xml"], SVG);
    assert.equal(data["text/plain"], "[SVG image 160×50]");
    const png = Buffer.from(String(data["image/png"]), "base64");
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [320, 100], "IHDR width and height");
    assert.deepEqual(metadata["image/png"], { width: 160, height: 50 });
  });
});
