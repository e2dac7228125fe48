/**
 * `clawgate health [--json] [--verbose]`: the running gateway's `health`
 * snapshot, printed in `openclaw health`'s lines (event loop, probe time,
 * agents, heartbeat, session stores) or as the snapshot's JSON.
 */
import { resolveTarget } from "./connection.ts";
import { urlSourceLabel } from "./gateway-call.ts";
import { exactDuration } from "./duration.ts";
import { EXIT, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";

export interface HealthFlags extends CommandFlags {
  verbose?: boolean;
}

interface Sessions {
  path: string;
  count: number;
  recent: { key: string; age: number | null }[];
}

interface Health {
  durationMs?: number;
  agents?: { agentId: string; isDefault?: boolean; heartbeat?: { everyMs?: number }; sessions: Sessions }[];
  sessions: Sessions;
  eventLoop?: { degraded: boolean; reasons: string[]; delayMaxMs: number; delayP99Ms: number; utilization: number; cpuCoreRatio: number };
}

/** Upstream's text view of a health snapshot. */
function healthLines(h: Health): string[] {
  const lines: string[] = [];
  const el = h.eventLoop;
  if (el) lines.push(`Gateway event loop: ${el.degraded ? "degraded" : "ok"}${el.reasons.length > 0 ? ` reasons=${el.reasons.join(",")}` : ""} max=${Math.round(el.delayMaxMs)}ms p99=${Math.round(el.delayP99Ms)}ms util=${el.utilization} cpu=${el.cpuCoreRatio}`);
  if (Number.isFinite(h.durationMs)) lines.push(`Gateway probe duration: ${h.durationMs}ms`);
  const agents = h.agents ?? [];
  if (agents.length > 0) {
    lines.push(`Agents: ${agents.map((a) => (a.isDefault ? `${a.agentId} (default)` : a.agentId)).join(", ")}`);
    lines.push(`Heartbeat interval: ${agents.map((a) => `${a.heartbeat?.everyMs ? exactDuration(a.heartbeat.everyMs) : "disabled"} (${a.agentId})`).join(", ")}`);
  }
  const groups = agents.length > 0 ? agents.map((a) => ({ label: `Session store (${a.agentId})`, sessions: a.sessions })) : [{ label: "Session store", sessions: h.sessions }];
  for (const { label, sessions } of groups) {
    lines.push(`${label}: ${sessions.path} (${sessions.count} entries)`);
    for (const { key, age } of sessions.recent) lines.push(`- ${key} (${age === null ? "no activity" : `${Math.round(age / 60_000)}m ago`})`);
  }
  return lines;
}

/** Prints the health snapshot; exit 1 with the failure when the gateway cannot be asked. */
export async function healthCommand(flags: HealthFlags): Promise<number> {
  const result = await rpc<Health>(flags, "health", {});
  if (!result.ok) return report(flags, result.failure);
  if (flags.json) {
    printJson(result.payload);
    return EXIT.ok;
  }
  const lines = healthLines(result.payload);
  const target = flags.verbose ? resolveTarget(flags) : undefined;
  if (target && !("error" in target)) lines.unshift(`Gateway target: ${target.url} (${urlSourceLabel(target.urlSource)})`);
  process.stdout.write(lines.join("\n") + "\n");
  return EXIT.ok;
}
