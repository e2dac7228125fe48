/**
 * Access policy and bad input through a real gateway process and the local
 * Bot API: `dmPolicy: "allowlist"` answers only `allowFrom` (no pairing code
 * for others); groups need a `groups` entry, a sender in `groupAllowFrom`
 * and, with `requireMention`, an @mention; a group gets its own session key.
 * Malformed updates are logged and skipped, the poller goes on; a flood from
 * one sender is bounded while other senders are still answered.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_QUEUED_PER_SENDER } from "../../../../core/channels/pipeline.ts";
import { removeGateway, startAdminGateway, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import type { ChildGateway } from "../../../harness/process.ts";
import type { RawSocket } from "../../../harness/raw-socket.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

const TOKEN = "telegram-policy-token-0123456789abcdef";
const OWNER = 111;
const STRANGER = 333;
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-telegram-policy-"));
let tg: FakeTelegram;
let gw: ChildGateway;
let admin: RawSocket;

beforeAll(async () => {
  tg = startTelegramApi();
  const telegram = {
    botToken: tg.token, apiRoot: tg.apiRoot,
    dmPolicy: "allowlist", allowFrom: [String(OWNER), "tg:222"],
    groupAllowFrom: [String(OWNER)],
    groups: { "-1001": { requireMention: true }, "-1002": { requireMention: false } },
  };
  writeGatewayConfig(stateDir, TOKEN, { channels: { telegram } });
  ({ gw, admin } = await startAdminGateway(stateDir, TOKEN));
  await tg.until(() => tg.polling() > 0);
});
afterAll(() => {
  removeGateway(stateDir, { gw, admin });
  tg?.stop();
});

const repliesTo = (chat: number) => tg.sent.filter((m) => m.chat_id === String(chat));
/** Sends a control message from the owner's DM and waits for its reply, so everything queued before it was decided. */
async function settle(): Promise<void> {
  const before = repliesTo(OWNER).length;
  tg.message({ from: OWNER, text: `control ${before}` });
  await tg.until(() => repliesTo(OWNER).length > before);
}
const logLines = async () => (await admin.request("logs.tail", { limit: 2000 })).payload.lines.join("\n") as string;

test("allowlist DMs: allowFrom senders (tg: prefix normalized) answered; a stranger gets nothing, not even a pairing code", async () => {
  tg.message({ from: STRANGER, text: "let me in" });
  tg.message({ from: 222, text: "hello from 222" });
  await tg.until(() => repliesTo(222).length === 1);
  await settle();
  expect(repliesTo(STRANGER)).toEqual([]);
  expect((await admin.request("channels.pairing.list", { channel: "telegram" })).payload.requests).toEqual([]);
  expect(await logLines()).toContain("dm-not-allowlisted");
});

test("groups: listed group + allowed sender + @mention -> answered in the group, in the group's own session", async () => {
  const mention = `@${tg.bot.username}`;
  tg.message({ from: OWNER, chat: -1001, text: "no mention here" });
  tg.message({ from: STRANGER, chat: -1001, text: `${mention} stranger asks`, entities: [{ type: "mention", offset: 0, length: mention.length }] });
  tg.message({ from: OWNER, chat: -1003, text: `${mention} unlisted group`, entities: [{ type: "mention", offset: 0, length: mention.length }] });
  tg.message({ from: OWNER, chat: -1001, text: `${mention} what is my name?`, entities: [{ type: "mention", offset: 0, length: mention.length }] });
  await tg.until(() => repliesTo(-1001).length === 1);
  await settle();
  expect(repliesTo(-1001)).toHaveLength(1);
  expect(repliesTo(-1003)).toEqual([]);
  const sessions = (await admin.request("sessions.list", {})).payload.sessions.map((s: any) => s.key);
  expect(sessions).toContain("agent:main:telegram:group:-1001");
  const history = (await admin.request("chat.history", { sessionKey: "agent:main:telegram:group:-1001" })).payload.messages;
  expect(history.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual([`${mention} what is my name?`]);
  const log = await logLines();
  for (const reason of ["no-mention", "group-sender-not-allowed", "group-not-allowed"]) expect(log).toContain(reason);
});

test("groups.<id>.requireMention false -> plain messages answered; a reply to the bot counts as a mention", async () => {
  tg.message({ from: OWNER, chat: -1002, text: "plain message" });
  await tg.until(() => repliesTo(-1002).length === 1);
  tg.message({ from: OWNER, chat: -1001, text: "replying to you", replyToBot: true });
  await tg.until(() => repliesTo(-1001).length === 2);
});

test("malformed updates -> logged and skipped; the offset moves past them and the next message is answered", async () => {
  const bad = tg.inject({ message: { message_id: 5, date: 0, text: "no chat, no sender" } });
  tg.inject({ message: "not an object" });
  await settle();
  expect(tg.confirmedOffset).toBeGreaterThan(bad);
  const log = await logLines();
  expect(log).toContain("malformed update skipped: message without a chat");
});

test(`a flood from one sender -> at most ${MAX_QUEUED_PER_SENDER} queued and answered, the rest dropped with a log line; others still answered`, async () => {
  const flooder = 222;
  const before = repliesTo(flooder).length;
  tg.batch(() => {
    for (let i = 0; i < MAX_QUEUED_PER_SENDER + 30; i++) tg.message({ from: flooder, text: `spam ${i}` });
  });
  await tg.until(() => repliesTo(flooder).length === before + MAX_QUEUED_PER_SENDER, 60_000);
  await settle();
  expect(repliesTo(flooder).length).toBe(before + MAX_QUEUED_PER_SENDER);
  expect(await logLines()).toContain("sender flood: messages over the queue bound were dropped");
}, 90_000);
