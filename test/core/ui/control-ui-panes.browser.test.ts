/**
 * clawgate's own Control UI in a real headless Chromium against a real
 * gateway process: every pane loads without a failing call, the keyboard
 * stops a reply, cron jobs and runs show up live, the log pane tails live, the system's dark theme applies, and the phone layout keeps
 * to one column; screenshots at phone and desktop size for review.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { BROWSER_UNAVAILABLE, browserTest as test, launchBrowser, screenshot, VIEWPORTS } from "../../harness/browser.ts";
import { IN_CI } from "../../harness/capability.ts";
import { logIn as logInAt, startUiGateway, type UiGateway } from "../../harness/control-ui.ts";
import { connected } from "../../harness/raw-socket.ts";

const skipped = Boolean(BROWSER_UNAVAILABLE) && !IN_CI;

let ui: UiGateway;
let browser: Browser;
let page: Page;

const logIn = (p: Page) => logInAt(p, ui.origin);

beforeAll(async () => {
  if (skipped) return;
  ui = await startUiGateway();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: VIEWPORTS.desktop })).newPage();
  await logIn(page);
  await page.locator("#draft").waitFor();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
});

describe("Control UI panes", () => {
  test("every pane loads its data with no failing call (desktop screenshots), Esc stops a streaming reply", async () => {
    const failures: string[] = [];
    page.on("websocket", (ws) => ws.on("framereceived", (f) => {
      const frame = JSON.parse(String(f.payload));
      if (frame.type === "res" && !frame.ok) failures.push(JSON.stringify(frame.error));
    }));
    await page.goto(`${ui.origin}/status`);
    for (const [pane, ready] of [["status", "[data-health-ok=true]"], ["devices", "table"], ["nodes", "text=No nodes."], ["channels", "text=No channels configured."], ["cron", "text=No cron jobs."], ["pairing", "text=No pending device pairings."]] as const) {
      await page.getByRole("link", { name: pane[0]!.toUpperCase() + pane.slice(1) }).click();
      await page.locator(`main[data-pane="${pane}"]`).locator(ready).first().waitFor();
      await screenshot(page, `control-ui-${pane}-desktop`);
    }
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(failures).toEqual([]);

    await page.goto(`${ui.origin}/chat/hold`);
    await page.locator("#draft").fill("Count again");
    await page.keyboard.press("Enter");
    await page.locator(".msg.streaming", { hasText: "two," }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByText("Stopped.").waitFor();
  });

  test("cron pane: a job added by another client appears; Run now -> a run in Recent runs", async () => {
    await page.getByRole("link", { name: "Cron" }).click();
    await page.getByText("No cron jobs.").waitFor();
    const { sock } = await connected(ui.gw.url);
    try {
      const job = { name: "nightly-digest", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "digest" } };
      expect((await sock.request("cron.add", job)).ok).toBe(true);
    } finally {
      sock.close();
    }
    const row = page.locator("tr", { hasText: "nightly-digest" });
    await row.waitFor();
    expect(await row.textContent()).toContain("every 60 min");
    await row.getByRole("button", { name: "Run now" }).click();
    await page.locator("section[aria-labelledby=cr] li", { hasText: "nightly-digest" }).first().waitFor();
    await screenshot(page, "control-ui-cron-desktop");
  });

  test("logs pane: a line the gateway writes while it is open shows up (live tail)", async () => {
    await page.getByRole("link", { name: "Logs" }).click();
    await page.locator(".log", { hasText: "listening" }).waitFor();
    const file = join(ui.gw.stateDir, "openclaw.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    config.models.providers.up.apiKey = "sk-rotated";
    writeFileSync(file, JSON.stringify(config));
    await page.locator(".log", { hasText: "config hot reload applied (models.providers.up.apiKey)" }).waitFor();
    expect(await page.locator(".log").textContent()).not.toContain("sk-rotated");
  });

  test("dark system theme -> dark page", async () => {
    const dark = await browser.newContext({ viewport: VIEWPORTS.desktop, colorScheme: "dark" });
    const p = await dark.newPage();
    await logIn(p);
    await p.locator("#draft").waitFor();
    const background = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(17, 17, 20)");
    await screenshot(p, "control-ui-chat-desktop-dark");
    await dark.close();
  });

  test("phone size: login, chat and the other panes render in one column (screenshots)", async () => {
    const phone = await browser.newContext({ viewport: VIEWPORTS.phone, isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await logIn(p);
    await p.locator("#draft").waitFor();
    await p.locator("#draft").fill("Hello from a phone");
    await p.getByRole("button", { name: "Send" }).click();
    await p.locator(".msg.assistant:not(.streaming)", { hasText: "Once upon a time." }).last().waitFor();
    // Nothing is wider than the screen.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await screenshot(p, "control-ui-chat-phone");
    for (const pane of ["pairing", "status", "logs", "config"]) {
      await p.getByRole("link", { name: pane[0]!.toUpperCase() + pane.slice(1) }).click();
      await p.locator(`main[data-pane="${pane}"]`).waitFor();
      // The log pane tails the gateway's own log file.
      if (pane === "logs") await p.locator(".log", { hasText: "listening" }).waitFor();
      await screenshot(p, `control-ui-${pane}-phone`);
    }
    await phone.close();
  });
});
