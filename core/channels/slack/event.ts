/**
 * A Slack Events API `message` / `app_mention` event, read at the boundary: the fields clawgate routes on, whether
 * the bot was addressed (an `app_mention`, or `<@BOTID>` in the text), the text without that mention, and the
 * thread as upstream keeps it (docs/channels/slack/threads-and-sessions): a reply inside a channel thread belongs to
 * the thread (`thread_ts`); in a DM the thread is only where the answer goes (the framework keys DMs without it). Slack sends a mention twice (as
 * `message` and as `app_mention`) and retries unacknowledged envelopes, so the id is channel + ts, the same for all
 * of them. Edits, joins and other subtypes are not for the agent, nor this bot's own posts; other bots' posts
 * (`bot_id`, or the legacy `bot_message` subtype) are read and marked, for the adapter's `allowBots` rule.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";

const messageEvent = z.looseObject({
  type: z.enum(["message", "app_mention"]),
  subtype: z.optional(z.string()),
  channel: z.string(),
  user: z.optional(z.string()),
  bot_id: z.optional(z.string()),
  text: z.optional(z.string()),
  ts: z.string(),
  thread_ts: z.optional(z.string()),
  channel_type: z.optional(z.string()),
});

/** A Slack message routed by clawgate. */
export interface SlackMessage {
  /** `<channel>:<ts>`, stable across Slack's duplicate deliveries. */
  id: string;
  channel: string;
  chatType: "direct" | "group";
  senderId: string;
  text: string;
  ts: string;
  mentioned: boolean;
  /** A group DM (upstream keys its session as a group, not a channel). */
  groupDm: boolean;
  /** Posted by a bot (`senderId` is its user id, or its bot id when it has none). */
  fromBot: boolean;
  /** The thread the message is inside (`thread_ts`): the answer goes there, and in channels the session follows it. */
  threadTs?: string;
}

export type SlackReadResult = { ok: true; message: SlackMessage } | { ok: false; ignored: true } | { ok: false; ignored: false; reason: string };

/** Reads the `event` of an `event_callback` for this bot (`botUserId`, and `botId` when auth.test gave one). */
export function readSlackEvent(event: unknown, botUserId: string, botId?: string): SlackReadResult {
  if (!event || typeof event !== "object" || !["message", "app_mention"].includes((event as { type?: string }).type ?? "")) return { ok: false, ignored: true };
  const parsed = messageEvent.safeParse(event);
  if (!parsed.success) return { ok: false, ignored: false, reason: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const e = parsed.data;
  if ((e.subtype && e.subtype !== "bot_message") || e.user === botUserId || (botId !== undefined && e.bot_id === botId)) return { ok: false, ignored: true };
  const senderId = e.user ?? e.bot_id;
  if (!senderId) return { ok: false, ignored: true };
  const tag = `<@${botUserId}>`;
  const raw = e.text ?? "";
  // channel_type is absent on app_mention; those only come from channels.
  const chatType = e.channel_type === "im" ? "direct" : "group";
  const message: SlackMessage = {
    id: `${e.channel}:${e.ts}`,
    channel: e.channel,
    chatType,
    senderId,
    text: raw.split(tag).join("").replace(/\s+/g, " ").trim(),
    ts: e.ts,
    mentioned: e.type === "app_mention" || raw.includes(tag),
    groupDm: e.channel_type === "mpim",
    fromBot: e.bot_id !== undefined || e.subtype === "bot_message",
  };
  if (e.thread_ts && e.thread_ts !== e.ts) message.threadTs = e.thread_ts;
  return { ok: true, message };
}
