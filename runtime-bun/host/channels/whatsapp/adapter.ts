/**
 * One linked WhatsApp account on Baileys (loaded from the optional install only when the account has a linked
 * session). Inbound: `messages.upsert` of type `notify` -> ../../../../core/channels/whatsapp/message.ts -> the
 * framework's durable inbound path. Baileys has no acknowledgement to withhold, so a message is stored first and
 * answered from the store; its WhatsApp message id keys it, so a redelivery (after a reconnect or a restart) is never
 * answered twice. Outbound: `sendMessage(jid, {text})`, typing as `composing` presence. A closed connection is read
 * by status code (../../../../core/channels/whatsapp/disconnect.ts): logged out and replaced stop with a status that
 * says what to do, 515 reconnects at once, the rest reconnect with back-off.
 */
import type { ChannelAccountContext, ChannelAccountSnapshot, ChannelAdapter, ChannelProbe, InboundMessage, SentMessage } from "../../../../core/channels/contract.ts";
import type { WhatsAppAccount } from "../../../../core/channels/whatsapp/config.ts";
import { decideClose } from "../../../../core/channels/whatsapp/disconnect.ts";
import { jidToSenderId, normalizeJid, toJid } from "../../../../core/channels/whatsapp/jid.ts";
import { readUpsertMessage, type WhatsAppSelf } from "../../../../core/channels/whatsapp/message.ts";
import { readSelf } from "./auth-store.ts";
import { closeStatus, type ConnectionUpdate, type WASocketLike } from "./baileys-types.ts";
import { WhatsAppNotInstalled } from "./extension.ts";
import { openSocket } from "./socket.ts";

/** Ids of messages this account sent, remembered so their echo (self-chat) is never taken as input. */
const SENT_IDS_KEPT = 500;

/** Builds an account's adapter; `account` is read again from config per message (hot reload). */
export function whatsappAdapter(ctx: ChannelAccountContext, stateDir: string, authDir: string, account: () => WhatsAppAccount | undefined): ChannelAdapter {
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
  const sentIds: string[] = [];

  const fail = (message: string) => {
    lastError = message;
    ctx.logger.warn(log, message, { accountId: ctx.accountId });
  };

  const onUpsert = ({ messages, type }: { messages: unknown[]; type: string }) => {
    // "append" carries history and this device's own sends; only "notify" is new traffic.
    if (type !== "notify" || !self) return;
    const current = account();
    if (!current) return;
    const batch: InboundMessage[] = [];
    for (const raw of messages) {
      const read = readUpsertMessage(raw, self);
      if (!read.ok) {
        if (!read.ignored) ctx.inbound.malformed(read.reason);
        continue;
      }
      const m = read.message;
      if (sentIds.includes(m.id)) continue;
      if (m.selfChat && current.selfChatMode === false) continue;
      const inbound: InboundMessage = { id: m.id, chatId: m.chatJid, chatType: m.chatType, senderId: m.senderId, text: m.text, mentioned: m.mentioned, ts: m.ts };
      if (m.senderName) inbound.senderName = m.senderName;
      if (m.selfChat) inbound.selfChat = true;
      batch.push(inbound);
    }
    if (batch.length === 0) return;
    try {
      ctx.inbound.accept(batch);
    } catch (error) {
      ctx.logger.error(log, "inbound messages not stored", { accountId: ctx.accountId, count: batch.length, error: String(error) });
    }
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
    if (update.connection === "open") {
      connected = true;
      linked = true;
      healthState = "healthy";
      lastError = null;
      lastConnectedAt = ctx.now();
      if (socket.user?.id) self = { jid: normalizeJid(socket.user.id), ...(socket.user.lid ? { lid: socket.user.lid } : self?.lid ? { lid: self.lid } : {}) };
      ctx.logger.info(log, "connected", { accountId: ctx.accountId, self: self ? jidToSenderId(self.jid) : undefined });
      return;
    }
    if (update.connection !== "close") return;
    connected = false;
    const status = closeStatus(update);
    const decision = decideClose(status, reconnectAttempts, update.lastDisconnect?.error?.message);
    lastDisconnect = { at: ctx.now(), status: status ?? null, error: decision.error };
    sock = undefined;
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
  };

  const close = () => {
    const socket = sock;
    sock = undefined;
    connected = false;
    if (!socket) return;
    socket.ev.removeAllListeners("connection.update");
    socket.ev.removeAllListeners("messages.upsert");
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
        ...(healthState ? { healthState } : {}),
        ...(self ? { self: { e164: jidToSenderId(self.jid), jid: self.jid } } : {}),
      };
    },
    async send(message): Promise<SentMessage> {
      const jid = toJid(message.to);
      const sent = await live().sendMessage(jid, { text: message.text });
      const id = sent?.key.id;
      if (!id) throw new Error("WhatsApp did not return a message id");
      sentIds.push(id);
      sentIds.splice(0, Math.max(0, sentIds.length - SENT_IDS_KEPT));
      return { messageId: id, chatId: jid };
    },
    async typing(chatId) {
      await live().sendPresenceUpdate("composing", toJid(chatId));
    },
  };
}
