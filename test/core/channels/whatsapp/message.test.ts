import { expect, test } from "bun:test";
import { readUpsertMessage } from "../../../../core/channels/whatsapp/message.ts";

const self = { jid: "15550001111:7@s.whatsapp.net", lid: "424242@lid" };
const msg = (key: Record<string, unknown>, message: unknown) => ({ key: { id: "ID1", fromMe: false, ...key }, message, messageTimestamp: 1_700_000_000, pushName: "Ada" });

test("a DM: sender as E.164, text, timestamp in ms", () => {
  expect(readUpsertMessage(msg({ remoteJid: "15552223333@s.whatsapp.net" }, { conversation: " hi " }), self)).toEqual({
    ok: true,
    message: { id: "ID1", chatJid: "15552223333@s.whatsapp.net", chatType: "direct", senderId: "+15552223333", senderName: "Ada", text: "hi", mentioned: false, selfChat: false, ts: 1_700_000_000_000 },
  });
});

test("groups: mentioned by JID, by LID, by replying to the account, by @number in text; not otherwise", () => {
  const group = (message: unknown) => readUpsertMessage(msg({ remoteJid: "1203@g.us", participant: "15554445555@s.whatsapp.net" }, message), self);
  const mentioned = (r: ReturnType<typeof readUpsertMessage>) => (r.ok ? r.message.mentioned : undefined);
  expect(mentioned(group({ extendedTextMessage: { text: "hey", contextInfo: { mentionedJid: ["15550001111@s.whatsapp.net"] } } }))).toBe(true);
  expect(mentioned(group({ extendedTextMessage: { text: "hey", contextInfo: { mentionedJid: ["424242@lid"] } } }))).toBe(true);
  expect(mentioned(group({ extendedTextMessage: { text: "yes", contextInfo: { participant: "15550001111@s.whatsapp.net" } } }))).toBe(true);
  expect(mentioned(group({ conversation: "@15550001111 hi" }))).toBe(true);
  expect(mentioned(group({ conversation: "just chatting" }))).toBe(false);
  const r = group({ conversation: "x" });
  expect(r.ok && r.message.senderId).toBe("+15554445555");
});

test("groups: the agent's text mention patterns count as a mention; in a DM they change nothing", () => {
  const patterns = [/\bclawd\b/i];
  const group = (text: string) => {
    const r = readUpsertMessage(msg({ remoteJid: "1203@g.us", participant: "15554445555@s.whatsapp.net" }, { conversation: text }), self, patterns);
    return r.ok && r.message.mentioned;
  };
  expect(group("hey Clawd, what time is it?")).toBe(true);
  expect(group("clawdbot is not a name")).toBe(false);
  const direct = readUpsertMessage(msg({ remoteJid: "15552223333@s.whatsapp.net" }, { conversation: "clawd" }), self, patterns);
  expect(direct.ok && direct.message.mentioned).toBe(false);
});

test("captions and media placeholders as upstream; wrappers unwrapped", () => {
  const text = (message: unknown) => {
    const r = readUpsertMessage(msg({ remoteJid: "15552223333@s.whatsapp.net" }, message), self);
    return r.ok ? r.message.text : r;
  };
  expect(text({ imageMessage: { caption: "look" } })).toBe("<media:image> look");
  expect(text({ audioMessage: {} })).toBe("<media:audio>");
  expect(text({ ephemeralMessage: { message: { extendedTextMessage: { text: "gone soon" } } } })).toBe("gone soon");
});

test("not for the agent: status/broadcast, own outbound, no content; self-chat is kept and marked", () => {
  expect(readUpsertMessage(msg({ remoteJid: "status@broadcast" }, { conversation: "story" }), self)).toEqual({ ok: false, ignored: true, why: "status-or-broadcast" });
  expect(readUpsertMessage(msg({ remoteJid: "15552223333@s.whatsapp.net", fromMe: true }, { conversation: "sent from my phone" }), self)).toEqual({ ok: false, ignored: true, why: "from-me" });
  expect(readUpsertMessage(msg({ remoteJid: "15552223333@s.whatsapp.net" }, { protocolMessage: {} }), self)).toEqual({ ok: false, ignored: true, why: "no-text" });
  const note = readUpsertMessage(msg({ remoteJid: "15550001111@s.whatsapp.net", fromMe: true }, { conversation: "note to self" }), self);
  expect(note.ok && { selfChat: note.message.selfChat, senderId: note.message.senderId }).toEqual({ selfChat: true, senderId: "+15550001111" });
});

test("a malformed message -> a reason, not a crash", () => {
  expect(readUpsertMessage({ key: { remoteJid: 5 } }, self)).toMatchObject({ ok: false, ignored: false });
  expect(readUpsertMessage(msg({ remoteJid: "1203@g.us" }, { conversation: "x" }), self)).toEqual({ ok: false, ignored: false, reason: "key.participant: missing in a group message" });
});
