/**
 * `clawgate sessions [list]`: stored conversation sessions, newest first, in
 * `openclaw sessions`' text and JSON shapes. Upstream reads its session files
 * directly; clawgate's sessions live in the gateway's database, so this asks
 * the running gateway (`sessions.list`).
 */
import { EXIT, fail, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";
import { renderTable, timeAgo } from "./table.ts";

export interface SessionsFlags extends CommandFlags {
  agent?: string;
  allAgents?: boolean;
  active?: number;
  limit?: string;
}

interface Row {
  key: string;
  kind?: string;
  agentId: string;
  updatedAt: number;
  model?: string;
  modelProvider?: string;
  totalTokens?: number;
  [field: string]: unknown;
}

interface Listing {
  path: string;
  count: number;
  totalCount: number;
  hasMore: boolean;
  sessions: Row[];
}

/** Upstream's default window, so a huge store never floods the terminal. */
const DEFAULT_LIMIT = 100;

function parseLimit(raw: string | undefined): number | null | { error: string } {
  if (raw === undefined) return DEFAULT_LIMIT;
  if (raw.trim().toLowerCase() === "all") return null;
  return /^\d+$/.test(raw.trim()) && Number(raw) >= 1 ? Number(raw) : { error: 'Invalid --limit. --limit must be a positive integer or "all", for example --limit 25.' };
}

/** Lists sessions newest first, `--limit` (default 100) at a time. */
export async function sessionsCommand(flags: SessionsFlags): Promise<number> {
  if (flags.agent !== undefined && !flags.agent.trim()) return fail("--agent must not be blank");
  if (flags.agent && flags.allAgents) return fail("--agent and --all-agents cannot be combined.");
  const limit = parseLimit(flags.limit);
  if (limit !== null && typeof limit === "object") return fail(limit.error);
  const params = { ...(flags.agent ? { agentId: flags.agent.trim() } : {}), ...(flags.active ? { activeMinutes: flags.active } : {}), ...(limit !== null ? { limit } : {}) };
  const result = await rpc<Listing>(flags, "sessions.list", params);
  if (!result.ok) return report(flags, result.failure);
  const { path, sessions, totalCount, hasMore } = result.payload;
  if (flags.json) {
    printJson({ path, count: sessions.length, totalCount, limitApplied: limit, hasMore, activeMinutes: flags.active ?? null, sessions });
    return EXIT.ok;
  }
  const lines = [`Session store: ${path}`, hasMore && limit !== null ? `Sessions listed: ${sessions.length} of ${totalCount} (limit ${limit})` : `Sessions listed: ${sessions.length}`];
  if (flags.active) lines.push(`Filtered to last ${flags.active} minute(s)`);
  if (sessions.length === 0) lines.push("No sessions found.");
  else {
    const now = Date.now();
    const agents = new Set(sessions.map((s) => s.agentId)).size > 1;
    const headers = [...(agents ? ["Agent"] : []), "Kind", "Key", "Age", "Model", "Tokens"];
    lines.push(renderTable(headers, sessions.map((s) => [
      ...(agents ? [s.agentId] : []),
      s.kind ?? "direct",
      s.key,
      timeAgo(now - s.updatedAt),
      s.model ? (s.modelProvider ? `${s.modelProvider}/${s.model}` : s.model) : "-",
      typeof s.totalTokens === "number" ? compactCount(s.totalTokens) : "-",
    ])));
  }
  process.stdout.write(lines.join("\n") + "\n");
  return EXIT.ok;
}

/** Counts below 1,000 whole; larger ones as "12.3k" / "1.2m", as upstream's list. */
function compactCount(n: number): string {
  if (n < 1_000) return String(n);
  return n < 1_000_000 ? `${(n / 1_000).toFixed(1).replace(/\.0$/, "")}k` : `${(n / 1_000_000).toFixed(1).replace(/\.0$/, "")}m`;
}
