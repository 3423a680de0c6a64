// How the browser test compares a live guide page's outputs with the notebook's
// (tools/docs-site/src/live-guide-page.ts): what the page cannot draw is left out, nothing else.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NbOutput } from "../../notebook-runner/src/notebook.js";
import { withoutPngOfSvg } from "../src/live-guide-page.js";

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"></svg>';

describe("withoutPngOfSvg", () => {
  test("a PNG saved beside an SVG in one bundle is left out, the SVG, its text and metadata kept", () => {
    const saved: NbOutput[] = [
      {
        output_type: "display_data",
        data: { "image/png": "iVBORw0KGgo=", "image/svg+xml": SVG, "text/plain": "[SVG image 20×10]" },
        metadata: { "image/png": { width: 20, height: 10 } },
      },
    ];
    assert.deepEqual(withoutPngOfSvg(saved), [
      {
        output_type: "display_data",
        data: { "image/svg+xml": SVG, "text/plain": "[SVG image 20×10]" },
        metadata: { "image/png": { width: 20, height: 10 } },
      },
    ]);
    assert.ok("image/png" in (saved[0] as { data: object }).data, "the notebook's outputs were changed");
  });

  test("a PNG without an SVG beside it, and every other output, are compared as saved", () => {
    const saved: NbOutput[] = [
      { output_type: "stream", name: "stdout", text: "image/png image/svg+xml\n" },
      { output_type: "display_data", data: { "image/png": "iVBORw0KGgo=", "text/plain": "a picture" }, metadata: {} },
      { output_type: "display_data", data: { "image/svg+xml": SVG }, metadata: {} },
    ];
    assert.deepEqual(withoutPngOfSvg(saved), saved);
  });
});
