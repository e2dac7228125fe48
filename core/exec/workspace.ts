/**
 * An agent's workspace directory, the exec tool's working directory, by
 * upstream's rules (docs/concepts/agent-workspace.md): the entry's own
 * `workspace`; else a sole agent uses `agents.defaults.workspace` or
 * `<stateDir>/workspace`; the agents of a roster use
 * `<agents.defaults.workspace>/<id>`, or without that root
 * `<stateDir>/workspace-<id>` (the default agent `<stateDir>/workspace`).
 * Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { agentEntry, rosterOwnership } from "../config/agents.ts";
import { defaultAgentId } from "../sessions/keys.ts";

function expandHome(path: string, home: string | undefined): string {
  return home && (path === "~" || path.startsWith("~/")) ? home + path.slice(1) : path;
}

export function agentWorkspace(config: OpenClawConfig, agentId: string, stateDir: string, home: string | undefined): string {
  const own = (agentEntry(config, agentId) as { workspace?: unknown } | undefined)?.workspace;
  if (typeof own === "string" && own.trim()) return expandHome(own.trim(), home);
  const root = (config.agents?.defaults as { workspace?: unknown } | undefined)?.workspace;
  const shared = typeof root === "string" && root.trim() ? expandHome(root.trim(), home) : undefined;
  if (rosterOwnership(config) === "sole") return shared ?? `${stateDir}/workspace`;
  if (shared) return `${shared}/${agentId}`;
  return agentId === defaultAgentId(config) ? `${stateDir}/workspace` : `${stateDir}/workspace-${agentId}`;
}
