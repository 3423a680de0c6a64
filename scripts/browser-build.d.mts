// Types of browser-build.mjs, for the docs build (TypeScript) that uses its plugin.
import type { Plugin } from "esbuild";

/** The library's browser entry, src/browser.ts. */
export declare const BROWSER_ENTRY: string;
/** The esbuild plugin that swaps Node-only modules for the browser stand-ins in src/browser/. */
export declare function browserSwaps(): Plugin;
/** Builds dist/browser/index.js (dependencies left to the user's bundler). */
export declare function buildBrowserPackage(outdir?: string): Promise<void>;
