/**
 * `Buffer` for the browser build: the part of Node's Buffer the library uses
 * (reading PostgreSQL's wire protocol, the byte length of a name), on a
 * Uint8Array. The browser build injects it wherever library code names the
 * global `Buffer`, so the code that reads PGlite's output is the same code in
 * Node and in a page.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Buffer extends Uint8Array {
  /** A view of `data` (no copy for an ArrayBuffer), or a copy of anything else. */
  // Typed loosely: the static side must stay assignable to Uint8Array.from's overloads.
  static override from(source: unknown, offset?: unknown, size?: unknown): any {
    const data = source as ArrayBufferLike | ArrayLike<number> | string;
    const byteOffset = offset as number | undefined;
    const length = size as number | undefined;
    if (typeof data === "string") {
      const bytes = encoder.encode(data);
      return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    if (data instanceof ArrayBuffer) {
      return new Buffer(data, byteOffset ?? 0, length ?? data.byteLength - (byteOffset ?? 0));
    }
    if (typeof SharedArrayBuffer !== "undefined" && data instanceof SharedArrayBuffer) {
      // Copied: a Buffer views an ArrayBuffer only.
      const view = new Uint8Array(data, byteOffset ?? 0, length ?? data.byteLength - (byteOffset ?? 0));
      const copy = new Buffer(view.length);
      copy.set(view);
      return copy;
    }
    const copy = new Buffer((data as ArrayLike<number>).length);
    copy.set(data as ArrayLike<number>);
    return copy;
  }

  static allocUnsafe(size: number): Buffer {
    return new Buffer(size);
  }

  static alloc(size: number): Buffer {
    return new Buffer(size);
  }

  static concat(list: readonly Uint8Array[]): Buffer {
    let total = 0;
    for (const part of list) total += part.length;
    const out = new Buffer(total);
    let at = 0;
    for (const part of list) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  static byteLength(text: string): number {
    return encoder.encode(text).length;
  }

  readInt32BE(offset: number): number {
    return ((this[offset] as number) << 24) | ((this[offset + 1] as number) << 16) | ((this[offset + 2] as number) << 8) | (this[offset + 3] as number);
  }

  readUInt32BE(offset: number): number {
    return this.readInt32BE(offset) >>> 0;
  }

  readInt16BE(offset: number): number {
    const value = ((this[offset] as number) << 8) | (this[offset + 1] as number);
    return value & 0x8000 ? value - 0x10000 : value;
  }

  copy(target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length): number {
    const part = this.subarray(sourceStart, sourceEnd);
    target.set(part, targetStart);
    return part.length;
  }

  override toString(encoding: "utf8" | "hex" = "utf8", start = 0, end = this.length): string {
    const part = Uint8Array.prototype.subarray.call(this, start, end);
    if (encoding === "hex") {
      let hex = "";
      for (const byte of part) hex += byte.toString(16).padStart(2, "0");
      return hex;
    }
    return decoder.decode(part);
  }
}
