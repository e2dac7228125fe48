/**
 * One Discord bot account on the official lean clients: `@discordjs/rest` for REST v10 and `@discordjs/ws` for the
 * Gateway (loaded only when an account runs). Inbound: MESSAGE_CREATE -> guild policy (./guild-policy.ts) -> the
 * framework's durable inbound path, stored together with the Gateway session (id, seq, resume URL) as the account's
 * cursor, so after a drop or a restart the account RESUMEs where it stopped and Discord replays what it missed
 * (duplicates of stored messages are ignored). Messages are handled one at a time in arrival order, each stored with
 * the session as it stood when it arrived; a message in a thread is decided by its parent channel's rules unless the
 * thread has its own (the parent comes from thread events, else one `GET /channels/:id`, remembered). The clients
 * reconnect and resume by themselves; a start that fails
 * for a transient reason is retried with back-off, a refused token is not (shown in status). Runtime-agnostic: the
 * clients are built on node: APIs (ws, undici) that Bun, Node and Deno all provide (test/deno/discord-slack.deno.ts).
 */
import { DiscordAPIError, REST } from "@discordjs/rest";
import { WebSocketManager, WebSocketShardEvents, type SessionInfo } from "@discordjs/ws";
import { ChannelType, GatewayDispatchEvents, GatewayIntentBits, MessageFlags, Routes, type APIChannel, type GatewayDispatchPayload, type RESTGetAPIGatewayBotResult } from "discord-api-types/v10";
import { PermanentDeliveryError, type ChannelAccountContext, type ChannelAccountSnapshot, type ChannelAdapter, type ChannelProbe, type InboundMessage, type OutboundMessage, type SentMessage } from "../contract.ts";
import type { DiscordAccount } from "./config.ts";
import { decideGuildMessage, needsParentChannel } from "./guild-policy.ts";
import { readMessageCreate } from "./message.ts";
import { pinGatewayUrl, type DiscordOrigin } from "./origin.ts";

/** Guild and DM messages with their content (Message Content is a privileged intent the bot must have enabled). */
const INTENTS = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages | GatewayIntentBits.MessageContent;
/** Start retries: about 2 s growing to 30 s, as upstream's channel restarts. */
const BACKOFF_MS = [2_000, 4_000, 8_000, 16_000, 30_000];
/** Discord's "Unknown Channel" error code. */
const UNKNOWN_CHANNEL = 10003;
const THREAD_TYPES: readonly number[] = [ChannelType.AnnouncementThread, ChannelType.PublicThread, ChannelType.PrivateThread];
/** Thread parents remembered; the oldest are forgotten first (a forgotten one costs one lookup). */
const MAX_KNOWN_CHANNELS = 10_000;

/** REST that keeps every Gateway URL Discord hands out on the configured origin (`DISCORD_API_URL`). */
class PinnedREST extends REST {
  constructor(private readonly origin: DiscordOrigin) {
    super({ api: origin.api, version: origin.version });
  }

  override async get(route: `/${string}`, options?: Parameters<REST["get"]>[1]): Promise<unknown> {
    const body = await super.get(route, options);
    if (route !== Routes.gatewayBot()) return body;
    const info = body as RESTGetAPIGatewayBotResult;
    return { ...info, url: pinGatewayUrl(info.url, this.origin) };
  }
}

/** Builds an account's adapter; `account` is read again from config on every message (hot reload). */
export function discordAdapter(ctx: ChannelAccountContext, origin: DiscordOrigin, account: () => DiscordAccount | undefined): ChannelAdapter {
  const log = `channels/discord`;
  const initial = account();
  if (!initial?.token) throw new Error("Discord bot token missing (channels.discord.token or DISCORD_BOT_TOKEN)");
  const token = initial.token;
  const rest = new PinnedREST(origin).setToken(token) as PinnedREST;
  let session: SessionInfo | null = parseSession(ctx.inbound.cursor());
  let manager: WebSocketManager | undefined;
  let bot: { id: string; username: string } | undefined;
  let running = false;
  let connected = false;
  let lastError: string | null = null;
  let lastConnectedAt: number | null = null;
  let reconnectAttempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** DM channel per user, for sends addressed to a user (`user:<id>`, pairing notices). */
  const dmChannels = new Map<string, string>();
  /** Channel id -> its parent when it is a thread, null when it is not. */
  const parents = new Map<string, string | null>();
  /** Inbound work in arrival order (a parent lookup must not let a later message overtake). */
  let inbound: Promise<void> = Promise.resolve();
  const inOrder = (work: () => void | Promise<void>) => {
    inbound = inbound.then(work).catch((error: unknown) => ctx.logger.error(log, "inbound message not handled", { accountId: ctx.accountId, error: String(error) }));
  };
  const remember = (channel: { id: string; type?: number; parent_id?: string | null }) => {
    if (parents.size >= MAX_KNOWN_CHANNELS) parents.delete(parents.keys().next().value!);
    parents.set(channel.id, channel.type !== undefined && THREAD_TYPES.includes(channel.type) && channel.parent_id ? channel.parent_id : null);
  };

  const fail = (message: string) => {
    lastError = message;
    ctx.logger.warn(log, message, { accountId: ctx.accountId });
  };

  const onDispatch = (payload: GatewayDispatchPayload) => {
    switch (payload.t) {
      case GatewayDispatchEvents.Ready: {
        bot = { id: payload.d.user.id, username: payload.d.user.username };
        markConnected();
        // The new session is stored at once, so a restart before any message still resumes it.
        const cursor = JSON.stringify(session);
        inOrder(() => void ctx.inbound.accept([], cursor));
        break;
      }
      case GatewayDispatchEvents.Resumed:
        markConnected();
        break;
      case GatewayDispatchEvents.MessageCreate: {
        // The session as this message left it: stored with the message, so a RESUME from it never skips a later one.
        const cursor = JSON.stringify(session);
        inOrder(() => onMessage(payload.d, cursor));
        break;
      }
      case GatewayDispatchEvents.ThreadCreate:
      case GatewayDispatchEvents.ThreadUpdate:
        remember(payload.d);
        break;
      case GatewayDispatchEvents.ThreadListSync:
        payload.d.threads.forEach(remember);
        break;
      case GatewayDispatchEvents.GuildCreate:
        if ("threads" in payload.d) payload.d.threads.forEach(remember);
        break;
    }
  };

  /** The parent channel of a thread (undefined for a channel, or when Discord cannot say now). */
  const parentOf = async (channelId: string): Promise<string | undefined> => {
    if (!parents.has(channelId)) {
      try {
        remember((await rest.get(Routes.channel(channelId))) as APIChannel & { parent_id?: string | null });
      } catch (error) {
        ctx.logger.debug(log, "channel lookup failed; deciding without a parent", { accountId: ctx.accountId, channelId, error: String(error) });
        return undefined;
      }
    }
    return parents.get(channelId) ?? undefined;
  };

  const markConnected = () => {
    connected = true;
    lastError = null;
    lastConnectedAt = ctx.now();
  };

  const onMessage = async (d: unknown, cursor: string) => {
    const current = account();
    if (!bot || !current) return;
    const read = readMessageCreate(d, bot.id, current.allowBots);
    if (!read.ok) {
      if (!read.ignored) ctx.inbound.malformed(read.reason);
      return;
    }
    const m = read.message;
    if (m.guildId) {
      const parentId = needsParentChannel(current.guildPolicy, m.guildId, m.channelId) ? await parentOf(m.channelId) : undefined;
      const decision = decideGuildMessage(current.guildPolicy, m.guildId, m.channelId, m.senderId, m.mentioned, parentId);
      if (!decision.admit) {
        ctx.logger.debug(log, "guild message not admitted", { accountId: ctx.accountId, guildId: m.guildId, channelId: m.channelId, reason: decision.reason });
        return;
      }
    } else {
      dmChannels.set(m.senderId, m.channelId);
    }
    const inbound: InboundMessage = {
      id: m.id,
      chatId: m.channelId,
      chatType: m.guildId ? "group" : "direct",
      senderId: m.senderId,
      senderName: m.senderName,
      senderUsername: m.senderUsername,
      text: m.text,
      mentioned: m.mentioned,
      ts: m.ts,
    };
    // Upstream keys guild channels as "channel" sessions.
    if (m.guildId) inbound.groupKind = "channel";
    // replyToMode off (upstream's default) sends plain messages; otherwise the answer references the message.
    if (current.replyToMode !== "off") inbound.messageId = m.id;
    try {
      ctx.inbound.accept([inbound], cursor);
    } catch (error) {
      // The stored cursor stays before this message, so the next RESUME from it (a restart) replays it.
      ctx.logger.error(log, "inbound message not stored", { accountId: ctx.accountId, id: m.id, error: String(error) });
    }
  };

  const connect = async (): Promise<void> => {
    const me = (await rest.get(Routes.user("@me"))) as { id: string; username: string };
    bot = { id: me.id, username: me.username };
    const ws = new WebSocketManager({
      token,
      rest,
      intents: INTENTS,
      retrieveSessionInfo: () => session,
      updateSessionInfo: (_shardId, info) => {
        session = info ? { ...info, resumeURL: pinGatewayUrl(info.resumeURL, origin) } : null;
      },
    });
    ws.on(WebSocketShardEvents.Dispatch, onDispatch);
    ws.on(WebSocketShardEvents.Closed, (code) => {
      if (!running) return;
      connected = false;
      reconnectAttempts++;
      ctx.logger.info(log, "gateway connection closed; reconnecting", { accountId: ctx.accountId, code });
    });
    ws.on(WebSocketShardEvents.Error, (error) => fail(`Discord gateway: ${error.message}`));
    manager = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once(WebSocketShardEvents.Ready, () => resolve());
      ws.once(WebSocketShardEvents.Resumed, () => resolve());
      ws.once(WebSocketShardEvents.Error, (error) => reject(error));
      ws.connect().catch(reject);
    });
  };

  const attempt = async (n: number): Promise<void> => {
    try {
      await connect();
    } catch (error) {
      await shutdown();
      if (error instanceof DiscordAPIError && error.status === 401) {
        fail("Discord rejected the bot token (401 Unauthorized); check channels.discord.token");
        return;
      }
      if (error instanceof Error && error.message === "Authentication failed") {
        fail("Discord gateway refused the bot token (4004 Authentication failed); check channels.discord.token");
        return;
      }
      fail(`Discord unreachable: ${error instanceof Error ? error.message : String(error)}`);
      if (!running) return;
      reconnectAttempts++;
      retry = setTimeout(() => void attempt(n + 1), BACKOFF_MS[Math.min(n, BACKOFF_MS.length - 1)]);
    }
  };

  const shutdown = async () => {
    const ws = manager;
    manager = undefined;
    try {
      await ws?.destroy();
    } catch (error) {
      ctx.logger.debug(log, "gateway connection did not close cleanly", { accountId: ctx.accountId, error: String(error) });
    }
  };

  const dmChannel = async (userId: string): Promise<string> => {
    const known = dmChannels.get(userId);
    if (known) return known;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    dmChannels.set(userId, channel.id);
    return channel.id;
  };

  const post = async (channelId: string, message: OutboundMessage): Promise<SentMessage> => {
    const body: Record<string, unknown> = {
      content: message.text,
      // Upstream suppresses link embeds on outbound messages by default.
      flags: MessageFlags.SuppressEmbeds,
      allowed_mentions: { parse: ["users"], replied_user: false },
    };
    if (message.replyToId) body.message_reference = { message_id: message.replyToId, fail_if_not_exists: false };
    const sent = (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string; channel_id: string };
    return { messageId: sent.id, chatId: sent.channel_id };
  };

  return {
    async start() {
      running = true;
      await attempt(0);
    },
    async stop() {
      running = false;
      connected = false;
      clearTimeout(retry);
      await shutdown();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
    async probe(timeoutMs): Promise<ChannelProbe> {
      const started = ctx.now();
      // @discordjs/rest forgets the token after a 401; a probe asks again with the configured one.
      rest.setToken(token);
      try {
        const me = (await rest.get(Routes.user("@me"), { signal: AbortSignal.timeout(timeoutMs) })) as { id: string; username: string };
        return { ok: true, elapsedMs: ctx.now() - started, bot: { id: me.id, username: me.username } };
      } catch (error) {
        const status = error instanceof DiscordAPIError ? error.status : undefined;
        return { ok: false, elapsedMs: ctx.now() - started, ...(status ? { status } : {}), error: status === 401 ? "401 Unauthorized (bad token)" : error instanceof Error ? error.message : String(error) };
      }
    },
    status(): ChannelAccountSnapshot {
      return {
        accountId: ctx.accountId,
        running,
        connected,
        reconnectAttempts,
        lastConnectedAt,
        lastError,
        ...(bot ? { bot: { id: bot.id, username: bot.username } } : {}),
      };
    },
    async send(message): Promise<SentMessage> {
      const userTarget = /^user:(\d+)$/.exec(message.to);
      try {
        if (userTarget) return await post(await dmChannel(userTarget[1]!), message);
        return await post(dmChannels.get(message.to) ?? message.to, message);
      } catch (error) {
        // A bare id that is not a channel is a user (pairing notices address the sender): open the DM.
        if (error instanceof DiscordAPIError && error.code === UNKNOWN_CHANNEL && !userTarget) return post(await dmChannel(message.to), message).catch(rethrow);
        return rethrow(error);
      }
    },
    async typing(chatId) {
      await rest.post(Routes.channelTyping(chatId));
    },
  };
}

/** Discord's 4xx answers (bad request, missing access, unknown channel) never succeed on retry; 429 and 5xx do. */
function rethrow(error: unknown): never {
  if (error instanceof DiscordAPIError && error.status >= 400 && error.status < 500 && error.status !== 429) throw new PermanentDeliveryError(`${error.status} ${error.message}`);
  throw error;
}

function parseSession(cursor: string | undefined): SessionInfo | null {
  if (!cursor) return null;
  try {
    const s = JSON.parse(cursor) as SessionInfo | null;
    return s && typeof s.sessionId === "string" && typeof s.sequence === "number" ? s : null;
  } catch {
    return null;
  }
}
