/**
 * Several Telegram accounts in one gateway process: one with a token Telegram
 * refuses (401) and one whose API root is unreachable show clear status lines
 * and issues while the good account keeps answering; `send` delivers through
 * the outbox in 4,096-character chunks, once per idempotencyKey;
 * `channels.stop|start|logout` act on one account.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeGateway, startAdminGateway, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import { runCliIsolated, type ChildGateway } from "../../../harness/process.ts";
import type { RawSocket } from "../../../harness/raw-socket.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

const TOKEN = "telegram-accounts-token-0123456789abcdef";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-telegram-accounts-"));
let tg: FakeTelegram;
let deadRoot: string;
let gw: ChildGateway;
let admin: RawSocket;

beforeAll(async () => {
  tg = startTelegramApi();
  const dead = startTelegramApi();
  deadRoot = dead.apiRoot;
  dead.stop();
  const telegram = {
    dmPolicy: "open", allowFrom: ["*"], defaultAccount: "main",
    accounts: {
      main: { botToken: tg.token, apiRoot: tg.apiRoot },
      revoked: { botToken: "999:revoked-token", apiRoot: tg.apiRoot },
      offline: { botToken: "998:offline-token", apiRoot: deadRoot },
    },
  };
  writeGatewayConfig(stateDir, TOKEN, { channels: { telegram } });
  ({ gw, admin } = await startAdminGateway(stateDir, TOKEN));
  await tg.until(() => tg.polling() > 0);
});
afterAll(() => {
  removeGateway(stateDir, { gw, admin });
  tg?.stop();
});

const status = async () => (await admin.request("channels.status", {})).payload;
const account = async (id: string) => (await status()).channelAccounts.telegram.find((a: any) => a.accountId === id);

test("401 and an unreachable API root -> clear status lines and issues; the good account answers", async () => {
  await tg.until(() => tg.calls.filter((c) => c === "getMe").length >= 2);
  let revoked: any;
  let offline: any;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await Bun.sleep(20)) {
    [revoked, offline] = [await account("revoked"), await account("offline")];
    if (revoked.lastError && offline.lastError) break;
  }
  expect(revoked).toMatchObject({ running: true, connected: false, healthState: "unauthorized", lastError: "Telegram rejected the bot token (401 Unauthorized). Check channels.telegram.botToken / tokenFile / TELEGRAM_BOT_TOKEN." });
  expect(offline.lastError).toMatch(/^Telegram getMe failed: network error \(.+\) reaching http:\/\/127\.0\.0\.1:\d+; retrying$/);
  const s = await status();
  expect(s.channelDefaultAccountId).toEqual({ telegram: "main" });
  expect(s.statusIssues).toEqual([
    { channel: "telegram", accountId: "revoked", kind: "auth", message: revoked.lastError },
    { channel: "telegram", accountId: "offline", kind: "runtime", message: offline.lastError },
  ]);
  const lines = (await runCliIsolated(["channels", "status", "--url", gw.url, "--token", TOKEN])).stdout;
  expect(lines).toContain("- Telegram revoked: enabled, configured, error:Telegram rejected the bot token (401 Unauthorized).");
  expect(lines).toContain("Warnings:\n- telegram revoked: Telegram rejected the bot token");
  tg.message({ from: 77, text: "still working?" });
  await tg.until(() => tg.sent.some((m) => m.chat_id === "77"));
});

test("send -> 4,096-character chunks through the outbox; the same idempotencyKey delivers once", async () => {
  const before = tg.sent.length;
  const message = Array.from({ length: 1800 }, (_, i) => `word${i}`).join(" ");
  const first = await admin.request("send", { channel: "telegram", to: "42", message, idempotencyKey: "send-1" });
  expect(first.ok).toBe(true);
  const chunks = tg.sent.slice(before);
  expect(chunks.length).toBe(Math.ceil(message.length / 4000));
  for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(4000);
  expect(chunks.map((c) => c.text).join(" ")).toBe(message);
  expect(first.payload).toEqual({ runId: "send-1", messageId: String(chunks[0]!.message_id), channel: "telegram", chatId: "42" });
  const again = await admin.request("send", { channel: "telegram", to: "42", message, idempotencyKey: "send-1" });
  expect(again.payload).toEqual(first.payload);
  expect(tg.sent.length).toBe(before + chunks.length);
  // Without a channel the only configured one is used; unknown accounts are refused.
  expect((await admin.request("send", { to: "42", message: "no channel named", idempotencyKey: "send-2" })).ok).toBe(true);
  expect((await admin.request("send", { channel: "telegram", accountId: "nope", to: "42", message: "x", idempotencyKey: "send-3" })).error.message).toBe("unknown telegram account: nope");
});

test("channels.stop / channels.start one account; channels.logout removes its token from the config file", async () => {
  expect((await admin.request("channels.stop", { channel: "telegram", accountId: "offline" })).payload).toEqual({ channel: "telegram", accountId: "offline", stopped: true });
  expect(await account("offline")).toMatchObject({ running: false });
  expect((await admin.request("channels.start", { channel: "telegram", accountId: "offline" })).payload).toEqual({ channel: "telegram", accountId: "offline", started: true, outcome: { status: "handed-off" } });
  expect((await admin.request("channels.start", { channel: "nope" })).error.message).toBe("unsupported channel: nope");
  const out = await admin.request("channels.logout", { channel: "telegram", accountId: "revoked" });
  expect(out.payload).toEqual({ channel: "telegram", accountId: "revoked", cleared: true, loggedOut: true });
  expect(JSON.parse(readFileSync(join(stateDir, "openclaw.json"), "utf8")).channels.telegram.accounts.revoked).toEqual({ apiRoot: tg.apiRoot });
  expect(await account("revoked")).toMatchObject({ configured: false, running: false });
});
