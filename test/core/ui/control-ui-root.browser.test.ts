/**
 * `gateway.controlUi.root` pointed at the real upstream Control UI build (the
 * `openclaw` package's dist/control-ui) in headless Chromium: a deep route
 * gets upstream's app shell, and every script, stylesheet and module it
 * loads from there resolves (relative asset paths under a deep route).
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { BROWSER_UNAVAILABLE, launchBrowser, screenshot, VIEWPORTS } from "../../harness/browser.ts";
import { testNeeding } from "../../harness/capability.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../harness/gateway.ts";
import { CACHE_DIR } from "../../harness/openclaw-cli.ts";

const UPSTREAM_UI = join(CACHE_DIR, "node_modules", "openclaw", "dist", "control-ui");
const missing = BROWSER_UNAVAILABLE ?? (existsSync(join(UPSTREAM_UI, "index.html")) ? undefined : `no ${UPSTREAM_UI} (npm run test:openclaw-cli installs it)`);
const test = testNeeding("a headless Chromium and the openclaw package's dist/control-ui", missing);

let gw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  if (missing) return;
  gw = await startTestGateway({ config: { gateway: { controlUi: { root: UPSTREAM_UI } } } });
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

describe("the upstream build as gateway.controlUi.root", () => {
  test("/chat/main -> upstream's shell; its scripts, styles and modules all load from the deep route", async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const page = await context.newPage();
    const loaded: { url: string; status: number; type: string }[] = [];
    const failed: string[] = [];
    page.on("response", (r) => void loaded.push({ url: r.url(), status: r.status(), type: r.request().resourceType() }));
    page.on("requestfailed", (r) => void failed.push(`${r.url()} ${r.failure()?.errorText}`));
    await page.goto(`http://127.0.0.1:${gw.port}/chat/main`, { waitUntil: "domcontentloaded" });
    expect(await page.title()).toBe("OpenClaw Control");
    const assets = loaded.filter((r) => ["script", "stylesheet"].includes(r.type) && r.url.includes("/assets/"));
    expect(assets.length).toBeGreaterThan(3);
    expect(assets.filter((r) => r.status !== 200)).toEqual([]);
    expect(failed.filter((f) => f.includes("/assets/"))).toEqual([]);
    await screenshot(page, "upstream-ui-root-desktop");
    await context.close();
  });

  test("same origin with #token -> it connects (paired silently on loopback) and no request of its own fails, the bootstrap config included", async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const page = await context.newPage();
    const bad: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400 && r.url().startsWith(`http://127.0.0.1:${gw.port}/`)) bad.push(`${r.status()} ${r.url()}`);
    });
    let connected!: () => void;
    const hello = new Promise<void>((resolve) => (connected = resolve));
    const configs: number[] = [];
    page.on("response", (r) => void (r.url().endsWith("/control-ui-config.json") && configs.push(r.status())));
    page.on("websocket", (ws) => ws.on("framereceived", (f) => {
      const frame = JSON.parse(String(f.payload));
      if (frame.type === "res" && frame.ok && frame.payload?.type === "hello-ok") connected();
    }));
    await page.goto(`http://127.0.0.1:${gw.port}/chat/main#token=${TEST_TOKEN}`);
    await hello;
    // Once connected it fetches the bootstrap again with its device token.
    await page.waitForFunction(() => performance.getEntriesByType("resource").filter((e) => e.name.endsWith("/control-ui-config.json")).length >= 2);
    expect(configs.length).toBeGreaterThanOrEqual(2);
    expect(bad).toEqual([]);
    await context.close();
  });
});
