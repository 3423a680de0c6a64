// `npm run lab`: the defaults it gives Jupyter on each kind of host, and the
// address it picks out of Jupyter's log. Starting it for real is the Jupyter
// front-end test's job (jupyter-frontend.test.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { labArguments, serverUrl, type LabHost } from "../src/lab.js";

const desktop: LabHost = { uid: 1000, platform: "linux", env: { DISPLAY: ":0" } };
const container: LabHost = { uid: 0, platform: "linux", env: {} };

describe("npm run lab's arguments for Jupyter", () => {
  test("on a desktop it only keeps Jupyter on loopback", () => {
    assert.deepEqual(labArguments([], desktop), ["--ip=127.0.0.1"]);
  });

  test("as root without a display (a container) it adds --allow-root and --no-browser", () => {
    assert.deepEqual(labArguments([], container), ["--allow-root", "--no-browser", "--ip=127.0.0.1"]);
  });

  test("a Wayland session counts as a display; macOS needs no DISPLAY to open a browser", () => {
    assert.deepEqual(labArguments([], { uid: 501, platform: "linux", env: { WAYLAND_DISPLAY: "wayland-0" } }), ["--ip=127.0.0.1"]);
    assert.deepEqual(labArguments([], { uid: 501, platform: "darwin", env: {} }), ["--ip=127.0.0.1"]);
  });

  test("the user's options pass through after the defaults, in order", () => {
    assert.deepEqual(labArguments(["--port", "8899", "--NotebookApp.token=abc"], desktop), [
      "--ip=127.0.0.1",
      "--port",
      "8899",
      "--NotebookApp.token=abc",
    ]);
  });

  test("an option the user gives replaces the default, in either spelling", () => {
    assert.deepEqual(labArguments(["--ip=0.0.0.0"], container), ["--allow-root", "--no-browser", "--ip=0.0.0.0"]);
    assert.deepEqual(labArguments(["--ip", "0.0.0.0", "--allow-root"], container), ["--no-browser", "--ip", "0.0.0.0", "--allow-root"]);
    assert.deepEqual(labArguments(["--browser=firefox"], container), ["--allow-root", "--ip=127.0.0.1", "--browser=firefox"]);
  });

  test("without a user id (Windows) nothing about root is added", () => {
    assert.deepEqual(labArguments([], { uid: undefined, platform: "win32", env: {} }), ["--ip=127.0.0.1"]);
  });
});

describe("the address in Jupyter's log", () => {
  test("is found in Jupyter Notebook's and JupyterLab's lines, token included", () => {
    assert.equal(
      serverUrl("[I 09:52:12.668 NotebookApp] http://127.0.0.1:8899/?token=7ee16c07434a3bed"),
      "http://127.0.0.1:8899/?token=7ee16c07434a3bed",
    );
    assert.equal(
      serverUrl("    http://127.0.0.1:8888/lab?token=0123abcd"),
      "http://127.0.0.1:8888/lab?token=0123abcd",
    );
  });

  test("lines without a token, or a file address, are not taken for it", () => {
    assert.equal(serverUrl("[I NotebookApp] Serving notebooks from local directory: /work"), undefined);
    assert.equal(serverUrl("        file:///tmp/nbserver-6876-open.html"), undefined);
    assert.equal(serverUrl("[I NotebookApp] http://127.0.0.1:8888/"), undefined);
  });
});
