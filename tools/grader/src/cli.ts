/**
 * Entry point of `npm run grade` (run by tsx): the command is
 * {@link main} in grade-command.ts, which the tests call directly.
 *
 * @module
 */
import { main } from "./grade-command.js";

// No top-level await: the library build compiles src/ (this folder included) to CommonJS.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
