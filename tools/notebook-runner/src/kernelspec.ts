/**
 * The project-local Jupyter kernelspec for tslab: Jupyter finds it through
 * `JUPYTER_PATH`, so nothing is installed globally. Run directly
 * (`npm run kernelspec`), it writes the kernelspec and prints the
 * `JUPYTER_PATH` to use.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isMainModule, REPO_ROOT, tslabBinPath } from "./locations.js";

/** The kernel's name; notebooks name it in `metadata.kernelspec.name`. */
export const KERNEL_NAME = "pglite-lab";

/** A Jupyter kernelspec (`kernel.json`). */
export interface Kernelspec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  metadata: Record<string, unknown>;
}

/** Where `writeKernelspec` put the kernelspec. */
export interface WrittenKernelspec {
  /** The folder to put in `JUPYTER_PATH`: `<repo>/.jupyter`. */
  jupyterPath: string;
  /** The `kernel.json` file. */
  file: string;
  spec: Kernelspec;
}

/**
 * The kernelspec that starts tslab with this Node and this repository's tslab.
 *
 * Absolute paths, because Jupyter starts kernels in the notebook's folder
 * with its own PATH. `interrupt_mode: "signal"` because tslab only
 * interrupts on SIGINT (it has no `interrupt_request` handler).
 */
export function kernelspec(): Kernelspec {
  return {
    argv: [process.execPath, tslabBinPath(), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (pglite-lab)",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: {},
  };
}

/**
 * Writes `<repoRoot>/.jupyter/kernels/pglite-lab/kernel.json` (a git-ignored
 * folder) and returns where; with `JUPYTER_PATH=<repoRoot>/.jupyter` Jupyter
 * lists the kernel as "TypeScript (pglite-lab)".
 */
export async function writeKernelspec(repoRoot: string): Promise<WrittenKernelspec> {
  const jupyterPath = join(repoRoot, ".jupyter");
  const dir = join(jupyterPath, "kernels", KERNEL_NAME);
  const spec = kernelspec();
  await mkdir(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  await writeFile(file, JSON.stringify(spec, null, 1) + "\n");
  return { jupyterPath, file, spec };
}

if (isMainModule(import.meta.url)) {
  const { file, jupyterPath } = await writeKernelspec(REPO_ROOT);
  console.log(`Wrote ${file}`);
  console.log(`Let Jupyter find it with:\n  export JUPYTER_PATH=${jupyterPath}`);
}
