/**
 * Exec approval methods (upstream's `exec.approval.*` and `exec.approvals.*`):
 * request, look up, wait for and resolve approvals; read and replace the host
 * approvals document; and the kind-agnostic `approval.get|resolve` over the
 * same records (what `openclaw approvals resolve` calls). Payloads and
 * refusal texts are upstream's.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { buildRequest, allowedDecisions, TOO_MANY_PENDING, type ExecApprovals, type Lookup } from "../../approvals/approvals.ts";
import { invalidRequest, unavailable, type GatewayError } from "../../protocol/errors.ts";
import type { ApprovalDecision, ExecApprovalRecord } from "../../store.ts";
import type { OpenClawConfig } from "../../config/schema.ts";
import { TwoPhaseReply } from "../reply.ts";
import { method, noParams, type Caller } from "../router.ts";

const text = z.string().check(z.minLength(1));
const idParams = z.lazy(() => z.strictObject({ id: z.string() }));

const requestParams = z.lazy(() => z.strictObject({
  id: z.optional(text),
  command: z.optional(z.string()),
  commandArgv: z.optional(z.array(z.string())),
  cwd: z.optional(z.nullable(z.string())),
  host: z.optional(z.nullable(z.string())),
  security: z.optional(z.nullable(z.string())),
  ask: z.optional(z.nullable(z.string())),
  agentId: z.optional(z.nullable(z.string())),
  resolvedPath: z.optional(z.nullable(z.string())),
  sessionKey: z.optional(z.nullable(z.string())),
  runId: z.optional(z.nullable(z.string())),
  toolCallId: z.optional(z.nullable(z.string())),
  nodeId: z.optional(z.nullable(z.string())),
  systemRunPlan: z.optional(z.unknown()),
  timeoutMs: z.optional(z.int().check(z.gte(1), z.lte(24 * 60 * 60_000))),
  twoPhase: z.optional(z.boolean()),
}));

const resolveParams = z.lazy(() => z.strictObject({
  id: z.string(),
  decision: z.string(),
  grantExpiresInDays: z.optional(z.int().check(z.gte(1), z.lte(3650))),
}));

const setParams = z.lazy(() => z.strictObject({ file: z.optional(z.unknown()), baseHash: z.optional(z.string()) }));

const approvalGetParams = z.lazy(() => z.strictObject({ id: z.string() }));
const approvalResolveParams = z.lazy(() => z.strictObject({
  id: z.string(),
  kind: z.string(),
  decision: z.string(),
  grantExpiresInDays: z.optional(z.int().check(z.gte(1), z.lte(3650))),
}));

const historyParams = z.lazy(() => z.strictObject({
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  limit: z.optional(z.int().check(z.gte(1), z.lte(100))),
  kind: z.optional(z.enum(["exec", "plugin", "system-agent"])),
}));

/** Where a history page ends: upstream's cursor, base64url of `{v: 1, resolvedAtMs, id}`. */
interface HistoryCursor {
  resolvedAtMs: number;
  id: string;
}

function encodeCursor(record: ExecApprovalRecord): string {
  const json = JSON.stringify({ v: 1, resolvedAtMs: record.resolvedAtMs ?? 0, id: record.id });
  return btoa(json).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(raw: string): HistoryCursor {
  try {
    const parsed = JSON.parse(atob(raw.replaceAll("-", "+").replaceAll("_", "/")));
    if (parsed?.v === 1 && Number.isSafeInteger(parsed.resolvedAtMs) && parsed.resolvedAtMs >= 0 && typeof parsed.id === "string" && parsed.id) return parsed;
  } catch {
    // Falls through to upstream's refusal.
  }
  throw invalidRequest("invalid approval.history cursor");
}

/** Whether `record` comes after the cursor in newest-first order. */
function after(record: ExecApprovalRecord, cursor: HistoryCursor): boolean {
  const at = record.resolvedAtMs ?? 0;
  return at < cursor.resolvedAtMs || (at === cursor.resolvedAtMs && record.id < cursor.id);
}

/** What the approval methods use. */
export interface ExecApprovalMethodsContext {
  approvals: ExecApprovals;
  config(): OpenClawConfig;
}

/** Upstream's normalizeControlUiBasePath: "" or "/path" without a trailing slash. */
function basePath(config: OpenClawConfig): string {
  const value = (config.gateway?.controlUi as { basePath?: string } | undefined)?.basePath?.trim() ?? "";
  if (!value || value === "/") return "";
  const withSlash = value.startsWith("/") ? value : `/${value}`;
  return withSlash.endsWith("/") ? withSlash.slice(0, -1) : withSlash;
}

/** Who resolves: the caller's paired device, else its client id (upstream's resolveApprovalResolver). */
function resolverOf(caller: Caller): NonNullable<ExecApprovalRecord["resolver"]> {
  return caller.deviceId ? { kind: "device", id: caller.deviceId } : { kind: "runtime", id: caller.clientId };
}

/** Upstream's reviewer-safe projection of an approval (`approval.get` / `approval.resolve`). */
function approvalSnapshot(record: ExecApprovalRecord, base: string): Record<string, unknown> {
  const r = record.request;
  const common = {
    id: record.id,
    status: record.status === "pending" ? "pending" : record.status === "expired" ? "expired" : record.decision === "deny" ? "denied" : "allowed",
    presentation: {
      kind: "exec", commandText: r.command, commandPreview: null, warningText: null, host: r.host ?? null, nodeId: r.nodeId ?? null,
      agentId: r.agentId ?? null, allowedDecisions: r.allowedDecisions ?? allowedDecisions(undefined),
    },
    urlPath: `${base}/approve/${encodeURIComponent(record.id)}`,
    createdAtMs: record.createdAtMs,
    expiresAtMs: record.expiresAtMs,
  };
  if (record.status === "pending") return common;
  return {
    ...common,
    resolvedAtMs: record.resolvedAtMs,
    reason: record.status === "resolved" ? "user" : record.terminalReason ?? "timeout",
    ...(record.decision ? { decision: record.decision } : {}),
    source: { ...(r.agentId ? { agentId: r.agentId } : {}), ...(r.sessionKey ? { sessionKey: r.sessionKey } : {}) },
    ...(record.resolver ? { resolver: record.resolver } : {}),
  };
}

function approvalNotFound(): GatewayError {
  return invalidRequest("approval not found", { reason: "APPROVAL_NOT_FOUND" });
}

const NOT_FOUND = { reason: "APPROVAL_NOT_FOUND", remediation: "Re-request the action; pending approvals are cleared after expiry or restart." };

function unknownOrExpired(): GatewayError {
  return invalidRequest("unknown or expired approval id", NOT_FOUND);
}

/** A lookup's record, or upstream's refusal for a missing or ambiguous id. */
function found(lookup: Lookup): ExecApprovalRecord {
  if (lookup.kind === "found") return lookup.record;
  throw lookup.kind === "ambiguous" ? invalidRequest("ambiguous approval id prefix; use the full id") : unknownOrExpired();
}

function isDecision(value: string): value is ApprovalDecision {
  return value === "allow-once" || value === "allow-always" || value === "deny";
}

/** The final answer to `exec.approval.request` / `waitDecision`: decision null when it expired. */
function decisionReply(record: ExecApprovalRecord, withReason: boolean): Record<string, unknown> {
  const reply: Record<string, unknown> = { id: record.id, decision: record.decision ?? null, createdAtMs: record.createdAtMs, expiresAtMs: record.expiresAtMs };
  if (withReason && record.terminalReason) reply.terminalReason = record.terminalReason;
  return reply;
}

export function execApprovalMethods(ctx: ExecApprovalMethodsContext) {
  const { approvals } = ctx;
  return [
    method("exec.approval.request", requestParams, (p, caller: Caller) => {
      const command = (p.command ?? p.commandArgv?.join(" ") ?? "").trim();
      if (!command) throw invalidRequest("command is required");
      if (p.host === "node" && !p.nodeId?.trim()) throw invalidRequest("nodeId is required for host=node");
      if (p.host === "node" && !p.systemRunPlan) throw invalidRequest("systemRunPlan is required for host=node");
      if (p.host === "node" && !p.commandArgv?.length) throw invalidRequest("commandArgv is required for host=node");
      if (p.id?.startsWith("plugin:")) throw invalidRequest("approval ids starting with plugin: are reserved");
      if (p.id && approvals.get(p.id)) throw invalidRequest("approval id already pending");
      if (approvals.full()) throw unavailable(TOO_MANY_PENDING);
      const request = buildRequest({
        command, commandArgv: p.commandArgv, cwd: p.cwd ?? undefined, host: p.host ?? undefined, security: p.security ?? undefined,
        ask: p.ask ?? undefined, agentId: p.agentId ?? undefined, resolvedPath: p.resolvedPath ?? undefined,
        sessionKey: p.sessionKey ?? undefined, runId: p.runId ?? undefined, toolCallId: p.toolCallId ?? undefined,
        ...(p.host === "node" ? { nodeId: p.nodeId!.trim(), systemRunPlan: p.systemRunPlan } : {}),
      });
      const record = approvals.create(request, { id: p.id, timeoutMs: p.timeoutMs, excludeConnId: caller.connId });
      const final = approvals.wait(record.id)!.then((done) => decisionReply(done, false));
      // Upstream answers `accepted` only when the request found someone to decide it.
      if (!p.twoPhase || record.status !== "pending") return final;
      return new TwoPhaseReply(
        { status: "accepted", id: record.id, deliveryRoute: "approval-client", createdAtMs: record.createdAtMs, expiresAtMs: record.expiresAtMs },
        final,
      );
    }),
    method("exec.approval.get", idParams, (p) => {
      const record = found(approvals.lookup(p.id, "pending"));
      const request = record.request;
      return {
        id: record.id,
        commandText: request.command,
        commandPreview: null,
        allowedDecisions: request.allowedDecisions ?? allowedDecisions(undefined),
        host: request.host ?? null,
        nodeId: request.nodeId ?? null,
        agentId: request.agentId ?? null,
        expiresAtMs: record.expiresAtMs,
      };
    }),
    method("exec.approval.list", noParams, () =>
      approvals.pending().map(({ id, request, createdAtMs, expiresAtMs }) => ({ id, request, createdAtMs, expiresAtMs, approvalKind: "exec" }))),
    method("exec.approval.waitDecision", idParams, async (p) => {
      const id = p.id.trim();
      if (!id) throw invalidRequest("id is required");
      const waiting = approvals.wait(id);
      if (!waiting) throw invalidRequest("approval expired or not found");
      return decisionReply(await waiting, true);
    }),
    method("exec.approval.resolve", resolveParams, (p, caller) => {
      if (!isDecision(p.decision)) throw invalidRequest("invalid decision");
      const lookup = approvals.lookup(p.id, "any");
      const record = found(lookup);
      if (record.status !== "pending") {
        // A repeat of the recorded decision is accepted; anything else is refused (first answer wins).
        if (record.status === "resolved" && record.decision === p.decision) return { ok: true };
        if (record.status === "resolved") throw invalidRequest("approval already resolved", { reason: "APPROVAL_ALREADY_RESOLVED" });
        throw unknownOrExpired();
      }
      const allowed = (record.request.allowedDecisions as string[] | undefined) ?? allowedDecisions(undefined);
      if (!allowed.includes(p.decision)) throw invalidRequest("allow-always is unavailable for this command", { reason: "APPROVAL_ALLOW_ALWAYS_UNAVAILABLE" });
      if (!approvals.resolve(record.id, p.decision, caller.displayName ?? caller.clientId, resolverOf(caller))) {
        const raced = approvals.get(record.id);
        if (raced?.status === "resolved" && raced.decision === p.decision) return { ok: true };
        throw raced?.status === "resolved" ? invalidRequest("approval already resolved", { reason: "APPROVAL_ALREADY_RESOLVED" }) : unknownOrExpired();
      }
      return { ok: true };
    }),
    method("approval.get", approvalGetParams, (p) => {
      const record = approvals.get(p.id);
      if (!record) throw approvalNotFound();
      return { approval: approvalSnapshot(record, basePath(ctx.config())) };
    }),
    method("approval.resolve", approvalResolveParams, (p, caller) => {
      const record = approvals.get(p.id);
      if (!record) throw approvalNotFound();
      const base = basePath(ctx.config());
      if (record.status !== "pending") return { applied: false, approval: approvalSnapshot(record, base) };
      // Upstream records a malformed decision (wrong kind, a decision not offered) as a deny.
      const offered = (record.request.allowedDecisions as string[] | undefined) ?? allowedDecisions(undefined);
      const decision: ApprovalDecision = p.kind === "exec" && isDecision(p.decision) && offered.includes(p.decision) ? p.decision : "deny";
      const done = approvals.resolve(record.id, decision, caller.displayName ?? caller.clientId, resolverOf(caller));
      return done ? { applied: true, approval: approvalSnapshot(done, base) } : { applied: false, approval: approvalSnapshot(approvals.get(p.id)!, base) };
    }),
    // The reviewed ledger, newest first; clawgate raises only exec approvals, so another kind has no history.
    method("approval.history", historyParams, (p) => {
      const cursor = p.cursor === undefined ? undefined : decodeCursor(p.cursor);
      const limit = p.limit ?? 50;
      const all = p.kind === undefined || p.kind === "exec" ? approvals.history() : [];
      const rest = cursor ? all.filter((r) => after(r, cursor)) : all;
      const page = rest.slice(0, limit);
      const base = basePath(ctx.config());
      return { items: page.map((r) => approvalSnapshot(r, base)), ...(rest.length > limit ? { nextCursor: encodeCursor(page.at(-1)!) } : {}) };
    }),
    // Standing grants let a cron job run an approved command unattended; clawgate's allow-always edits the allowlist instead.
    method("exec.approval.grants.list", z.lazy(() => z.strictObject({ limit: z.optional(z.int().check(z.gte(1), z.lte(500))) })), () => ({ grants: [] })),
    method("exec.approvals.get", noParams, () => approvals.snapshot()),
    method("exec.approvals.set", setParams, async (p) => {
      if (!p.file || typeof p.file !== "object" || Array.isArray(p.file)) throw invalidRequest("exec approvals file is required");
      const result = await approvals.replace(p.file, p.baseHash);
      if (typeof result === "string") throw invalidRequest(result);
      return result;
    }),
  ];
}
