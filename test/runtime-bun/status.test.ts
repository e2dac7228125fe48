/**
 * `status`, `health` and other read methods in upstream's shapes (spec §6), over a real socket
 * with the reference client: what `openclaw status` and `openclaw health`
 * render field by field, admin-only session rows and paths, upstream's
 * params (`includeCliProjection`; unknown keys accepted).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { connectClient, waitFor, type ConnectedClient } from "../harness/reference-client.ts";

let gw: TestGateway;
let admin: ConnectedClient;
let reader: ConnectedClient;

beforeAll(async () => {
  gw = await startTestGateway();
  admin = await connectClient({ url: gw.url, token: TEST_TOKEN });
  reader = await connectClient({ url: gw.url, token: TEST_TOKEN, scopes: ["operator.read"] });
  // One turn with the embedded agent, so there is a session to list.
  await admin.client.request("chat.send", { sessionKey: "main", message: "hello", idempotencyKey: "status-turn" });
  await waitFor(() => admin.events.some((e) => e.event === "chat" && e.payload.runId === "status-turn" && e.payload.state === "final"));
});

afterAll(async () => {
  admin.client.stop();
  reader.client.stop();
  await gw.stop();
});

const database = () => join(gw.dir, "state", "clawgate.sqlite");

describe("status", () => {
  test("upstream's summary: heartbeat per agent, task counters, sessions by agent, event loop, process memory", async () => {
    const status = await admin.client.request<any>("status", {});
    expect(status.runtimeVersion).toBe("2026.9.6");
    expect(status.heartbeat).toEqual({ defaultAgentId: "main", agents: [{ agentId: "main", enabled: true, every: "30m", everyMs: 1_800_000, waitingForRoute: true }] });
    expect(status.tasks).toMatchObject({ total: 0, active: 0, failures: 0, byStatus: { queued: 0, running: 0 }, byRuntime: { cron: 0 } });
    expect(status.taskAudit).toMatchObject({ errors: 0, warnings: 0 });
    expect(status.hostDesktop).toEqual({ enabled: false, state: "disabled" });
    expect(status.sessions).toMatchObject({ paths: [database()], count: 1, byAgent: [{ agentId: "main", path: database(), count: 1 }] });
    expect(status.sessions.recent).toEqual([expect.objectContaining({ agentId: "main", key: "agent:main:main", kind: "direct", age: expect.any(Number) })]);
    expect(status.eventLoop).toEqual({ degraded: false, degradedSinceMs: null, reasons: [], intervalMs: expect.any(Number), delayP99Ms: expect.any(Number), delayMaxMs: expect.any(Number), utilization: expect.any(Number), cpuCoreRatio: expect.any(Number) });
    expect(status.processMemory.rssBytes).toBeGreaterThan(0);
    expect(status.pid).toBe(process.pid);
    expect(status.cliProjection).toBeUndefined();
  });

  test("a read-only caller gets the counts but no session rows or store paths", async () => {
    const status = await reader.client.request<any>("status", {});
    expect(status.sessions).toMatchObject({ paths: [], count: 1, recent: [], byAgent: [{ agentId: "main", path: "[redacted]", count: 1, recent: [] }] });
  });

  test("includeCliProjection adds the agent roster; unknown params are accepted, as upstream does", async () => {
    const status = await reader.client.request<any>("status", { includeChannelSummary: false, includeCliProjection: true, futureFlag: 1 });
    expect(status.cliProjection).toEqual({
      agents: { defaultId: "main", ownership: "sole", selectionRequired: false, rows: [{ id: "main" }] },
      updateChannel: null,
      memoryPlugin: { enabled: false, slot: null, reason: "no memory plugin in clawgate" },
    });
  });
});

describe("health", () => {
  test("per-agent heartbeat settings and session store, the default agent's sessions, a live event loop", async () => {
    const health = await reader.client.request<any>("health", { probe: true });
    const heartbeat = { enabled: true, every: "30m", everyMs: 1_800_000, prompt: expect.stringContaining("NO_REPLY"), target: "owner", ackMaxChars: 300 };
    const sessions = { path: database(), count: 1, recent: [{ key: "agent:main:main", updatedAt: expect.any(Number), age: expect.any(Number) }] };
    expect(health).toMatchObject({ ok: true, heartbeatSeconds: 1800, defaultAgentId: "main", plugins: { loaded: [], errors: [], unavailable: [] }, channels: {}, channelOrder: [] });
    expect(health.agents).toEqual([{ agentId: "main", isDefault: true, heartbeat, sessions }]);
    expect(health.sessions).toEqual(sessions);
    expect(health.eventLoop.degraded).toBe(false);
  });

  test("set-heartbeats false shows as a disabled heartbeat", async () => {
    await admin.client.request("set-heartbeats", { enabled: false });
    try {
      const health = await admin.client.request<any>("health", { probe: true });
      expect(health.agents[0].heartbeat.enabled).toBe(false);
      expect(health.heartbeatSeconds).toBe(1800);
    } finally {
      await admin.client.request("set-heartbeats", { enabled: true });
    }
  });
});

describe("other read methods in upstream's shapes", () => {
  test("channels.status: channelMeta is a list, the detail and image maps are there, with the event loop", async () => {
    const channels = await reader.client.request<any>("channels.status", {});
    expect(channels).toEqual({
      ts: expect.any(Number), channelOrder: [], channelLabels: {}, channelDetailLabels: {}, channelSystemImages: {}, channelMeta: [],
      channels: {}, channelAccounts: {}, channelDefaultAccountId: {}, statusIssues: [], eventLoop: expect.objectContaining({ degraded: false }),
    });
  });

  test("sessions.list: owners and the picker defaults", async () => {
    const list = await reader.client.request<any>("sessions.list", { limit: 5 });
    expect(list).toMatchObject({ count: 1, totalCount: 1, limitApplied: 5, hasMore: false, owners: [] });
    expect(list.defaults).toMatchObject({ contextTokens: null, thinkingLevels: [], thinkingOptions: [], modelSelectionTarget: "session", agentRuntime: { id: "clawgate", source: "implicit" } });
  });

  test("logs.tail: truncated and reset are always booleans", async () => {
    const page = await admin.client.request<any>("logs.tail", { limit: 1 });
    expect(page.lines).toHaveLength(1);
    expect(page.truncated).toBe(true);
    expect(page.reset).toBe(false);
    const rest = await admin.client.request<any>("logs.tail", { cursor: page.cursor, limit: 5000 });
    expect(rest.truncated).toBe(false);
    expect(rest.reset).toBe(false);
  });
});
