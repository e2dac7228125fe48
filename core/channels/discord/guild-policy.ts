/**
 * Who the bot answers in guild channels, as upstream reads `channels.discord` (docs/channels/discord/access-control):
 * `groupPolicy` `allowlist` (default) admits only guilds listed under `guilds` (by id); `open` admits every guild;
 * `disabled` none. A guild's `channels` map, once it has any entry, is itself an allowlist (`"*"` keeps the rest
 * reachable); channel entries override the guild's `requireMention` (default true: guild messages are
 * mention-gated) and `users`. `users` (ids, `"*"` for anyone) limits who may talk. A thread without an entry of its
 * own takes its parent channel's (upstream: threads inherit the parent channel's config unless overridden).
 * Runtime-agnostic.
 */

export interface DiscordChannelRule {
  enabled?: boolean;
  requireMention?: boolean;
  users?: string[];
}

export interface DiscordGuildRule {
  requireMention?: boolean;
  users?: string[];
  channels?: Record<string, DiscordChannelRule>;
}

export interface DiscordGuildPolicy {
  groupPolicy: "allowlist" | "open" | "disabled";
  guilds: Record<string, DiscordGuildRule>;
}

/** Why a guild message is not admitted, or that it is. */
export type GuildDecision = { admit: true } | { admit: false; reason: "group-disabled" | "guild-not-allowed" | "channel-not-allowed" | "sender-not-allowed" | "not-mentioned" };

/** Whether deciding a message in `channelId` needs its parent: the guild has channel rules, none of them its own. */
export function needsParentChannel(policy: DiscordGuildPolicy, guildId: string, channelId: string): boolean {
  const channels = (policy.guilds[guildId] ?? policy.guilds["*"])?.channels;
  return channels !== undefined && Object.keys(channels).length > 0 && channels[channelId] === undefined;
}

/** Decides a guild message from `senderId` in `channelId` of `guildId`; `parentId` is the thread's parent channel. */
export function decideGuildMessage(policy: DiscordGuildPolicy, guildId: string, channelId: string, senderId: string, mentioned: boolean, parentId?: string): GuildDecision {
  if (policy.groupPolicy === "disabled") return { admit: false, reason: "group-disabled" };
  const guild = policy.guilds[guildId] ?? policy.guilds["*"];
  if (!guild && policy.groupPolicy === "allowlist") return { admit: false, reason: "guild-not-allowed" };
  const channels = guild?.channels;
  let channel: DiscordChannelRule | undefined;
  if (channels && Object.keys(channels).length > 0) {
    channel = channels[channelId] ?? (parentId !== undefined ? channels[parentId] : undefined) ?? channels["*"];
    if (!channel || channel.enabled === false) return { admit: false, reason: "channel-not-allowed" };
  }
  const users = channel?.users ?? guild?.users;
  if (users && users.length > 0 && !users.includes("*") && !users.includes(senderId)) return { admit: false, reason: "sender-not-allowed" };
  const requireMention = channel?.requireMention ?? guild?.requireMention ?? true;
  if (requireMention && !mentioned) return { admit: false, reason: "not-mentioned" };
  return { admit: true };
}
