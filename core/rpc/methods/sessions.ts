/**
 * Session management (spec §6 `sessions.*`): list, preview, patch, reset and
 * delete. Scopes (§5): patching anything beyond cosmetic and model fields,
 * resetting, and deleting without `archivedOnly` need admin.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { modelRefs, primaryModel, resolveCandidates } from "../../agent/models.ts";
import { RunStop } from "../../agent/runs.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import type { Scope } from "../../scopes/scopes.ts";
import { normalizeAgentId } from "../../sessions/keys.ts";
import { COSMETIC_PATCH_FIELDS, sessionEntry, sessionRow } from "../../sessions/sessions.ts";
import type { SessionRecord, TranscriptMessage } from "../../store.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const PREVIEW_DEFAULT_ITEMS = 12;
const PREVIEW_DEFAULT_CHARS = 240;
const PREVIEW_MAX_CHARS = 800;
/** Envelope fields of `sessions.patch` that do not change the session (§5). */
const PATCH_ENVELOPE = new Set(["key", "agentId", "expectedSessionId", "expectedLifecycleRevision", "expectedPermissionMode", "expectedMarkedUnreadAt"]);
const DELETE_WRITE_FIELDS = new Set(["key", "agentId", "deleteTranscript", "expectedSessionId", "archivedOnly"]);

const nullableString = z.nullable(z.string().check(z.minLength(1)));

export const listParams = z.lazy(() => z.strictObject({
  limit: z.optional(z.int().check(z.gte(1))),
  offset: z.optional(z.int().check(z.gte(0))),
  activeMinutes: z.optional(z.int().check(z.gte(1))),
  requireLastInteraction: z.optional(z.boolean()),
  sortBy: z.optional(z.enum(["updatedAt", "lastInteractionAt", "activity"])),
  includeGlobal: z.optional(z.boolean()),
  includeUnknown: z.optional(z.boolean()),
  configuredAgentsOnly: z.optional(z.boolean()),
  includeDerivedTitles: z.optional(z.boolean()),
  includeLastMessage: z.optional(z.boolean()),
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  agentId: z.optional(z.string().check(z.minLength(1))),
  search: z.optional(z.string()),
  archived: z.optional(z.union([z.boolean(), z.literal("all")])),
  spawnedBy: z.optional(z.string().check(z.minLength(1))),
  // The upstream UI's Dashboards, Systems and Activity pages send these. clawgate runs no subagents, keeps no
  // session dashboards, activity recaps or human profiles: the filters select accordingly, the facets are empty.
  excludeSubagents: z.optional(z.boolean()),
  hasBoard: z.optional(z.boolean()),
  includeActivitySummary: z.optional(z.boolean()),
  includePeople: z.optional(z.boolean()),
}));

const patchParams = z.lazy(() => z.strictObject({
  key: z.string().check(z.minLength(1)),
  agentId: z.optional(z.string().check(z.minLength(1))),
  expectedSessionId: z.optional(z.string().check(z.minLength(1))),
  expectedLifecycleRevision: z.optional(z.string().check(z.minLength(1))),
  expectedPermissionMode: z.optional(z.unknown()),
  expectedMarkedUnreadAt: z.optional(z.nullable(z.number().check(z.gte(0)))),
  label: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(512)))),
  icon: z.optional(z.nullable(z.string())),
  color: z.optional(z.nullable(z.string())),
  category: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(512)))),
  boardFace: z.optional(z.enum(["chat", "dashboard"])),
  statusNote: z.optional(z.nullable(z.string().check(z.maxLength(120)))),
  archived: z.optional(z.boolean()),
  pinned: z.optional(z.boolean()),
  unread: z.optional(z.boolean()),
  model: z.optional(nullableString),
  thinkingLevel: z.optional(nullableString),
  fastMode: z.optional(z.nullable(z.union([z.boolean(), z.literal("auto")]))),
  verboseLevel: z.optional(nullableString),
  reasoningLevel: z.optional(nullableString),
  responseUsage: z.optional(z.nullable(z.enum(["off", "tokens", "full", "on"]))),
  permissionMode: z.optional(z.nullable(z.enum(["read-only", "guarded", "workspace", "full"]))),
  sendPolicy: z.optional(z.nullable(z.enum(["allow", "deny"]))),
}));

const deleteParams = z.lazy(() => z.strictObject({
  key: z.string().check(z.minLength(1)),
  agentId: z.optional(z.string().check(z.minLength(1))),
  deleteTranscript: z.optional(z.boolean()),
  expectedSessionId: z.optional(z.string().check(z.minLength(1))),
  expectedLifecycleRevision: z.optional(z.string().check(z.minLength(1))),
  expectedSessionUpdatedAt: z.optional(z.number().check(z.gte(0))),
  emitLifecycleHooks: z.optional(z.boolean()),
  archivedOnly: z.optional(z.boolean()),
}));

/** §5: write covers cosmetic and model fields; anything else, or `permissionMode:"full"`, is admin. */
export function patchScope(params: Record<string, unknown>): Scope | undefined {
  if (params.permissionMode === "full") return "operator.admin";
  return Object.keys(params).every((k) => PATCH_ENVELOPE.has(k) || COSMETIC_PATCH_FIELDS.has(k)) ? undefined : "operator.admin";
}

/** §5: deleting needs admin unless it is `archivedOnly` with plain fields. */
export function deleteScope(params: Record<string, unknown>): Scope | undefined {
  return params.archivedOnly === true && Object.keys(params).every((k) => DELETE_WRITE_FIELDS.has(k)) ? undefined : "operator.admin";
}

/** What the group uses. */
export type SessionMethodsContext = Pick<GatewayServices, "agents" | "config" | "now" | "broadcast" | "host">;

export function sessionMethods(ctx: SessionMethodsContext) {
  const { sessions, runs } = ctx.agents;
  const storePath = ctx.host.stateDir;

  return [
    method("sessions.list", listParams, (p) => listSessions(ctx, p)),

    method("sessions.preview", z.lazy(() => z.strictObject({ keys: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)), limit: z.optional(z.int().check(z.gte(1))), maxChars: z.optional(z.int().check(z.gte(20))) })), (p) => {
      const limit = p.limit ?? PREVIEW_DEFAULT_ITEMS;
      const maxChars = Math.min(PREVIEW_MAX_CHARS, p.maxChars ?? PREVIEW_DEFAULT_CHARS);
      const previews = p.keys.slice(0, 64).map((key) => {
        const session = sessions.get(sessions.resolve(key).key);
        if (!session) return { key, status: "missing", items: [] };
        const items = said(ctx, session, limit).map((m) => ({ role: m.role, text: clip(m.text, maxChars) }));
        return { key, status: items.length > 0 ? "ok" : "empty", items };
      });
      return { ts: ctx.now(), previews };
    }),

    method("sessions.patch", patchParams, (p) => {
      const target = sessions.resolve(p.key, p.agentId);
      const current = sessions.ensure(target);
      if (p.expectedSessionId !== undefined && p.expectedSessionId !== current.sessionId) {
        throw invalidRequest(`Session ${p.key} changed before the patch. Retry.`, { reason: "session-lifecycle-changed" });
      }
      if (typeof p.model === "string") {
        const [candidate] = resolveCandidates(ctx.config(), modelRefs(ctx.config(), target.agentId, { model: p.model }).slice(0, 1));
        if (!candidate?.provider) throw invalidRequest(`Model '${p.model}' is not allowed for agent '${target.agentId}'.`);
      }
      const fields = { ...current.fields };
      for (const [k, v] of Object.entries(p)) {
        if (PATCH_ENVELOPE.has(k)) continue;
        if (v === null) delete fields[k];
        else fields[k] = v;
      }
      if (p.archived === true && current.fields.archived !== true) fields.archivedAt = ctx.now();
      if (p.archived === false) delete fields.archivedAt;
      const saved = sessions.save({ ...current, fields });
      ctx.broadcast("sessions.changed", { sessionKey: saved.key, reason: "patch", ts: ctx.now() });
      return { ok: true, path: storePath, key: saved.key, entry: sessionEntry(saved) };
    }, patchScope),

    method("sessions.reset", z.lazy(() => z.strictObject({ key: z.string().check(z.minLength(1)), agentId: z.optional(z.string().check(z.minLength(1))), reason: z.optional(z.enum(["new", "reset"])) })), (p) => {
      const target = sessions.resolve(p.key, p.agentId);
      for (const run of runs.activeFor(target.key)) runs.abort(run.runId, new RunStop("rpc"));
      const saved = sessions.reset(sessions.ensure(target));
      ctx.broadcast("sessions.changed", { sessionKey: saved.key, reason: p.reason ?? "reset", ts: ctx.now() });
      return { ok: true, key: saved.key, entry: sessionEntry(saved), resolved: primaryModel(ctx.config(), target.agentId) };
    }),

    method("sessions.delete", deleteParams, (p) => {
      const target = sessions.resolve(p.key, p.agentId);
      const current = sessions.get(target.key);
      if (p.archivedOnly === true && current?.fields.archivedAt === undefined) throw invalidRequest(`Session ${p.key} is not archived. Archive it first, then delete it.`);
      if (p.expectedSessionId !== undefined && current?.sessionId !== p.expectedSessionId) {
        throw invalidRequest(`Session ${p.key} changed before deletion. Retry.`, { reason: "session-lifecycle-changed" });
      }
      const result = sessions.delete(target.key, p.deleteTranscript ?? true);
      if (result.deleted) {
        for (const run of runs.activeFor(target.key)) runs.abort(run.runId, new RunStop("rpc"));
        ctx.broadcast("sessions.changed", { sessionKey: target.key, reason: "delete", ts: ctx.now() });
      }
      return { ok: true, key: target.key, ...result };
    }, deleteScope),
  ];
}

/** `sessions.list` params, also `sessions.subscribe`'s. */
export type SessionsListParams = z.output<typeof listParams>;

/** `sessions.list` (§6): the session rows, newest first, filtered and paged; `sessions.subscribe` answers with it too. */
export function listSessions(ctx: SessionMethodsContext, p: SessionsListParams): Record<string, unknown> {
  const { sessions } = ctx.agents;
  const storePath = ctx.host.stateDir;
  const now = ctx.now();
  let rows = sessions.store.listSessions();
  if (p.agentId !== undefined) rows = rows.filter((s) => s.agentId === normalizeAgentId(p.agentId!));
  if (p.archived !== "all") rows = rows.filter((s) => (s.fields.archived === true) === (p.archived === true));
  if (p.label !== undefined) rows = rows.filter((s) => s.fields.label === p.label);
  if (p.hasBoard === true) rows = [];
  if (p.activeMinutes !== undefined) rows = rows.filter((s) => now - s.updatedAt <= p.activeMinutes! * 60_000);
  if (p.search) {
    const q = p.search.toLowerCase();
    rows = rows.filter((s) => s.key.includes(q) || String(s.fields.label ?? "").toLowerCase().includes(q));
  }
  rows.sort((a, b) => b.updatedAt - a.updatedAt || a.key.localeCompare(b.key));
  const offset = p.offset ?? 0;
  const page = rows.slice(offset, p.limit === undefined ? undefined : offset + p.limit);
  const nextOffset = offset + page.length;
  const hasMore = nextOffset < rows.length;
  const defaultsAgent = p.agentId ? normalizeAgentId(p.agentId) : undefined;
  return {
    ts: now,
    path: storePath,
    count: page.length,
    totalCount: rows.length,
    ...(p.limit !== undefined ? { limitApplied: p.limit } : {}),
    ...(offset > 0 ? { offset } : {}),
    nextOffset: hasMore ? nextOffset : null,
    hasMore,
    owners: [],
    ...(p.includePeople ? { people: [], peopleIncomplete: false, peopleSessionCount: 0 } : {}),
    // Upstream's picker fields; clawgate's providers declare no thinking levels, and a model choice applies per session.
    defaults: {
      ...primaryModel(ctx.config(), defaultsAgent ?? ctx.agents.sessions.resolve("main").agentId),
      contextTokens: null,
      agentRuntime: { id: "clawgate", cloudPlacementSupported: false, devicePlacementSupported: false, source: "implicit" },
      thinkingLevels: [],
      thinkingOptions: [],
      modelSelectionTarget: "session",
    },
    sessions: page.map((s) => sessionRow(s, p.includeLastMessage ? lastText(ctx, s, PREVIEW_DEFAULT_CHARS) : undefined)),
  };
}

function lastText(ctx: SessionMethodsContext, s: SessionRecord, maxChars: number): string | undefined {
  const [last] = said(ctx, s, 1);
  return last ? clip(last.text, maxChars) : undefined;
}

/** Previews show what was said, as upstream's do: user and assistant text, not tool calls or their results. */
function said(ctx: SessionMethodsContext, s: SessionRecord, limit: number): TranscriptMessage[] {
  return ctx.agents.sessions.store.readMessages(s.sessionId, { limit: limit * 4 + 8 }).filter((m) => m.role !== "toolResult" && m.text.trim() !== "").slice(-limit);
}

function clip(text: string, max: number): string {
  const flat = text.trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 3)}...`;
}
