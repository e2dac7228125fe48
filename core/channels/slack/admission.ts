/**
 * What Slack drops before the framework's access policy (docs/channels/slack/access-control): group DMs unless
 * `dm.groupEnabled` (and, when `dm.groupChannels` lists any, only those), and other bots' posts unless `allowBots`
 * (the channel's own setting first) admits them; in a channel a bot must moreover be listed by id in that channel's
 * `users`, upstream's conservative rule against bot loops. Runtime-agnostic.
 */
import type { SlackAccount } from "./config.ts";
import type { SlackMessage } from "./event.ts";

/** Why `m` is dropped, or undefined when the framework's access policy decides it. */
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
