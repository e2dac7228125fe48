/**
 * Agent ids and session keys (spec §6): every session is stored under
 * `agent:<agentId>:<rest>`; "main" (or an empty key) is the agent's main
 * session, and an unscoped key belongs to the default agent.
 * Runtime-agnostic.
 */
import { agentRoster, IMPLICIT_AGENT_ID, normalizeAgentId } from "../config/agents.ts";
import type { OpenClawConfig } from "../config/schema.ts";

export { IMPLICIT_AGENT_ID, normalizeAgentId };
export const MAIN_KEY = "main";

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isValidAgentId(id: string): boolean {
  return AGENT_ID.test(normalizeAgentId(id));
}

/** Configured agent ids, or the implicit "main" agent. */
export function agentIds(config: OpenClawConfig): string[] {
  const roster = agentRoster(config);
  return roster.length > 0 ? roster.map((a) => a.id) : [IMPLICIT_AGENT_ID];
}

/** The agent marked `default`, else the first configured, else "main". */
export function defaultAgentId(config: OpenClawConfig): string {
  const roster = agentRoster(config);
  return (roster.find((a) => a.default) ?? roster[0])?.id ?? IMPLICIT_AGENT_ID;
}

export function mainSessionKey(agentId: string): string {
  return `agent:${agentId}:${MAIN_KEY}`;
}

/** The agent id and rest of a canonical key, or undefined for an unscoped one. */
export function parseSessionKey(key: string): { agentId: string; rest: string } | undefined {
  const m = /^agent:([^:]+):(.+)$/i.exec(key.trim());
  return m ? { agentId: normalizeAgentId(m[1]!), rest: m[2]! } : undefined;
}

/**
 * The stored form of a requested key: "main" becomes `agent:<agentId>:main`,
 * unscoped keys are scoped to `agentId` (the default agent unless given).
 */
export function canonicalSessionKey(requested: string, agentId: string): string {
  const raw = requested.trim();
  const parsed = parseSessionKey(raw);
  if (parsed) return `agent:${parsed.agentId}:${parsed.rest.toLowerCase()}`;
  if (raw === "" || raw.toLowerCase() === MAIN_KEY) return mainSessionKey(agentId);
  return `agent:${agentId}:${raw.toLowerCase()}`;
}

/** True for an agent's main session, which cannot be deleted (§6 `sessions.delete`). */
export function isMainSessionKey(key: string): boolean {
  return parseSessionKey(key)?.rest === MAIN_KEY;
}
