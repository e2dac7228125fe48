/**
 * Test harness: a real headless Chromium (Debian's `chromium` package, which
 * .ci/run installs with apt) driven by playwright-core. Browser builds that
 * npm packages download cannot be fetched here, so the system binary is the
 * one used; where it is missing, `browserTest` skips saying so (and fails
 * under CI=true). Screenshots go to test-artifacts/screenshots/ for review.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { testNeeding } from "./capability.ts";

/** The Chromium binary: `CLAWGATE_CHROMIUM`, or Debian's. */
export const CHROMIUM_PATH = process.env.CLAWGATE_CHROMIUM ?? "/usr/bin/chromium";

/** Why browser tests cannot run here, or undefined when they can. */
export const BROWSER_UNAVAILABLE = existsSync(CHROMIUM_PATH)
  ? undefined
  : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CLAWGATE_CHROMIUM)`;

/** `test` when a Chromium is here, else a visible skip (a failure under CI). */
export const browserTest = testNeeding("a headless Chromium", BROWSER_UNAVAILABLE);

/** Launches headless Chromium; the caller closes it (afterAll). */
export function launchBrowser(): Promise<Browser> {
  // The test machines run as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox"], headless: true });
}

/** Phone and desktop viewports for the screenshots a reviewer looks at. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;

const SCREENSHOT_DIR = join(import.meta.dir, "..", "..", "test-artifacts", "screenshots");

/** Writes a full-page PNG named `<name>.png` for review; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
