/**
 * What Slack drops before the framework's access policy (docs/channels/slack/access-control): group DMs unless
 * `dm.groupEnabled` (and, when `dm.groupChannels` lists any, only those), and other bots' posts unless `allowBots`
 * (the channel's own setting first) admits them; in a channel a bot must moreover be listed by id in that channel's
 * `users`, or an owner named by id in `allowFrom` must be a member of the channel (upstream's conservative rule
 * against bot loops, docs/channels/slack/access-control). Runtime-agnostic.
 */
import type { SlackAccount } from "./config.ts";
import type { SlackMessage } from "./event.ts";

/**
 * Why `m` is dropped, or undefined when the framework's access policy decides it. `bot-not-listed` is final only
 * after {@link ownerPresenceDropReason} found no owner in the channel.
 */
export function slackDropReason(account: SlackAccount, m: SlackMessage): string | undefined {
  if (m.groupDm) {
    if (!account.groupDms.enabled) return "group-dm-disabled";
    const listed = account.groupDms.channels;
    if (listed.length > 0 && !listed.includes("*") && !listed.includes(m.channel)) return "group-dm-not-allowed";
  }
  if (m.fromBot) {
    const rule = account.channelRules[m.channel];
    if (!(rule?.allowBots ?? account.allowBots)) return "bot-not-allowed";
    if (m.chatType === "group" && !m.groupDm && !rule?.users?.includes(m.senderId)) return "bot-not-listed";
  }
  return undefined;
}

/** Upstream's explicit owner ids: `allowFrom` entries that are Slack user ids (`slack:`/`user:` prefixes dropped), lowercased; wildcards and names never count. */
export function slackOwnerIds(allowFrom: readonly string[]): string[] {
  const owners = new Set<string>();
  for (const entry of allowFrom) {
    const id = entry.trim().toLowerCase().replace(/^(slack:|user:)/, "");
    if (/^[ubw][a-z0-9_]+$/.test(id)) owners.add(id);
  }
  return [...owners];
}

/**
 * For a bot the channel does not list (upstream's authorizeSlackBotRoomMessage): undefined when an explicit owner is
 * a member of the channel, else why the message is dropped (no owner id configured, none present, or the member
 * lookup failed).
 */
export async function ownerPresenceDropReason(allowFrom: readonly string[], channel: string, members: (channel: string) => Promise<Set<string>>): Promise<string | undefined> {
  const owners = slackOwnerIds(allowFrom);
  if (owners.length === 0) return "bot-not-listed";
  try {
    const present = await members(channel);
    return owners.some((id) => present.has(id)) ? undefined : "bot-no-owner-present";
  } catch {
    return "bot-owner-lookup-failed";
  }
}
