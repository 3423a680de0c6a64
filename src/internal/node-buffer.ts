/**
 * `Buffer`: Node's own, imported by name rather than read as a global, so
 * that the browser build can swap in its stand-in (src/browser/buffer.ts)
 * for the library's files alone, leaving the globals its dependencies test
 * for untouched.
 *
 * @module
 */
const NodeBuffer: BufferConstructor = globalThis.Buffer;
type NodeBuffer = Buffer;

export { NodeBuffer as Buffer };
