/**
 * WhatsApp delivery as upstream does it, in a real gateway process against the harness that replaces Baileys'
 * makeWASocket (test/harness/whatsapp-fake.ts): read receipts for admitted messages (not for unpaired senders, not
 * under a personal number's self-chat safeguards, not with `sendReadReceipts: false`), reply quoting by `replyToMode`, mention patterns in groups, the echo of the account's own answer in
 * self-chat never taken as input (also after a restart), and messages delivered as `append` after being offline:
 * recent ones answered once, history not; after a reconnect of a busy session the catch-up window is 20 minutes; an
 * unknown sender's message sent over 30 s before the connection opened gets no pairing code.
 * With `replyToMode: "first"` every answer's first chunk quotes the message it answers, so `answered(id)` reads
 * straight off what WhatsApp received.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kill9, removeGateway, startAdminGateway, untilRecordedSent, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import type { ChildGateway } from "../../../harness/process.ts";
import type { RawSocket } from "../../../harness/raw-socket.ts";
import { prepareWhatsAppExtension, startWhatsApp, WA, type WhatsAppFake } from "../../../harness/whatsapp-fake.ts";

const TOKEN = "whatsapp-delivery-gateway-token-0123456789";
const { selfJid: SELF_JID, ada: ADA, bob: BOB } = WA;
const CAROL = "15556667777@s.whatsapp.net";
const GROUP = "120363000000000002@g.us";
const MINUTE = 60_000;
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-whatsapp-delivery-"));
let fake: WhatsAppFake;
let gw: ChildGateway;
let admin: RawSocket;
let seq = 0;

async function startGateway(): Promise<void> {
  ({ gw, admin } = await startAdminGateway(stateDir, TOKEN));
}

const nextId = () => `WADLV${++seq}`;
const answered = (id: string) => fake.sent.filter((s) => s.quoted === id).length;
const readIds = () => fake.reads.map((r) => r.id);
/** The chunks sent to `jid` since `from`, once the embedded agent's whole answer is there (it ends with one of two sentences). */
const replyAfter = (jid: string, from: number) => {
  const chunks = fake.sent.slice(from).filter((s) => s.jid === jid);
  return /(?:real answers|"ollama\/llama3\.2")\.$/.test(chunks.map((s) => s.text).join(" ").trim()) ? chunks : undefined;
};
const account = async () => (await admin.request("channels.status", { channel: "whatsapp" })).payload.channelAccounts.whatsapp[0];

const settled = () => untilRecordedSent(async () => (await account()).lastOutboundAt, () => fake.lastSentAt);

beforeAll(async () => {
  fake = startWhatsApp();
  prepareWhatsAppExtension(stateDir, fake.url);
  writeGatewayConfig(stateDir, TOKEN, {
    channels: { whatsapp: { allowFrom: ["+15552223333"], groupPolicy: "open", replyToMode: "first", textChunkLimit: 200 } },
    messages: { groupChat: { mentionPatterns: ["\\bclawd\\b"] } },
  });
  await startGateway();
  const start = await admin.request("web.login.start", { channel: "whatsapp", timeoutMs: 10_000 });
  expect(start.payload.qrDataUrl).toStartWith("data:image/png;base64,");
  const wait = admin.request("web.login.wait", { channel: "whatsapp", timeoutMs: 10_000 });
  fake.scan(WA.self);
  expect((await wait).payload.connected).toBe(true);
  await fake.until(() => fake.connections() === 1);
  await fake.until(async () => (await account()).connected === true);
});
afterAll(() => {
  removeGateway(stateDir, { gw, admin });
  fake?.stop();
});

test("an allowlisted DM -> marked read, answered with the first chunk quoting it (replyToMode first), the rest plain", async () => {
  const id = nextId();
  fake.upsert({ id, from: ADA, text: "my name is Ada" });
  await fake.until(() => replyAfter(ADA, 0) !== undefined);
  const reply = replyAfter(ADA, 0)!;
  expect(reply.length).toBeGreaterThan(1);
  expect(reply.map((s) => s.quoted)).toEqual([id, ...reply.slice(1).map(() => undefined)]);
  expect(reply[0]!.text).toStartWith("Nice to meet you, Ada.");
  expect(fake.reads).toContainEqual({ remoteJid: ADA, id, fromMe: false });
});

test("an unknown DM sender -> pairing reply, not marked read", async () => {
  const id = nextId();
  fake.upsert({ id, from: CAROL, text: "hello?" });
  await fake.until(() => answered(id) === 1);
  expect(fake.sent.find((s) => s.quoted === id)!.text).toStartWith("OpenClaw: access not configured.");
  expect(readIds()).not.toContain(id);
});

test("group: a text mention pattern triggers the agent; an unmentioned message from an admitted sender is marked read, not answered", async () => {
  const quiet = nextId();
  const called = nextId();
  fake.upsert([{ id: quiet, from: GROUP, participant: BOB, text: "just chatting" }, { id: called, from: GROUP, participant: BOB, text: "hey Clawd, my name is Bob" }]);
  await fake.until(() => answered(called) === 1);
  expect(fake.sent.find((s) => s.quoted === called)!.text).toStartWith("Nice to meet you, Bob.");
  expect(answered(quiet)).toBe(0);
  expect(fake.reads).toContainEqual({ remoteJid: GROUP, id: quiet, participant: BOB, fromMe: false });
  expect(fake.reads).toContainEqual({ remoteJid: GROUP, id: called, participant: BOB, fromMe: false });
});

test("self-chat: the linked number's note is answered; the echo of the answer is not input", async () => {
  const note = nextId();
  fake.upsert({ id: note, from: SELF_JID, fromMe: true, text: "my name is Notes" });
  await fake.until(() => answered(note) === 1);
  await settled();
  const echo = fake.sent.find((s) => s.quoted === note)!;
  fake.upsert({ id: echo.id, from: SELF_JID, fromMe: true, text: echo.text });
  const next = nextId();
  fake.upsert({ id: next, from: SELF_JID, fromMe: true, text: "what is my name?" });
  await fake.until(() => answered(next) === 1);
  expect(answered(echo.id)).toBe(0);
  await settled();
});

test("after a restart: append messages from while it was down -> the recent one answered once; 5-min-old history and an answered one not; the echo of a reply sent before the restart is not input", async () => {
  const echo = fake.sent.filter((s) => s.jid === SELF_JID).at(-1)!;
  const answeredBefore = fake.sent.find((s) => s.jid === ADA && s.quoted)!.quoted!;
  await kill9(gw, admin);
  await startGateway();
  await fake.until(() => fake.connections() === 1, 15_000);
  await fake.until(async () => (await account()).connected === true);

  const old = nextId();
  const recent = nextId();
  fake.upsert([
    { id: old, from: ADA, text: "sent five minutes ago", sentAt: Date.now() - 5 * MINUTE },
    { id: answeredBefore, from: ADA, text: "my name is Ada", sentAt: Date.now() - 20_000 },
    { id: recent, from: ADA, text: "sent while you restarted", sentAt: Date.now() - 20_000 },
  ], "append");
  fake.upsert({ id: echo.id, from: SELF_JID, fromMe: true, text: echo.text, sentAt: Date.now() - 20_000 }, "append");
  const note = nextId();
  fake.upsert({ id: note, from: SELF_JID, fromMe: true, text: "still there?" });
  await fake.until(() => answered(recent) === 1 && answered(note) === 1);
  expect(fake.sent.find((s) => s.quoted === recent)!.text).toStartWith('You said: "sent while you restarted".');
  expect(answered(old)).toBe(0);
  expect(answered(answeredBefore)).toBe(1);
  expect(answered(echo.id)).toBe(0);
});

test("an unknown sender's append messages: sent 40 s before the connection -> no pairing code, no request (upstream's 30 s grace); the next, 10 s before -> the code", async () => {
  const connectedAt = (await account()).lastConnectedAt as number;
  const dave = "15558889999@s.whatsapp.net";
  const historical = nextId();
  const fresh = nextId();
  fake.upsert([{ id: historical, from: dave, text: "sent before you connected", sentAt: connectedAt - 40_000 }, { id: fresh, from: dave, text: "sent just before", sentAt: connectedAt - 10_000 }], "append");
  // One chat's messages are handled in order, and a sender gets a code only with a new request: had the first
  // message asked for pairing, it would carry the code and the second none.
  await fake.until(() => answered(fresh) === 1);
  expect(fake.sent.find((s) => s.quoted === fresh)!.text).toStartWith("OpenClaw: access not configured.");
  expect(fake.sent.filter((s) => s.jid === dave).map((s) => s.quoted)).toEqual([fresh]);
});

test("a reconnect right after traffic catches up on 20 minutes: a 5-min-old append is answered then", async () => {
  const opened = fake.opened();
  fake.drop();
  await fake.until(() => fake.opened() === opened + 1 && fake.connections() === 1, 15_000);
  await fake.until(async () => (await account()).connected === true);
  const late = nextId();
  const ancient = nextId();
  fake.upsert([{ id: ancient, from: ADA, text: "sent half an hour ago", sentAt: Date.now() - 30 * MINUTE }, { id: late, from: ADA, text: "sent five minutes ago", sentAt: Date.now() - 5 * MINUTE }], "append");
  await fake.until(() => answered(late) === 1);
  expect(answered(ancient)).toBe(0);
});

/** Applies a `channels.whatsapp` patch as an operator does (config.patch, live). */
async function patchWhatsApp(whatsapp: Record<string, unknown>): Promise<void> {
  const { hash } = (await admin.request("config.get", {})).payload;
  expect((await admin.request("config.patch", { raw: JSON.stringify({ channels: { whatsapp } }), baseHash: hash })).ok).toBe(true);
  await fake.until(async () => (await account()).connected === true);
}

test("config.patch replyToMode all -> every chunk quotes the message; selfChatMode true (a personal number) -> nothing marked read", async () => {
  await patchWhatsApp({ replyToMode: "all", selfChatMode: true });
  const id = nextId();
  const before = fake.sent.length;
  fake.upsert({ id, from: ADA, text: "my name is Augusta" });
  await fake.until(() => replyAfter(ADA, before) !== undefined);
  const reply = replyAfter(ADA, before)!;
  expect(reply.length).toBeGreaterThan(1);
  expect(reply.every((s) => s.quoted === id)).toBe(true);
  expect(readIds()).not.toContain(id);
});

test("sendReadReceipts false -> an admitted message is answered but not marked read; true again -> marked read", async () => {
  await patchWhatsApp({ replyToMode: "first", selfChatMode: false, sendReadReceipts: false });
  const quiet = nextId();
  fake.upsert({ id: quiet, from: ADA, text: "no ticks please" });
  await fake.until(() => answered(quiet) === 1);
  expect(readIds()).not.toContain(quiet);
  await patchWhatsApp({ sendReadReceipts: true });
  const ticked = nextId();
  fake.upsert({ id: ticked, from: ADA, text: "ticks again" });
  await fake.until(() => answered(ticked) === 1);
  expect(readIds()).toContain(ticked);
});
