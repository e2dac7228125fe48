/**
 * A Bot API update as the channel framework sees it (core/channels
 * InboundMessage), or why it is skipped: malformed (no update_id, no chat or
 * sender), or not a text message the agent can answer. Pure.
 */
import type { InboundMessage } from "../contract.ts";

export type Normalized = { kind: "message"; message: InboundMessage } | { kind: "skip"; reason: string } | { kind: "malformed"; reason: string };

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether the text addresses the bot: an @mention of its username or a /command@bot. */
function mentions(message: Obj, text: string, username: string, botId: number): boolean {
  if (message.reply_to_message?.from?.id === botId) return true;
  const handle = `@${username}`.toLowerCase();
  for (const e of Array.isArray(message.entities) ? message.entities : []) {
    if (!isObj(e) || typeof e.offset !== "number" || typeof e.length !== "number") continue;
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === "mention" && part === handle) return true;
    if (e.type === "bot_command" && part.endsWith(handle)) return true;
  }
  return text.toLowerCase().includes(handle);
}

export function normalizeUpdate(update: unknown, bot: { id: number; username: string }): Normalized {
  if (!isObj(update) || !Number.isSafeInteger(update.update_id)) return { kind: "malformed", reason: "update without an integer update_id" };
  const message = update.message;
  if (message === undefined) return { kind: "skip", reason: `unsupported update type (${Object.keys(update).filter((k) => k !== "update_id").join(",") || "empty"})` };
  if (!isObj(message) || !isObj(message.chat) || message.chat.id === undefined) return { kind: "malformed", reason: "message without a chat" };
  if (!isObj(message.from) || message.from.id === undefined) return { kind: "malformed", reason: "message without a sender" };
  if (message.from.is_bot === true) return { kind: "skip", reason: "message from a bot" };
  const chatType = message.chat.type === "private" ? "direct" : message.chat.type === "group" || message.chat.type === "supergroup" ? "group" : undefined;
  if (!chatType) return { kind: "skip", reason: `chat type ${String(message.chat.type)}` };
  const text = typeof message.text === "string" ? message.text : typeof message.caption === "string" ? message.caption : "";
  if (!text.trim()) return { kind: "skip", reason: "no text" };
  const from = message.from;
  const name = [from.first_name, from.last_name].filter((s) => typeof s === "string" && s).join(" ");
  return {
    kind: "message",
    message: {
      id: String(update.update_id),
      chatId: String(message.chat.id),
      chatType,
      senderId: String(from.id),
      ...(name ? { senderName: name } : {}),
      ...(typeof from.username === "string" ? { senderUsername: from.username } : {}),
      text,
      ...(message.message_id !== undefined ? { messageId: String(message.message_id) } : {}),
      ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: String(message.message_thread_id) } : {}),
      mentioned: chatType === "group" && mentions(message, text, bot.username, bot.id),
      ts: typeof message.date === "number" ? message.date * 1000 : 0,
    },
  };
}
