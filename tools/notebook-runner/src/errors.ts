/**
 * Errors raised by the notebook runner's kernel client.
 *
 * @module
 */
import type { NbOutput } from "./notebook.js";

/** Base class of every error the kernel client raises. */
export class KernelError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The kernel did not start, or did not answer `kernel_info_request` in time. */
export class KernelStartError extends KernelError {}

/**
 * The kernel process exited while a request was outstanding (or before one
 * was sent). `outputs` holds what the cell printed before the kernel died.
 */
export class KernelDiedError extends KernelError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly outputs: readonly NbOutput[];

  constructor(
    message: string,
    details: { exitCode: number | null; signal: NodeJS.Signals | null; outputs?: readonly NbOutput[] },
  ) {
    super(message);
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.outputs = details.outputs ?? [];
  }
}
