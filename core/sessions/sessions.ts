/**
 * Sessions and their transcripts over the SessionStore: resolving requested
 * keys, creating rows on first use, appending messages with dense seqs, and
 * the row / message shapes `sessions.*` and `chat.history` return (spec §6).
 * Runtime-agnostic.
 */
import type { DeliveryRoute } from "../channels/delivery.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { invalidRequest } from "../protocol/errors.ts";
import type { SessionRecord, SessionStore, TranscriptMessage } from "../store.ts";
import { agentIds, canonicalSessionKey, defaultAgentId, isMainSessionKey, isValidAgentId, normalizeAgentId, parseSessionKey } from "./keys.ts";

/** A resolved request target. */
export interface SessionTarget {
  key: string;
  agentId: string;
}

/** Chat messages as clients render them (`chat.history`, chat events). */
export interface ChatMessage {
  role: "user" | "assistant" | "toolResult";
  content: ChatContent[];
  timestamp: number;
  [extra: string]: unknown;
}

/** A content block: text, or a tool call an assistant turn made (upstream's `toolCall` block). */
export type ChatContent = { type: "text"; text: string } | { type: "toolCall"; id: string; name: string; arguments: unknown };

/** Patch fields an operator with write scope may change (§5 `sessions.patch`). */
export const COSMETIC_PATCH_FIELDS = new Set([
  "label", "icon", "color", "category", "boardFace", "pinned", "archived", "unread", "model", "thinkingLevel", "fastMode", "permissionMode",
]);

export class Sessions {
  constructor(
    readonly store: SessionStore,
    private readonly config: () => OpenClawConfig,
    private readonly now: () => number,
  ) {}

  /**
   * The stored key and agent for a requested `sessionKey` (+ optional
   * `agentId`). Unknown agents and contradictory pairs are refused.
   */
  resolve(requested: string, agentIdParam?: string): SessionTarget {
    const config = this.config();
    const scoped = parseSessionKey(requested);
    if (agentIdParam !== undefined && scoped && normalizeAgentId(agentIdParam) !== scoped.agentId) {
      throw invalidRequest(`agentId "${agentIdParam}" does not match session key "${requested}"`);
    }
    const agentId = scoped?.agentId ?? (agentIdParam !== undefined ? normalizeAgentId(agentIdParam) : defaultAgentId(config));
    this.assertAgent(agentId, config);
    return { key: canonicalSessionKey(requested, agentId), agentId };
  }

  /** The requested agent (ids are case-insensitive), else the default one; an unknown agent is refused. */
  agent(requested?: string): string {
    const config = this.config();
    const agentId = requested === undefined ? defaultAgentId(config) : normalizeAgentId(requested);
    this.assertAgent(agentId, config);
    return agentId;
  }

  /** Refuses agent ids that are not configured (`UNKNOWN_AGENT_ID`). */
  assertAgent(agentId: string, config = this.config()): void {
    if (!isValidAgentId(agentId) || !agentIds(config).includes(agentId)) {
      throw invalidRequest(`unknown agent id "${agentId}"`, { code: "UNKNOWN_AGENT_ID", agentId });
    }
  }

  get(key: string): SessionRecord | undefined {
    return this.store.getSession(key);
  }

  /** The session row, created with a fresh transcript on first use. */
  ensure(target: SessionTarget): SessionRecord {
    const existing = this.store.getSession(target.key);
    if (existing) return existing;
    const now = this.now();
    const created: SessionRecord = { key: target.key, agentId: target.agentId, sessionId: crypto.randomUUID(), createdAt: now, updatedAt: now, fields: {} };
    this.store.putSession(created);
    return created;
  }

  /**
   * Records `route` as the conversation the session was last reached from, as upstream's `lastChannel`,
   * `lastTo`, `lastAccountId` and `lastThreadId` fields (the row is written only when it changed). A cron
   * announcement, a hook reply or a heartbeat to `last` goes there.
   */
  recordRoute(target: SessionTarget, route: DeliveryRoute): void {
    const session = this.ensure(target);
    const { lastChannel, lastTo, lastAccountId, lastThreadId, ...rest } = session.fields;
    if (lastChannel === route.channel && lastTo === route.to && lastAccountId === route.accountId && lastThreadId === route.threadId) return;
    const fields = { ...rest, lastChannel: route.channel, lastTo: route.to, lastAccountId: route.accountId, ...(route.threadId ? { lastThreadId: route.threadId } : {}) };
    this.save({ ...session, fields });
  }

  /** The session's last conversation, when one has reached it. */
  routeOf(key: string): DeliveryRoute | undefined {
    const f = this.get(key)?.fields;
    if (typeof f?.lastChannel !== "string" || typeof f.lastTo !== "string" || typeof f.lastAccountId !== "string") return undefined;
    return { channel: f.lastChannel, to: f.lastTo, accountId: f.lastAccountId, ...(typeof f.lastThreadId === "string" ? { threadId: f.lastThreadId } : {}) };
  }

  /**
   * `last` for a reply: the route of the first of `keys` a chat has reached. A recipient `to` of the
   * caller's own replaces the conversation's, and its thread with it.
   */
  lastRoute(keys: readonly string[], to?: string): DeliveryRoute | undefined {
    for (const key of keys) {
      const last = this.routeOf(key);
      if (last) return to ? { channel: last.channel, accountId: last.accountId, to } : last;
    }
    return undefined;
  }

  /** Writes a changed row, stamping updatedAt. */
  save(session: SessionRecord): SessionRecord {
    const saved = { ...session, updatedAt: this.now() };
    this.store.putSession(saved);
    return saved;
  }

  /** Appends one message to the session's current transcript. */
  append(session: SessionRecord, message: Omit<TranscriptMessage, "sessionId" | "seq" | "id" | "ts">): TranscriptMessage {
    const stored: TranscriptMessage = {
      sessionId: session.sessionId,
      seq: this.store.lastMessageSeq(session.sessionId) + 1,
      id: crypto.randomUUID(),
      ts: this.now(),
      ...message,
    };
    this.store.appendMessage(stored);
    return stored;
  }

  /** The newest `limit` messages of the transcript, oldest first (model context). */
  recent(session: SessionRecord, limit: number): TranscriptMessage[] {
    return this.store.readMessages(session.sessionId, { limit });
  }

  /** Starts a new transcript; the old one stays stored (archived) under its sessionId. */
  reset(session: SessionRecord): SessionRecord {
    return this.save({ ...session, sessionId: crypto.randomUUID(), status: undefined, lastRunId: undefined, lastRunError: undefined });
  }

  /** Removes the row; the main session is refused (§6). Returns archived transcript ids. */
  delete(key: string, deleteTranscript: boolean): { deleted: boolean; archived: string[] } {
    if (isMainSessionKey(key)) throw invalidRequest(`Cannot delete the main session (${key}).`);
    const session = this.store.getSession(key);
    if (!session) return { deleted: false, archived: [] };
    return this.store.transaction(() => {
      this.store.deleteSession(key);
      if (deleteTranscript) {
        this.store.deleteTranscript(session.sessionId);
        return { deleted: true, archived: [] };
      }
      return { deleted: true, archived: [session.sessionId] };
    });
  }
}

/** A transcript entry as a chat message (§6 `chat.history`). */
export function chatMessage(m: TranscriptMessage): ChatMessage {
  const content: ChatContent[] = m.text || !m.toolCalls ? [{ type: "text", text: m.text }] : [];
  for (const call of m.toolCalls ?? []) content.push({ type: "toolCall", id: call.id, name: call.name, arguments: toolArguments(call.arguments) });
  return {
    role: m.role,
    ...(m.role === "toolResult" ? { toolCallId: m.toolCallId, toolName: m.toolName, isError: m.isError === true } : {}),
    content,
    timestamp: m.ts,
    ...m.meta,
    __openclaw: { id: m.id, seq: m.seq, ...(m.runId ? { runId: m.runId } : {}) },
  };
}

/** Tool-call arguments as upstream's transcript holds them: the parsed object, or the raw text when it is not JSON. */
export function toolArguments(raw: string): unknown {
  try {
    return raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The `sessions.list` row of a session (schema SessionRow). */
export function sessionRow(s: SessionRecord, preview?: string): Record<string, unknown> {
  const label = typeof s.fields.label === "string" ? s.fields.label : undefined;
  return {
    key: s.key,
    kind: "direct",
    sessionId: s.sessionId,
    agentId: s.agentId,
    ...s.fields,
    ...(label ? { displayName: label } : {}),
    ...(preview !== undefined ? { lastMessagePreview: preview } : {}),
    isMain: isMainSessionKey(s.key),
    updatedAt: s.updatedAt,
    ...(s.status ? { status: s.status } : {}),
    ...(s.lastRunId ? { lastRunId: s.lastRunId } : {}),
    ...(s.lastRunError ? { lastRunError: s.lastRunError } : {}),
  };
}

/** The session entry `sessions.patch`/`sessions.reset` return. */
export function sessionEntry(s: SessionRecord): Record<string, unknown> {
  return { sessionId: s.sessionId, updatedAt: s.updatedAt, createdAt: s.createdAt, agentId: s.agentId, ...s.fields, ...(s.status ? { status: s.status } : {}) };
}
