/**
 * The channel adapter contract every chat channel (Telegram, Discord, Slack,
 * WhatsApp, ...) fulfils, and the messages that cross it. An adapter only
 * talks to its service: it hands inbound messages to the framework's durable
 * inbound path (`ChannelAccountContext.inbound`) and sends what the framework
 * asks it to; access policy, pairing, sessions, agent turns, chunking and the
 * outbox are the framework's (./manager.ts, ./pipeline.ts). Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import type { ChunkMode } from "./chunk.ts";
import type { RenderedLength } from "./rendered-chunks.ts";
import type { Logger } from "../runtime.ts";

/** `dmPolicy` values, upstream's default first. */
export const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];
/** `groupPolicy` values, upstream's default first. */
export const GROUP_POLICIES = ["allowlist", "open", "disabled"] as const;
export type GroupPolicy = (typeof GROUP_POLICIES)[number];

/** One message as it arrived from a chat service, normalized. */
export interface InboundMessage {
  /** Unique within the channel account and stable across redelivery (Telegram: the update_id). */
  id: string;
  /** Where a reply goes (Telegram: the chat id). */
  chatId: string;
  chatType: "direct" | "group";
  senderId: string;
  senderName?: string;
  senderUsername?: string;
  text: string;
  /** The service's id of the message, so a reply can thread to it. */
  messageId?: string;
  /** Every chunk of the answer threads to `messageId`, not only the first (WhatsApp's `replyToMode: "all"`). */
  replyToEveryChunk?: boolean;
  /** Forum topic / thread the message belongs to. */
  threadId?: string;
  /** How session keys name the group chat: upstream's Telegram groups are "group", Discord and Slack channels "channel". */
  groupKind?: "group" | "channel";
  /** How session keys name the thread: Telegram forum "topic" (default), Slack "thread". */
  threadKind?: "topic" | "thread";
  /** The bot was addressed: @mention, reply to one of its messages, or a bot command. */
  mentioned: boolean;
  /** The linked account writing to itself (WhatsApp's self-chat): admitted unless DMs are disabled. */
  selfChat?: boolean;
  /** When the service says it was sent (ms). */
  ts: number;
  /** Sent well before the connection that delivered it (WhatsApp's offline history): an unknown sender gets no pairing request or code. */
  pairingHistory?: boolean;
}

/** One chunk of text to deliver. */
export interface OutboundMessage {
  to: string;
  text: string;
  replyToId?: string;
  threadId?: string;
}

/** What the service answered for a delivered message. */
export interface SentMessage {
  messageId: string;
  chatId: string;
}

/** An account's live state, in upstream's `channelAccounts[]` snapshot fields. */
export interface ChannelAccountSnapshot {
  accountId: string;
  name?: string;
  enabled?: boolean;
  configured?: boolean;
  running?: boolean;
  connected?: boolean;
  reconnectAttempts?: number;
  lastConnectedAt?: number | null;
  lastError?: string | null;
  healthState?: string;
  lastStartAt?: number | null;
  lastStopAt?: number | null;
  lastInboundAt?: number | null;
  lastOutboundAt?: number | null;
  lastTransportActivityAt?: number | null;
  lastProbeAt?: number | null;
  mode?: string;
  dmPolicy?: string;
  allowFrom?: string[];
  tokenSource?: string;
  probe?: unknown;
  [extra: string]: unknown;
}

/** A `channels.status {probe:true}` check of the credentials against the service. */
export interface ChannelProbe {
  ok: boolean;
  error?: string;
  elapsedMs?: number;
  [extra: string]: unknown;
}

/** A `statusIssues[]` entry (upstream's kinds). */
export interface ChannelStatusIssue {
  channel: string;
  accountId: string;
  kind: "intent" | "permissions" | "config" | "auth" | "runtime";
  message: string;
  fix?: string;
}

/** Access settings of one account, with the channel root and upstream defaults applied. */
export interface AccessSettings {
  dmPolicy: DmPolicy;
  allowFrom: string[];
  groupPolicy: GroupPolicy;
  groupAllowFrom: string[];
  /** `groups.<chatId>` entries; `"*"` applies to every group. */
  groups: Record<string, { requireMention?: boolean; allowFrom?: string[]; enabled?: boolean }>;
  /** Characters per outbound message, capped at the channel's hard limit. */
  textChunkLimit: number;
  /** Lines per outbound message, where the channel caps them (Discord's `maxLinesPerMessage`). */
  maxLinesPerMessage?: number;
  /** `streaming.chunkMode`: fill each message (`length`, the default) or keep paragraphs whole (`newline`). */
  chunkMode?: ChunkMode;
}

/** Durable inbound: the adapter acknowledges to its service only after `accept` returns. */
export interface InboundSink {
  /**
   * Stores `messages` (duplicates of stored ids are ignored) and the adapter's
   * `cursor` in one transaction, then schedules them. Returns how many were new.
   */
  accept(messages: readonly InboundMessage[], cursor?: string): number;
  /** The cursor stored with the last accepted batch (Telegram: the next getUpdates offset). */
  cursor(): string | undefined;
  /** Whether this account delivered a message the service knows by `messageId` (kept across restarts): its echo is never input. */
  sentByAccount(messageId: string): boolean;
  /** An update that could not be read: logged and counted, never stored. */
  malformed(reason: string, detail?: Record<string, unknown>): void;
}

/** What an adapter gets from the framework for one account. */
export interface ChannelAccountContext {
  channel: string;
  accountId: string;
  /** The live config (reloads replace it). */
  config(): OpenClawConfig;
  inbound: InboundSink;
  logger: Logger;
  now(): number;
}

/** One running account of a channel. */
export interface ChannelAdapter {
  /** Connects and begins receiving; resolves once started (it keeps recovering by itself afterwards). */
  start(): Promise<void>;
  /** Stops receiving and releases the connection. */
  stop(): Promise<void>;
  /** Checks the credentials against the service within `timeoutMs`. */
  probe(timeoutMs: number): Promise<ChannelProbe>;
  /** Live state; the framework adds the access fields. */
  status(): ChannelAccountSnapshot;
  /** Delivers one chunk (the framework chunks to `textChunkLimit`). */
  send(message: OutboundMessage): Promise<SentMessage>;
  /** Shows "typing…" in a chat while the agent works. */
  typing(chatId: string, threadId?: string): Promise<void>;
  /** Marks a message read on the service (WhatsApp's read receipts), once access admitted its sender. */
  markRead?(message: InboundMessage): Promise<void>;
  /** An endpoint the service calls on the gateway's HTTP port (Slack's Events API); served while the account runs. */
  webhook?: ChannelWebhook;
}

/** A request handler at a fixed path of the gateway's HTTP port. */
export interface ChannelWebhook {
  path: string;
  handle(req: Request): Promise<Response>;
}

/** A channel account as the config describes it. */
export interface ChannelAccountConfig {
  accountId: string;
  name?: string;
  enabled: boolean;
  /** Credentials are present (a token, a token file, ...). */
  configured: boolean;
  access: AccessSettings;
  /** Channel-specific, secret-free status fields (tokenSource, mode, ...). */
  details: Record<string, unknown>;
}

/**
 * A channel the gateway knows. Reading its config is cheap and synchronous;
 * its adapter code (and the service's SDK) is loaded by `load()` only when an
 * account is enabled, so an unconfigured channel costs nothing.
 */
export interface ChannelPlugin {
  id: string;
  label: string;
  detailLabel?: string;
  systemImage?: string;
  /** The service's hard limit on one message's length. */
  maxTextLength: number;
  /** How long a chunk is as sent, where the service gets it rendered (Telegram: HTML); chunks are kept within the limit by it. */
  renderedLength?: RenderedLength;
  /** Accounts under `channels.<id>`, the default account first; empty when the channel is not configured. */
  accounts(config: OpenClawConfig): ChannelAccountConfig[];
  /** `channels.<id>.defaultAccount`, else "default" when present, else the first account. */
  defaultAccountId(config: OpenClawConfig): string;
  /** Loads the adapter code (a dynamic import) and builds one account's adapter. */
  load(): Promise<(ctx: ChannelAccountContext) => ChannelAdapter>;
  /** Upstream's "Your <service> user id: <id>" line of the pairing reply. */
  senderIdLine(senderId: string): string;
  /** Config paths `channels.logout` removes for an account (its token keys). */
  credentialPaths(config: OpenClawConfig, accountId: string): string[][];
  /** What status says when an enabled account has no credentials. */
  missingCredentials: { message: string; fix: string };
  /** The channel's own reading of a live snapshot (WhatsApp: not linked, logged out, conflict), before the generic one. */
  statusIssue?(snapshot: ChannelAccountSnapshot): ChannelStatusIssue | undefined;
  /** Channels whose credentials are files, not config keys (WhatsApp's linked session): removes them; true when any were there. */
  clearCredentials?(accountId: string): Promise<boolean>;
  /** QR login (`web.login.start` / `web.login.wait`), for channels linked by scanning a code. */
  login?: ChannelQrLogin;
}

/** `web.login.start`'s answer (upstream's ChannelLoginWithQrStartResult). */
export interface QrLoginStart {
  qrDataUrl?: string;
  message: string;
  connected?: boolean;
}

/** `web.login.wait`'s answer (upstream's ChannelLoginWithQrWaitResult). */
export interface QrLoginWait {
  connected: boolean;
  message: string;
  qrDataUrl?: string;
}

/** A channel's QR login flow for one account at a time. */
export interface ChannelQrLogin {
  /** Opens a login connection and answers with its first QR (or that the account is already linked). */
  start(params: { accountId: string; force: boolean; timeoutMs?: number; running: boolean }): Promise<QrLoginStart>;
  /** Waits for the scan, a newer QR than `currentQrDataUrl`, or `timeoutMs`. */
  wait(params: { accountId: string; timeoutMs?: number; currentQrDataUrl?: string }): Promise<QrLoginWait>;
}

/**
 * A send the service refused for good (a 400 or 403: bad chat, bot blocked):
 * the outbox marks it failed instead of retrying. Any other error is retried.
 */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentDeliveryError";
  }
}
