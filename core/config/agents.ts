/**
 * The agent roster of openclaw.json. Upstream 2026.9 keys it by id,
 * `agents.entries.<id>`; the older `agents.list` array still loads (upstream's
 * doctor migrates it). Entries win when a file has both. No roster means the
 * one implicit agent "main". Runtime-agnostic.
 */
import type { OpenClawConfig } from "./schema.ts";

type Agents = NonNullable<OpenClawConfig["agents"]>;
export type AgentEntry = NonNullable<Agents["list"]>[number];

/** Upstream's implicit agent when no roster is configured. */
export const IMPLICIT_AGENT_ID = "main";

/** Agent ids are case-insensitive; upstream keeps them lower-case. */
export function normalizeAgentId(id: string): string {
  return id.trim().toLowerCase();
}

const NO_AGENTS: readonly AgentEntry[] = [];
/** One roster per loaded `agents` object: a reload replaces the object, and every handshake and turn asks. */
const rosters = new WeakMap<Agents, readonly AgentEntry[]>();

/** The configured agents in file order, ids normalized; empty when none are configured. */
export function agentRoster(config: OpenClawConfig): readonly AgentEntry[] {
  const agents = config.agents;
  if (!agents) return NO_AGENTS;
  let roster = rosters.get(agents);
  if (!roster) {
    const entries = agents.entries && Object.keys(agents.entries).length > 0 ? Object.entries(agents.entries).map(([id, entry]) => ({ ...entry, id })) : (agents.list ?? []);
    roster = entries.map((entry) => ({ ...entry, id: normalizeAgentId(entry.id) }));
    rosters.set(agents, roster);
  }
  return roster;
}

/** The roster entry of `agentId`, if configured. */
export function agentEntry(config: OpenClawConfig, agentId: string): AgentEntry | undefined {
  return agentRoster(config).find((a) => a.id === normalizeAgentId(agentId));
}

/** Upstream's roster ownership: one agent is "sole", several are "explicit". */
export function rosterOwnership(config: OpenClawConfig): "sole" | "explicit" {
  return agentRoster(config).length > 1 ? "explicit" : "sole";
}

/** What people call an agent: its `name`, else its identity's name. */
export function agentDisplayName(config: OpenClawConfig, agentId: string): string | undefined {
  const entry = agentEntry(config, agentId);
  return entry?.name ?? entry?.identity?.name;
}

/** `agent.identity.get`: the assistant's display identity (upstream's shape; no workspace IDENTITY.md is read). */
export interface AssistantIdentity {
  agentId: string;
  name: string;
  nameSource: "agent" | "default";
  avatar: string;
  emoji?: string;
}

const DEFAULT_ASSISTANT = { name: "Assistant", avatar: "A" };

const isLink = (v: string) => /^(https?:|data:image\/)/.test(v) || v.startsWith("/") || v.startsWith("./");

/** Short tokens, URLs and paths can stand as an avatar; anything with spaces cannot. */
function avatarValue(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  return isLink(v) || (!/\s/.test(v) && v.length <= 4) ? v : undefined;
}

/** Only non-ASCII text that is not a link can be an emoji. */
function emojiValue(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && /[^\x00-\x7f]/.test(v) && !isLink(v) ? v : undefined;
}

export function assistantIdentity(config: OpenClawConfig, agentId: string): AssistantIdentity {
  const id = normalizeAgentId(agentId);
  const identity = agentEntry(config, id)?.identity;
  const name = identity?.name?.trim();
  const emoji = emojiValue(identity?.emoji) ?? emojiValue(identity?.avatar);
  return {
    agentId: id,
    name: name || DEFAULT_ASSISTANT.name,
    nameSource: name ? "agent" : "default",
    avatar: avatarValue(identity?.avatar) ?? avatarValue(identity?.emoji) ?? DEFAULT_ASSISTANT.avatar,
    ...(emoji ? { emoji } : {}),
  };
}
