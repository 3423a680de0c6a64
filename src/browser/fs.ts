/**
 * Stands in for `node:fs` in the browser build: the functions the embedded
 * backend imports. Only the on-disk database uses the file system, and the
 * browser build refuses `pglite://./dir` URLs before any of these run (see
 * engine-url.ts); if one runs anyway, it fails with a message that says why.
 *
 * @module
 */

function unavailable(name: string): never {
  throw new Error(`fs.${name}() is not available in the browser: a web page has no file system.`);
}

/** Nothing exists on a disk the page does not have. */
export const existsSync = (_path: string): boolean => false;
export const closeSync = (): never => unavailable("closeSync");
export const mkdirSync = (): never => unavailable("mkdirSync");
export const openSync = (): never => unavailable("openSync");
export const readdirSync = (): never => unavailable("readdirSync");
export const readFileSync = (): never => unavailable("readFileSync");
export const rmSync = (): never => unavailable("rmSync");
export const writeSync = (): never => unavailable("writeSync");
