/**
 * The one inbound path every channel uses, and the outbox every reply leaves
 * through. An inbound message is stored before its service is acknowledged
 * (`accept`), then: access policy -> sender pairing -> session key -> agent
 * turn (typing shown meanwhile) -> the reply, chunked, written to the outbox
 * in the same transaction that marks the message answered -> delivered from
 * the outbox. A crash at any point leaves either a queued message (answered
 * after restart) or pending chunks (sent after restart); nothing answered
 * before is answered again. Runtime-agnostic.
 */
import type { Agents } from "../agent/agents.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { Logger } from "../runtime.ts";
import type { SenderPairing } from "../sender-pairing/sender-pairing.ts";
import { defaultAgentId, mainSessionKey } from "../sessions/keys.ts";
import type { ChannelInboundRecord, ChannelOutboxRecord, ChannelStore } from "../store.ts";
import { decideAccess } from "./access.ts";
import { chunkText } from "./chunk.ts";
import { chunkWithinRendered } from "./rendered-chunks.ts";
import { PermanentDeliveryError, type ChannelAccountConfig, type ChannelAdapter, type ChannelPlugin, type InboundMessage, type InboundSink } from "./contract.ts";
import { channelSessionKey } from "./session-key.ts";

/** Queued messages one sender may have waiting per account; more are recorded and dropped (flood bound). */
export const MAX_QUEUED_PER_SENDER = 20;
/** Telegram shows "typing…" for about 5 s; refresh a little sooner. */
const TYPING_INTERVAL_MS = 4_000;
/** Back-off between outbox retries of one account after a failed send. */
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/** Upstream's pairing reply (src/pairing/pairing-messages.ts), with the CLI that approves here. */
export function pairingReply(channel: string, idLine: string, code: string): string {
  return [
    "OpenClaw: access not configured.", "", idLine, "Pairing code:", "```", code, "```", "",
    "Ask the bot owner to approve with:", "```", `clawgate pairing approve ${channel} ${code}`, "```",
  ].join("\n");
}

/** Upstream's `--notify` text after an approval. */
export const PAIRING_APPROVED_MESSAGE = "✅ OpenClaw access approved. Send a message to start chatting.";

/** A running account as the pipeline reaches it. */
export interface LiveAccount {
  plugin: ChannelPlugin;
  account: () => ChannelAccountConfig | undefined;
  adapter: ChannelAdapter;
  lastInboundAt?: number;
  lastOutboundAt?: number;
}

export interface PipelineDeps {
  store: ChannelStore;
  agents: Pick<Agents, "runs" | "sessions">;
  senders: Pick<SenderPairing, "request" | "isAllowed">;
  config(): OpenClawConfig;
  now(): number;
  logger: Logger;
  /** The running adapter of an account, if it runs. */
  live(channel: string, accountId: string): LiveAccount | undefined;
}

function accountKey(channel: string, accountId: string): string {
  return `${channel}\0${accountId}`;
}

/**
 * A text cut for one account: its chunk limit under the service's own, its line cap where it has one, its chunk
 * mode; where the service gets chunks rendered (Telegram's HTML), the rendered form is what stays within the limit.
 */
function replyChunks(text: string, plugin: ChannelPlugin, account: ChannelAccountConfig): string[] {
  const { textChunkLimit, maxLinesPerMessage, chunkMode } = account.access;
  const options = { limit: Math.min(textChunkLimit, plugin.maxTextLength), maxLines: maxLinesPerMessage, mode: chunkMode };
  return plugin.renderedLength ? chunkWithinRendered(text, options, plugin.renderedLength) : chunkText(text, options);
}

export class ChannelPipeline {
  /** Per chat: the tail of its processing chain, so one chat's messages are answered in order. */
  private readonly chats = new Map<string, Promise<void>>();
  /** Inbound ids being processed now (a restart scan never doubles them). */
  private readonly busy = new Set<string>();
  /** Per account: the outbox drain in progress and its retry timer. */
  private readonly draining = new Map<string, Promise<void>>();
  private readonly retryTimers = new Map<string, { timer: ReturnType<typeof setTimeout>; attempt: number }>();
  private stopped = false;

  constructor(private readonly deps: PipelineDeps) {}

  /** The durable inbound path handed to one account's adapter. */
  sink(channel: string, accountId: string): InboundSink {
    const { store, now, logger } = this.deps;
    return {
      accept: (messages, cursor) => {
        const fresh: ChannelInboundRecord[] = [];
        let flooded = 0;
        store.transaction(() => {
          for (const message of messages) {
            const over = store.countQueuedFrom(channel, accountId, message.senderId) >= MAX_QUEUED_PER_SENDER;
            const record: ChannelInboundRecord = {
              channel, accountId, id: message.id, state: over ? "done" : "queued", receivedAtMs: now(),
              message: message as unknown as ChannelInboundRecord["message"], ...(over ? { outcome: "flood" } : {}),
            };
            if (!store.insertInbound(record)) continue;
            if (over) flooded++;
            else fresh.push(record);
          }
          if (cursor !== undefined) store.putCursor(channel, accountId, cursor);
        });
        if (flooded > 0) logger.warn(`channels/${channel}`, "sender flood: messages over the queue bound were dropped", { accountId, dropped: flooded, bound: MAX_QUEUED_PER_SENDER });
        const live = this.deps.live(channel, accountId);
        if (live && fresh.length > 0) live.lastInboundAt = now();
        for (const record of fresh) this.schedule(record);
        return fresh.length;
      },
      cursor: () => store.getCursor(channel, accountId),
      sentByAccount: (messageId) => store.sentMessage(channel, accountId, messageId),
      malformed: (reason, detail) => logger.warn(`channels/${channel}`, `malformed update skipped: ${reason}`, { accountId, ...detail }),
    };
  }

  /** Picks up what a previous process left: queued messages and pending chunks of a now-running account. */
  resume(channel: string, accountId: string): void {
    for (const record of this.deps.store.listQueuedInbound()) {
      if (record.channel === channel && record.accountId === accountId) this.schedule(record);
    }
    this.drain(channel, accountId);
  }

  stop(): void {
    this.stopped = true;
    for (const { timer } of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /** Queues `record` behind earlier messages of its chat. */
  private schedule(record: ChannelInboundRecord): void {
    const id = `${accountKey(record.channel, record.accountId)}\0${record.id}`;
    if (this.busy.has(id)) return;
    this.busy.add(id);
    const chat = `${accountKey(record.channel, record.accountId)}\0${record.message.chatId}`;
    const next = (this.chats.get(chat) ?? Promise.resolve())
      .then(() => this.process(record))
      .catch((error: unknown) => this.deps.logger.error(`channels/${record.channel}`, "inbound message failed", { accountId: record.accountId, id: record.id, error: String(error) }))
      .finally(() => this.busy.delete(id));
    this.chats.set(chat, next);
    void next.finally(() => {
      if (this.chats.get(chat) === next) this.chats.delete(chat);
    });
  }

  private async process(record: ChannelInboundRecord): Promise<void> {
    const { channel, accountId } = record;
    const live = this.deps.live(channel, accountId);
    const account = live?.account();
    // A stopped account keeps its queue; `resume` picks it up when it runs again.
    if (!live || !account || this.stopped) return;
    const message = record.message as unknown as InboundMessage;
    const { store, senders, logger } = this.deps;
    const decision = decideAccess(account.access, message, senders.isAllowed(channel, accountId, message.senderId));
    // Read receipts go to admitted senders, also in a group where the message did not mention the account (upstream
    // marks read before its mention gate); never to refused or unpaired senders.
    if (live.adapter.markRead && (decision.kind === "allow" || (decision.kind === "drop" && decision.reason === "no-mention"))) {
      void live.adapter.markRead(message).catch((error: unknown) => logger.debug(`channels/${channel}`, "read receipt failed", { accountId, id: record.id, error: String(error) }));
    }
    if (decision.kind === "drop") {
      logger.info(`channels/${channel}`, "inbound message not for the agent", { accountId, chatId: message.chatId, senderId: message.senderId, reason: decision.reason });
      store.finishInbound(channel, accountId, record.id, decision.reason);
      return;
    }
    if (decision.kind === "pair" && message.pairingHistory) {
      // Upstream's "Skipping pairing reply for historical DM": no request, no code for what was sent long before.
      logger.info(`channels/${channel}`, "pairing reply skipped for historical message", { accountId, senderId: message.senderId });
      store.finishInbound(channel, accountId, record.id, "pairing-history");
      return;
    }
    if (decision.kind === "pair") {
      store.transaction(() => {
        const status = senders.request({ channel, accountId, senderId: message.senderId, meta: senderMeta(message) });
        // As upstream, the code goes out only when the request is new (about once per expiry per sender).
        if (status.status === "pending" && status.created) {
          logger.info(`channels/${channel}`, `${channel} pairing request`, { accountId, senderUserId: message.senderId });
          this.enqueueReply(record, live.plugin, account, pairingReply(channel, live.plugin.senderIdLine(message.senderId), status.code));
        }
        store.finishInbound(channel, accountId, record.id, status.status === "pending" ? "pairing" : `pairing-${status.status}`);
      });
      this.drain(channel, accountId);
      return;
    }
    const text = await this.runAgent(live, account, message);
    if (this.stopped) return;
    store.transaction(() => {
      if (text) this.enqueueReply(record, live.plugin, account, text);
      store.finishInbound(channel, accountId, record.id, text ? "replied" : "no-reply");
    });
    this.drain(channel, accountId);
  }

  /** One agent turn for `message`, with typing shown until it ends; resolves to the reply text. */
  private async runAgent(live: LiveAccount, account: ChannelAccountConfig, message: InboundMessage): Promise<string> {
    const config = this.deps.config();
    const agentId = defaultAgentId(config);
    const key = channelSessionKey(config, agentId, live.plugin.id, account.accountId, message);
    // This conversation is now the session's, and the agent's, last one: where `channel: "last"` announcements go.
    const route = { channel: live.plugin.id, to: message.chatId, accountId: account.accountId, ...(message.threadId ? { threadId: message.threadId } : {}) };
    const { sessions } = this.deps.agents;
    sessions.recordRoute({ key, agentId }, route);
    const main = mainSessionKey(agentId);
    if (main !== key) sessions.recordRoute({ key: main, agentId }, route);
    const typing = () => live.adapter.typing(message.chatId, message.threadId).catch((error: unknown) => {
      this.deps.logger.debug(`channels/${live.plugin.id}`, "typing indicator failed", { accountId: account.accountId, error: String(error) });
    });
    void typing();
    const timer = setInterval(typing, TYPING_INTERVAL_MS);
    try {
      const run = this.deps.agents.runs.start({ runId: crypto.randomUUID(), target: { key, agentId }, message: message.text, kind: "agent" });
      const outcome = await run.done;
      if (outcome.status === "ok") return outcome.text.trim();
      // A turn that failed still answers, so the sender is never left waiting in silence.
      return outcome.status === "aborted" || outcome.status === "interrupted" ? "" : (outcome.error ?? outcome.text).trim();
    } finally {
      clearInterval(timer);
    }
  }

  /** Writes a reply's chunks to the outbox (inside the caller's transaction). */
  private enqueueReply(record: ChannelInboundRecord, plugin: ChannelPlugin, account: ChannelAccountConfig, text: string): void {
    const message = record.message as unknown as InboundMessage;
    const chunks = replyChunks(text, plugin, account);
    chunks.forEach((chunk, i) => {
      this.deps.store.enqueueOutbox({
        channel: record.channel, accountId: record.accountId, key: `reply:${record.accountId}:${record.id}:${i}`, state: "pending",
        to: message.chatId, text: chunk, createdAtMs: this.deps.now(),
        // The first chunk threads to the message it answers (every chunk, when the channel asks).
        ...((i === 0 || message.replyToEveryChunk) && message.messageId ? { replyToId: message.messageId } : {}),
        ...(message.threadId ? { threadId: message.threadId } : {}),
      });
    });
  }

  /**
   * Sends text through the outbox: stored first, then delivered. A repeated
   * `key` returns the stored chunks (and their outcome) instead of sending again.
   */
  async send(input: { channel: string; accountId: string; to: string; text: string; key: string; replyToId?: string; threadId?: string }, plugin: ChannelPlugin, account: ChannelAccountConfig): Promise<ChannelOutboxRecord[]> {
    const { store, now } = this.deps;
    const chunks = replyChunks(input.text, plugin, account);
    const records = store.transaction(() => chunks.map((chunk, i) => store.enqueueOutbox({
      channel: input.channel, accountId: input.accountId, key: `${input.key}:${i}`, state: "pending", to: input.to, text: chunk, createdAtMs: now(),
      ...(i === 0 && input.replyToId ? { replyToId: input.replyToId } : {}), ...(input.threadId ? { threadId: input.threadId } : {}),
    })));
    await this.drain(input.channel, input.accountId);
    return records.map((r) => store.getOutbox(r.channel, r.key) ?? r);
  }

  /** Delivers an account's pending chunks in order; one drain per account at a time. */
  drain(channel: string, accountId: string): Promise<void> {
    const key = accountKey(channel, accountId);
    const running = this.draining.get(key);
    if (running) return running.then(() => this.drain(channel, accountId));
    const run = this.deliverPending(channel, accountId).finally(() => this.draining.delete(key));
    this.draining.set(key, run);
    return run;
  }

  private async deliverPending(channel: string, accountId: string): Promise<void> {
    const { store, logger, now } = this.deps;
    for (const row of store.listPendingOutbox()) {
      if (row.channel !== channel || row.accountId !== accountId) continue;
      const live = this.deps.live(channel, accountId);
      if (!live || this.stopped) return;
      try {
        const sent = await live.adapter.send({ to: row.to, text: row.text, ...(row.replyToId ? { replyToId: row.replyToId } : {}), ...(row.threadId ? { threadId: row.threadId } : {}) });
        store.settleOutbox(row.seq, { state: "sent", atMs: now(), messageId: sent.messageId });
        live.lastOutboundAt = now();
        this.retryTimers.delete(accountKey(channel, accountId));
      } catch (error) {
        if (error instanceof PermanentDeliveryError) {
          logger.warn(`channels/${channel}`, `message refused: ${error.message}`, { accountId, to: row.to });
          store.settleOutbox(row.seq, { state: "failed", atMs: now(), error: error.message });
          continue;
        }
        logger.warn(`channels/${channel}`, `send failed; will retry: ${String(error)}`, { accountId, to: row.to });
        this.retryLater(channel, accountId);
        return;
      }
    }
  }

  private retryLater(channel: string, accountId: string): void {
    const key = accountKey(channel, accountId);
    const previous = this.retryTimers.get(key);
    if (previous) clearTimeout(previous.timer);
    const attempt = (previous?.attempt ?? -1) + 1;
    const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
    const timer = setTimeout(() => void this.drain(channel, accountId), delay);
    this.retryTimers.set(key, { timer, attempt });
  }
}

function senderMeta(message: InboundMessage): Record<string, string> {
  const meta: Record<string, string> = {};
  if (message.senderName) meta.name = message.senderName;
  if (message.senderUsername) meta.username = message.senderUsername;
  return meta;
}
