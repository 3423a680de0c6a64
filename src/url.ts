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
    // The scheme in any case, as URLs have it; what follows is a folder path, read as written.
    const rest = url.slice("pglite://".length);
    if (url.slice("pglite:".length, "pglite://".length) !== "//" || rest.length === 0) {
      throw new ArgumentError(`Engine URL "${url}" is not understood; use ${SCHEMES}.`);
    }
    if (rest.toLowerCase() === "memory") {
      return { dialect: "pglite", location: { kind: "memory" }, display: "pglite://memory" };
    }
    const extra = /[?#]/.exec(rest)?.[0];
    if (extra) {
      // Kept, they would name a folder called "data?mode=ro"; a pglite:// URL has no options to give.
      throw new ArgumentError(
        `Engine URL "${url}" has a ${extra === "?" ? "query string (?…)" : "fragment (#…)"}, which a pglite:// URL does not take: ` +
          `it names a folder and nothing else. For a "${extra}" in a folder name, write ${extra === "?" ? "%3F" : "%23"}.`,
      );
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
  if (/[\u0001-\u001f\u007f-\u009f]/.test(folder)) {
    throw new ArgumentError(
      `Engine URL ${JSON.stringify(url)} names a folder with a control character (such as a line break), which would garble every message that shows the path.`,
    );
  }
  return folder;
}

/**
 * `scheme://` then the user information, up to the last `@` that a host
 * name follows (the host runs to the next `/`, `?`, `#` or the end): a
 * password may hold `@`, `/`, `?` or `#` unescaped, as node-postgres reads it.
 */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)([^]*)@(?=[^@/?#]*(?:[/?#]|$))/i;

/**
 * The URL with its passwords (`user:pass@`, and the `password=` and
 * `sslpassword=` query parameters) replaced by `***`, for messages and logs;
 * also for a URL too malformed to connect with, whose message shows it.
 */
export function redactPassword(url: string): string {
  return url
    .replace(USER_INFO, (_all, scheme: string, userInfo: string) => {
      const colon = userInfo.indexOf(":");
      return `${scheme}${colon < 0 ? userInfo : `${userInfo.slice(0, colon)}:***`}@`;
    })
    .replace(/([?&](?:ssl)?password=)[^&#]*/gi, "$1***");
}
