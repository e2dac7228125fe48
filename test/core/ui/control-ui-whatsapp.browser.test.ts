/**
 * Linking WhatsApp from the Control UI's Channels pane, in a real headless Chromium against a real gateway process
 * whose state dir holds the WhatsApp extension with the harness in place of Baileys' socket
 * (test/harness/whatsapp-fake.ts): with the support missing the gateway's words (the install command) are shown;
 * with it, "Link WhatsApp" shows the QR WhatsApp offered (the image decodes to its ref), a fresh QR replaces it,
 * and the phone's scan ends in "Linked" with the account connected. Phone and desktop screenshots for review.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { INSTALL_COMMAND } from "../../../runtime-bun/host/channels/whatsapp/extension.ts";
import { BROWSER_UNAVAILABLE, browserTest as test, launchBrowser, screenshot, VIEWPORTS } from "../../harness/browser.ts";
import { IN_CI } from "../../harness/capability.ts";
import { logIn } from "../../harness/control-ui.ts";
import { startRuntimeGateway, type RuntimeGateway } from "../../harness/runtimes.ts";
import { decodeQrDataUrl, prepareWhatsAppExtension, startWhatsApp, WA, type WhatsAppFake } from "../../harness/whatsapp-fake.ts";

const skipped = Boolean(BROWSER_UNAVAILABLE) && !IN_CI;

const home = mkdtempSync(join(tmpdir(), "clawgate-ui-whatsapp-"));
const stateDir = join(home, ".openclaw");
let fake: WhatsAppFake;
let gw: RuntimeGateway;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipped) return;
  fake = startWhatsApp();
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  prepareWhatsAppExtension(stateDir, fake.url);
  gw = await startRuntimeGateway("bun", { dir: home, config: { channels: { whatsapp: { dmPolicy: "pairing" } } } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: VIEWPORTS.phone })).newPage();
  await logIn(page, `http://127.0.0.1:${gw.port}`);
  await page.getByRole("link", { name: "Channels" }).click();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  fake?.stop();
  rmSync(home, { recursive: true, force: true });
});

const row = () => page.locator("main[data-pane=channels] tr", { hasText: "WhatsApp" });
const login = () => page.locator("section.wa-login");
const shownQr = async () => decodeQrDataUrl((await login().locator("img.qr").getAttribute("src"))!);

test("WhatsApp support missing -> Link WhatsApp shows the gateway's error naming the install command", async () => {
  const extension = join(stateDir, "extensions", "whatsapp");
  renameSync(extension, `${extension}.away`);
  try {
    await row().getByRole("button", { name: "Link WhatsApp" }).click();
    const alert = login().getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toStartWith("Failed to start WhatsApp login: WhatsApp support (Baileys");
    expect(await alert.textContent()).toEndWith(`is not installed in ${extension}; run ${INSTALL_COMMAND}`);
    expect(fake.opened()).toBe(0);
  } finally {
    renameSync(`${extension}.away`, extension);
  }
  await login().getByRole("button", { name: "Close" }).click();
  await login().waitFor({ state: "detached" });
});

test("Link WhatsApp -> the QR WhatsApp offered, then its fresh one; the phone scans it -> Linked, account connected", async () => {
  await row().getByRole("button", { name: "Link WhatsApp" }).click();
  await login().locator("img.qr").waitFor();
  expect(await shownQr()).toBe(fake.qrs[0]!);
  expect(await login().textContent()).toContain("Scan this QR in WhatsApp → Linked Devices.");
  // The button is gone while a login is on screen.
  expect(await row().getByRole("button", { name: "Link WhatsApp" }).count()).toBe(0);
  await screenshot(page, "control-ui-whatsapp-qr-phone");

  fake.refreshQr();
  await login().getByText("QR refreshed. Scan the latest code in WhatsApp → Linked Devices.").waitFor();
  expect(await shownQr()).toBe(fake.qrs[1]!);

  fake.scan(WA.self);
  await login().locator("[data-linked=true]").waitFor();
  expect(await login().locator("[data-linked=true]").textContent()).toBe("Linked · ✅ Linked! WhatsApp is ready.");
  expect(await login().locator("img.qr").count()).toBe(0);
  // The pane reloads the status: the account is linked and connected, and offers no link any more.
  await row().getByText("running").waitFor();
  await row().filter({ hasText: "not linked" }).waitFor({ state: "detached" });
  expect(await row().getByRole("button", { name: "Link WhatsApp" }).count()).toBe(0);
  await fake.until(() => fake.connections() === 1);
  await screenshot(page, "control-ui-whatsapp-linked-phone");
  await page.setViewportSize(VIEWPORTS.desktop);
  await screenshot(page, "control-ui-whatsapp-linked-desktop");
});
