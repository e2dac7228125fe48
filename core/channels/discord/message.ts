/**
 * A Gateway MESSAGE_CREATE, read at the boundary: the fields clawgate routes on, whether the bot was addressed
 * (an explicit `<@id>` mention, or a reply to one of its messages), and the text with the bot's mention removed.
 * The bot's own messages never reach the agent; other bots' (and webhooks', which no person sends) only as
 * `allowBots` says: `true` all of them, `"mentions"` those whose text mentions this bot (a reply ping alone is not a
 * mention, so two bots replying to each other do not loop). Runtime-agnostic.
 */
import { z } from "../../zod.ts";

const user = z.looseObject({
  id: z.string(),
  username: z.string(),
  global_name: z.optional(z.nullable(z.string())),
  bot: z.optional(z.boolean()),
});

const messageCreate = z.looseObject({
  id: z.string(),
  channel_id: z.string(),
  guild_id: z.optional(z.string()),
  author: user,
  content: z.string(),
  timestamp: z.string(),
  mentions: z.optional(z.array(z.looseObject({ id: z.string() }))),
  referenced_message: z.optional(z.nullable(z.looseObject({ author: z.optional(z.looseObject({ id: z.string() })) }))),
  /** Set on messages posted by a webhook (never a person). */
  webhook_id: z.optional(z.string()),
});

/** A Discord message routed by clawgate. */
export interface DiscordMessage {
  id: string;
  channelId: string;
  guildId?: string;
  senderId: string;
  senderName: string;
  senderUsername: string;
  text: string;
  mentioned: boolean;
  ts: number;
}

export type ReadResult = { ok: true; message: DiscordMessage } | { ok: false; ignored: true } | { ok: false; ignored: false; reason: string };

/** Reads one MESSAGE_CREATE payload `d` for the bot `botId`, admitting bot authors as `allowBots` says. */
export function readMessageCreate(d: unknown, botId: string, allowBots: boolean | "mentions" = false): ReadResult {
  const parsed = messageCreate.safeParse(d);
  if (!parsed.success) return { ok: false, ignored: false, reason: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const m = parsed.data;
  if (m.author.id === botId) return { ok: false, ignored: true };
  const mentionTag = new RegExp(`<@!?${botId}>`, "g");
  const tagged = mentionTag.test(m.content);
  if ((m.author.bot || m.webhook_id) && !(allowBots === true || (allowBots === "mentions" && tagged))) return { ok: false, ignored: true };
  const mentioned = tagged || (m.mentions ?? []).some((u) => u.id === botId) || m.referenced_message?.author?.id === botId;
  const text = m.content.replace(mentionTag, "").replace(/\s+/g, " ").trim();
  const message: DiscordMessage = {
    id: m.id,
    channelId: m.channel_id,
    senderId: m.author.id,
    senderName: m.author.global_name ?? m.author.username,
    senderUsername: m.author.username,
    text,
    mentioned,
    ts: Date.parse(m.timestamp) || 0,
  };
  if (m.guild_id) message.guildId = m.guild_id;
  return { ok: true, message };
}
