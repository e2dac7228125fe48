/**
 * Pairing through clawgate's own Control UI in a real headless Chromium: a
 * chat sender's pending request approved (and another denied) in the UI;
 * a browser on another machine (a network namespace over a veth pair, so the
 * gateway sees a private, non-loopback address) waits for approval until the
 * owner approves it with `clawgate devices approve` on the gateway host.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import { rmSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { BROWSER_UNAVAILABLE, browserTest, launchBrowser, screenshot, VIEWPORTS } from "../../harness/browser.ts";
import { IN_CI, testNeeding } from "../../harness/capability.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../harness/gateway.ts";
import { createNetns, NETNS_UNAVAILABLE, type Netns } from "../../harness/netns.ts";
import { childEnv, CLI, freshHome } from "../../harness/process.ts";
import { startRuntimeGateway, type RuntimeGateway } from "../../harness/runtimes.ts";

const netnsBrowserTest = testNeeding("a headless Chromium and network namespaces", BROWSER_UNAVAILABLE ?? NETNS_UNAVAILABLE);
const skipped = Boolean(BROWSER_UNAVAILABLE) && !IN_CI;

let browser: Browser;

beforeAll(async () => {
  if (!skipped) browser = await launchBrowser();
}, 30_000);
afterAll(() => browser?.close());

async function logIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel("Gateway token").fill(TEST_TOKEN);
  await page.getByRole("button", { name: "Connect" }).click();
}

describe("sender pairing in the UI", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    if (!skipped) gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  browserTest("a pending chat sender -> listed with its code; Approve allows it, Deny drops the other", async () => {
    const senders = gw.running.gateway.senders;
    // What a channel does when an unknown sender writes in.
    const first = senders.request({ channel: "telegram", senderId: "1001", meta: { name: "Ada" } });
    const second = senders.request({ channel: "telegram", senderId: "1002" });
    if (first.status !== "pending" || second.status !== "pending") throw new Error("expected pending requests");
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const page = await context.newPage();
    await logIn(page, `http://127.0.0.1:${gw.port}`);
    await page.locator("#draft").waitFor();
    await page.getByRole("link", { name: /^Pairing/ }).click();
    const row = (senderId: string) => page.locator("li", { hasText: senderId });
    await row("1001").waitFor();
    expect(await row("1001").textContent()).toContain(first.code);
    await screenshot(page, "control-ui-pairing-desktop");
    await row("1001").getByRole("button", { name: "Approve" }).click();
    await row("1001").waitFor({ state: "detached" });
    expect(senders.isAllowed("telegram", "default", "1001")).toBe(true);
    await row("1002").getByRole("button", { name: "Deny" }).click();
    await page.getByText("No pending sender pairings.").waitFor();
    expect(senders.isAllowed("telegram", "default", "1002")).toBe(false);
    expect(senders.list({ channel: "telegram" })).toEqual([]);
    await context.close();
  });

  browserTest("a request filed while the pane is open -> appears without a reload", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, `http://127.0.0.1:${gw.port}`);
    await page.getByRole("link", { name: /^Pairing/ }).click();
    await page.getByText("No pending sender pairings.").waitFor();
    const filed = gw.running.gateway.senders.request({ channel: "signal", senderId: "+15550100" });
    if (filed.status !== "pending") throw new Error(filed.status);
    await page.locator("li", { hasText: "+15550100" }).waitFor();
    await context.close();
  });
});

describe("a remote browser", () => {
  let ns: Netns | undefined;
  let gw: RuntimeGateway | undefined;
  /** The first remote browser, signed in once the owner approved it. */
  let approvedPage: Page | undefined;
  const inside = (n: Netns) => ["ip", "netns", "exec", n.name];

  beforeAll(async () => {
    if (BROWSER_UNAVAILABLE || NETNS_UNAVAILABLE) return;
    ns = await createNetns();
    gw = await startRuntimeGateway("bun", { wrap: inside(ns), config: { gateway: { bind: "lan" } } });
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    await ns?.destroy();
  });

  /** `clawgate <args>` on the gateway's host (inside its namespace, on its loopback): the owner. */
  async function ownerCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const home = freshHome();
    try {
      const proc = Bun.spawn([...inside(ns!), process.execPath, CLI, ...args, "--url", `ws://127.0.0.1:${gw!.port}`, "--token", TEST_TOKEN], { env: childEnv(home), stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { code, stdout, stderr };
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }

  netnsBrowserTest("right token from a LAN address -> waits for approval; `clawgate devices approve` -> the page connects on its own", async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.phone, isMobile: true });
    const page = await context.newPage();
    // Plain HTTP on a private address: no secure context, so the identity must not need Web Crypto.
    await logIn(page, `http://${ns!.address}:${gw!.port}`);
    await page.getByText("Waiting for approval").waitFor();
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    const shown = (await page.locator("pre").textContent())!;
    const requestId = /devices approve (\S+)/.exec(shown)?.[1];
    expect(requestId).toBeString();
    await screenshot(page, "control-ui-pairing-wait-phone");

    const listed = await ownerCli(["devices", "list", "--json"]);
    const pending = JSON.parse(listed.stdout).pending as { requestId: string; remoteIp?: string; clientId?: string }[];
    expect(pending).toEqual([expect.objectContaining({ requestId, remoteIp: ns!.hostAddress, clientId: "openclaw-control-ui" })]);
    expect(gw!.store.listPaired()).toEqual([]);

    const approved = await ownerCli(["devices", "approve", requestId!]);
    expect(approved.code).toBe(0);
    await page.locator("#draft").waitFor();
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("clawgate.deviceToken.v1") ?? "{}"));
    expect(gw!.store.listPaired().map((d) => d.deviceId)).toEqual([stored.deviceId]);
    expect(stored.token).toBeString();
    approvedPage = page;
  });

  netnsBrowserTest("a second remote browser waits too; the first, now signed in, sees its request (badge, Pairing) and approves it", async () => {
    const page = approvedPage!;
    const second = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const other = await second.newPage();
    await logIn(other, `http://${ns!.address}:${gw!.port}`);
    await other.getByText("Waiting for approval").waitFor();
    const otherId = /devices approve (\S+)/.exec((await other.locator("pre").textContent())!)![1]!;
    // The request shows as a badge on Pairing without a reload (device.pair.requested).
    await page.locator("nav .badge", { hasText: "1" }).waitFor();
    await page.getByRole("link", { name: /^Pairing/ }).click();
    const row = page.locator(`li[data-request="${otherId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(ns!.hostAddress);
    await row.getByRole("button", { name: "Approve" }).click();
    await other.locator("#draft").waitFor();
    expect(gw!.store.listPaired()).toHaveLength(2);
    await second.close();
  });
});
