/**
 * Reads of upstream features clawgate does not have, each answered as
 * upstream answers when the feature has nothing to show, so the Control UI's
 * pages for them open and say so instead of failing: meeting transcripts
 * (Meetings), managed git worktrees (Worktrees), command lanes (Debug),
 * memory search (Memory), web search (Search), GitHub identities (Profile)
 * and memory imports (Memory import). Agent ids are checked as everywhere.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { modelRefs } from "../../agent/models.ts";
import { agentWorkspace } from "../../exec/workspace.ts";
import { method, noParams } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** What the group uses. */
export type AbsentFeaturesContext = Pick<GatewayServices, "agents" | "config" | "host" | "now">;

const key = z.string().check(z.minLength(1));
const filter = z.string().check(z.minLength(1), z.maxLength(256));
const text = z.string().check(z.minLength(1), z.maxLength(512), z.regex(/\S/));

/** Upstream's TranscriptsListParams. */
const transcriptsParams = z.lazy(() => z.strictObject({
  limit: z.optional(z.int().check(z.gte(1), z.lte(200))),
  cursor: z.optional(z.string().check(z.minLength(1))),
  query: z.optional(z.string().check(z.maxLength(256))),
  providerId: z.optional(key),
  accountId: z.optional(filter),
  agentId: z.optional(filter),
  startedAfter: z.optional(z.string().check(z.maxLength(64))),
  startedBefore: z.optional(z.string().check(z.maxLength(64))),
}));

/** Upstream's facts for a GitHub identity with no credential behind it. */
const NO_GITHUB_IDENTITY = {
  source: "system-detected", credentialKind: "native", credentialState: "unavailable", account: null, gitAuthor: { name: null, email: null },
  evidence: "none", accessExpiresAtMs: null, refreshState: "not_applicable", oauthScopes: [], repositoryGrants: "unknown",
} as const;

export function absentFeatureMethods(ctx: AbsentFeaturesContext) {
  const { sessions } = ctx.agents;

  return [
    method("transcripts.list", transcriptsParams, () => ({ sessions: [], nextCursor: null })),

    method("worktrees.list", noParams, () => ({ worktrees: [] })),

    // Agent turns run as they come, in no command lane.
    method("diagnostics.lanes", noParams, () => ({ ts: ctx.now(), lanes: [], dynamic: null })),

    method("doctor.memory.status", z.lazy(() => z.looseObject({ agentId: z.optional(key) })), (p) => ({
      agentId: sessions.agent(p.agentId), searchRuntimeRegistered: false, embedding: { ok: false, error: "memory search unavailable" },
    })),

    // The agent has web_fetch but no search tool: upstream's route when no search provider is available.
    method("webSearch.status", z.lazy(() => z.strictObject({ agentId: z.optional(text), modelProvider: z.optional(text), modelId: z.optional(text) })), (p) => {
      const agentId = sessions.agent(p.agentId);
      const [primary] = modelRefs(ctx.config(), agentId);
      const slash = primary!.indexOf("/");
      const model = p.modelProvider && p.modelId ? { provider: p.modelProvider, id: p.modelId } : { provider: primary!.slice(0, slash), id: primary!.slice(slash + 1) };
      return {
        enabled: false, provider: null, agentId, model: { ...model, runtime: "clawgate" }, providers: [],
        route: { kind: "unavailable", label: "No search provider available", reason: "Choose a search provider, or select a model with native search.", testable: false },
      };
    }),

    method("tools.github.status", z.lazy(() => z.strictObject({ agentId: key, selectedScope: z.enum(["system", "agent"]) })), (p) => ({
      agentId: sessions.agent(p.agentId), selectedScope: p.selectedScope,
      // Only the system scope has an identity (detected, here none); an agent scope without an override has none.
      selected: { scope: p.selectedScope, configured: false, identity: p.selectedScope === "system" ? NO_GITHUB_IDENTITY : null }, effective: NO_GITHUB_IDENTITY,
    })),

    // No other assistant's memory is detected on this host: no provider to import from.
    method("migrations.memory.plan", z.lazy(() => z.strictObject({ agentId: key, overwrite: z.optional(z.boolean()) })), (p) => {
      const agentId = sessions.agent(p.agentId);
      return { agentId, workspace: agentWorkspace(ctx.config(), agentId, ctx.host.stateDir, undefined), providers: [] };
    }),
  ];
}
