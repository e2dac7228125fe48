/**
 * The stale-connection watchdog wired into the real adapter over the harness socket (test/harness/whatsapp-fake.ts):
 * every frame WhatsApp sends is transport activity (status `lastTransportActivityAt`), and a connection whose frames
 * stop is closed with upstream's 499 watchdog status and replaced. Upstream's windows are minutes long
 * (core/channels/whatsapp/watchdog.ts, tested there); here the adapter gets short ones.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChannelAdapter } from "../../../../core/channels/contract.ts";
import { whatsappAccounts } from "../../../../core/channels/whatsapp/config.ts";
import { whatsappAdapter } from "../../../../runtime-bun/host/channels/whatsapp/adapter.ts";
import { readSelf } from "../../../../runtime-bun/host/channels/whatsapp/auth-store.ts";
import { openSocket } from "../../../../runtime-bun/host/channels/whatsapp/socket.ts";
import { prepareWhatsAppExtension, startWhatsApp, type WhatsAppFake } from "../../../harness/whatsapp-fake.ts";

const stateDir = mkdtempSync(join(tmpdir(), "clawgate-whatsapp-watchdog-"));
const authDir = join(stateDir, "credentials", "whatsapp", "default");
const warnings: string[] = [];
let fake: WhatsAppFake;
let adapter: ChannelAdapter;

beforeAll(async () => {
  fake = startWhatsApp();
  prepareWhatsAppExtension(stateDir, fake.url);
  // Link the session as the phone does: the QR is scanned, Baileys saves the credentials.
  const login = await openSocket(stateDir, authDir);
  await fake.until(() => fake.qrs.length === 1);
  fake.scan("+15550001111");
  await fake.until(() => readSelf(authDir) !== undefined);
  login.end(undefined);
  const config = { channels: { whatsapp: {} } };
  adapter = whatsappAdapter(
    {
      channel: "whatsapp", accountId: "default", config: () => config, now: Date.now,
      inbound: { accept: (messages) => messages.length, cursor: () => undefined, sentByAccount: () => false, malformed() {} },
      logger: { debug() {}, info() {}, warn: (_s, message) => void warnings.push(message), error() {} },
    },
    stateDir, authDir, () => whatsappAccounts(config)[0],
    { transportTimeoutMs: 1_500, messageTimeoutMs: 60 * 60_000, checkEveryMs: 50 },
  );
  await adapter.start();
  await fake.until(() => adapter.status().connected === true);
});
afterAll(async () => {
  await adapter?.stop();
  fake?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

test("each frame from WhatsApp -> transport activity in status", async () => {
  const before = adapter.status().lastTransportActivityAt as number;
  // The clock moves past the last recorded activity first, so only the ping can move the status past it.
  await fake.until(() => Date.now() > before);
  const at = Date.now();
  fake.ping();
  await fake.until(() => (adapter.status().lastTransportActivityAt as number) >= at);
});

test("no frames past the transport window -> closed as watchdog-timeout (499) and reconnected", async () => {
  const opened = fake.opened();
  await fake.until(() => (adapter.status().lastDisconnect as { status: number } | null)?.status === 499);
  expect(adapter.status()).toMatchObject({ connected: false, reconnectAttempts: 1, healthState: "reconnecting", lastDisconnect: { status: 499, error: expect.stringMatching(/^WhatsApp Web connection closed \(status 499\): watchdog-timeout: no WhatsApp Web frames for \d+ s$/) } });
  expect(warnings.some((w) => w.startsWith("stale connection: no WhatsApp Web frames for"))).toBe(true);
  await fake.until(() => fake.opened() === opened + 1 && adapter.status().connected === true, 10_000);
});
