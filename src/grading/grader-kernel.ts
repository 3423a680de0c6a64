/**
 * @module
 * The part of the notebook runner's `KernelClient` that the grader uses,
 * loaded at run time.
 *
 * The library build (tsconfig.build.json) compiles everything under src/
 * except src/notebook to CommonJS; src/notebook uses `import.meta`, which a
 * CommonJS build rejects. A static import of it from here would pull it into
 * that build, so the client is imported by a specifier TypeScript does not
 * follow, and described by the interface below (test/grading.test.ts checks
 * that the real class still fits it).
 */
import type { NbOutput } from "../notebook/notebook.js";

/** How one execute request ended, as `KernelClient.execute` reports it. */
export interface GraderExecuteResult {
  status: "ok" | "error" | "timeout" | "aborted";
  outputs: NbOutput[];
  executionCount: number | null;
}

/** A running tslab kernel. */
export interface GraderKernel {
  /** Whether the kernel process is running and not shut down. */
  readonly alive: boolean;
  /** Runs one cell; rejects with a `KernelDiedError` when the kernel exits meanwhile. */
  execute(code: string, options?: { timeoutMs?: number; interruptGraceMs?: number }): Promise<GraderExecuteResult>;
  /** Stops the kernel; safe to call twice. */
  shutdown(): Promise<void>;
}

/** What the grader needs of the `KernelClient` class. */
export interface GraderKernelFactory {
  start(options: { cwd: string; env?: Record<string, string | undefined>; startTimeoutMs?: number }): Promise<GraderKernel>;
}

const KERNEL_CLIENT_MODULE = "../notebook/kernel-client.js";

/**
 * Starts a tslab kernel through the notebook runner's `KernelClient`, trying
 * a second time if the first does not come up: on a busy machine tslab
 * sometimes dies at startup ("Socket is blocked by a bind or unbind
 * operation"), and one lost start should not cost a learner their grade.
 */
export async function startGraderKernel(options: {
  cwd: string;
  env?: Record<string, string | undefined>;
}): Promise<GraderKernel> {
  const specifier: string = KERNEL_CLIENT_MODULE;
  const { KernelClient } = (await import(specifier)) as { KernelClient: GraderKernelFactory };
  try {
    return await KernelClient.start(options);
  } catch {
    return KernelClient.start(options);
  }
}

/** Whether `error` is the client's `KernelDiedError` (the kernel exited during a request). */
export function isKernelDied(error: unknown): boolean {
  return error instanceof Error && error.name === "KernelDiedError";
}
