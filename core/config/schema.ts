/**
 * The parts of `openclaw.json` clawgate reads, as zod schemas (spec §11).
 * Objects are loose: keys clawgate does not know are kept, so a real OpenClaw
 * config loads unchanged and survives a write. Runtime-agnostic.
 */
import { z } from "../zod.ts";
import { AUTH_MODES } from "../auth/secrets.ts";
import { gatewayToolsSchema, toolPolicySchema, toolsSchema } from "./tools.ts";
import { hooksSchema } from "./hooks.ts";

const port = z.int().check(z.gte(1), z.lte(65535));

/** In upstream's order, which its validation messages list (§12 `config set`). */
export const BIND_MODES = ["auto", "lan", "loopback", "custom", "tailnet"] as const;

/** `gateway.reload.mode`; the retired `hot` and `restart` load as `hybrid` (§11). */
export const RELOAD_MODES = ["hybrid", "off", "hot", "restart"] as const;

export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;

export const gatewaySchema = z.looseObject({
  mode: z.optional(z.enum(["local", "remote"])),
  port: z.optional(port),
  bind: z.optional(z.enum(BIND_MODES)),
  customBindHost: z.optional(z.string()),
  auth: z.optional(z.looseObject({
    mode: z.optional(z.enum(AUTH_MODES)),
    token: z.optional(z.string()),
    password: z.optional(z.string()),
    trustedProxy: z.optional(z.looseObject({ userHeader: z.string() })),
    rateLimit: z.optional(z.looseObject({
      maxAttempts: z.optional(z.int().check(z.gte(1))),
      windowMs: z.optional(z.int().check(z.gte(1))),
      lockoutMs: z.optional(z.int().check(z.gte(0))),
      exemptLoopback: z.optional(z.boolean()),
    })),
  })),
  remote: z.optional(z.looseObject({ url: z.optional(z.string()), token: z.optional(z.string()), password: z.optional(z.string()), tlsFingerprint: z.optional(z.string()) })),
  controlUi: z.optional(z.looseObject({
    allowedOrigins: z.optional(z.array(z.string())),
    enabled: z.optional(z.boolean()),
    basePath: z.optional(z.string()),
    root: z.optional(z.string()),
  })),
  reload: z.optional(z.looseObject({ mode: z.optional(z.enum(RELOAD_MODES)) })),
  trustedProxies: z.optional(z.array(z.string())),
  http: z.optional(z.looseObject({
    endpoints: z.optional(z.looseObject({
      chatCompletions: z.optional(z.looseObject({ enabled: z.optional(z.boolean()) })),
    })),
  })),
  nodes: z.optional(z.looseObject({
    pairing: z.optional(z.looseObject({ autoApproveLocal: z.optional(z.boolean()) })),
    commands: z.optional(z.looseObject({ allow: z.optional(z.array(z.string())), deny: z.optional(z.array(z.string())) })),
  })),
  tools: z.optional(gatewayToolsSchema),
});

/** Request shaping for stricter OpenAI-compatible backends (`compat.*`). */
const compatSchema = z.looseObject({
  requiresStringContent: z.optional(z.boolean()),
  supportsTools: z.optional(z.boolean()),
  supportsUsageInStreaming: z.optional(z.boolean()),
});

/** `models.providers.<id>`: an OpenAI-compatible endpoint and the models it serves. */
export const providerSchema = z.looseObject({
  baseUrl: z.optional(z.string()),
  /** A literal key or `${ENV_VAR}`. */
  apiKey: z.optional(z.string()),
  api: z.optional(z.string()),
  headers: z.optional(z.record(z.string(), z.string())),
  timeoutSeconds: z.optional(z.number().check(z.positive())),
  compat: z.optional(compatSchema),
  models: z.optional(z.array(z.union([z.string(), z.looseObject({ id: z.string(), name: z.optional(z.string()), compat: z.optional(compatSchema) })]))),
});

/** A model choice: `"provider/model"` or `{ primary, fallbacks }`. */
const modelChoiceSchema = z.union([z.string(), z.looseObject({ primary: z.optional(z.string()), fallbacks: z.optional(z.array(z.string())) })]);

const heartbeatSchema = z.looseObject({
  /** Duration such as "30m"; "0m" turns the recurring cadence off. */
  every: z.optional(z.string()),
  prompt: z.optional(z.string()),
  model: z.optional(z.string()),
  /** Where a visible heartbeat reply goes: "owner" (default), "last", "none", or a channel id with `to` (core/scheduler/heartbeat-route.ts). */
  target: z.optional(z.string()),
  to: z.optional(z.string()),
  accountId: z.optional(z.string()),
  ackMaxChars: z.optional(z.int().check(z.gte(0))),
});

/** Display identity of an agent (`agents.entries.<id>.identity`). */
const agentIdentitySchema = z.looseObject({ name: z.optional(z.string()), emoji: z.optional(z.string()), avatar: z.optional(z.string()), theme: z.optional(z.string()) });

/** A group-chat mention pattern: a regular expression matched case-insensitively (core/channels/mention-patterns.ts). */
const mentionPattern = z.string().check(z.refine((source) => {
  try {
    new RegExp(source, "i");
    return true;
  } catch {
    return false;
  }
}, { message: "not a valid regular expression" }));
/** `groupChat` of an agent and of `messages`: `mentionPatterns` set (even to []) replaces the identity-derived ones. */
const groupChatSchema = z.looseObject({ mentionPatterns: z.optional(z.array(mentionPattern)) });

const agentEntrySchema = z.looseObject({
  default: z.optional(z.boolean()),
  name: z.optional(z.string()),
  identity: z.optional(agentIdentitySchema),
  groupChat: z.optional(groupChatSchema),
  model: z.optional(modelChoiceSchema),
  tools: z.optional(toolPolicySchema),
});

/** Access and delivery keys one Telegram account has (the root is the default account). */
/** A channel account's `streaming` block; clawgate reads `chunkMode` (core/channels/chunk.ts), upstream's other keys are kept. */
const streaming = z.looseObject({ chunkMode: z.optional(z.enum(["length", "newline"])) });

const telegramAccountKeys = {
  enabled: z.optional(z.boolean()),
  name: z.optional(z.string()),
  botToken: z.optional(z.string()),
  tokenFile: z.optional(z.string()),
  apiRoot: z.optional(z.string().check(z.url({ protocol: /^https?$/ }))),
  dmPolicy: z.optional(z.enum(["pairing", "allowlist", "open", "disabled"])),
  allowFrom: z.optional(z.array(z.union([z.string(), z.number()]))),
  groupPolicy: z.optional(z.enum(["allowlist", "open", "disabled"])),
  groupAllowFrom: z.optional(z.array(z.union([z.string(), z.number()]))),
  groups: z.optional(z.record(z.string(), z.looseObject({ requireMention: z.optional(z.boolean()), enabled: z.optional(z.boolean()), allowFrom: z.optional(z.array(z.union([z.string(), z.number()]))) }))),
  textChunkLimit: z.optional(z.int().check(z.gte(1), z.lte(4096))),
  streaming: z.optional(streaming),
  /** Webhook mode (core/channels/telegram/webhook.ts); `webhookSecret` may be a string or upstream's SecretRef, read where used. */
  webhookUrl: z.optional(z.string().check(z.url({ protocol: /^https?$/ }))),
  webhookPath: z.optional(z.string()),
  webhookHost: z.optional(z.string()),
  /** 0 lets the system choose (upstream allows it). */
  webhookPort: z.optional(z.int().check(z.gte(0), z.lte(65535))),
};

/** A channel's config: its default account's keys at the root, more accounts under `accounts.<id>`. */
function channelSchema<Keys extends z.core.$ZodLooseShape>(keys: Keys) {
  return z.looseObject({ ...keys, accounts: z.optional(z.record(z.string(), z.looseObject(keys))), defaultAccount: z.optional(z.string()) });
}

/** `channels.telegram`: the default account at the root, more under `accounts.<id>`. */
const telegramSchema = channelSchema(telegramAccountKeys);

const idList = z.array(z.union([z.string(), z.number()]));
const replyToMode = z.enum(["off", "first", "all", "batched"]);
/** Legacy DM keys Discord and Slack still read (`dm.policy`/`dm.allowFrom` yield to `dmPolicy`/`allowFrom`). */
const legacyDm = {
  enabled: z.optional(z.boolean()),
  policy: z.optional(z.enum(["pairing", "allowlist", "open", "disabled"])),
  allowFrom: z.optional(idList),
  groupEnabled: z.optional(z.boolean()),
  groupChannels: z.optional(idList),
};

/** Keys one Discord account has (the root is the default account; core/channels/discord/config.ts reads them). */
export const discordAccountKeys = {
  enabled: z.optional(z.boolean()),
  name: z.optional(z.string()),
  token: z.optional(z.string()),
  dmPolicy: z.optional(z.enum(["pairing", "allowlist", "open", "disabled"])),
  allowFrom: z.optional(idList),
  groupPolicy: z.optional(z.enum(["allowlist", "open", "disabled"])),
  guilds: z.optional(z.record(z.string(), z.looseObject({
    requireMention: z.optional(z.boolean()),
    users: z.optional(idList),
    channels: z.optional(z.record(z.string(), z.looseObject({ enabled: z.optional(z.boolean()), requireMention: z.optional(z.boolean()), users: z.optional(idList) }))),
  }))),
  dm: z.optional(z.looseObject(legacyDm)),
  /** Bot-authored messages: ignored by default; `"mentions"` admits those that mention this bot. */
  allowBots: z.optional(z.union([z.boolean(), z.literal("mentions")])),
  replyToMode: z.optional(replyToMode),
  textChunkLimit: z.optional(z.int().check(z.positive())),
  streaming: z.optional(streaming),
  maxLinesPerMessage: z.optional(z.int().check(z.positive())),
};

/** `channels.discord`: the default account at the root, more under `accounts.<id>`. */
export const discordSchema = channelSchema(discordAccountKeys);

/** A credential: the value, or an env SecretRef (`{source: "env", id}`). */
const slackSecret = z.union([z.string(), z.looseObject({ source: z.literal("env"), id: z.string() })]);

/** Keys one Slack account has (the root is the default account; core/channels/slack/config.ts reads them). */
export const slackAccountKeys = {
  enabled: z.optional(z.boolean()),
  name: z.optional(z.string()),
  mode: z.optional(z.enum(["socket", "http"])),
  botToken: z.optional(slackSecret),
  appToken: z.optional(slackSecret),
  signingSecret: z.optional(slackSecret),
  webhookPath: z.optional(z.string().check(z.regex(/^\/\S*$/, "must start with /"))),
  dmPolicy: z.optional(z.enum(["pairing", "allowlist", "open", "disabled"])),
  allowFrom: z.optional(idList),
  groupPolicy: z.optional(z.enum(["allowlist", "open", "disabled"])),
  channels: z.optional(z.record(z.string(), z.looseObject({
    enabled: z.optional(z.boolean()),
    requireMention: z.optional(z.boolean()),
    users: z.optional(idList),
    allowBots: z.optional(z.boolean()),
    replyToMode: z.optional(replyToMode),
  }))),
  dm: z.optional(z.looseObject({ ...legacyDm, replyToMode: z.optional(replyToMode) })),
  allowBots: z.optional(z.boolean()),
  replyToMode: z.optional(replyToMode),
  replyToModeByChatType: z.optional(z.looseObject({ direct: z.optional(replyToMode), group: z.optional(replyToMode), channel: z.optional(replyToMode) })),
  textChunkLimit: z.optional(z.int().check(z.positive())),
  streaming: z.optional(streaming),
};

/** `channels.slack`: the default account at the root, more under `accounts.<id>`. */
export const slackSchema = channelSchema(slackAccountKeys);

/** Keys one WhatsApp account has (the root is the default account; core/channels/whatsapp/config.ts reads them). */
export const whatsappAccountKeys = {
  enabled: z.optional(z.boolean()),
  name: z.optional(z.string()),
  /** Where the linked session's Baileys credentials live (default `<stateDir>/credentials/whatsapp/<accountId>`). */
  authDir: z.optional(z.string().check(z.minLength(1))),
  dmPolicy: z.optional(z.enum(["pairing", "allowlist", "open", "disabled"])),
  allowFrom: z.optional(idList),
  groupPolicy: z.optional(z.enum(["allowlist", "open", "disabled"])),
  groupAllowFrom: z.optional(idList),
  groups: z.optional(z.record(z.string(), z.looseObject({ requireMention: z.optional(z.boolean()), enabled: z.optional(z.boolean()) }))),
  selfChatMode: z.optional(z.boolean()),
  sendReadReceipts: z.optional(z.boolean()),
  replyToMode: z.optional(z.enum(["off", "first", "all", "batched"])),
  textChunkLimit: z.optional(z.int().check(z.positive())),
  streaming: z.optional(streaming),
};

/** `channels.whatsapp`: the default account at the root, more under `accounts.<id>`. */
export const whatsappSchema = channelSchema(whatsappAccountKeys);

export const configSchema = z.looseObject({
  $schema: z.optional(z.string()),
  gateway: z.optional(gatewaySchema),
  /** `ownerAllowFrom`: who the owner is on which channel ("telegram:123" or a bare id), for heartbeat delivery. */
  commands: z.optional(z.looseObject({ ownerAllowFrom: z.optional(z.array(z.union([z.string(), z.number()]))) })),
  models: z.optional(z.looseObject({
    providers: z.optional(z.record(z.string(), providerSchema)),
  })),
  agents: z.optional(z.looseObject({
    defaults: z.optional(z.looseObject({
      model: z.optional(modelChoiceSchema),
      timeoutSeconds: z.optional(z.number().check(z.positive())),
      heartbeat: z.optional(heartbeatSchema),
    })),
    /** The roster: keyed entries (current upstream) or the legacy list; core/config/agents.ts reads either. */
    entries: z.optional(z.record(z.string(), agentEntrySchema)),
    list: z.optional(z.array(z.extend(agentEntrySchema, { id: z.string() }))),
  })),
  cron: z.optional(z.looseObject({ enabled: z.optional(z.boolean()), skipMissedJobs: z.optional(z.boolean()) })),
  discovery: z.optional(z.looseObject({
    mdns: z.optional(z.looseObject({ mode: z.optional(z.enum(["off", "minimal", "full"])) })),
    wideArea: z.optional(z.looseObject({ domain: z.optional(z.string()) })),
  })),
  /** Sender (DM) pairing codes: lifetime in seconds and live codes per channel (core/sender-pairing). */
  pairing: z.optional(z.looseObject({ codeExpiry: z.optional(z.int().check(z.gte(1))), maxPending: z.optional(z.int().check(z.gte(1))) })),
  logging: z.optional(z.looseObject({
    level: z.optional(z.enum(LOG_LEVELS)),
    file: z.optional(z.string()),
    maxFileBytes: z.optional(z.int().check(z.positive())),
  })),
  /** Inline env vars, applied only where the environment lacks the key (§11). */
  env: z.optional(z.looseObject({ vars: z.optional(z.record(z.string(), z.string())) })),
  /** Written by upstream's writers; read only to keep it. */
  meta: z.optional(z.record(z.string(), z.unknown())),
  /** Chat channels (core/channels); keys clawgate does not read stay as written. */
  channels: z.optional(z.looseObject({ telegram: z.optional(telegramSchema), discord: z.optional(discordSchema), slack: z.optional(slackSchema), whatsapp: z.optional(whatsappSchema) })),
  /** Message handling shared by channels; clawgate reads `groupChat.mentionPatterns`. */
  messages: z.optional(z.looseObject({ groupChat: z.optional(groupChatSchema) })),
  /** How DMs map to sessions (core/channels/session-key.ts). */
  session: z.optional(z.looseObject({ dmScope: z.optional(z.enum(["main", "per-peer", "per-channel-peer", "per-account-channel-peer"])) })),
  tools: z.optional(toolsSchema),
  /** HTTP hook ingress (`core/http/hooks.ts`). */
  hooks: z.optional(hooksSchema),
});

export type OpenClawConfig = z.output<typeof configSchema>;
