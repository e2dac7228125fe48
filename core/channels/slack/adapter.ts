/**
 * One Slack bot account on the official clients, `@slack/web-api` and `@slack/socket-mode` (loaded only when an
 * account runs). Socket Mode (default): each `events_api` envelope is acknowledged by `envelope_id` only after its
 * message is in the framework's durable inbound store, so an envelope lost to a crash is redelivered by Slack and
 * stored once (ids are channel + ts). HTTP Events mode: `handle()` serves `webhookPath`, verifying Slack's signature
 * before anything is read and answering 200 only once the message is stored. Socket Mode sessions that drop are
 * restarted with upstream's back-off (about 2 s growing to 30 s); invalid credentials are not retried.
 * Runtime-agnostic: the clients are built on node: APIs (undici) that Bun, Node and Deno all provide
 * (test/deno/discord-slack.deno.ts).
 */
import { SocketModeClient } from "@slack/socket-mode";
import { ErrorCode, WebClient, type Logger as SlackLogger, LogLevel } from "@slack/web-api";
import { PermanentDeliveryError, type ChannelAccountContext, type ChannelAccountSnapshot, type ChannelAdapter, type ChannelProbe, type InboundMessage, type SentMessage } from "../contract.ts";
import { ownerPresenceDropReason, slackDropReason } from "./admission.ts";
import { channelMembers, MEMBERS_CACHE_TTL_MS, type MembersPage } from "./channel-members.ts";
import { replyToModeFor, type SlackAccount } from "./config.ts";
import { readSlackEvent, type SlackMessage } from "./event.ts";
import { slackSignatureProblem } from "./signature.ts";

const BACKOFF_MS = [2_000, 4_000, 8_000, 16_000, 30_000];
/** Upstream's fixed Socket Mode pong timeout. */
const PONG_TIMEOUT_MS = 15_000;
/** Slack event bodies are small; anything larger is not Slack. */
const MAX_EVENT_BYTES = 1024 * 1024;
/** Slack errors that no retry fixes. */
const AUTH_ERRORS = new Set(["not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "user_removed_from_team", "team_disabled", "missing_scope"]);

/** `membersTtlMs`: how long a channel's member list is kept for the owner-presence check (./channel-members.ts). */
export function slackAdapter(ctx: ChannelAccountContext, apiUrl: string, account: () => SlackAccount | undefined, membersTtlMs = MEMBERS_CACHE_TTL_MS): ChannelAdapter {
  const log = "channels/slack";
  const initial = account();
  if (!initial?.botToken) throw new Error("Slack bot token missing (channels.slack.botToken or SLACK_BOT_TOKEN)");
  const { mode, botToken, appToken, signingSecret, webhookPath } = initial;
  const slackLogger = bridgeLogger(ctx, log);
  // No client-side retries: the outbox retries failed sends, and a start failure has its own back-off.
  const web = new WebClient(botToken, { slackApiUrl: apiUrl, logger: slackLogger, retryConfig: { retries: 0 } });
  let socket: SocketModeClient | undefined;
  let bot: { id: string; botId?: string; name: string; teamId: string; team: string } | undefined;
  let running = false;
  let connected = false;
  let lastError: string | null = null;
  let lastConnectedAt: number | null = null;
  let reconnectAttempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  const fail = (message: string) => {
    lastError = message;
    ctx.logger.warn(log, message, { accountId: ctx.accountId });
  };

  const members = channelMembers((channel, cursor) => web.conversations.members({ channel, limit: 999, ...(cursor ? { cursor } : {}) }) as Promise<MembersPage>, ctx.now, membersTtlMs);

  /**
   * Stores one event's message; false when the store refused (the event must not be acknowledged). Synchronous, so
   * the acknowledgement follows the store at once, except for a bot the channel does not list, which waits for the
   * owner-presence lookup.
   */
  const take = (event: unknown): boolean | Promise<boolean> => {
    const current = account();
    if (!bot || !current) return false;
    const read = readSlackEvent(event, bot.id, bot.botId);
    if (!read.ok) {
      if (!read.ignored) ctx.inbound.malformed(read.reason);
      return true;
    }
    const m = read.message;
    const dropped = slackDropReason(current, m);
    if (dropped === "bot-not-listed") return ownerPresenceDropReason(current.access.allowFrom, m.channel, members).then((reason) => store(current, m, reason));
    return store(current, m, dropped);
  };

  const store = (current: SlackAccount, m: SlackMessage, dropped: string | undefined): boolean => {
    if (dropped) {
      ctx.logger.debug(log, "message not admitted", { accountId: ctx.accountId, channel: m.channel, reason: dropped });
      return true;
    }
    const inbound: InboundMessage = {
      id: m.id,
      chatId: m.channel,
      chatType: m.chatType,
      senderId: m.senderId,
      text: m.text,
      mentioned: m.mentioned,
      ts: Math.round(Number(m.ts) * 1000),
    };
    if (m.chatType === "group") {
      // Upstream keys Slack channels as "channel", group DMs (mpim) as "group", and their threads as "thread".
      inbound.groupKind = m.groupDm ? "group" : "channel";
      inbound.threadKind = "thread";
    }
    // Inside a thread the answer stays in it; a top-level message starts one only when replyToMode asks (in a DM the
    // thread is where the answer goes, not a session of its own).
    const mode = replyToModeFor(current, m.chatType === "direct" ? "direct" : m.groupDm ? "group" : "channel", m.channel);
    const thread = m.threadTs ?? (mode !== "off" ? m.ts : undefined);
    if (thread) inbound.threadId = thread;
    try {
      ctx.inbound.accept([inbound]);
      return true;
    } catch (error) {
      ctx.logger.error(log, "inbound message not stored; Slack will redeliver it", { accountId: ctx.accountId, error: String(error) });
      return false;
    }
  };

  const identify = async () => {
    const me = await web.auth.test();
    bot = { id: String(me.user_id), ...(me.bot_id ? { botId: String(me.bot_id) } : {}), name: String(me.user), teamId: String(me.team_id), team: String(me.team) };
  };

  const openSocket = async () => {
    const client = new SocketModeClient({
      appToken: appToken!,
      logger: slackLogger,
      clientPingTimeout: PONG_TIMEOUT_MS,
      // Restarts are ours (bounded back-off below); the SDK's would wait a pong timeout per failure.
      autoReconnectEnabled: false,
      clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 0 } },
    });
    client.on("slack_event", async ({ ack, type, body }: { ack: () => Promise<void>; type: string; body?: { event?: unknown } }) => {
      if (type === "events_api") {
        const stored = take(body?.event);
        if (!(typeof stored === "boolean" ? stored : await stored)) return;
      }
      await ack().catch((error: unknown) => ctx.logger.debug(log, "ack not sent; Slack will redeliver", { accountId: ctx.accountId, error: String(error) }));
    });
    client.on("connected", () => {
      connected = true;
      lastError = null;
      failures = 0;
      lastConnectedAt = ctx.now();
    });
    client.on("disconnected", () => {
      connected = false;
      if (!running || socket !== client) return;
      ctx.logger.info(log, "Socket Mode connection closed; reconnecting", { accountId: ctx.accountId });
      schedule();
    });
    socket = client;
    await client.start();
  };

  const attempt = async () => {
    try {
      if (!bot) await identify();
      if (mode === "socket") await openSocket();
    } catch (error) {
      const code = slackError(error);
      if (code && AUTH_ERRORS.has(code)) {
        fail(`Slack refused the ${!bot ? "bot token" : "app token"} (${code}); check channels.slack.${!bot ? "botToken" : "appToken"}`);
        return;
      }
      fail(`Slack unreachable: ${error instanceof Error ? error.message : String(error)}`);
      schedule();
    }
  };

  const schedule = () => {
    if (!running) return;
    clearTimeout(retry);
    reconnectAttempts++;
    retry = setTimeout(() => void attempt(), BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)]);
  };

  /** HTTP Events mode: Slack POSTs each event here; 200 only once it is stored, so Slack retries otherwise. */
  const handle = async (req: Request): Promise<Response> => {
    if (!signingSecret || !running) return Response.json({ error: "slack events not served" }, { status: 404 });
    if (Number(req.headers.get("content-length") ?? 0) > MAX_EVENT_BYTES) return Response.json({ error: "payload too large" }, { status: 413 });
    const body = await req.text();
    if (body.length > MAX_EVENT_BYTES) return Response.json({ error: "payload too large" }, { status: 413 });
    const problem = await slackSignatureProblem(signingSecret, req.headers.get("x-slack-request-timestamp"), req.headers.get("x-slack-signature"), body, Math.floor(ctx.now() / 1000));
    if (problem) {
      ctx.logger.warn(log, `slack event refused: ${problem}`, { accountId: ctx.accountId });
      return Response.json({ error: "invalid signature" }, { status: 401 });
    }
    let payload: { type?: string; challenge?: string; event?: unknown };
    try {
      payload = JSON.parse(body);
    } catch {
      ctx.inbound.malformed("slack event body is not JSON");
      return Response.json({ error: "body must be JSON" }, { status: 400 });
    }
    if (payload.type === "url_verification") return Response.json({ challenge: payload.challenge });
    if (payload.type === "event_callback") {
      if (!bot) await identify().catch(() => undefined);
      if (!(await take(payload.event))) return Response.json({ error: "not stored" }, { status: 503 });
    }
    return new Response(null, { status: 200 });
  };

  return {
    ...(mode === "http" ? { webhook: { path: webhookPath, handle } } : {}),
    async start() {
      running = true;
      await attempt();
    },
    async stop() {
      running = false;
      connected = false;
      clearTimeout(retry);
      const client = socket;
      socket = undefined;
      await client?.disconnect().catch(() => undefined);
    },
    async probe(timeoutMs): Promise<ChannelProbe> {
      const started = ctx.now();
      try {
        const me = await withTimeout(web.auth.test(), timeoutMs);
        return { ok: true, elapsedMs: ctx.now() - started, bot: { id: me.user_id, name: me.user }, team: { id: me.team_id, name: me.team } };
      } catch (error) {
        return { ok: false, elapsedMs: ctx.now() - started, error: slackError(error) ?? (error instanceof Error ? error.message : String(error)) };
      }
    },
    status(): ChannelAccountSnapshot {
      return {
        accountId: ctx.accountId,
        running,
        // HTTP mode holds no connection: Slack POSTs to it.
        ...(mode === "socket" ? { connected, reconnectAttempts, lastConnectedAt } : {}),
        lastError,
        ...(bot ? { bot: { id: bot.id, name: bot.name }, team: { id: bot.teamId, name: bot.team } } : {}),
      };
    },
    async send(message): Promise<SentMessage> {
      try {
        const sent = await web.chat.postMessage({
          channel: message.to,
          text: message.text,
          ...(message.threadId ? { thread_ts: message.threadId } : {}),
          // Upstream's default: no link or media unfurls.
          unfurl_links: false,
          unfurl_media: false,
        });
        return { messageId: String(sent.ts), chatId: String(sent.channel) };
      } catch (error) {
        const code = slackError(error);
        if (code && code !== "ratelimited") throw new PermanentDeliveryError(code);
        throw error;
      }
    },
    // Slack has no typing indicator for bots over the Web API.
    async typing() {},
  };
}

/** The `error` code of a Slack platform error (`ok:false` answer), if that is what `error` is. */
function slackError(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } };
  return e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The SDKs' log lines into the gateway log at debug, their own debug lines dropped: those carry message bodies and
 * the Socket Mode ticket URL. Their errors are reported by this adapter instead.
 */
function bridgeLogger(ctx: ChannelAccountContext, subsystem: string): SlackLogger {
  const line = (...msg: unknown[]) => ctx.logger.debug(subsystem, msg.map(String).join(" "), { accountId: ctx.accountId });
  return { debug: () => {}, info: line, warn: line, error: line, setLevel: () => {}, getLevel: () => LogLevel.INFO, setName: () => {} };
}
