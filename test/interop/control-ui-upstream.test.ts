/**
 * The real upstream Control UI (`openclaw@2026.9.6`'s compiled
 * `dist/control-ui`) against a clawgate gateway, in a headless Chromium. The
 * UI is served from a loopback static server of its own (another origin,
 * listed in `gateway.controlUi.allowedOrigins`), pointed at the gateway with
 * `?gatewayUrl=`, and every WebSocket frame is recorded. On loopback it is
 * paired silently (spec §4.4: Control UI with an allowed Origin), none of the
 * RPCs it makes fails, and a message typed in its chat gets the embedded
 * agent's reply; a tour of its navigation's pages (chat, agents, dashboards, systems, automations, plugins, channels, devices, logs, usage, model providers, skills, approvals, settings, meetings, worktrees, debug, memory import) finds no failing RPC either; from a non-loopback address it waits for approval, which
 * the gateway owner gives with `clawgate devices approve`. Screenshots at
 * phone and desktop size go to test-artifacts/screenshots/.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { BROWSER_UNAVAILABLE, launchBrowser, screenshot, VIEWPORTS } from "../harness/browser.ts";
import { IN_CI, testNeeding } from "../harness/capability.ts";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { createNetns, NETNS_UNAVAILABLE, type Netns } from "../harness/netns.ts";
import { CACHE_DIR, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { childEnv, CLI, freshHome } from "../harness/process.ts";
import { waitFor } from "../harness/reference-client.ts";
import { RpcRecorder } from "../harness/rpc-recorder.ts";
import { startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";
import { serveStaticSite, type StaticSite } from "../harness/static-site.ts";

const CONTROL_UI_ROOT = join(CACHE_DIR, "node_modules", "openclaw", "dist", "control-ui");
const UI_MISSING = existsSync(join(CONTROL_UI_ROOT, "index.html")) ? undefined : `no upstream Control UI at ${CONTROL_UI_ROOT}: ${SKIP_MESSAGE}`;
const MISSING = BROWSER_UNAVAILABLE ?? UI_MISSING;
const test = testNeeding("the upstream Control UI in a headless Chromium", MISSING);
const netnsTest = testNeeding("the upstream Control UI in a headless Chromium and network namespaces", MISSING ?? NETNS_UNAVAILABLE);
/** Skipped here: the hooks make nothing (under CI the tests run, and fail with the reason). */
const skipped = Boolean(MISSING) && !IN_CI;

/** How long the UI may take to load and settle on this shared 2-core box. */
const UI_WAIT_MS = 20_000;
const COMPOSER = "Message Assistant";
const REPLY = 'You said: "hello from the browser"';

/** The agent's reply as the transcript renders it (a screen-reader announcement repeats the text). */
const reply = (page: Page) => page.locator("p", { hasText: REPLY });

/** The query parameter of the UI's own reload when its app did not start in time (index.html's mount fallback). */
const MOUNT_RECOVERY = "openclaw_mount_recovery";
/** Opens before giving up; each recovery reload costs one. */
const OPEN_ATTEMPTS = 3;

/**
 * Opens the UI pointed at `gatewayUrl` with the shared token; the UI asks before leaving its own origin's gateway.
 * On a loaded box the UI may give up mounting and reload itself, which drops `?gatewayUrl` (the question then never
 * comes): that reload is seen and the page opened again.
 */
async function openUi(page: Page, site: StaticSite, gatewayUrl: string): Promise<void> {
  const url = `${site.origin}/?gatewayUrl=${encodeURIComponent(gatewayUrl)}#token=${TEST_TOKEN}`;
  const switchButton = page.getByRole("button", { name: /^Switch to / });
  let recovered: (() => void) | undefined;
  const onNavigated = (frame: Frame) => {
    if (frame === page.mainFrame() && new URL(frame.url()).searchParams.has(MOUNT_RECOVERY)) recovered?.();
  };
  page.on("framenavigated", onNavigated);
  try {
    for (let attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
      const reloaded = new Promise<"reloaded">((resolve) => (recovered = () => resolve("reloaded")));
      await page.goto(url);
      const asked = switchButton.waitFor({ timeout: UI_WAIT_MS }).then(() => "asked" as const);
      // The loser of the race may still settle (a reload can outlive the question's timeout): nothing awaits it.
      asked.catch(() => {});
      if ((await Promise.race([asked, reloaded])) === "asked") return switchButton.click({ timeout: UI_WAIT_MS });
    }
    throw new Error(`the Control UI reloaded itself (${MOUNT_RECOVERY}) on each of ${OPEN_ATTEMPTS} opens`);
  } finally {
    page.off("framenavigated", onNavigated);
  }
}

/** The chat is open, its deferred reads (tasks.list) made, and every request the UI made so far has its answer. */
async function chatSettled(page: Page, rpc: RpcRecorder): Promise<void> {
  await page.getByPlaceholder(COMPOSER).waitFor({ timeout: UI_WAIT_MS });
  const answered = (method: string) => rpc.calls.some((c) => c.method === method && c.response);
  await waitFor(() => answered("chat.startup") && answered("tasks.list") && rpc.unanswered().length === 0, UI_WAIT_MS);
}

const describeFailures = (rpc: RpcRecorder) => rpc.failed().map((c) => `${c.method}: ${JSON.stringify(c.response?.error)}`);

/**
 * The UI's navigation (its sidebar, and the settings pages issue 15 names) with the methods each page calls
 * on opening whatever was opened before (the UI caches what pages share, such as sessions.list and
 * plugins.list), as recorded from openclaw 2026.9.6; a page is open once they are all called and answered.
 */
const PAGES: readonly { path: string; calls: readonly string[] }[] = [
  { path: "/agents", calls: ["sessions.list"] },
  { path: "/dashboards", calls: ["sessions.list"] },
  { path: "/systems", calls: ["environments.list", "node.list", "system.info"] },
  { path: "/automations", calls: ["cron.list", "cron.status", "cron.runs", "channels.status"] },
  { path: "/plugins", calls: ["plugins.list"] },
  { path: "/settings/channels", calls: ["channels.status", "config.schema", "channels.pairing.list"] },
  { path: "/settings/devices", calls: ["node.list", "device.pair.list", "config.get", "system-presence"] },
  { path: "/logs", calls: ["logs.tail"] },
  { path: "/usage", calls: ["usage.status", "sessions.usage"] },
  { path: "/settings/model-providers", calls: ["usage.status", "sessions.usage"] },
  { path: "/skills", calls: ["skills.status", "skills.library.list", "skills.search"] },
  { path: "/skills/workshop", calls: ["skills.proposals.list"] },
  { path: "/settings/approvals", calls: ["approval.history", "exec.approval.grants.list"] },
  { path: "/settings/general", calls: ["themes.list"] },
  { path: "/settings/profile", calls: ["tools.github.status"] },
  { path: "/settings/search", calls: ["webSearch.status"] },
  { path: "/meetings", calls: ["transcripts.list"] },
  { path: "/worktrees", calls: ["worktrees.list"] },
  { path: "/debug", calls: ["diagnostics.lanes"] },
  { path: "/memory-import", calls: ["migrations.memory.plan"] },
];

/** Opens `path` as the UI's own links do (history push + popstate), without reloading the app. */
async function navigate(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState({}, "", to);
    dispatchEvent(new PopStateEvent("popstate", { state: {} }));
  }, path);
}

describe.skipIf(skipped)("upstream Control UI (openclaw 2026.9.6) against clawgate", () => {
  let site: StaticSite;
  let browser: Browser;
  beforeAll(async () => {
    site = serveStaticSite(CONTROL_UI_ROOT);
    browser = await launchBrowser();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    site?.stop();
  });

  describe("from loopback", () => {
    let gw: RuntimeGateway;
    beforeAll(async () => {
      gw = await startRuntimeGateway("bun", { config: { gateway: { controlUi: { allowedOrigins: [site.origin] } } } });
    }, 30_000);
    afterAll(async () => {
      await gw?.stop();
    });

    test("allowed Origin -> paired silently on the first connect; no RPC fails on load; a typed message gets the agent's streamed reply, shown once after a reload", async () => {
      const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
      try {
        const page = await context.newPage();
        const rpc = new RpcRecorder(page);
        await openUi(page, site, gw.url);
        await chatSettled(page, rpc);

        // §4.4: the first connect is admitted, with a device token: no pairing round trip.
        const [first] = rpc.connects();
        expect(first?.response).toMatchObject({ ok: true, payload: { type: "hello-ok", auth: { method: "token", deviceToken: expect.any(String) } } });
        const paired = gw.store.listPaired().filter((d) => d.clientId === "openclaw-control-ui");
        expect(paired.map((d) => d.approvedVia)).toEqual(["silent"]);
        expect(gw.store.listPending()).toEqual([]);

        // The methods the UI needs for its chat, answered (the rest of what it called is checked by failed() below).
        const methods = rpc.methods();
        for (const name of ["chat.startup", "sessions.subscribe", "sessions.messages.subscribe", "sessions.describe", "agents.list", "models.list", "models.authStatus", "update.status", "exec.approval.list", "question.list", "tasks.list"]) {
          expect(methods).toContain(name);
        }
        expect(rpc.calls.find((c) => c.method === "models.list")?.params).toMatchObject({ sessionKey: "agent:main:main" });
        expect(describeFailures(rpc)).toEqual([]);
        await screenshot(page, "control-ui-upstream-loaded-desktop");

        const composer = page.getByPlaceholder(COMPOSER);
        await composer.fill("hello from the browser");
        await composer.press("Enter");
        await reply(page).waitFor({ timeout: UI_WAIT_MS });
        await waitFor(() => rpc.events.includes("chat") && rpc.unanswered().length === 0, UI_WAIT_MS);
        expect(rpc.calls.find((c) => c.method === "chat.send")).toMatchObject({ params: { sessionKey: "agent:main:main", message: "hello from the browser" }, response: { ok: true, payload: { status: "started" } } });
        expect(describeFailures(rpc)).toEqual([]);
        await screenshot(page, "control-ui-upstream-chat-desktop");
        await page.setViewportSize(VIEWPORTS.phone);
        await reply(page).waitFor({ timeout: UI_WAIT_MS });
        await screenshot(page, "control-ui-upstream-chat-phone");

        // Reloaded, the page shows the turn once, from chat.startup: the sent message was confirmed by its receipt.
        await page.reload();
        await chatSettled(page, rpc);
        await reply(page).waitFor({ timeout: UI_WAIT_MS });
        expect(await page.getByText("hello from the browser", { exact: true }).count()).toBe(1);
        expect(await page.getByText("Delivery unconfirmed").count()).toBe(0);
        expect(describeFailures(rpc)).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);

    test("page tour: each page of the navigation opens with its own params and none of its RPCs fails", async () => {
      const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
      try {
        const page = await context.newPage();
        const rpc = new RpcRecorder(page);
        await openUi(page, site, gw.url);
        await chatSettled(page, rpc);
        const called: Record<string, string[]> = {};
        for (const { path, calls } of PAGES) {
          const before = rpc.calls.length;
          await navigate(page, path);
          const opened = () => rpc.calls.slice(before);
          await waitFor(() => calls.every((m) => opened().some((c) => c.method === m)) && rpc.unanswered().length === 0, UI_WAIT_MS).catch(() => {
            throw new Error(`${path} did not open: it called ${JSON.stringify(opened().map((c) => c.method))}, unanswered ${JSON.stringify(rpc.unanswered().map((c) => c.method))}`);
          });
          called[path] = [...new Set(opened().map((c) => c.method))].sort();
          await screenshot(page, `control-ui-upstream-page${path.replaceAll("/", "-")}-desktop`);
        }
        // The pages' methods, each with the params the UI sends (test/core/rpc/methods/ui-pages.test.ts has them in memory).
        for (const { path, calls } of PAGES) expect(called[path]).toEqual(expect.arrayContaining([...calls]));
        expect(rpc.calls.find((c) => c.method === "sessions.list" && (c.params as any)?.hasBoard === true)?.response?.ok).toBe(true);
        expect(rpc.calls.find((c) => c.method === "cron.list" && (c.params as any)?.trigger === "all")?.response?.ok).toBe(true);
        expect(rpc.calls.find((c) => c.method === "sessions.usage" && (c.params as any)?.agentScope === "all")?.response?.ok).toBe(true);
        expect(describeFailures(rpc)).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);
  });

  describe("from a non-loopback address", () => {
    let ns: Netns | undefined;
    let gw: RuntimeGateway;
    let url: string;
    beforeAll(async () => {
      if (NETNS_UNAVAILABLE && !IN_CI) return;
      // The gateway runs in a namespace of its own and the browser reaches it over a veth pair: it sees a private address.
      ns = await createNetns();
      gw = await startRuntimeGateway("bun", { wrap: ["ip", "netns", "exec", ns.name], config: { gateway: { bind: "lan", controlUi: { allowedOrigins: [site.origin] } } } });
      url = `ws://${ns.address}:${gw.port}`;
    }, 30_000);
    afterAll(async () => {
      await gw?.stop();
      await ns?.destroy();
    });

    /** `clawgate <args>` inside the namespace, on the gateway's own loopback: its owner. */
    async function ownerCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      const home = freshHome();
      try {
        const proc = Bun.spawn(["ip", "netns", "exec", ns!.name, process.execPath, CLI, ...args, "--url", `ws://127.0.0.1:${gw.port}`, "--token", TEST_TOKEN], { env: childEnv(home), stdout: "pipe", stderr: "pipe" });
        const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
        return { code, stdout, stderr };
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }

    netnsTest("allowed Origin -> PAIRING_REQUIRED and the UI waits; `clawgate devices approve` -> it connects on its own retry and opens the chat", async () => {
      const context = await browser.newContext({ viewport: VIEWPORTS.phone });
      try {
        const page = await context.newPage();
        const rpc = new RpcRecorder(page);
        await openUi(page, site, url);
        await waitFor(() => rpc.connects().some((c) => c.response), UI_WAIT_MS);
        const refusal = rpc.connects()[0]!.response!;
        expect(refusal).toMatchObject({ ok: false, error: { code: "NOT_PAIRED", details: { code: "PAIRING_REQUIRED", reason: "not-paired", recommendedNextStep: "wait_then_retry" } } });
        const { requestId, deviceId } = refusal.error.details;
        await screenshot(page, "control-ui-upstream-remote-pending-phone");

        const listed = await ownerCli(["devices", "list", "--json"]);
        expect(listed.code).toBe(0);
        expect(JSON.parse(listed.stdout).pending).toEqual([expect.objectContaining({ requestId, deviceId, clientId: "openclaw-control-ui", remoteIp: ns!.hostAddress })]);
        expect(await ownerCli(["devices", "approve", requestId])).toEqual({ code: 0, stdout: `Approved ${deviceId} (${requestId})\n`, stderr: "" });

        await chatSettled(page, rpc);
        const connects = rpc.connects();
        expect(connects.at(-1)?.response).toMatchObject({ ok: true, payload: { type: "hello-ok", auth: { deviceToken: expect.any(String) } } });
        // Only the connects before the approval were refused; nothing the chat asked for failed.
        expect(rpc.failed().every((c) => c.method === "connect" && c.response?.error?.details?.code === "PAIRING_REQUIRED")).toBe(true);
        expect(gw.store.listPaired().find((d) => d.deviceId === deviceId)?.approvedVia).toBe("owner");
        await screenshot(page, "control-ui-upstream-remote-approved-phone");
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});
