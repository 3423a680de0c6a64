/**
 * Debian's Chromium for the browser tests (the docs site, the notebooks in
 * Jupyter), launched headless through playwright-core with the flags that
 * keep it quiet and offline: no sandbox (CI runs as root), no GPU, no QUIC,
 * no first-run or background traffic. playwright gives each launch a fresh,
 * temporary profile.
 */
import { accessSync, constants } from "node:fs";
import type { Browser } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed here. */
export function hasChromium(): boolean {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How the tests start it: headless-friendly, and quiet on a machine without network. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
}
