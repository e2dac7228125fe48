/**
 * The methods the upstream Control UI (openclaw 2026.9.6) calls on load and
 * when its chat opens, beyond the core ones: session and message
 * subscriptions, the chat startup page, agents, model auth, update status,
 * questions, tasks, progress cards, preferences, setup detection. Shapes are
 * upstream's result schemas; where clawgate has no such feature the answer is
 * the empty truth (no tasks, no questions, no update information), never
 * "unknown method". clawgate delivers `chat`/`agent`/`sessions.changed`
 * events to every reader already, so a subscription changes no delivery and
 * answers `subscribed: true`. Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { modelRefs } from "../../agent/models.ts";
import { agentRoster, rosterOwnership } from "../../config/agents.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import { agentIds, defaultAgentId, MAIN_KEY } from "../../sessions/keys.ts";
import { sessionRow } from "../../sessions/sessions.ts";
import { method, noParams, type Caller } from "../router.ts";
import type { GatewayServices } from "../services.ts";
import { chatHistoryObject, readChatHistory } from "./chat.ts";
import { configuredModels } from "./info.ts";
import { listParams, listSessions } from "./sessions.ts";

/** What the group uses. */
export type UiStartupMethodsContext = Pick<GatewayServices, "agents" | "config" | "now" | "broadcast" | "host">;

const key = z.string().check(z.minLength(1));
const optionalKey = z.optional(key);

/** The runtime every clawgate agent runs on, as `sessions.list` defaults name it. */
const AGENT_RUNTIME = { id: "clawgate", cloudPlacementSupported: false, devicePlacementSupported: false, source: "implicit" } as const;

// Params schemas are built on their method's first call (see `method` in router.ts).

/** Upstream's task ledger states (`tasks.list` filters by them). */
const taskStatus = () => z.enum(["queued", "running", "completed", "failed", "cancelled", "timed_out"]);

/** `chat.startup` takes `chat.history`'s params, or a short id (upstream's ChatStartupParams). */
const chatStartupParams = z.lazy(() => {
  const history = chatHistoryObject();
  const byShortId = z.strictObject({ shortId: key, slugHint: optionalKey, agentId: key, limit: history.shape.limit, maxBytes: history.shape.maxBytes });
  return z.union([history, byShortId]);
});

/** One session of one agent: `sessions.branches.list`, `sessions.companion.state`, `progressCard.get`. */
const sessionRefParams = z.lazy(() => z.strictObject({ sessionKey: key, agentId: optionalKey }));

/** The session-independent part of `chat.metadata`: the models a chat can pick; clawgate has no text-command or swarm registry. */
function chatMetadata(ctx: UiStartupMethodsContext): Record<string, unknown> {
  return { models: configuredModels(ctx), swarmEnabled: false };
}

/** `includeApprovals` needs a paired device holding operator.approvals (upstream's canReviewOperatorApproval). */
function assertCanReviewApprovals(caller: Caller): void {
  if (caller.deviceId && caller.effective.has("operator.approvals")) return;
  throw invalidRequest("sessions.messages.subscribe includeApprovals requires a paired device and gateway scope: operator.approvals");
}

/** The Control UI startup group, over the sessions and agents of `ctx`. */
export function uiStartupMethods(ctx: UiStartupMethodsContext) {
  const { sessions } = ctx.agents;

  return [
    method("sessions.subscribe", listParams, (p) => (Object.keys(p).length === 0 ? { subscribed: true } : { subscribed: true, list: listSessions(ctx, p) })),

    method("sessions.messages.subscribe", z.lazy(() => z.strictObject({ key, agentId: optionalKey, includeApprovals: z.optional(z.literal(true)) })), (p, caller) => {
      const target = sessions.resolve(p.key, p.agentId);
      if (p.includeApprovals !== true) return { subscribed: true, key: target.key };
      assertCanReviewApprovals(caller);
      // No approval is ever pending in clawgate's own runs: the replay is empty.
      return { subscribed: true, key: target.key, approvalReplay: { sessionKey: target.key, updatedAtMs: ctx.now(), approvals: [], truncated: false } };
    }),

    method("sessions.messages.unsubscribe", z.lazy(() => z.strictObject({ key, agentId: optionalKey })), (p) => ({ subscribed: false, key: sessions.resolve(p.key, p.agentId).key })),

    method("sessions.describe", z.lazy(() => z.strictObject({ key, agentId: optionalKey, includeDerivedTitles: z.optional(z.boolean()), includeLastMessage: z.optional(z.boolean()) })), (p) => {
      const session = sessions.get(sessions.resolve(p.key, p.agentId).key);
      return { session: session ? sessionRow(session) : null };
    }),

    method("sessions.observer.visibility", z.lazy(() => z.strictObject({ visible: z.boolean() })), () => ({ ok: true })),

    // Transcripts are linear here: no rewind branches, no companion thread.
    method("sessions.branches.list", sessionRefParams, (p) => {
      sessions.resolve(p.sessionKey, p.agentId);
      return { branches: [] };
    }),

    method("sessions.companion.state", sessionRefParams, (p) => {
      sessions.resolve(p.sessionKey, p.agentId);
      return { exchanges: [] };
    }),

    method("chat.startup", chatStartupParams, (p) => {
      if (!("sessionKey" in p)) {
        // A short id names a session of upstream's session catalog; clawgate keys sessions by name only.
        sessions.assertAgent(p.agentId.trim().toLowerCase());
        return { resolution: { ok: false } };
      }
      return { ...readChatHistory(ctx, p), metadata: { ...chatMetadata(ctx), runtimeSelectionLocked: false } };
    }),

    method("chat.metadata", z.lazy(() => z.strictObject({ agentId: optionalKey, authProfileId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))), sessionKey: optionalKey })), (p) => {
      if (p.sessionKey !== undefined && p.authProfileId !== undefined) throw invalidRequest("invalid chat.metadata params: sessionKey and authProfileId cannot be combined");
      if (p.authProfileId !== undefined) throw invalidRequest(`unknown auth profile "${p.authProfileId}"`);
      if (p.sessionKey !== undefined) {
        sessions.resolve(p.sessionKey, p.agentId);
        return { ...chatMetadata(ctx), runtimeSelectionLocked: false };
      }
      if (p.agentId !== undefined) sessions.assertAgent(p.agentId.trim().toLowerCase());
      return chatMetadata(ctx);
    }),

    method("agents.list", noParams, () => {
      const config = ctx.config();
      const roster = agentRoster(config);
      const agents = agentIds(config).map((id) => {
        const entry = roster.find((a) => a.id === id);
        const identity = entry?.identity;
        const shown = identity ? Object.fromEntries(["name", "theme", "emoji", "avatar"].flatMap((k) => (typeof identity[k] === "string" && identity[k] ? [[k, identity[k]]] : []))) : {};
        const [primary, ...fallbacks] = modelRefs(config, id);
        return {
          id,
          ...(entry?.name ? { name: entry.name } : {}),
          ...(Object.keys(shown).length > 0 ? { identity: shown } : {}),
          model: { primary: primary!, ...(fallbacks.length > 0 ? { fallbacks } : {}) },
          agentRuntime: AGENT_RUNTIME,
        };
      });
      return { defaultId: defaultAgentId(config), ownership: rosterOwnership(config), selectionRequired: false, mainKey: MAIN_KEY, scope: "per-sender", agents };
    }),

    // Provider keys live in openclaw.json (models.providers.<id>.apiKey); there are no auth profiles to report.
    method("models.authStatus", z.lazy(() => z.strictObject({ refresh: z.optional(z.boolean()), agentId: z.optional(z.string()) })), (p) => {
      if (p.agentId) sessions.assertAgent(p.agentId.trim().toLowerCase());
      return { ts: ctx.now(), providers: [] };
    }),

    // clawgate does not update itself: no sentinel, nothing available.
    method("update.status", z.lazy(() => z.strictObject({ refreshCheckout: z.optional(z.boolean()) })), () => ({ sentinel: null, updateAvailable: null })),

    // No plugins and no system agent, so no approvals of theirs are ever pending.
    method("plugin.approval.list", noParams, () => []),
    method("openclaw.approval.list", noParams, () => []),

    method("question.list", noParams, () => ({ questions: [] })),

    method("tasks.list", z.lazy(() => z.strictObject({
      status: z.optional(z.union([taskStatus(), z.array(taskStatus())])),
      agentId: optionalKey,
      sessionKey: optionalKey,
      limit: z.optional(z.int().check(z.gte(1), z.lte(500))),
      cursor: z.optional(z.string().check(z.maxLength(512))),
      sortBy: z.optional(z.enum(["updatedAt", "endedAt"])),
    })), () => ({ tasks: [] })),

    method("progressCard.get", sessionRefParams, (p) => {
      sessions.resolve(p.sessionKey, p.agentId);
      return { card: null };
    }),

    // Preferences are stored per durable user profile, which clawgate does not have.
    method("users.prefs.get", z.lazy(() => z.strictObject({ keys: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(32))) })), () => ({ status: "no_durable_identity" })),

    method("talk.catalog", z.lazy(() => z.strictObject({ provider: optionalKey, model: optionalKey })), () => {
      const none = { ready: false, providers: [] };
      return { modes: [], transports: [], brains: [], speech: none, transcription: none, realtime: none };
    }),

    // Setup detection looks for reusable AI credentials on the host; clawgate reads providers from openclaw.json only.
    method("openclaw.setup.detect", z.lazy(() => z.strictObject({ agentId: optionalKey })), () => ({ candidates: [], manualProviders: [] })),
  ];
}
