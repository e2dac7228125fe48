/**
 * The host exec approvals document (upstream's `exec_approvals_config` row):
 * policy defaults, per-agent policy and allowlists. Its exact stored text is
 * what its hash covers, so `exec.approvals.set` can refuse a stale edit
 * (compare-and-swap on `baseHash`). Runtime-agnostic.
 */
import { z } from "../zod.ts";
import { sha256Hex } from "../device/encoding.ts";
import { formatIssues } from "../protocol/validation.ts";

export type ExecSecurity = "deny" | "allowlist" | "full";
export type ExecAsk = "off" | "on-miss" | "always";

const security = z.enum(["deny", "allowlist", "full"]);
const ask = z.enum(["off", "on-miss", "always"]);

const allowlistEntry = z.looseObject({
  id: z.optional(z.string().check(z.minLength(1))),
  pattern: z.string().check(z.trim(), z.minLength(1)),
  argPattern: z.optional(z.string()),
  source: z.optional(z.string()),
  commandText: z.optional(z.unknown()),
  lastUsedAt: z.optional(z.nullable(z.number())),
  lastUsedCommand: z.optional(z.nullable(z.string())),
  lastResolvedPath: z.optional(z.string()),
});

const policy = {
  security: z.optional(security),
  ask: z.optional(ask),
  askFallback: z.optional(security),
  autoAllowSkills: z.optional(z.boolean()),
};

const agentPolicy = z.looseObject({ ...policy, allowlist: z.optional(z.array(allowlistEntry)) });

const documentSchema = z.lazy(() => z.looseObject({
  version: z.optional(z.literal(1)),
  socket: z.optional(z.looseObject({ path: z.optional(z.string()), token: z.optional(z.string()) })),
  defaults: z.optional(z.looseObject(policy)),
  agents: z.optional(z.record(z.string().check(z.minLength(1)), agentPolicy)),
}));

/** One allowlist entry: a binary path glob or bare command-name glob, optionally narrowed by an argv regex. */
export interface AllowlistEntry {
  id: string;
  pattern: string;
  argPattern?: string;
  source?: string;
  lastUsedAt?: number;
  lastUsedCommand?: string;
  lastResolvedPath?: string;
  [field: string]: unknown;
}

export interface PolicyFields {
  security?: ExecSecurity;
  ask?: ExecAsk;
  askFallback?: ExecSecurity;
  autoAllowSkills?: boolean;
}

export interface AgentApprovals extends PolicyFields {
  allowlist?: AllowlistEntry[];
  [field: string]: unknown;
}

export interface ApprovalsDocument {
  version: 1;
  defaults: PolicyFields;
  agents: Record<string, AgentApprovals>;
  [field: string]: unknown;
}

/** `exec.approvals.get`'s answer (upstream's shape; clawgate has no approvals socket, so no `socket`). */
export interface ApprovalsSnapshot {
  path: string;
  exists: boolean;
  hash: string;
  file: ApprovalsDocument;
  resolvedDefaults: Required<PolicyFields>;
}

/** Parses and normalizes a document; throws a message naming the bad fields. */
export function normalizeDocument(input: unknown, newId: () => string): ApprovalsDocument {
  const parsed = documentSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new Error(`invalid exec approvals file: ${formatIssues(parsed.error.issues)}`);
  const { socket: _socket, version: _version, defaults, agents: rawAgents, ...rest } = parsed.data;
  const agents: Record<string, AgentApprovals> = {};
  for (const [key, agent] of Object.entries(rawAgents ?? {})) {
    // Upstream migrates the legacy `default` agent to `main` on load.
    const id = key === "default" ? "main" : key;
    const allowlist = (agent.allowlist ?? []).map(({ commandText: _legacy, ...entry }) => ({
      ...entry,
      id: entry.id ?? newId(),
      ...(entry.lastUsedAt == null ? { lastUsedAt: undefined } : {}),
      ...(entry.lastUsedCommand == null ? { lastUsedCommand: undefined } : {}),
    })) as AllowlistEntry[];
    const merged = agents[id];
    agents[id] = merged
      ? { ...agent, ...merged, allowlist: [...(merged.allowlist ?? []), ...allowlist] }
      : { ...agent, allowlist } as AgentApprovals;
  }
  return JSON.parse(JSON.stringify({ version: 1, ...rest, defaults: defaults ?? {}, agents }));
}

/** The stored text of a document (upstream's serialization: two-space JSON and a newline). */
export function serializeDocument(file: ApprovalsDocument): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The document's hash: SHA-256 of its stored text, or upstream's `missing:` hash when none is stored. */
export async function documentHash(raw: string | undefined): Promise<string> {
  return raw === undefined ? `missing:${await sha256Hex("")}` : sha256Hex(raw);
}

/** Upstream's fallbacks when neither the agent nor the defaults say: full, off, deny. */
export function resolvedDefaults(file: ApprovalsDocument): Required<PolicyFields> {
  const d = file.defaults;
  return { security: d.security ?? "full", ask: d.ask ?? "off", askFallback: d.askFallback ?? "deny", autoAllowSkills: d.autoAllowSkills ?? false };
}

/** The host policy for one agent: its own fields, then the `*` agent's, then the defaults. */
export function agentPolicyOf(file: ApprovalsDocument, agentId: string): Required<PolicyFields> & { allowlist: AllowlistEntry[] } {
  const own = file.agents[agentId] ?? {};
  const any = file.agents["*"] ?? {};
  const d = resolvedDefaults(file);
  return {
    security: own.security ?? any.security ?? d.security,
    ask: own.ask ?? any.ask ?? d.ask,
    askFallback: own.askFallback ?? any.askFallback ?? d.askFallback,
    autoAllowSkills: own.autoAllowSkills ?? any.autoAllowSkills ?? d.autoAllowSkills,
    allowlist: [...(own.allowlist ?? []), ...(agentId === "*" ? [] : any.allowlist ?? [])],
  };
}
