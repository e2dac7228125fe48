/**
 * `channels.slack` as upstream configures it (docs/gateway/config-channels/workplace-chat, docs/channels/slack/*):
 * `mode` `socket` (default: `botToken` + `appToken`) or `http` (`botToken` + `signingSecret`, events POSTed to
 * `webhookPath`, default `/slack/events`); `SLACK_BOT_TOKEN` / `SLACK_APP_TOKEN` / `SLACK_SIGNING_SECRET` for the
 * default account once a `channels.slack` block exists; credentials as strings or env SecretRefs
 * (`{source:"env", id}`); `dmPolicy` (pairing) + `allowFrom` (legacy `dm.{enabled, policy, allowFrom}` read as
 * ../dm-settings.ts says); group DMs only with `dm.groupEnabled` (off by default), limited to `dm.groupChannels` when
 * it lists any; `groupPolicy` (allowlist) + `channels.<id>.{enabled, requireMention, users, allowBots, replyToMode}`;
 * `allowBots` (false); `replyToMode` (off) refined by `replyToModeByChatType`, the legacy `dm.replyToMode` for DMs and
 * a channel's own; `textChunkLimit` (8,000); `accounts.<id>.*` over the root. Runtime-agnostic.
 */
import type { OpenClawConfig } from "../../config/schema.ts";
import { slackAccountKeys, slackSchema } from "../../config/schema.ts";
import type { z } from "../../zod.ts";
import type { AccessSettings, ChannelAccountConfig } from "../contract.ts";
import { resolveDmSettings } from "../dm-settings.ts";
import { chunkModeOf } from "../chunk.ts";

/** Slack truncates a message past 40,000 characters. */
export const SLACK_MAX_TEXT = 40_000;
const DEFAULT_CHUNK = 8_000;

/** The typed view of one account's fields (parsing stays loose: upstream keys clawgate does not read are kept). */
type AccountFields = { [K in keyof typeof slackAccountKeys]?: z.infer<(typeof slackAccountKeys)[K]> };
type Env = Readonly<Record<string, string | undefined>>;
type Source = "config" | "env" | "none";
type ReplyToMode = "off" | "first" | "all" | "batched";
/** Slack's conversation kinds as upstream names them: DMs, group DMs (mpim), channels (public and private). */
export type SlackChatKind = "direct" | "group" | "channel";

/** One Slack account with the root, the environment and upstream's defaults applied. */
export interface SlackAccount {
  accountId: string;
  name?: string;
  enabled: boolean;
  mode: "socket" | "http";
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  sources: { bot: Source; app: Source; signing: Source };
  webhookPath: string;
  /** Socket mode needs the app token, HTTP mode the signing secret; both need the bot token. */
  configured: boolean;
  access: AccessSettings;
  replyToMode: ReplyToMode;
  replyToModeByChatType: Partial<Record<SlackChatKind, ReplyToMode>>;
  /** Legacy `dm.replyToMode`, for DMs when `replyToModeByChatType.direct` is unset. */
  dmReplyToMode?: ReplyToMode;
  /** Per-channel settings the adapter applies itself (the framework's `groups` carry the access ones). */
  channelRules: Record<string, { allowBots?: boolean; replyToMode?: ReplyToMode; users?: string[] }>;
  /** Group DMs are answered only when enabled, and then only those listed when `channels` lists any. */
  groupDms: { enabled: boolean; channels: string[] };
  /** Whether other bots' messages may reach the agent (a channel's own `allowBots` overrides it). */
  allowBots: boolean;
  /** Why `channels.slack` could not be read (the account then stays unconfigured and says so in status). */
  configError?: string;
}

const ids = (list: readonly (string | number)[] | undefined): string[] | undefined => list?.map((v) => String(v).replace(/^(slack|user):/i, "").replace(/^<@([A-Z0-9]+)>$/, "$1"));

function read(value: AccountFields["botToken"], env: Env, fallback: string | undefined): { value?: string; source: Source } {
  if (typeof value === "string" && value.trim()) return { value: value.trim(), source: "config" };
  if (value && typeof value === "object") {
    const v = env[value.id]?.trim();
    return v ? { value: v, source: "env" } : { source: "none" };
  }
  const v = fallback ? env[fallback]?.trim() : undefined;
  return v ? { value: v, source: "env" } : { source: "none" };
}

/** The accounts `channels.slack` describes, the default first; none without a `channels.slack` block. */
export function slackAccounts(config: OpenClawConfig, env: Env): SlackAccount[] {
  const raw = (config as { channels?: Record<string, unknown> }).channels?.slack;
  if (raw === undefined) return [];
  const parsed = slackSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = `channels.slack: ${parsed.error.issues.map((i) => `${i.path.join(".") || "<root>"}: ${i.message}`).join("; ")}`;
    return [{ ...resolve("default", {}, {}, {}), configured: false, configError: problem }];
  }
  const { accounts, defaultAccount, ...root } = parsed.data;
  const named = Object.keys(accounts ?? {});
  // The root is an account of its own ("default") unless only named accounts are configured.
  const list = [...new Set([...(named.length === 0 || root.botToken !== undefined ? ["default"] : []), ...named])];
  const defaultId = defaultAccount && list.includes(defaultAccount) ? defaultAccount : list[0]!;
  return [defaultId, ...list.filter((id) => id !== defaultId)].map((id) => resolve(id, root as AccountFields, (accounts?.[id] ?? {}) as AccountFields, env));
}

function resolve(accountId: string, root: AccountFields, own: AccountFields, env: Env): SlackAccount {
  const m: AccountFields = { ...root, ...own };
  const isDefault = accountId === "default";
  const bot = read(m.botToken, env, isDefault ? "SLACK_BOT_TOKEN" : undefined);
  const app = read(m.appToken, env, isDefault ? "SLACK_APP_TOKEN" : undefined);
  const signing = read(m.signingSecret, env, isDefault ? "SLACK_SIGNING_SECRET" : undefined);
  const mode = m.mode ?? "socket";
  const groups: AccessSettings["groups"] = {};
  const channelRules: SlackAccount["channelRules"] = {};
  for (const [id, c] of Object.entries(m.channels ?? {})) {
    // A listed channel without `users` lets anyone in it talk (upstream's channel allowlist), not only allowFrom.
    groups[id] = { allowFrom: ids(c.users) ?? ["*"], ...(c.enabled !== undefined ? { enabled: c.enabled } : {}), ...(c.requireMention !== undefined ? { requireMention: c.requireMention } : {}) };
    channelRules[id] = { ...(c.allowBots !== undefined ? { allowBots: c.allowBots } : {}), ...(c.replyToMode ? { replyToMode: c.replyToMode } : {}), ...(c.users ? { users: ids(c.users) } : {}) };
  }
  const groupDms = { enabled: m.dm?.groupEnabled ?? false, channels: ids(m.dm?.groupChannels)?.map((c) => c.replace(/^channel:/i, "")) ?? [] };
  // An admitted group DM is decided like a listed channel: anyone in it may talk, mention-gated by default.
  for (const id of groupDms.enabled ? groupDms.channels.filter((c) => c !== "*") : []) groups[id] ??= { allowFrom: ["*"] };
  const { dmPolicy, allowFrom } = resolveDmSettings(own, root);
  const account: SlackAccount = {
    accountId,
    enabled: m.enabled !== false,
    mode,
    sources: { bot: bot.source, app: app.source, signing: signing.source },
    webhookPath: m.webhookPath ?? "/slack/events",
    configured: bot.value !== undefined && (mode === "socket" ? app.value !== undefined : signing.value !== undefined),
    access: {
      dmPolicy,
      allowFrom: ids(allowFrom) ?? [],
      groupPolicy: m.groupPolicy ?? "allowlist",
      groupAllowFrom: [],
      groups,
      textChunkLimit: Math.min(m.textChunkLimit ?? DEFAULT_CHUNK, SLACK_MAX_TEXT),
      chunkMode: chunkModeOf(own, root),
    },
    replyToMode: m.replyToMode ?? "off",
    replyToModeByChatType: m.replyToModeByChatType ?? {},
    ...(m.dm?.replyToMode ? { dmReplyToMode: m.dm.replyToMode } : {}),
    channelRules,
    groupDms,
    allowBots: m.allowBots ?? false,
  };
  if (m.name) account.name = m.name;
  if (bot.value) account.botToken = bot.value;
  if (app.value) account.appToken = app.value;
  if (signing.value) account.signingSecret = signing.value;
  return account;
}

/** The framework's view of an account: secret-free, with upstream's per-credential source fields. */
export function accountConfig(account: SlackAccount): ChannelAccountConfig {
  return {
    accountId: account.accountId,
    ...(account.name ? { name: account.name } : {}),
    enabled: account.enabled,
    configured: account.configured,
    access: account.access,
    details: {
      mode: account.mode,
      botTokenSource: account.sources.bot,
      ...(account.mode === "socket" ? { appTokenSource: account.sources.app } : { signingSecretSource: account.sources.signing, webhookPath: account.webhookPath }),
      ...(account.configError ? { lastError: account.configError } : {}),
    },
  };
}

/** Where replies to a `kind` conversation go: a channel's own mode, else by chat type, else the legacy DM key, else the account's. */
export function replyToModeFor(account: SlackAccount, kind: SlackChatKind, channel: string): ReplyToMode {
  return (kind !== "direct" ? account.channelRules[channel]?.replyToMode : undefined) ?? account.replyToModeByChatType[kind] ?? (kind === "direct" ? account.dmReplyToMode : undefined) ?? account.replyToMode;
}
