/**
 * `npm run lab`: writes the project-local kernelspec and opens the notebooks
 * in JupyterLab, or Jupyter Notebook when only that is installed.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { writeKernelspec } from "./kernelspec.js";
import { REPO_ROOT } from "./locations.js";

const { file, jupyterPath } = await writeKernelspec(REPO_ROOT);
const notebooks = join(REPO_ROOT, "notebooks");
const cwd = existsSync(notebooks) ? notebooks : REPO_ROOT;
// The subcommand executables are looked up directly: Debian's jupyter-notebook
// package ships `jupyter-notebook`, and `jupyter lab` needs `jupyter-lab` anyway.
const command = ["jupyter-lab", "jupyter-notebook"].find(onPath);

if (command === undefined) {
  console.log(`Jupyter is not installed here: neither jupyter-lab nor jupyter-notebook is on PATH.

The kernelspec is ready in ${file}.
Install a Jupyter front end, then run \`npm run lab\` again:
  pip install jupyterlab                  # JupyterLab, in a virtualenv or with --user
  sudo apt install jupyter-notebook       # Debian/Ubuntu: Jupyter Notebook
Or start one yourself and pick the kernel "TypeScript (pglite-lab)":
  cd ${cwd} && JUPYTER_PATH=${jupyterPath} jupyter lab      # or: jupyter notebook
Without Jupyter, \`npm start\` runs every notebook headlessly and reports the results.`);
  process.exitCode = 1;
} else {
  const inherited = process.env.JUPYTER_PATH;
  const env = { ...process.env, JUPYTER_PATH: inherited ? `${jupyterPath}${delimiter}${inherited}` : jupyterPath };
  console.log(`Starting ${command} in ${cwd} with JUPYTER_PATH=${env.JUPYTER_PATH}`);
  const child = spawn(command, process.argv.slice(2), { cwd, env, stdio: "inherit" });
  // Ctrl-C goes to Jupyter too, which asks before shutting down: stay alive until it exits.
  process.on("SIGINT", () => undefined);
  child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
  child.on("error", (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    if (dir === "") return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
