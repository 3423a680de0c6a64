/**
 * What the runner's and the grader's commands share: reading the command
 * line, and resolving the paths a user typed.
 *
 * @module
 */
import { resolve } from "node:path";

/** Where a command prints. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Parses `args` with `parse`. A usage error prints the error and the usage
 * and gives exit code 2; `--help` prints the usage and gives 0; otherwise
 * the parsed options come back.
 */
export function readCommandLine<T extends { help: boolean }>(
  args: readonly string[],
  parse: (args: readonly string[]) => T,
  usage: string,
  io: CommandOutput,
): T | number {
  let options: T;
  try {
    options = parse(args);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (options.help) {
    io.out(usage);
    return 0;
  }
  return options;
}

/** A path as the user meant it: npm runs scripts from the package root, but INIT_CWD is where the user typed the command. */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
