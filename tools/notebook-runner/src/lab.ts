/**
 * `npm run lab [-- options]`: writes the project-local kernelspec and opens
 * the notebooks in JupyterLab, or Jupyter Notebook when only that is
 * installed, wherever it runs: as root in a container (`--allow-root`), on a
 * server without a display (`--no-browser`), on loopback unless told
 * otherwise (`--ip=127.0.0.1`). Options after `--` go to Jupyter as they are
 * and win over these defaults. It prints the address to open, token included.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { writeKernelspec } from "./kernelspec.js";
import { isMainModule, REPO_ROOT } from "./locations.js";

/** What decides the defaults: who runs Jupyter, and where. */
export interface LabHost {
  /** The user id (`process.getuid()`); 0 is root. Undefined on Windows. */
  uid: number | undefined;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The arguments for Jupyter: the user's own, after the defaults this host
 * needs that the user did not set: `--allow-root` as root (Jupyter refuses
 * to start otherwise), `--no-browser` on Linux without a display (no browser
 * can open there; the address is printed instead), `--ip=127.0.0.1` (the
 * notebook server runs code: it listens on this machine only unless `--ip`
 * says otherwise).
 */
export function labArguments(args: readonly string[], host: LabHost): string[] {
  const given = (name: string) => args.some((arg) => arg === name || arg.startsWith(`${name}=`));
  const defaults: string[] = [];
  if (host.uid === 0 && !given("--allow-root")) defaults.push("--allow-root");
  const headless = host.platform === "linux" && !host.env.DISPLAY && !host.env.WAYLAND_DISPLAY;
  if (headless && !given("--no-browser") && !given("--browser")) defaults.push("--no-browser");
  if (!given("--ip")) defaults.push("--ip=127.0.0.1");
  return [...defaults, ...args];
}

/** The address with its token in a line of Jupyter's log, if the line has one. */
export function serverUrl(line: string): string | undefined {
  return /\bhttps?:\/\/[^\s/]+\/[^\s]*[?&]token=[0-9a-zA-Z]+/.exec(line)?.[0];
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

async function main(args: readonly string[]): Promise<void> {
  const { file, jupyterPath } = await writeKernelspec(REPO_ROOT);
  const notebooks = join(REPO_ROOT, "notebooks");
  const cwd = existsSync(notebooks) ? notebooks : REPO_ROOT;
  // The subcommand executables are looked up directly: Debian's jupyter-notebook
  // package ships `jupyter-notebook`, and `jupyter lab` needs `jupyter-lab` anyway.
  // PGLITE_LAB_FRONTEND=notebook (or lab) picks one where both are installed.
  const wanted = process.env.PGLITE_LAB_FRONTEND;
  const candidates = wanted === "notebook" || wanted === "lab" ? [`jupyter-${wanted}`] : ["jupyter-lab", "jupyter-notebook"];
  const command = candidates.find(onPath);
  if (command === undefined) {
    const missing = candidates.length > 1 ? `neither ${candidates.join(" nor ")} is` : `${candidates[0]} is not`;
    console.log(`Jupyter is not installed here: ${missing} on PATH.

The kernelspec is ready in ${file}.
Install a Jupyter front end, then run \`npm run lab\` again:
  pip install jupyterlab                  # JupyterLab, in a virtualenv or with --user
  apt-get install jupyter-notebook        # Debian/Ubuntu: Jupyter Notebook 6, no PyPI needed
Or start one yourself and pick the kernel "TypeScript (pglite-lab)":
  cd ${cwd} && JUPYTER_PATH=${jupyterPath} jupyter lab      # or: jupyter notebook
Without Jupyter, \`npm start\` runs every notebook headlessly and reports the results.`);
    process.exitCode = 1;
    return;
  }
  const inherited = process.env.JUPYTER_PATH;
  const env = { ...process.env, JUPYTER_PATH: inherited ? `${jupyterPath}${delimiter}${inherited}` : jupyterPath };
  const argv = labArguments(args, { uid: process.getuid?.(), platform: process.platform, env: process.env });
  console.log(`Starting ${command} ${argv.join(" ")}\n  in ${cwd}\n  with JUPYTER_PATH=${env.JUPYTER_PATH}`);
  // Jupyter logs to stderr; it is passed through as it comes, and the address is
  // repeated on a line of its own once seen, since the log around it is long.
  const child = spawn(command, argv, { cwd, env, stdio: ["inherit", "inherit", "pipe"] });
  let announced = false;
  let partial = "";
  child.stderr.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    if (announced) return;
    partial += chunk.toString("utf8");
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    const url = lines.map(serverUrl).find((found) => found !== undefined);
    if (url !== undefined) {
      announced = true;
      partial = "";
      console.log(`\npglite-lab: Jupyter is running. Open this address in a browser (the token is the password):\n  ${url}\n`);
    }
  });
  // Ctrl-C goes to Jupyter too, which asks before shutting down: stay alive until it exits.
  process.on("SIGINT", () => undefined);
  // A stop from outside (a test, a supervisor) ends Jupyter too.
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
  child.on("error", (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
}

if (isMainModule(import.meta.url)) {
  await main(process.argv.slice(2));
}
