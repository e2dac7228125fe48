/**
 * One linked WhatsApp account on Baileys (loaded from the optional install only when the account has a linked
 * session). Inbound: `messages.upsert` -> ../../../../core/channels/whatsapp/message.ts -> the framework's durable
 * inbound path. Type `notify` is live traffic; type `append` carries what arrived while the account was offline, and
 * history: only its recent messages are answered (../../../../core/channels/whatsapp/append-window.ts). Baileys has
 * no acknowledgement to withhold, so a message is stored first and answered from the store; its WhatsApp message id
 * keys it, so a redelivery (after a reconnect or a restart) is never answered twice, and the ids of what the account
 * sent are chosen before sending and kept in the outbox, so the echo of its own reply in self-chat (Baileys hands every
 * sent message back as `append`) is never input, even after a restart.
 * Outbound: `sendMessage(jid, {text})`, quoting the message answered as `replyToMode` asks (while Baileys' message is
 * still at hand); typing as `composing` presence; read receipts for admitted messages (`sendReadReceipts`, not under
 * the self-chat safeguards of a personal number). A closed connection is read by status code (../../../../core/channels/whatsapp/disconnect.ts); the
 * stale-connection watchdog (../../../../core/channels/whatsapp/watchdog.ts) replaces a connection gone quiet.
 */
import type { ChannelAccountContext, ChannelAccountSnapshot, ChannelAdapter, ChannelProbe, InboundMessage, SentMessage } from "../../../../core/channels/contract.ts";
import { mentionRegexes } from "../../../../core/channels/mention-patterns.ts";
import { isPairingHistory, isStaleAppend } from "../../../../core/channels/whatsapp/append-window.ts";
import { selfChatSafeguards, type WhatsAppAccount } from "../../../../core/channels/whatsapp/config.ts";
import { decideClose, WATCHDOG_CLOSE_STATUS } from "../../../../core/channels/whatsapp/disconnect.ts";
import { isGroupJid, jidToSenderId, normalizeJid, toJid } from "../../../../core/channels/whatsapp/jid.ts";
import { readUpsertMessage, type WhatsAppSelf } from "../../../../core/channels/whatsapp/message.ts";
import { appSilenceLimit, WATCHDOG_TIMING, watchdogVerdict, type ConnectionActivity, type WatchdogTiming } from "../../../../core/channels/whatsapp/watchdog.ts";
import { defaultAgentId } from "../../../../core/sessions/keys.ts";
import { readSelf } from "./auth-store.ts";
import { closeStatus, type ConnectionUpdate, type WAMessageLike, type WASocketLike } from "./baileys-types.ts";
import { WhatsAppNotInstalled } from "./extension.ts";
import { loadBaileys, openSocket } from "./socket.ts";

/** Ids of messages this account sent in this process: the echo can come back before the outbox records the id. */
const SENT_IDS_KEPT = 500;
/** Inbound messages kept for quoting them in a reply (upstream keeps a bounded cache too; past it, replies go plain). */
const QUOTABLE_KEPT = 500;

/** Builds an account's adapter; `account` is read again from config per message (hot reload); `timing` is upstream's unless a test shortens it. */
export function whatsappAdapter(ctx: ChannelAccountContext, stateDir: string, authDir: string, account: () => WhatsAppAccount | undefined, timing: WatchdogTiming = WATCHDOG_TIMING): ChannelAdapter {
  const log = "channels/whatsapp";
  let sock: WASocketLike | undefined;
  let self: WhatsAppSelf | undefined;
  let running = false;
  let connected = false;
  let linked = false;
  let healthState: string | undefined;
  let lastError: string | null = null;
  let lastConnectedAt: number | null = null;
  let lastDisconnect: { at: number; status: number | null; error: string } | null = null;
  let reconnectAttempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  /** The open connection's activity; undefined while none is open. */
  let activity: ConnectionActivity | undefined;
  /** When this account last handed a message to the agent, across its connections. */
  let lastHandledInboundAt: number | null = null;
  const sentIds: string[] = [];
  const quotable = new Map<string, WAMessageLike>();

  const fail = (message: string) => {
    lastError = message;
    ctx.logger.warn(log, message, { accountId: ctx.accountId });
  };

  const ownEcho = (id: string) => sentIds.includes(id) || ctx.inbound.sentByAccount(id);

  const remember = (raw: WAMessageLike) => {
    quotable.delete(raw.key.id);
    quotable.set(raw.key.id, raw);
    if (quotable.size > QUOTABLE_KEPT) quotable.delete(quotable.keys().next().value!);
  };

  const onUpsert = ({ messages, type }: { messages: unknown[]; type: string }) => {
    if ((type !== "notify" && type !== "append") || !self) return;
    const current = account();
    if (!current) return;
    const now = ctx.now();
    const regexes = mentionRegexes(ctx.config(), defaultAgentId(ctx.config()));
    const batch: InboundMessage[] = [];
    let history = 0;
    for (const raw of messages) {
      const read = readUpsertMessage(raw, self, regexes);
      if (!read.ok) {
        if (!read.ignored) ctx.inbound.malformed(read.reason);
        continue;
      }
      const m = read.message;
      if (m.selfChat && (current.selfChatMode === false || ownEcho(m.id))) continue;
      const connectedAt = activity?.startedAt ?? now;
      if (type === "append" && isStaleAppend(m.ts, now, { connectedAt, openedAfterRecentInbound: activity?.openedAfterRecentInbound ?? false }, timing)) {
        history++;
        continue;
      }
      const inbound: InboundMessage = { id: m.id, chatId: m.chatJid, chatType: m.chatType, senderId: m.senderId, text: m.text, mentioned: m.mentioned, ts: m.ts };
      if (isPairingHistory(m.ts, connectedAt)) inbound.pairingHistory = true;
      if (m.senderName) inbound.senderName = m.senderName;
      if (m.selfChat) inbound.selfChat = true;
      if (current.replyToMode === "first" || current.replyToMode === "all") {
        inbound.messageId = m.id;
        if (current.replyToMode === "all") inbound.replyToEveryChunk = true;
        remember(raw as WAMessageLike);
      }
      batch.push(inbound);
    }
    if (history > 0) ctx.logger.debug(log, "offline history not answered", { accountId: ctx.accountId, count: history });
    if (batch.length === 0) return;
    lastHandledInboundAt = now;
    if (activity) {
      activity.lastInboundAt = now;
      activity.lastFrameAt = Math.max(activity.lastFrameAt, now);
      activity.openedAfterRecentInbound = false;
    }
    try {
      ctx.inbound.accept(batch);
    } catch (error) {
      ctx.logger.error(log, "inbound messages not stored", { accountId: ctx.accountId, count: batch.length, error: String(error) });
    }
  };

  /** Ends the connection and, while the account runs, opens another as the close decision says. */
  const reconnectAfter = (status: number | undefined, detail: string | undefined) => {
    const decision = decideClose(status, reconnectAttempts, detail);
    lastDisconnect = { at: ctx.now(), status: status ?? null, error: decision.error };
    healthState = decision.healthState;
    if (decision.action === "stop") {
      if (decision.healthState === "logged-out") linked = false;
      fail(decision.error);
      return;
    }
    if (!running) return;
    reconnectAttempts++;
    ctx.logger.info(log, "connection closed; reconnecting", { accountId: ctx.accountId, status, delayMs: decision.delayMs });
    retry = setTimeout(() => void connect(), decision.delayMs);
  };

  const checkWatchdog = () => {
    if (!activity) return;
    const verdict = watchdogVerdict(activity, ctx.now(), timing);
    if (!verdict) return;
    ctx.logger.warn(log, `stale connection: ${verdict}; reconnecting`, { accountId: ctx.accountId });
    close();
    reconnectAfter(WATCHDOG_CLOSE_STATUS, `watchdog-timeout: ${verdict}`);
  };

  const onOpen = (socket: WASocketLike) => {
    const now = ctx.now();
    // A reconnect while the account was recently busy catches up on a wider window (upstream's openedAfterRecentInbound).
    const recent = lastConnectedAt !== null && lastHandledInboundAt !== null && now - lastHandledInboundAt <= appSilenceLimit(timing, false);
    connected = true;
    linked = true;
    healthState = "healthy";
    lastError = null;
    lastConnectedAt = now;
    activity = { startedAt: now, lastFrameAt: now, lastInboundAt: null, openedAfterRecentInbound: recent };
    clearInterval(watchdog);
    watchdog = setInterval(checkWatchdog, timing.checkEveryMs);
    if (socket.user?.id) self = { jid: normalizeJid(socket.user.id), ...(socket.user.lid ? { lid: socket.user.lid } : self?.lid ? { lid: self.lid } : {}) };
    ctx.logger.info(log, "connected", { accountId: ctx.accountId, self: self ? jidToSenderId(self.jid) : undefined });
  };

  const onConnection = (socket: WASocketLike, update: ConnectionUpdate) => {
    if (socket !== sock) return;
    if (update.qr) {
      // WhatsApp offers a QR only to an unlinked session: the stored one is no longer valid.
      linked = false;
      healthState = "logged-out";
      fail("WhatsApp asked to link this session again; run clawgate channels login --channel whatsapp");
      close();
      return;
    }
    if (update.connection === "open") return onOpen(socket);
    if (update.connection !== "close") return;
    forget();
    sock = undefined;
    reconnectAfter(closeStatus(update), update.lastDisconnect?.error?.message);
  };

  const onFrame = () => {
    if (activity) activity.lastFrameAt = ctx.now();
  };

  const connect = async (): Promise<void> => {
    if (!running) return;
    const stored = readSelf(authDir);
    if (!stored) {
      linked = false;
      return;
    }
    linked = true;
    self = { jid: normalizeJid(stored.jid), ...(stored.lid ? { lid: stored.lid } : {}) };
    let socket: WASocketLike;
    try {
      socket = await openSocket(stateDir, authDir);
    } catch (error) {
      fail(error instanceof WhatsAppNotInstalled ? error.message : `WhatsApp could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!running) {
      socket.end(undefined);
      return;
    }
    sock = socket;
    socket.ev.on("connection.update", (update) => onConnection(socket, update));
    socket.ev.on("messages.upsert", onUpsert);
    socket.ws?.on("frame", onFrame);
  };

  /** Drops the open connection's state: no watchdog without a connection. */
  const forget = () => {
    connected = false;
    activity = undefined;
    clearInterval(watchdog);
    watchdog = undefined;
  };

  const close = () => {
    const socket = sock;
    sock = undefined;
    forget();
    if (!socket) return;
    socket.ev.removeAllListeners("connection.update");
    socket.ev.removeAllListeners("messages.upsert");
    socket.ws?.off("frame", onFrame);
    try {
      socket.end(undefined);
    } catch (error) {
      ctx.logger.debug(log, "connection did not close cleanly", { accountId: ctx.accountId, error: String(error) });
    }
  };

  const live = (): WASocketLike => {
    if (!sock || !connected) throw new Error("WhatsApp is not connected");
    return sock;
  };

  return {
    async start() {
      running = true;
      await connect();
    },
    async stop() {
      running = false;
      clearTimeout(retry);
      close();
    },
    async probe(): Promise<ChannelProbe> {
      if (!linked) return { ok: false, error: "not linked" };
      if (!connected) return { ok: false, error: lastError ?? "not connected" };
      return { ok: true, ...(self ? { self: { e164: jidToSenderId(self.jid), jid: self.jid } } : {}) };
    },
    status(): ChannelAccountSnapshot {
      return {
        accountId: ctx.accountId,
        running,
        connected,
        linked,
        reconnectAttempts,
        lastConnectedAt,
        lastDisconnect,
        lastError,
        ...(activity ? { lastTransportActivityAt: activity.lastFrameAt } : {}),
        ...(healthState ? { healthState } : {}),
        ...(self ? { self: { e164: jidToSenderId(self.jid), jid: self.jid } } : {}),
      };
    },
    async send(message): Promise<SentMessage> {
      const jid = toJid(message.to);
      const socket = live();
      const quoted = message.replyToId ? quotable.get(message.replyToId) : undefined;
      // The id is chosen before sending: Baileys hands the sent message back as an `append` upsert at once, and in
      // self-chat that echo must already be known as the account's own.
      const messageId = (await loadBaileys(stateDir)).generateMessageIDV2(socket.user?.id);
      sentIds.push(messageId);
      sentIds.splice(0, Math.max(0, sentIds.length - SENT_IDS_KEPT));
      const sent = await socket.sendMessage(jid, { text: message.text }, { messageId, ...(quoted ? { quoted } : {}) });
      const id = sent?.key.id;
      if (!id) throw new Error("WhatsApp did not return a message id");
      return { messageId: id, chatId: jid };
    },
    async typing(chatId) {
      await live().sendPresenceUpdate("composing", toJid(chatId));
    },
    async markRead(message) {
      const current = account();
      if (!current?.sendReadReceipts || selfChatSafeguards(current, self && jidToSenderId(self.jid))) return;
      const participant = isGroupJid(message.chatId) ? toJid(message.senderId) : undefined;
      await live().readMessages([{ remoteJid: message.chatId, id: message.id, fromMe: false, ...(participant ? { participant } : {}) }]);
    },
  };
}
