/**
 * One Baileys `messages.upsert` message, read at the boundary: who sent it where, its text (captions and upstream's
 * media placeholders included), and whether the linked account was addressed in a group (an @mention of its JID or
 * number, a reply to one of its messages, or the agent's text mention patterns, ../mention-patterns.ts). Status and
 * broadcast chats, protocol/reaction-only messages and the account's own outbound messages are not for the agent;
 * its own DMs to itself are self-chat (upstream's `selfChatMode`). Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { matchesMentionPatterns } from "../mention-patterns.ts";
import { isGroupJid, isStatusOrBroadcast, jidToSenderId, normalizeJid } from "./jid.ts";

const contextInfo = z.looseObject({
  mentionedJid: z.optional(z.nullable(z.array(z.string()))),
  participant: z.optional(z.nullable(z.string())),
});
const captioned = z.looseObject({ caption: z.optional(z.nullable(z.string())), contextInfo: z.optional(z.nullable(contextInfo)) });

const waMessage = z.looseObject({
  key: z.looseObject({
    remoteJid: z.string(),
    fromMe: z.optional(z.nullable(z.boolean())),
    id: z.string(),
    participant: z.optional(z.nullable(z.string())),
  }),
  message: z.optional(z.nullable(z.looseObject({}))),
  /** Seconds; Baileys hands a protobuf Long for large values, which JSON turns into a number or string. */
  messageTimestamp: z.optional(z.nullable(z.unknown())),
  pushName: z.optional(z.nullable(z.string())),
});

/** The linked account, as a mention or a self-chat is recognised. */
export interface WhatsAppSelf {
  /** `<digits>@s.whatsapp.net` (device suffix dropped). */
  jid: string;
  /** The account's hidden identity (`<id>@lid`), when WhatsApp told it. */
  lid?: string;
}

/** A WhatsApp message routed by clawgate. */
export interface WhatsAppMessage {
  id: string;
  chatJid: string;
  chatType: "direct" | "group";
  /** E.164 for phone JIDs, the JID otherwise. */
  senderId: string;
  senderName?: string;
  text: string;
  mentioned: boolean;
  /** The linked number writing to itself. */
  selfChat: boolean;
  ts: number;
}

export type ReadResult = { ok: true; message: WhatsAppMessage } | { ok: false; ignored: true; why: string } | { ok: false; ignored: false; reason: string };

const MEDIA: Record<string, string> = {
  imageMessage: "<media:image>",
  videoMessage: "<media:video>",
  audioMessage: "<media:audio>",
  documentMessage: "<media:document>",
  stickerMessage: "<media:sticker>",
};
/** Envelopes Baileys leaves around the real content. */
const WRAPPERS = ["ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "documentWithCaptionMessage", "editedMessage"] as const;

type Content = Record<string, unknown>;

function unwrap(content: Content): Content {
  for (let depth = 0; depth < 4; depth++) {
    const inner = WRAPPERS.map((w) => (content[w] as { message?: Content } | undefined)?.message).find((m) => m && typeof m === "object");
    if (!inner) return content;
    content = inner;
  }
  return content;
}

/** The text of a message's content, with media placeholders; "" when it carries nothing for the agent. */
export function messageText(content: Content): { text: string; context?: z.infer<typeof contextInfo> } {
  const c = unwrap(content);
  if (typeof c.conversation === "string") return { text: c.conversation };
  const extended = c.extendedTextMessage as { text?: string; contextInfo?: z.infer<typeof contextInfo> } | undefined;
  if (extended && typeof extended.text === "string") return { text: extended.text, ...(extended.contextInfo ? { context: extended.contextInfo } : {}) };
  for (const [key, placeholder] of Object.entries(MEDIA)) {
    const media = captioned.safeParse(c[key]);
    if (!media.success) continue;
    const caption = media.data.caption?.trim();
    return { text: caption ? `${placeholder} ${caption}` : placeholder, ...(media.data.contextInfo ? { context: media.data.contextInfo } : {}) };
  }
  return { text: "" };
}

const digitsOf = (jid: string) => normalizeJid(jid).split("@")[0]!;

/** Reads one upsert message for the linked account `self`; `mentionRegexes` are the agent's text mention patterns. */
export function readUpsertMessage(raw: unknown, self: WhatsAppSelf, mentionRegexes: readonly RegExp[] = []): ReadResult {
  const parsed = waMessage.safeParse(raw);
  if (!parsed.success) return { ok: false, ignored: false, reason: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const m = parsed.data;
  const chatJid = normalizeJid(m.key.remoteJid);
  if (isStatusOrBroadcast(chatJid)) return { ok: false, ignored: true, why: "status-or-broadcast" };
  const group = isGroupJid(chatJid);
  const selfJid = normalizeJid(self.jid);
  const selfChat = !group && m.key.fromMe === true && (chatJid === selfJid || (self.lid !== undefined && chatJid === normalizeJid(self.lid)));
  // Messages the account sent from its phone (or that clawgate sent) are not input, except the number's own notes to itself.
  if (m.key.fromMe && !selfChat) return { ok: false, ignored: true, why: "from-me" };
  if (!m.message) return { ok: false, ignored: true, why: "no-content" };
  const { text, context } = messageText(m.message);
  if (!text.trim()) return { ok: false, ignored: true, why: "no-text" };
  const senderJid = group ? (m.key.participant ?? "") : selfChat ? selfJid : chatJid;
  if (!senderJid) return { ok: false, ignored: false, reason: "key.participant: missing in a group message" };
  const mine = new Set([selfJid, ...(self.lid ? [normalizeJid(self.lid)] : [])]);
  const mentioned = group && ((context?.mentionedJid ?? []).some((j) => mine.has(normalizeJid(j))) || (context?.participant ? mine.has(normalizeJid(context.participant)) : false) || text.includes(`@${digitsOf(selfJid)}`) || matchesMentionPatterns(text, mentionRegexes));
  const seconds = Number(m.messageTimestamp ?? 0);
  const message: WhatsAppMessage = {
    id: m.key.id,
    chatJid,
    chatType: group ? "group" : "direct",
    senderId: jidToSenderId(senderJid),
    text: text.trim(),
    mentioned,
    selfChat,
    ts: Number.isFinite(seconds) ? seconds * 1000 : 0,
  };
  if (m.pushName) message.senderName = m.pushName;
  return { ok: true, message };
}
