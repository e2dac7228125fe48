/**
 * `clawgate approvals pending|resolve|get|set|allowlist`: exec approvals on the
 * gateway (`exec.approval.list`, `approval.get|resolve` as upstream's resolve
 * uses them, `exec.approvals.*`), worded as `openclaw approvals` is.
 * Clawgate keeps the approvals document in the gateway's own database, so
 * every subcommand talks to the gateway (`--gateway` is accepted and changes
 * nothing); node targets are not relayed.
 */
import { readFileSync } from "node:fs";
import { text as readStream } from "node:stream/consumers";
import JSON5 from "json5";
import { color, EXIT, fail, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";
import { renderTable, timeAgo } from "./table.ts";

export interface ApprovalsFlags extends CommandFlags {
  reason?: string;
  file?: string;
  stdin?: boolean;
  agent?: string;
}

interface Pending {
  id: string;
  request: { command?: string; agentId?: string | null; sessionKey?: string | null };
  createdAtMs: number;
  expiresAtMs: number;
}

interface Snapshot {
  path: string;
  exists: boolean;
  hash: string;
  file: {
    version?: number;
    defaults?: { security?: string; ask?: string; askFallback?: string; autoAllowSkills?: boolean };
    agents?: Record<string, { allowlist?: { pattern?: string; source?: string; argPattern?: string; lastUsedAt?: number }[] }>;
  };
}

const DECISIONS = ["allow-once", "allow-always", "deny"];
const ADMIN = "operator.admin";
const APPROVALS = "operator.approvals";

/** Upstream's `clawgate approvals <verb>` error style: the message, exit 1 (JSON: `{ok:false,error}`). */
function cliError(flags: ApprovalsFlags, message: string): number {
  return report(flags, { type: "cli_error", message });
}

/** Upstream's "in" form for a future time ("5m", "2h"): timeAgo without the suffix. */
function timeLeft(ms: number): string {
  return timeAgo(Math.max(0, ms)).replace(/ ago$/, "");
}

async function pending(flags: ApprovalsFlags): Promise<number> {
  const res = await rpc<Pending[]>(flags, "exec.approval.list", {}, [ADMIN]);
  if (!res.ok) return report(flags, res.failure, res.hint);
  const entries = res.payload
    .map((a) => ({ id: a.id, kind: "exec", agentId: a.request.agentId ?? null, sessionKey: a.request.sessionKey ?? null, createdAtMs: a.createdAtMs, expiresAtMs: a.expiresAtMs, summary: a.request.command || "(summary unavailable)" }))
    .sort((a, b) => b.createdAtMs - a.createdAtMs);
  if (flags.json) {
    printJson({ approvals: entries });
    return EXIT.ok;
  }
  if (entries.length === 0) {
    process.stdout.write(`${color.dim("No pending approvals.")}\n`);
    return EXIT.ok;
  }
  const now = Date.now();
  const rows = entries.map((e) => [
    e.id, e.kind, [e.agentId, e.sessionKey].filter(Boolean).join(" / ") || "-", timeAgo(now - e.createdAtMs), timeLeft(e.expiresAtMs - now),
    e.summary.length > 96 ? `${e.summary.slice(0, 93)}...` : e.summary,
  ]);
  const out = [
    `${color.bold("Pending approvals")} ${color.dim(`(${entries.length})`)}`,
    renderTable(["ID", "Kind", "Agent / Session", "Requested", "Expires In", "Command / Summary"], rows),
    color.bold("Full request text"),
    ...entries.map((e) => `${e.id}: ${e.summary}`),
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  return EXIT.ok;
}

/** `approval.get` / `approval.resolve`'s projection, the fields the CLI reads. */
interface Approval {
  id: string;
  status: string;
  decision?: string;
  presentation: { kind: string; allowedDecisions: string[] };
  resolver?: { kind: string; id?: string | null };
}

function formatResolver(approval: Approval): string {
  const r = approval.resolver;
  return !r ? "unknown resolver" : r.id ? `${r.kind}:${r.id}` : r.kind;
}

/** As upstream: look the approval up, check the decision is offered, resolve through approval.resolve. */
async function resolve(args: string[], flags: ApprovalsFlags): Promise<number> {
  const [id = "", raw = ""] = args;
  const decision = raw.trim();
  if (!id) return cliError(flags, "Approval id required.");
  if (!decision) return cliError(flags, "Decision required.");
  if (!DECISIONS.includes(decision)) return cliError(flags, `Decision must be one of: ${DECISIONS.join(", ")}.`);
  const reason = flags.reason?.trim();
  if (flags.reason !== undefined && !reason) return cliError(flags, "Reason must not be empty.");
  const scopes = [ADMIN, APPROVALS];
  const lookup = await rpc<{ approval: Approval }>(flags, "approval.get", { id }, scopes);
  if (!lookup.ok) return report(flags, lookup.failure, lookup.hint);
  const current = lookup.payload.approval;
  if (current.status === "pending" && !current.presentation.allowedDecisions.includes(decision)) {
    return cliError(flags, `Decision ${decision} is not allowed for ${current.presentation.kind} approvals; allowed decisions: ${current.presentation.allowedDecisions.join(", ")}.`);
  }
  const res = await rpc<{ applied: boolean; approval: Approval }>(flags, "approval.resolve", { id, kind: current.presentation.kind, decision }, scopes);
  if (!res.ok) return report(flags, res.failure, res.hint);
  const { applied, approval } = res.payload;
  if (!approval.decision) return cliError(flags, approval.status === "expired" ? `Approval ${id} expired.` : `Approval ${id} did not settle to a recorded decision.`);
  if (approval.decision !== decision) return cliError(flags, `Approval ${id} was already resolved with ${approval.decision} by ${formatResolver(approval)}.`);
  if (flags.json) {
    printJson({ ...res.payload, alreadyResolved: !applied, ...(reason ? { cliReason: reason } : {}) });
    return EXIT.ok;
  }
  const settled = applied ? `resolved ${decision}` : `already resolved (same decision: ${decision})`;
  process.stdout.write(`Approval ${id} ${settled} by ${formatResolver(approval)}${reason ? `; CLI reason: ${reason}` : ""}.\n`);
  return EXIT.ok;
}

function render(snapshot: Snapshot): string {
  const file = snapshot.file;
  const d = file.defaults ?? {};
  const defaults = [
    d.security ? `security=${d.security}` : null, d.ask ? `ask=${d.ask}` : null, d.askFallback ? `askFallback=${d.askFallback}` : null,
    typeof d.autoAllowSkills === "boolean" ? `autoAllowSkills=${d.autoAllowSkills ? "on" : "off"}` : null,
  ].filter((p) => p !== null);
  const agents = file.agents ?? {};
  const now = Date.now();
  const allowlist = Object.entries(agents).flatMap(([agent, a]) => (a.allowlist ?? []).filter((e) => e.pattern).map((e) => [
    "gateway", agent, e.pattern!, e.source === "allow-always" ? "always-here" : e.argPattern ? "argv" : "path",
    typeof e.lastUsedAt === "number" ? timeAgo(now - e.lastUsedAt) : "unknown",
  ]));
  const summary = [
    ["Target", "gateway"], ["Path", snapshot.path], ["State", snapshot.exists ? "stored" : "defaults (no stored overrides)"], ["Hash", snapshot.hash],
    ["Version", String(file.version ?? 1)], ["Socket", "default"], ["Defaults", defaults.length > 0 ? defaults.join(", ") : "none"],
    ["Agents", String(Object.keys(agents).length)], ["Allowlist", String(allowlist.length)], ["MCP tool grants", "0"],
  ];
  const out = [color.bold("Approvals"), renderTable(["Field", "Value"], summary), ""];
  if (allowlist.length > 0) out.push(color.bold("Allowlist"), renderTable(["Target", "Agent", "Pattern", "Scope", "Last Used"], allowlist));
  else out.push(color.dim("No allowlist entries."));
  return `${out.join("\n")}\n`;
}

function show(flags: ApprovalsFlags, snapshot: Snapshot): number {
  if (flags.json) printJson(snapshot);
  else process.stdout.write(render(snapshot));
  return EXIT.ok;
}

async function load(flags: ApprovalsFlags): Promise<Snapshot | number> {
  const res = await rpc<Snapshot>(flags, "exec.approvals.get", {}, [ADMIN]);
  return res.ok ? res.payload : report(flags, res.failure, res.hint);
}

async function save(flags: ApprovalsFlags, file: unknown, baseHash: string): Promise<number> {
  const res = await rpc<Snapshot>(flags, "exec.approvals.set", { file, baseHash }, [ADMIN]);
  if (!res.ok) return report(flags, res.failure, res.hint);
  if (!flags.json) process.stdout.write(`${color.dim("Target: gateway")}\n`);
  return show(flags, res.payload);
}

async function set(flags: ApprovalsFlags): Promise<number> {
  if (!flags.file === !flags.stdin) return cliError(flags, "Provide --file or --stdin (not both).");
  let file: unknown;
  try {
    const text = flags.file ? readFileSync(flags.file, "utf8") : await readStream(process.stdin);
    file = JSON5.parse(text);
  } catch (error) {
    return cliError(flags, `Failed to parse approvals JSON: ${(error as Error).message}`);
  }
  const current = await load(flags);
  return typeof current === "number" ? current : save(flags, file, current.hash);
}

async function allowlist(args: string[], flags: ApprovalsFlags): Promise<number> {
  const [action, raw = ""] = args;
  if (action !== "add" && action !== "remove") return fail(`unknown allowlist action: ${action ?? "(none)"} (use add or remove)`);
  const pattern = raw.trim();
  if (!pattern) return cliError(flags, "Pattern required.");
  const agentKey = flags.agent === undefined ? "*" : flags.agent.trim();
  if (!agentKey) return cliError(flags, "--agent must not be blank");
  const current = await load(flags);
  if (typeof current === "number") return current;
  const file = structuredClone(current.file);
  const agents = (file.agents ??= {});
  const agent = (agents[agentKey] ??= {});
  const list = agent.allowlist ?? [];
  const has = list.some((e) => e.pattern?.trim() === pattern);
  // Adding an existing pattern or removing a missing one succeeds without writing (upstream).
  if (action === "add" ? has : !has) return show(flags, current);
  agent.allowlist = action === "add" ? [...list, { pattern }] : list.filter((e) => e.pattern?.trim() !== pattern);
  if (agent.allowlist.length === 0 && Object.keys(agent).length === 1) delete agents[agentKey];
  return save(flags, file, current.hash);
}

/** Runs one `approvals` subcommand. */
export async function approvalsCommand(verb: string, args: string[], flags: ApprovalsFlags): Promise<number> {
  switch (verb) {
    case "pending": return pending(flags);
    case "resolve": return resolve(args, flags);
    case "get": {
      const snapshot = await load(flags);
      return typeof snapshot === "number" ? snapshot : show(flags, snapshot);
    }
    case "set": return set(flags);
    case "allowlist": return allowlist(args, flags);
    default: return fail(`unknown approvals command: ${verb}`);
  }
}
