/**
 * The channel service's lifecycle over a whole in-memory Gateway: a channel
 * with no configured account never loads its adapter code (a gateway without
 * channel config idles as before), a configured one loads once even when start
 * and a config reload race, a reload that disables the account stops it and
 * one that enables it again starts it. The plugin records what the gateway
 * asks of it; its adapter talks to no service.
 */
import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import type { ChannelAccountConfig, ChannelAdapter, ChannelPlugin } from "../../../core/channels/contract.ts";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import { SqlStore } from "../../../core/storage/sql-store.ts";
import { bunDriver } from "../../../runtime-bun/sqlite-store.ts";
import { memoryGateway, MEMORY_TOKEN, type MemoryGateway } from "../../harness/memory-gateway.ts";
import { Signal } from "../../harness/signal.ts";

const changed = new Signal();
const waitFor = (cond: () => boolean) => changed.until(cond);

const events: string[] = [];
const record = (e: string) => {
  events.push(e);
  changed.wake();
  return events.length;
};
let gw: MemoryGateway | undefined;
afterEach(() => {
  gw?.stop();
  gw = undefined;
  events.length = 0;
});

function account(config: OpenClawConfig): ChannelAccountConfig[] {
  const section = (config as { channels?: { rec?: { enabled?: boolean; token?: string; dmPolicy?: "pairing" | "open" } } }).channels?.rec;
  if (!section) return [];
  const token = section.token;
  return [{
    accountId: "default", enabled: section.enabled !== false, configured: true, details: {},
    access: { dmPolicy: section.dmPolicy ?? "pairing", allowFrom: [], groupPolicy: "allowlist", groupAllowFrom: [], groups: {}, textChunkLimit: 100 },
    // A channel's own connection setting, as a Telegram account carries its token.
    ...(token ? { token } : {}),
  } as ChannelAccountConfig];
}

const recordingPlugin: ChannelPlugin = {
  id: "rec", label: "Recorder", maxTextLength: 100,
  accounts: account,
  defaultAccountId: () => "default",
  load: async () => {
    record("load");
    // A dynamic import finishes on a later turn of the event loop; so does this one.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return (ctx): ChannelAdapter => ({
      start: async () => void record(`start:${ctx.accountId}`),
      stop: async () => void record(`stop:${ctx.accountId}`),
      probe: async () => ({ ok: true }),
      status: () => ({ accountId: ctx.accountId, connected: true }),
      send: async (m) => ({ messageId: String(record(`send:${m.to}:${m.text}`)), chatId: m.to }),
      typing: async () => undefined,
    });
  },
  senderIdLine: (id) => `Your Recorder id: ${id}`,
  credentialPaths: () => [],
  missingCredentials: { message: "none", fix: "none" },
};

function start(config: OpenClawConfig): MemoryGateway {
  gw = memoryGateway({ config, channelPlugins: [recordingPlugin], channels: new SqlStore(bunDriver(new Database(":memory:", { strict: true }))) });
  gw.gateway.start();
  return gw;
}

async function admin(m: MemoryGateway) {
  const conn = await m.open();
  await m.request(conn, "c", "connect", { minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "1", platform: "linux", mode: "cli" }, role: "operator", scopes: ["operator.admin"], auth: { token: MEMORY_TOKEN } });
  return conn;
}

test("no channel config -> the adapter code never loads; status is empty; send says no channel is configured", async () => {
  const m = start({});
  const conn = await admin(m);
  const status = await m.request(conn, "s", "channels.status", {});
  expect(status.payload).toMatchObject({ channelOrder: [], channelAccounts: {}, statusIssues: [] });
  const send = await m.request(conn, "x", "send", { to: "1", message: "hi", idempotencyKey: "k" });
  expect(send.error.message).toStartWith("Error: Channel is required (no configured channels detected).");
  m.gateway.applyConfig({}, m.gateway.auth);
  expect(events).toEqual([]);
});

test("configured -> loaded and started once though start and a reload race; disabled by reload -> stopped; enabled again -> started", async () => {
  const m = start({ channels: { rec: {} } } as OpenClawConfig);
  m.gateway.applyConfig({ channels: { rec: {} } } as OpenClawConfig, m.gateway.auth);
  await waitFor(() => events.includes("start:default"));
  expect(events).toEqual(["load", "start:default"]);
  m.gateway.applyConfig({ channels: { rec: { enabled: false } } } as OpenClawConfig, m.gateway.auth);
  await waitFor(() => events.includes("stop:default"));
  expect(m.gateway.channels.isRunning("rec")).toBe(false);
  m.gateway.applyConfig({ channels: { rec: {} } } as OpenClawConfig, m.gateway.auth);
  await waitFor(() => events.filter((e) => e === "start:default").length === 2);
  const conn = await admin(m);
  const sent = await m.request(conn, "x", "send", { to: "42", message: "hello", idempotencyKey: "k1" });
  expect(sent.payload).toMatchObject({ channel: "rec", chatId: "42" });
  expect(events.filter((e) => e.startsWith("send:"))).toEqual(["send:42:hello"]);
});

test("a reload that changes a running account's token -> it restarts; one that changes only its access policy -> it keeps running", async () => {
  const m = start({ channels: { rec: { token: "a" } } } as OpenClawConfig);
  await waitFor(() => events.includes("start:default"));
  m.gateway.applyConfig({ channels: { rec: { token: "b" } } } as OpenClawConfig, m.gateway.auth);
  await waitFor(() => events.filter((e) => e === "start:default").length === 2);
  expect(events).toEqual(["load", "start:default", "stop:default", "load", "start:default"]);
  m.gateway.applyConfig({ channels: { rec: { token: "b", dmPolicy: "open" } } } as OpenClawConfig, m.gateway.auth);
  const conn = await admin(m);
  await m.request(conn, "x", "send", { to: "7", message: "still", idempotencyKey: "k2" });
  expect(events).toEqual(["load", "start:default", "stop:default", "load", "start:default", "send:7:still"]);
});
