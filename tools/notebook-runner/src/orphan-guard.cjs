// Preloaded (node --require) into every kernel the notebook runner starts.
// A Jupyter kernel has no parent watch of its own, so a runner killed with
// SIGKILL or crashing would leave tslab running forever; the kernel exits on
// its own once its parent process is gone, removing the runner's temporary
// folder that holds its connection file.
"use strict";
const { rmSync } = require("node:fs");
const { basename, dirname } = require("node:path");

const parent = process.ppid;
const configPath = process.argv[process.argv.indexOf("--config-path") + 1];

setInterval(() => {
  if (process.ppid === parent) return;
  if (configPath && basename(dirname(configPath)).startsWith("pglite-lab-kernel-")) {
    rmSync(dirname(configPath), { recursive: true, force: true });
  }
  process.exit(1);
}, 1000).unref();
