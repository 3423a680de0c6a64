/**
 * Engine URLs: which database a URL names, and how it is shown in messages.
 *
 * @module
 */
import path from "node:path";
import { ArgumentError } from "./errors.js";
import type { PgliteLocation } from "./backends/pglite-backend.js";

/** Where an engine URL points. */
export type EngineTarget =
  | { readonly dialect: "pglite"; readonly location: PgliteLocation; readonly display: string }
  | { readonly dialect: "postgres"; readonly connectionString: string; readonly display: string };

const SCHEMES = "pglite://memory (the default), pglite://./folder, pglite:///absolute/folder, postgres://… or postgresql://…";

/**
 * Reads an engine URL. `pglite://./dir` is relative to the working directory
 * (a notebook's own folder, in Jupyter); `pglite:///abs/dir` is absolute.
 */
export function parseEngineUrl(url: string | undefined): EngineTarget {
  if (url === undefined || url === "" || url === "pglite://memory" || url === "pglite://") {
    return { dialect: "pglite", location: { kind: "memory" }, display: "pglite://memory" };
  }
  if (typeof url !== "string") throw new ArgumentError(`An engine URL must be a string; use one of ${SCHEMES}.`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "postgres" || scheme === "postgresql") {
    return { dialect: "postgres", connectionString: url, display: redactPassword(url) };
  }
  if (scheme === "pglite") {
    const rest = url.slice("pglite://".length);
    if (!url.startsWith("pglite://") || rest.length === 0) {
      throw new ArgumentError(`Engine URL "${url}" is not understood; use ${SCHEMES}.`);
    }
    if (rest.startsWith("/") || rest.startsWith("./") || rest.startsWith("../") || rest === "." || rest === "..") {
      const folder = path.resolve(decodeFolder(url, rest));
      return { dialect: "pglite", location: { kind: "directory", path: folder }, display: url };
    }
    throw new ArgumentError(
      `Engine URL "${url}" names no folder: write pglite://./${rest} for a folder relative to the working directory, ` +
        `pglite:///${rest} for an absolute path, or pglite://memory for an in-memory database.`,
    );
  }
  throw new ArgumentError(
    scheme
      ? `Engine URL scheme "${scheme}:" is not supported; use ${SCHEMES}.`
      : `Engine URL "${url}" has no scheme; use ${SCHEMES}.`,
  );
}

/** The folder part of a pglite:// URL with its %-escapes decoded; one that cannot be a path is an ArgumentError naming the URL. */
function decodeFolder(url: string, rest: string): string {
  let folder: string;
  try {
    folder = decodeURIComponent(rest);
  } catch {
    throw new ArgumentError(`Engine URL "${url}" has a broken %-escape: write %25 for a percent sign in a folder name.`);
  }
  if (folder.includes("\0")) throw new ArgumentError(`Engine URL "${url}" names a folder with a NUL character, which no path can hold.`);
  return folder;
}

/** The URL with its password (`user:pass@`, or a `password=` query parameter) replaced by `***`, for messages and logs. */
export function redactPassword(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
}
