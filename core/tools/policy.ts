/**
 * Which tools a run may call (upstream's tool policy,
 * docs/gateway/config-tools/tool-policy.md): `tools.profile` sets a base
 * allowlist (unset or `full`: no filtering), `tools.alsoAllow` adds to it,
 * then `tools.allow` / `tools.deny` and the agent's own
 * `agents.entries.<id>.tools` (whose `profile` replaces the global one) each
 * filter further. Deny wins; names are case-insensitive, `*` is a wildcard,
 * `group:<name>` expands to upstream's groups, `bash` means `exec`.
 * Runtime-agnostic.
 */
import { agentEntry } from "../config/agents.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { ToolProfile } from "../config/tools.ts";

/** Upstream's tool groups, as its docs list them. */
export const TOOL_GROUPS: Readonly<Record<string, readonly string[]>> = {
  "group:runtime": ["exec", "process", "code_execution"],
  "group:fs": ["read", "write", "edit", "apply_patch"],
  "group:sessions": [
    "sessions", "sessions_list", "sessions_history", "sessions_search", "conversations_list", "conversations_send", "conversations_turn",
    "sessions_send", "sessions_spawn", "sessions_yield", "subagents", "session_status", "suggest_task", "dismiss_task",
  ],
  "group:memory": ["memory_search", "memory_get"],
  "group:web": ["web_search", "x_search", "web_fetch"],
  "group:ui": ["browser", "screen", "theme", "dashboard", "terminal", "portal", "canvas", "show_widget"],
  "group:automation": ["heartbeat_respond", "automations", "cron", "gateway", "plugins", "openclaw"],
  "group:messaging": ["message"],
  "group:nodes": ["nodes", "computer"],
  "group:agents": ["agents_list", "get_goal", "create_goal", "update_goal", "progress_card", "ask_user", "skill_workshop"],
  "group:media": ["view_image", "image_generate", "music_generate", "video_generate", "tts", "pdf"],
};

/** Base allowlists of the limited profiles; `full` filters nothing. */
const PROFILE_ALLOW: Readonly<Record<Exclude<ToolProfile, "full">, readonly string[]>> = {
  minimal: ["session_status", "gateway"],
  coding: [
    "group:fs", "group:runtime", "group:web", "group:sessions", "group:memory", "cron", "gateway", "get_goal", "create_goal", "update_goal",
    "progress_card", "ask_user", "skill_workshop", "view_image", "image_generate", "music_generate", "video_generate", "theme",
  ],
  messaging: [
    "group:messaging", "sessions", "sessions_list", "sessions_history", "sessions_search", "conversations_list", "conversations_send",
    "conversations_turn", "sessions_send", "sessions_spawn", "sessions_yield", "subagents", "session_status", "gateway", "ask_user", "theme",
  ],
};

const ALIASES: Readonly<Record<string, string>> = { bash: "exec", automations: "cron" };

/** A compiled list of names, groups and `*` patterns. */
export class ToolMatcher {
  private readonly names = new Set<string>();
  private readonly patterns: RegExp[] = [];

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      const group = TOOL_GROUPS[entry];
      if (group) for (const name of group) this.names.add(name);
      else if (entry.includes("*")) this.patterns.push(new RegExp(`^${entry.split("*").map(escapeRegExp).join(".*")}$`));
      else this.names.add(ALIASES[entry] ?? entry);
    }
  }

  matches(name: string): boolean {
    const n = name.toLowerCase();
    return this.names.has(n) || this.patterns.some((p) => p.test(n));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** One filtering layer: a name passes when no deny entry matches and, if an allowlist is set, it matches. */
interface Layer {
  allow?: ToolMatcher;
  deny?: ToolMatcher;
}

/** The policy of one agent: which tool names it may call. */
export class ToolPolicy {
  constructor(private readonly layers: readonly Layer[]) {}

  allows(name: string): boolean {
    return this.layers.every((l) => !l.deny?.matches(name) && (!l.allow || l.allow.matches(name)));
  }
}

/** The global `tools` policy merged with `agentId`'s overrides. */
export function toolPolicy(config: OpenClawConfig, agentId: string): ToolPolicy {
  const global = config.tools;
  const own = agentEntry(config, agentId)?.tools;
  const layers: Layer[] = [];
  const profile = own?.profile ?? global?.profile;
  if (profile && profile !== "full") {
    layers.push({ allow: new ToolMatcher([...PROFILE_ALLOW[profile], ...(global?.alsoAllow ?? []), ...(own?.alsoAllow ?? [])]) });
  }
  for (const scope of [global, own]) {
    if (!scope) continue;
    const allow = scope.allow && scope.allow.length > 0 ? new ToolMatcher(scope.allow) : undefined;
    const deny = scope.deny && scope.deny.length > 0 ? new ToolMatcher(scope.deny) : undefined;
    if (allow || deny) layers.push({ allow, deny });
  }
  return new ToolPolicy(layers);
}
