/**
 * clawgate's own Control UI in a real headless Chromium against a real
 * gateway process: log in with the token, chat with a streamed reply and an
 * abort (the model is a local OpenAI-compatible server over real sockets),
 * a config edit refused by the baseHash guard, the device token reused on
 * the next visit. Panes, themes and phone size: control-ui-panes.browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { BROWSER_UNAVAILABLE, browserTest as test, launchBrowser, screenshot, VIEWPORTS } from "../../harness/browser.ts";
import { IN_CI } from "../../harness/capability.ts";
import { logIn as logInAt, startUiGateway, type UiGateway } from "../../harness/control-ui.ts";
import type { FakeUpstream } from "../../harness/openai-upstream.ts";
import type { RuntimeGateway } from "../../harness/runtimes.ts";

const skipped = Boolean(BROWSER_UNAVAILABLE) && !IN_CI;

let ui: UiGateway;
let upstream: FakeUpstream;
let gw: RuntimeGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const logIn = (p: Page, token?: string) => logInAt(p, ui.origin, token);

/** Keeps every text the streaming bubble showed in `window.__streamed`. */
function recordStreaming(p: Page): Promise<void> {
  return p.evaluate(() => {
    const seen: string[] = ((window as any).__streamed = []);
    new MutationObserver(() => {
      const el = document.querySelector(".msg.streaming");
      if (el?.textContent && seen.at(-1) !== el.textContent) seen.push(el.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

beforeAll(async () => {
  if (skipped) return;
  ui = await startUiGateway();
  ({ gw, upstream } = ui);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  page = await context.newPage();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
});

describe("Control UI in a browser", () => {
  test("a wrong token -> the gateway's refusal on the login form, nothing stored", async () => {
    const p = await context.newPage();
    await logIn(p, "not-the-token");
    await p.getByRole("alert").waitFor();
    expect(await p.getByRole("alert").textContent()).toContain("unauthorized");
    expect(await p.evaluate(() => localStorage.getItem("clawgate.deviceToken.v1"))).toBeNull();
    await p.close();
  });

  test("log in with the token on loopback -> paired, chat pane, device token stored", async () => {
    await logIn(page);
    await page.locator("#draft").waitFor();
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("clawgate.deviceToken.v1") ?? "{}"));
    expect(stored.token).toBeString();
    const paired = gw.store.listPaired();
    expect(paired.map((d) => d.deviceId)).toContain(stored.deviceId);
    expect(paired.find((d) => d.deviceId === stored.deviceId)?.clientId).toBe("openclaw-control-ui");
  });

  test("a later visit -> connects with the stored device token alone, no login form", async () => {
    const connects: any[] = [];
    const p = await context.newPage();
    p.on("websocket", (ws) => ws.on("framesent", (f) => {
      const frame = JSON.parse(String(f.payload));
      if (frame.method === "connect") connects.push(frame.params);
    }));
    await p.goto(`http://127.0.0.1:${gw.port}/chat/main`);
    await p.locator("#draft").waitFor();
    expect(await p.getByLabel("Gateway token").count()).toBe(0);
    expect(connects.at(-1).auth).toEqual({ deviceToken: expect.any(String) });
    expect(connects.at(-1).device.signature).toBeString();
    await p.close();
  });

  test("send a message -> the reply streams in piece by piece, then stands in the history", async () => {
    await recordStreaming(page);
    await page.locator("#draft").fill("Tell me a story");
    await page.keyboard.press("Enter");
    await page.locator(".msg.user", { hasText: "Tell me a story" }).waitFor();
    await page.locator(".msg.assistant:not(.streaming)", { hasText: "Once upon a time." }).waitFor();
    expect(await page.locator(".msg.streaming").count()).toBe(0);
    // Partial text was on screen before the final message.
    const seen: string[] = await page.evaluate(() => (window as any).__streamed);
    expect(seen.some((t) => t.startsWith("Once") && !t.includes("time."))).toBe(true);
    await screenshot(page, "control-ui-chat-desktop");
  });

  test("Stop while a reply streams -> chat.abort, the model stream is cut, the pane says so", async () => {
    await page.goto(`http://127.0.0.1:${gw.port}/chat/hold`);
    await page.locator("#draft").fill("Count forever");
    await page.keyboard.press("Enter");
    await page.locator(".msg.streaming", { hasText: "Counting: one, two," }).waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByText("Stopped.").waitFor();
    expect(await page.locator(".msg.streaming").count()).toBe(0);
    await upstream.until(() => upstream.disconnects.includes("endless"));
    expect(await page.getByRole("button", { name: "Send" }).isVisible()).toBe(true);
  });

  test("a tab that gets no animation frames (in the background, or on a busy machine) still connects, streams and stops", async () => {
    // hono runs useEffect callbacks in requestAnimationFrame: work done there would wait for a frame that never comes.
    const p = await context.newPage();
    await p.addInitScript(() => {
      window.requestAnimationFrame = () => 0;
    });
    await p.goto(`http://127.0.0.1:${gw.port}/chat/hold`);
    await p.locator("#draft").fill("Count again");
    await p.keyboard.press("Enter");
    await p.locator(".msg.streaming", { hasText: "Counting: one, two," }).waitFor({ timeout: 10_000 });
    expect(await p.locator(".msg.user", { hasText: "Count again" }).count()).toBe(1);
    await p.getByRole("button", { name: "Stop" }).click();
    await p.getByText("Stopped.").waitFor({ timeout: 10_000 });
    await p.close();
  });

  test("new session -> its own empty history; the first message creates it", async () => {
    await page.goto(`http://127.0.0.1:${gw.port}/chat/main`);
    await page.getByRole("button", { name: "New session" }).click();
    expect(await page.locator(".msg").count()).toBe(0);
    await page.locator("#draft").fill("A fresh start");
    await page.keyboard.press("Enter");
    await page.locator(".msg.assistant:not(.streaming)", { hasText: "Once upon a time." }).waitFor();
    const key = gw.store.listSessions().map((r) => r.key).find((k) => k.startsWith("agent:main:dashboard:"));
    expect(key).toBeString();
    // The address names the session (upstream's /chat/<agentId>/<rest of the key>), so a reload opens it again.
    expect(new URL(page.url()).pathname).toBe(`/chat/main/dashboard/${key!.split(":")[3]}`);
    await page.reload();
    await page.locator(".msg.user", { hasText: "A fresh start" }).waitFor();
    expect(await page.locator(".msg.user").count()).toBe(1);
  });

  test("config edited on disk meanwhile -> Save is refused with the baseHash conflict, the file keeps the other edit", async () => {
    await page.goto(`http://127.0.0.1:${gw.port}/config`);
    const editor = page.locator("#config-raw");
    await page.waitForFunction(() => (document.querySelector("#config-raw") as HTMLTextAreaElement | null)?.value.includes("providers"));
    const file = join(gw.stateDir, "openclaw.json");
    const theirs = readFileSync(file, "utf8").replace('"models"', '"ui": { "seamColor": "#ff0000" },\n  "models"');
    writeFileSync(file, theirs);
    await editor.fill((await editor.inputValue()).replace('"models"', '"meta": { "lastTouchedVersion": "x" },\n  "models"'));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toBe("config changed since last load; re-run config.get and retry");
    expect(readFileSync(file, "utf8")).toBe(theirs);
    await screenshot(page, "control-ui-config-conflict-desktop");
    // Reload takes the other edit in; a valid save then goes through.
    await page.getByRole("button", { name: "Reload" }).click();
    await page.waitForFunction(() => (document.querySelector("#config-raw") as HTMLTextAreaElement).value.includes("seamColor"));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
  });

  test("an invalid config -> the gateway's validation error, nothing written", async () => {
    const file = join(gw.stateDir, "openclaw.json");
    const before = readFileSync(file, "utf8");
    // Reload answers asynchronously: wait until it has replaced a marker, so it cannot overwrite the edit below.
    await page.locator("#config-raw").fill("reloading");
    await page.getByRole("button", { name: "Reload" }).click();
    await page.waitForFunction(() => (document.querySelector("#config-raw") as HTMLTextAreaElement).value !== "reloading");
    await page.locator("#config-raw").fill('{ "gateway": { "port": "not a port" } }');
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("gateway.port");
    expect(readFileSync(file, "utf8")).toBe(before);
  });

});
