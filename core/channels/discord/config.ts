/**
 * `channels.discord` as upstream configures it (docs/gateway/config-channels, docs/channels/discord/*): the bot
 * `token` (`DISCORD_BOT_TOKEN` for the default account once a `channels.discord` block exists), `dmPolicy`
 * (pairing by default) + `allowFrom`, `groupPolicy` (allowlist by default) + `guilds.<id>.{requireMention, users,
 * channels.<id>.*}`, the legacy `dm.{enabled, policy, allowFrom}` (each yields to its current key, account before
 * root), `allowBots` (bot authors ignored unless `true`, or `"mentions"` for those that mention this bot),
 * `replyToMode` (off by default), `textChunkLimit` (2,000, Discord's own limit) and `maxLinesPerMessage` (17), and
 * `accounts.<id>.*` over the channel root. Secret-free `details` feed status. Runtime-agnostic.
 */
import type { OpenClawConfig } from "../../config/schema.ts";
import { discordAccountKeys, discordSchema } from "../../config/schema.ts";
import type { z } from "../../zod.ts";
import type { AccessSettings, ChannelAccountConfig } from "../contract.ts";
import { resolveDmSettings } from "../dm-settings.ts";
import { chunkModeOf } from "../chunk.ts";
import type { DiscordGuildPolicy } from "./guild-policy.ts";

/** Discord's hard limit on one message. */
export const DISCORD_MAX_TEXT = 2000;
/** Upstream's default `maxLinesPerMessage`: longer replies are split so they do not fill the screen. */
export const DISCORD_MAX_LINES = 17;

/** The typed view of one account's fields (parsing stays loose: upstream keys clawgate does not read are kept). */
type AccountFields = { [K in keyof typeof discordAccountKeys]?: z.infer<(typeof discordAccountKeys)[K]> };

/** One Discord account with the channel root, the environment and upstream's defaults applied. */
export interface DiscordAccount {
  accountId: string;
  name?: string;
  enabled: boolean;
  token?: string;
  tokenSource: "config" | "env" | "none";
  access: AccessSettings;
  guildPolicy: DiscordGuildPolicy;
  replyToMode: "off" | "first" | "all" | "batched";
  /** Which bot-authored messages reach the agent (this bot's own never do). */
  allowBots: boolean | "mentions";
  /** Why `channels.discord` could not be read (the account then stays unconfigured and says so in status). */
  configError?: string;
}

const ids = (list: readonly (string | number)[] | undefined): string[] => (list ?? []).map((v) => String(v).replace(/^(discord|user):/i, "").replace(/^<@!?(\d+)>$/, "$1"));

/** The accounts `channels.discord` describes, the default first; none without a `channels.discord` block. */
export function discordAccounts(config: OpenClawConfig, env: Readonly<Record<string, string | undefined>>): DiscordAccount[] {
  const raw = (config as { channels?: Record<string, unknown> }).channels?.discord;
  if (raw === undefined) return [];
  const parsed = discordSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = `channels.discord: ${parsed.error.issues.map((i) => `${i.path.join(".") || "<root>"}: ${i.message}`).join("; ")}`;
    return [{ ...resolve("default", {}, {}, {}), configError: problem }];
  }
  const { accounts, defaultAccount, ...rootFields } = parsed.data;
  const named = Object.keys(accounts ?? {});
  // The root is an account of its own ("default") unless only named accounts are configured.
  const list = [...new Set([...(named.length === 0 || rootFields.token !== undefined ? ["default"] : []), ...named])];
  const defaultId = defaultAccount && list.includes(defaultAccount) ? defaultAccount : list[0]!;
  return [defaultId, ...list.filter((id) => id !== defaultId)].map((id) => resolve(id, rootFields as AccountFields, (accounts?.[id] ?? {}) as AccountFields, env));
}

function resolve(accountId: string, root: AccountFields, own: AccountFields, env: Readonly<Record<string, string | undefined>>): DiscordAccount {
  const merged: AccountFields = { ...root, ...own };
  const envToken = accountId === "default" ? env.DISCORD_BOT_TOKEN?.trim() : undefined;
  const token = merged.token?.trim() || envToken || undefined;
  const tokenSource = merged.token?.trim() ? "config" : envToken ? "env" : "none";
  const { dmPolicy, allowFrom } = resolveDmSettings(own, root);
  const groupPolicy = merged.groupPolicy ?? "allowlist";
  const guilds = Object.fromEntries(
    Object.entries(merged.guilds ?? {}).map(([id, g]) => [
      id,
      {
        ...(g.requireMention !== undefined ? { requireMention: g.requireMention } : {}),
        ...(g.users ? { users: ids(g.users) } : {}),
        ...(g.channels
          ? { channels: Object.fromEntries(Object.entries(g.channels).map(([cid, c]) => [cid, { ...(c.enabled !== undefined ? { enabled: c.enabled } : {}), ...(c.requireMention !== undefined ? { requireMention: c.requireMention } : {}), ...(c.users ? { users: ids(c.users) } : {}) }])) }
          : {}),
      },
    ]),
  );
  const account: DiscordAccount = {
    accountId,
    enabled: merged.enabled !== false,
    tokenSource,
    access: {
      dmPolicy,
      allowFrom: ids(allowFrom),
      // Guild messages reach the framework only after the guild policy admitted them (./guild-policy.ts), which
      // covers groupPolicy, guild/channel allowlists, users and requireMention; nothing is decided twice.
      groupPolicy: groupPolicy === "disabled" ? "disabled" : "open",
      groupAllowFrom: [],
      groups: { "*": { requireMention: false } },
      textChunkLimit: Math.min(merged.textChunkLimit ?? DISCORD_MAX_TEXT, DISCORD_MAX_TEXT),
      maxLinesPerMessage: merged.maxLinesPerMessage ?? DISCORD_MAX_LINES,
      chunkMode: chunkModeOf(own, root),
    },
    guildPolicy: { groupPolicy, guilds },
    replyToMode: merged.replyToMode ?? "off",
    allowBots: merged.allowBots ?? false,
  };
  if (token) account.token = token;
  if (merged.name) account.name = merged.name;
  return account;
}

/** The framework's view of an account: secret-free. */
export function accountConfig(account: DiscordAccount): ChannelAccountConfig {
  return {
    accountId: account.accountId,
    ...(account.name ? { name: account.name } : {}),
    enabled: account.enabled,
    configured: account.token !== undefined,
    access: account.access,
    details: { tokenSource: account.tokenSource, ...(account.configError ? { lastError: account.configError } : {}) },
  };
}
