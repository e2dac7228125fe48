/**
 * WebChat methods (spec §6): `chat.send` starts a turn whose output flows as
 * `chat`/`agent` events, `chat.history` pages the transcript, `chat.abort`
 * stops runs. The idempotency key is the run id; a repeated key never starts
 * a second run. Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import type { RunOutcome } from "../../agent/runs.ts";
import { RunStop } from "../../agent/runs.ts";
import { primaryModel } from "../../agent/models.ts";
import { DedupeCache } from "../../agent/dedupe.ts";
import { resetCommand, resetSession } from "../../agent/reset.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import { chatMessage, sessionRow, type SessionTarget } from "../../sessions/sessions.ts";
import type { SessionRecord, TranscriptMessage } from "../../store.ts";
import { ErrorWithPayload } from "../reply.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** `chat.history` page size when `limit` is absent. */
const DEFAULT_HISTORY_LIMIT = 200;
/** How far back `inputRunIds` are looked for: a client asks about the turns it just sent. */
const RECEIPT_WINDOW = 200;
const DISALLOWED_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const chatSendParams = z.lazy(() => z.strictObject({
  sessionKey: z.string().check(z.minLength(1), z.maxLength(512)),
  agentId: z.optional(z.string().check(z.minLength(1))),
  sessionId: z.optional(z.string().check(z.minLength(1))),
  message: z.string(),
  intent: z.optional(z.unknown()),
  thinking: z.optional(z.string()),
  fastMode: z.optional(z.union([z.boolean(), z.literal("auto")])),
  fastAutoOnSeconds: z.optional(z.int().check(z.gte(1))),
  queueMode: z.optional(z.enum(["steer", "followup", "collect", "interrupt"])),
  deliver: z.optional(z.boolean()),
  originatingChannel: z.optional(z.string()),
  originatingTo: z.optional(z.string()),
  originatingAccountId: z.optional(z.string()),
  originatingThreadId: z.optional(z.string()),
  replyToId: z.optional(z.string().check(z.minLength(1))),
  attachments: z.optional(z.array(z.looseObject({}))),
  toolBindings: z.optional(z.record(z.string(), z.unknown())),
  timeoutMs: z.optional(z.int().check(z.gte(0))),
  systemInputProvenance: z.optional(z.unknown()),
  systemProvenanceReceipt: z.optional(z.string()),
  suppressCommandInterpretation: z.optional(z.boolean()),
  expectedLeafEntryId: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  expectedSessionRoutingContract: z.optional(z.string().check(z.minLength(1))),
  expectedPermissionMode: z.optional(z.unknown()),
  expectedToolOverrides: z.optional(z.unknown()),
  idempotencyKey: z.string().check(z.minLength(1)),
}));

/** `chat.history`'s params object, built on first use (`chat.startup` extends it). */
export const chatHistoryObject = () => z.strictObject({
  sessionKey: z.string().check(z.minLength(1)),
  agentId: z.optional(z.string().check(z.minLength(1))),
  cursor: z.optional(z.string()),
  limit: z.optional(z.int().check(z.gte(1), z.lte(1000))),
  maxBytes: z.optional(z.int().check(z.gte(1024))),
  offset: z.optional(z.int().check(z.gte(0))),
  pendingBefore: z.optional(z.int().check(z.gte(1))),
  inputRunIds: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.minLength(1), z.maxLength(50))),
  maxChars: z.optional(z.int().check(z.gte(1), z.lte(500_000))),
});

const chatHistoryParams = z.lazy(chatHistoryObject);

const chatAbortParams = z.lazy(() => z.strictObject({
  sessionKey: z.string().check(z.minLength(1)),
  agentId: z.optional(z.string().check(z.minLength(1))),
  runId: z.optional(z.string().check(z.minLength(1))),
  preserveSideRuns: z.optional(z.boolean()),
}));

/** Upstream's input hygiene: NFC, no NUL, no control characters but tab and line breaks. */
export function sanitizeMessage(message: string): string {
  const normalized = message.normalize("NFC");
  if (normalized.includes("\0")) throw invalidRequest("message must not contain null bytes");
  return normalized.replace(DISALLOWED_CONTROL, "");
}

/** The `chat.send` answer a finished run leaves behind for a repeated key (§6). */
export function cachedChatReply(o: RunOutcome): unknown {
  if (o.status === "ok") return { runId: o.runId, status: "ok" };
  if (o.status === "aborted") return { runId: o.runId, status: "timeout", summary: "aborted", ...(o.stopReason ? { stopReason: o.stopReason } : {}), endedAt: o.endedAt };
  const summary = o.error ?? o.status;
  throw new ErrorWithPayload({ code: "UNAVAILABLE", message: summary }, { runId: o.runId, status: "error", summary });
}

/** What the group uses. */
export type ChatMethodsContext = Pick<GatewayServices, "agents" | "config" | "now" | "broadcast">;

export function chatMethods(ctx: ChatMethodsContext) {
  const { sessions, runs } = ctx.agents;
  // What each key was first used for, to refuse a reused key with different input.
  const identities = new DedupeCache<string>(ctx.now);

  return [
    method("chat.send", chatSendParams, (p) => {
      const message = sanitizeMessage(p.message);
      // Text-only turns: an attachment the model would never see is refused rather than dropped.
      if (p.attachments?.length) throw invalidRequest("invalid chat.send params: attachments are not supported (clawgate's model providers take text only)");
      const target = sessions.resolve(p.sessionKey, p.agentId);
      const runId = p.idempotencyKey;
      const identity = `${target.key}\n${message}`;
      const seen = identities.get(runId);
      if (seen !== undefined && seen !== identity) {
        throw invalidRequest("This message ID was already used for different input. Check the conversation history and use a new message ID to send again.", { reason: "chat-request-conflict" });
      }
      // §6 idempotency: a running key is in flight, a finished one replays its result.
      if (runs.get(runId)) return { runId, status: "in_flight" };
      const done = runs.outcome(runId);
      if (done && "text" in done) return cachedChatReply(done);
      identities.set(runId, identity);
      const reset = p.suppressCommandInterpretation ? undefined : resetCommand(message);
      if (reset) return resetFromChat(ctx, target, runId, reset);
      runs.start({ runId, target, message, kind: "chat", timeoutMs: p.timeoutMs || undefined });
      return { runId, status: "started" };
    }),

    method("chat.history", chatHistoryParams, (p) => readChatHistory(ctx, p)),

    method("chat.abort", chatAbortParams, (p) => {
      const target = sessions.resolve(p.sessionKey, p.agentId);
      if (p.runId !== undefined) {
        const run = runs.get(p.runId);
        if (run && run.sessionKey !== target.key) throw invalidRequest("runId does not match sessionKey");
        const aborted = runs.abort(p.runId, new RunStop("rpc"));
        return { ok: true, aborted, runIds: aborted ? [p.runId] : [] };
      }
      const runIds = runs.activeFor(target.key).map((r) => r.runId).filter((id) => runs.abort(id, new RunStop("rpc")));
      return { ok: true, aborted: runIds.length > 0, runIds };
    }),
  ];
}

/** `chat.history` params, also the session form of `chat.startup`'s. */
export type ChatHistoryParams = z.output<typeof chatHistoryParams>;

/** `chat.history` (§6): a page of the transcript, or a delta after `cursor`; `chat.startup` answers with it too. */
export function readChatHistory(ctx: Pick<ChatMethodsContext, "agents" | "config" | "now">, p: ChatHistoryParams): Record<string, unknown> {
  const { sessions } = ctx.agents;
  if (p.cursor !== undefined && p.offset !== undefined) throw invalidRequest("cursor cannot be used with offset or messageId");
  const target = sessions.resolve(p.sessionKey, p.agentId);
  const session = sessions.get(target.key);
  const config = ctx.config();
  const info = sessionRow(session ?? virtualSession(target, ctx.now()));
  const pending = pendingInputs(ctx, target.key);
  const receipts = p.inputRunIds ? inputReceipts(ctx, session, target.key, p.inputRunIds) : {};
  const clip = (m: TranscriptMessage) => (p.maxChars !== undefined && m.text.length > p.maxChars ? { ...m, text: `${m.text.slice(0, p.maxChars)}…` } : m);
  if (p.cursor !== undefined) {
    // A delta cursor names a transcript and a position in it; a reset transcript invalidates it.
    const at = parseCursor(p.cursor);
    if (!session || !at || at.sessionId !== session.sessionId) return { kind: "reset" };
    const messages = sessions.store.readMessages(session.sessionId, { afterSeq: at.seq, limit: p.limit ?? DEFAULT_HISTORY_LIMIT });
    const last = messages.at(-1)?.seq ?? at.seq;
    return { kind: "delta", messages: messages.map((m) => chatMessage(clip(m))), deltaCursor: cursorFor(session, last), pendingInputs: pending, ...receipts, sessionInfo: info };
  }
  const total = session ? sessions.store.lastMessageSeq(session.sessionId) : 0;
  const offset = p.offset ?? 0;
  const page = session ? sessions.store.readMessages(session.sessionId, { beforeSeq: total - offset + 1, limit: p.limit ?? DEFAULT_HISTORY_LIMIT }) : [];
  const nextOffset = offset + page.length;
  const hasMore = nextOffset < total;
  const result = {
    sessionKey: p.sessionKey,
    ...(session ? { sessionId: session.sessionId } : {}),
    messages: page.map((m) => chatMessage(clip(m))),
    pendingInputs: pending,
    ...receipts,
    ...(session ? { deltaCursor: cursorFor(session, total) } : {}),
    ...(offset > 0 ? { offset } : {}),
    ...(hasMore ? { nextOffset } : {}),
    hasMore,
    totalMessages: total,
    defaults: primaryModel(config, target.agentId),
    sessionInfo: info,
  };
  return p.maxBytes === undefined ? result : capPage(result, p.maxBytes);
}

/**
 * Drops the oldest messages of a history page until the messages' JSON fits
 * in `maxBytes`, as upstream caps a history page; what was dropped stays
 * reachable with `offset` (`hasMore`, `nextOffset`). A delta page is never
 * capped: its cursor promises every message after it.
 */
function capPage(page: Record<string, unknown>, maxBytes: number): Record<string, unknown> {
  const messages = page.messages;
  if (!Array.isArray(messages)) return page;
  const encoder = new TextEncoder();
  let bytes = encoder.encode(JSON.stringify(messages)).length;
  let drop = 0;
  // Each message costs its own JSON plus one separator.
  while (bytes > maxBytes && drop < messages.length) bytes -= encoder.encode(JSON.stringify(messages[drop++])).length + 1;
  if (drop === 0) return page;
  const kept = messages.slice(drop);
  return { ...page, messages: kept, hasMore: true, nextOffset: ((page.offset as number | undefined) ?? 0) + kept.length };
}

/** `/new` and `/reset` in chat start a fresh transcript and answer with upstream's acknowledgement. */
function resetFromChat(ctx: ChatMethodsContext, target: SessionTarget, runId: string, kind: "new" | "reset"): unknown {
  const { session, text } = resetSession(ctx.agents, target, kind);
  ctx.agents.sessions.append(session, { role: "assistant", text, runId, meta: { isStatusNotice: true } });
  const now = ctx.now();
  ctx.broadcast("chat", { runId, sessionKey: target.key, seq: 1, state: "final", message: { role: "assistant", content: [{ type: "text", text }], timestamp: now } });
  return { runId, status: "started" };
}

/**
 * Upstream's receipts for the turns a client sent (`inputRunIds`): consumed
 * once the turn's user message is in the transcript (the message id), pending
 * while the turn waits; a run id the session does not know gets none. Without
 * them the Control UI marks its own sent messages "Delivery unconfirmed".
 */
function inputReceipts(ctx: Pick<ChatMethodsContext, "agents">, session: SessionRecord | undefined, sessionKey: string, runIds: string[]) {
  const recent = session ? ctx.agents.sessions.store.readMessages(session.sessionId, { limit: RECEIPT_WINDOW }) : [];
  const receipts: ({ runId: string; state: "pending" } | { runId: string; state: "consumed"; consumedByEventId: string })[] = [];
  for (const runId of runIds) {
    const message = recent.find((m) => m.role === "user" && m.runId === runId);
    if (message) receipts.push({ runId, state: "consumed", consumedByEventId: message.id });
    else if (ctx.agents.runs.get(runId)?.sessionKey === sessionKey) receipts.push({ runId, state: "pending" });
  }
  const inputConsumptions = receipts.flatMap((r) => (r.state === "consumed" ? [{ runId: r.runId, consumedByEventId: r.consumedByEventId }] : []));
  return { inputReceipts: receipts, inputConsumptions };
}

/** Turns accepted but still waiting for an earlier turn of the session. */
function pendingInputs(ctx: Pick<ChatMethodsContext, "agents">, sessionKey: string): { items: unknown[]; total: number } {
  const queued = ctx.agents.runs.activeFor(sessionKey).filter((r) => r.state === "queued" && r.request.kind !== "heartbeat");
  return {
    items: queued.slice(0, 20).map((r) => ({
      id: r.runId,
      runId: r.runId,
      message: { role: "user", content: [{ type: "text", text: r.request.message }], timestamp: r.startedAt },
      acceptedAt: r.startedAt,
      state: "queued",
    })),
    total: queued.length,
  };
}

function virtualSession(target: SessionTarget, now: number): SessionRecord {
  return { key: target.key, agentId: target.agentId, sessionId: "", createdAt: now, updatedAt: now, fields: {} };
}

function cursorFor(session: SessionRecord, seq: number): string {
  return `${session.sessionId}:${seq}`;
}

function parseCursor(cursor: string): { sessionId: string; seq: number } | undefined {
  const m = /^(.+):(\d+)$/.exec(cursor);
  return m ? { sessionId: m[1]!, seq: Number(m[2]) } : undefined;
}
