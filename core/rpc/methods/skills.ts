/**
 * The Skills and Skill Workshop pages' reads (`skills.status`,
 * `skills.library.list`, `skills.search`, `skills.proposals.list`), in
 * upstream's result shapes. clawgate loads no skills, keeps no skill library
 * and reaches no skill registry, so each answers the empty truth for the
 * agent's workspace; an unknown agent is refused as everywhere else.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { agentWorkspace } from "../../exec/workspace.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** What the group uses. */
export type SkillsMethodsContext = Pick<GatewayServices, "agents" | "config" | "host" | "now">;

const key = z.string().check(z.minLength(1));
const agentParams = z.lazy(() => z.strictObject({ agentId: z.optional(key) }));

export function skillsMethods(ctx: SkillsMethodsContext) {
  const { sessions } = ctx.agents;

  return [
    method("skills.status", z.lazy(() => z.strictObject({ agentId: z.optional(key), sessionKey: z.optional(key) })), (p) => {
      const agentId = p.sessionKey ? sessions.resolve(p.sessionKey, p.agentId).agentId : sessions.agent(p.agentId);
      const workspaceDir = agentWorkspace(ctx.config(), agentId, ctx.host.stateDir, undefined);
      return { workspaceDir, managedSkillsDir: `${ctx.host.stateDir}/skills`, agentId, skills: [] };
    }),

    // No profiles and no library: nothing to list, and no target a new skill could be published to.
    method("skills.library.list", z.lazy(() => z.strictObject({ sessionKey: z.optional(key), scope: z.optional(z.enum(["mine", "team", "all"])) })), (p) => {
      if (p.sessionKey) sessions.resolve(p.sessionKey);
      return { entries: [], profileId: null, multipleProfiles: false, defaultTarget: "unavailable", canManageWorkspace: false, defaultSelectionLimit: 64 };
    }),

    method("skills.search", z.lazy(() => z.strictObject({ query: z.optional(key), limit: z.optional(z.int().check(z.gte(1), z.lte(100))) })), () => ({ results: [] })),

    method("skills.proposals.list", agentParams, (p) => {
      sessions.agent(p.agentId);
      return { schema: "openclaw.skill-workshop.proposals-manifest.v1", updatedAt: new Date(ctx.now()).toISOString(), proposals: [], installedSkills: [] };
    }),
  ];
}
