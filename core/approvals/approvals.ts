/**
 * Exec approvals: requests that wait for an operator's decision, and the host
 * approvals document. Every request and decision is written to the store
 * before anyone hears of it, so a pending request and a decision both survive
 * a gateway restart; expiry timers are re-armed from the store at start.
 * Operators holding `operator.approvals` see `exec.approval.requested` and
 * then `exec.approval.resolved` (one audience, core/events/audience.ts).
 * Runtime-agnostic.
 */
import type { EventName } from "../events/audience.ts";
import type { Logger } from "../runtime.ts";
import type { ApprovalDecision, ApprovalStore, ExecApprovalRecord } from "../store.ts";
import {
  agentPolicyOf, documentHash, normalizeDocument, resolvedDefaults, serializeDocument,
  type ApprovalsDocument, type ApprovalsSnapshot,
} from "./document.ts";

/** Upstream's DEFAULT_EXEC_APPROVAL_TIMEOUT_MS: a request waits 30 minutes. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;
/** Pending requests at most: past it new ones are refused, so no caller can grow the table without bound. */
export const MAX_PENDING_APPROVALS = 256;
/** The refusal past MAX_PENDING_APPROVALS. */
export const TOO_MANY_PENDING = `too many pending exec approvals (${MAX_PENDING_APPROVALS}); resolve some or let them expire`;
/** Decided and expired requests are kept this long (upstream's `approval.history` retention). */
const HISTORY_MS = 30 * 24 * 60 * 60_000;

/** What exec approvals use from the gateway. */
export interface ExecApprovalsHost {
  store: ApprovalStore;
  now(): number;
  broadcast(event: EventName, payload: unknown): void;
  /** Whether an operator who may decide is connected, other than `excludeConnId` (else a request has no route). */
  hasApprovalClients(excludeConnId?: string): boolean;
  /** Where the document lives, for `exec.approvals.get`'s `path`. */
  databasePath: string;
  /** Requests and decisions are logged by id (never the command, which may carry secrets). */
  logger: Logger;
}

/** A lookup by id or unique id prefix, as upstream's `lookupApprovalId`. */
export type Lookup = { kind: "found"; record: ExecApprovalRecord } | { kind: "missing" } | { kind: "ambiguous" };

export class ExecApprovals {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly waiters = new Map<string, Set<(record: ExecApprovalRecord) => void>>();

  constructor(private readonly host: ExecApprovalsHost) {}

  /**
   * Re-arms expiry for requests that were pending when the gateway stopped;
   * ends those an agent run raised (no run survives a restart, so nothing
   * would act on a decision); drops old history.
   */
  start(): void {
    const now = this.host.now();
    this.host.store.pruneApprovals(now - HISTORY_MS);
    for (const record of this.host.store.listApprovals("pending")) {
      if (record.fromRun) this.expire(record.id, "gateway-restart");
      else this.arm(record, now);
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * Stores and announces a new request. With no operator to decide it, it
   * expires at once (`no-approval-route`), as upstream, so a caller never
   * waits for nobody.
   */
  create(request: Record<string, unknown>, options: { timeoutMs?: number; id?: string; excludeConnId?: string; fromRun?: boolean } = {}): ExecApprovalRecord {
    const now = this.host.now();
    const record: ExecApprovalRecord = {
      id: options.id ?? crypto.randomUUID(),
      request,
      createdAtMs: now,
      expiresAtMs: now + (options.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS),
      status: "pending",
      ...(options.fromRun ? { fromRun: true } : {}),
    };
    this.host.store.putApproval(record);
    this.host.logger.info("exec-approvals", "approval requested", { id: record.id, agentId: request.agentId ?? undefined });
    if (!this.host.hasApprovalClients(options.excludeConnId)) {
      return this.expire(record.id, "no-approval-route") ?? record;
    }
    this.host.broadcast("exec.approval.requested", { id: record.id, request, createdAtMs: record.createdAtMs, expiresAtMs: record.expiresAtMs });
    this.arm(record, now);
    return record;
  }

  get(id: string): ExecApprovalRecord | undefined {
    return this.host.store.getApproval(id);
  }

  /** Whether a new request would pass MAX_PENDING_APPROVALS. */
  full(): boolean {
    return this.host.store.listApprovals("pending").length >= MAX_PENDING_APPROVALS;
  }

  /** Pending requests, oldest first. */
  pending(): ExecApprovalRecord[] {
    return this.host.store.listApprovals("pending");
  }

  /** Decided and expired requests (kept for HISTORY_MS), the newest decision first, ties by id. */
  history(): ExecApprovalRecord[] {
    const done = [...this.host.store.listApprovals("resolved"), ...this.host.store.listApprovals("expired")];
    return done.sort((a, b) => (b.resolvedAtMs ?? 0) - (a.resolvedAtMs ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** Finds a record by its full id or a prefix that names only one (pending ones, or decided ones too). */
  lookup(input: string, state: "pending" | "any"): Lookup {
    const exact = this.host.store.getApproval(input);
    if (exact && (state === "any" || exact.status === "pending")) return { kind: "found", record: exact };
    const pool = state === "pending" ? this.pending() : [...this.pending(), ...this.host.store.listApprovals("resolved")];
    const matches = pool.filter((r) => r.id.startsWith(input));
    if (matches.length === 1) return { kind: "found", record: matches[0]! };
    return matches.length === 0 ? { kind: "missing" } : { kind: "ambiguous" };
  }

  /** Records a decision for a pending request; undefined when it is no longer pending. */
  resolve(id: string, decision: ApprovalDecision, resolvedBy: string | null, resolver?: ExecApprovalRecord["resolver"]): ExecApprovalRecord | undefined {
    const record = this.host.store.getApproval(id);
    if (!record || record.status !== "pending") return undefined;
    const done: ExecApprovalRecord = { ...record, status: "resolved", decision, resolvedBy, ...(resolver ? { resolver } : {}), resolvedAtMs: this.host.now() };
    this.host.store.putApproval(done);
    this.settle(done);
    this.host.logger.info("exec-approvals", "approval resolved", { id, decision, resolvedBy });
    this.host.broadcast("exec.approval.resolved", { id, decision, resolvedBy, ts: done.resolvedAtMs, request: record.request });
    return done;
  }

  /** The record once it is decided or expired (at once when it already is); undefined for an unknown id. */
  wait(id: string): Promise<ExecApprovalRecord> | undefined {
    const record = this.host.store.getApproval(id);
    if (!record) return undefined;
    if (record.status !== "pending") return Promise.resolve(record);
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(resolve);
    });
  }

  /** Ends a pending request without a decision; undefined when it was no longer pending. */
  expire(id: string, terminalReason: string): ExecApprovalRecord | undefined {
    const record = this.host.store.getApproval(id);
    if (!record || record.status !== "pending") return undefined;
    const done: ExecApprovalRecord = { ...record, status: "expired", resolvedAtMs: this.host.now(), terminalReason };
    this.host.store.putApproval(done);
    this.settle(done);
    this.host.logger.info("exec-approvals", "approval ended without a decision", { id, reason: terminalReason });
    return done;
  }

  private arm(record: ExecApprovalRecord, now: number): void {
    const delay = record.expiresAtMs - now;
    if (delay <= 0) {
      this.expire(record.id, "timeout");
      return;
    }
    const timer = setTimeout(() => this.expire(record.id, "timeout"), delay);
    (timer as { unref?: () => void }).unref?.();
    this.timers.set(record.id, timer);
  }

  private settle(record: ExecApprovalRecord): void {
    const timer = this.timers.get(record.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(record.id);
    const set = this.waiters.get(record.id);
    this.waiters.delete(record.id);
    for (const resolve of set ?? []) resolve(record);
  }

  /** The stored document (normalized when it was written), or upstream's empty one. */
  document(): ApprovalsDocument {
    const raw = this.host.store.getApprovalsDocument();
    return raw === undefined ? normalizeDocument({ version: 1, agents: {} }, newId) : JSON.parse(raw);
  }

  /** `exec.approvals.get`'s answer. */
  async snapshot(): Promise<ApprovalsSnapshot> {
    const raw = this.host.store.getApprovalsDocument();
    const file = this.document();
    return { path: `${this.host.databasePath}#exec_approvals_config`, exists: raw !== undefined, hash: await documentHash(raw), file, resolvedDefaults: resolvedDefaults(file) };
  }

  /**
   * Replaces the document when `baseHash` still names the stored one (upstream's
   * rules: no base needed while none is stored); returns the new snapshot, or
   * the refusal message.
   */
  async replace(input: unknown, baseHash: string | undefined): Promise<ApprovalsSnapshot | string> {
    const raw = this.host.store.getApprovalsDocument();
    const current = await documentHash(raw);
    if (raw !== undefined && !baseHash) return "exec approvals base hash required; re-run exec.approvals.get and retry";
    if (baseHash && baseHash !== current) return STALE;
    let file: ApprovalsDocument;
    try {
      file = normalizeDocument(input, newId);
    } catch (error) {
      return (error as Error).message;
    }
    const next = serializeDocument(file);
    // The hash was checked across an await: write only if the row is still what was hashed.
    const written = this.host.store.transaction(() => {
      if (this.host.store.getApprovalsDocument() !== raw) return false;
      if (next !== raw) this.host.store.putApprovalsDocument(next);
      return true;
    });
    return written ? this.snapshot() : STALE;
  }

  /** Adds allowlist entries to an agent (allow-always), skipping ones it already has. */
  addToAllowlist(agentId: string, entries: { pattern: string; argPattern?: string; source?: string; lastResolvedPath?: string }[]): void {
    this.host.store.transaction(() => {
      const file = this.document();
      const agent = (file.agents[agentId] ??= {});
      const list = (agent.allowlist ??= []);
      for (const entry of entries) {
        if (list.some((e) => e.pattern === entry.pattern && e.argPattern === entry.argPattern)) continue;
        list.push({ id: newId(), ...entry });
      }
      this.host.store.putApprovalsDocument(serializeDocument(file));
    });
  }

  /** The host policy that applies to one agent. */
  policyFor(agentId: string): ReturnType<typeof agentPolicyOf> {
    return agentPolicyOf(this.document(), agentId);
  }
}

const STALE = "exec approvals changed since last load; re-run exec.approvals.get and retry";

function newId(): string {
  return crypto.randomUUID();
}

/** The facts a request carries; every other field of upstream's request is null. */
export interface RequestFields {
  command: string;
  commandArgv?: string[];
  cwd?: string;
  host?: string;
  security?: string;
  ask?: string;
  agentId?: string;
  sessionKey?: string;
  resolvedPath?: string;
  runId?: string;
  toolCallId?: string;
  /** A node host's request (`host=node`): the node and its canonical run plan. */
  nodeId?: string;
  systemRunPlan?: unknown;
}

/** Decisions an operator may give: allow-always is unavailable when every call must ask (upstream). */
export function allowedDecisions(ask: string | undefined): ApprovalDecision[] {
  return ask === "always" ? ["allow-once", "deny"] : ["allow-once", "allow-always", "deny"];
}

/** A request in upstream's shape (`exec.approval.requested`'s `request`). */
export function buildRequest(f: RequestFields): Record<string, unknown> {
  return {
    command: f.command,
    commandArgv: f.commandArgv,
    systemRunBinding: null,
    systemRunPlan: f.systemRunPlan ?? null,
    cwd: f.cwd ?? null,
    nodeId: f.nodeId ?? null,
    host: f.host ?? null,
    security: f.security ?? null,
    ask: f.ask ?? null,
    warningText: null,
    scope: null,
    commandAnalysis: null,
    allowedDecisions: allowedDecisions(f.ask),
    agentId: f.agentId ?? null,
    resolvedPath: f.resolvedPath ?? null,
    sessionKey: f.sessionKey ?? null,
    sessionId: null,
    runId: f.runId ?? null,
    toolCallId: f.toolCallId ?? null,
    turnSourceChannel: null,
    turnSourceTo: null,
    turnSourceAccountId: null,
    turnSourceThreadId: null,
    cronExecutionSource: null,
    cronOperationBinding: null,
  };
}
