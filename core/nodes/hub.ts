/**
 * Nodes as the gateway sees them (spec §8): connected node sessions, their
 * pairing, the `node.list` catalog and the invoke path with its errors.
 * Transports hand in node sockets as `NodeLink`s, so a WebSocket node and a
 * TCP bridge node are the same thing here. Runtime-agnostic.
 */
import type { Admission } from "../handshake/connect.ts";
import { Close, GatewayError, invalidRequest, unavailable } from "../protocol/errors.ts";
import type { DeviceStore, NodeStore, PairedNode } from "../store.ts";
import { hostStatsSchema, payloadObject, presenceReason, PRESENCE_PERSIST_INTERVAL_MS, type NodeEventResult } from "./events.ts";
import { NodePairing, type Surface } from "./pairing.ts";
import { checkCommand, commandAllowlist, nodeHostMetadata, refusalMessage, type NodeCommandConfig } from "./policy.ts";
import { DEFAULT_INVOKE_TIMEOUT_MS, NodeSessions, type NodeLink, type NodeReply, type NodeSession } from "./sessions.ts";

/** What the hub needs from the gateway around it. */
export interface NodeHubDeps {
  store: NodeStore;
  /** Device pairing state, read-only here: a node is a paired device holding the `node` role (§8). */
  devices: DeviceStore;
  /** Takes a role (and its token) off a paired device; the device registry owns that write. */
  removeDeviceRole(deviceId: string, role: string): boolean;
  /** Broadcasts to operators by the event's audience (§7). */
  broadcast(event: string, payload: unknown): void;
  commandConfig(): NodeCommandConfig | undefined;
  now(): number;
}

/** `node.invoke` params after validation (§8 step 1). */
export interface InvokeParams {
  nodeId: string;
  command: string;
  params?: unknown;
  timeoutMs?: number;
  idempotencyKey: string;
  sessionKey?: string;
}

/** The refusal for an unknown, unpaired or vanished node (§8): retry once pairing settles. */
export function pairingChanged(): GatewayError {
  return unavailable("node pairing changed while invocation was active", { retryable: true, details: { code: "PAIRING_CHANGED" } });
}

/** A node-side failure as the operator sees it: UNAVAILABLE "CODE: message" (§8). */
function nodeFailure(error: NodeReply["error"] | null, dispatched: boolean): GatewayError {
  const code = error?.code?.trim() ?? "";
  const message = error?.message?.trim() || "node invoke failed";
  return unavailable(code ? `${code}: ${message}` : message, { details: { nodeError: error ?? null, nodeCommandDispatched: dispatched } });
}

/** `payloadJSON` parsed for the operator; text that is not JSON is handed back wrapped. */
function parsePayload(payloadJSON: string): unknown {
  const trimmed = payloadJSON.trim();
  if (!trimmed) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return { payloadJSON };
  }
}

export class NodeHub {
  readonly pairing: NodePairing;
  readonly sessions: NodeSessions;
  private readonly lastPresenceWrite = new Map<string, number>();

  constructor(private readonly deps: NodeHubDeps) {
    this.pairing = new NodePairing(deps.store, (event, payload) => deps.broadcast(event, payload));
    this.sessions = new NodeSessions(deps.now);
  }

  /**
   * A node finished its handshake: its declaration is reconciled with what was
   * approved (a new surface files a `node.pair` request) and it becomes
   * invocable for the approved part (§8).
   */
  attach(link: NodeLink, admission: Admission, remoteAddress: string): NodeSession {
    const { params } = admission;
    const nodeId = admission.device!.deviceId;
    const now = this.deps.now();
    const meta = nodeHostMetadata({ clientId: params.client.id, clientMode: params.client.mode, platform: params.client.platform, deviceFamily: params.client.deviceFamily });
    const decl = {
      nodeId,
      clientId: params.client.id,
      clientMode: params.client.mode,
      displayName: params.client.displayName,
      platform: meta.platform ?? params.client.platform,
      deviceFamily: meta.deviceFamily,
      version: params.client.version,
      modelIdentifier: params.client.modelIdentifier,
      caps: params.caps,
      commands: params.commands,
      permissions: params.permissions,
      remoteIp: admission.isLocalClient ? undefined : remoteAddress || undefined,
      silent: this.deps.devices.getPaired(nodeId)?.approvedVia === "silent",
    };
    const reconciled = this.pairing.reconcile(decl, this.deps.commandConfig(), now);
    const session: NodeSession = {
      nodeId,
      link,
      clientId: decl.clientId,
      clientMode: decl.clientMode,
      displayName: decl.displayName,
      platform: decl.platform,
      deviceFamily: decl.deviceFamily,
      version: decl.version,
      modelIdentifier: decl.modelIdentifier,
      remoteIp: decl.remoteIp,
      pathEnv: params.pathEnv,
      ...reconciled.effective,
      declaredCaps: reconciled.declared.caps,
      declaredCommands: reconciled.declared.commands,
      connectedAtMs: now,
    };
    this.sessions.add(session);
    this.pairing.update(nodeId, (n) => ({
      ...n,
      lastConnectedAtMs: Math.max(n.lastConnectedAtMs ?? now, now),
      ...(n.lastDisconnectedAtMs !== undefined && now > n.lastDisconnectedAtMs ? { lastDisconnectedAtMs: undefined } : {}),
    }));
    return session;
  }

  /** A node socket closed. */
  detach(nodeId: string, connId: string): void {
    const session = this.sessions.remove(nodeId, connId);
    if (!session) return;
    const now = this.deps.now();
    this.pairing.update(nodeId, (n) => (n.lastConnectedAtMs === session.connectedAtMs ? { ...n, lastDisconnectedAtMs: now } : n));
  }

  /** Gateway shutdown: pending invokes end, nothing is left armed. */
  shutdown(): void {
    this.sessions.clear();
  }

  /**
   * `node.invoke` (§8): allowlist and approval checks, then one request to the
   * node and its result, its timeout or its disappearance.
   */
  async invoke(p: InvokeParams): Promise<Record<string, unknown>> {
    const session = this.sessions.get(p.nodeId);
    if (!session) throw pairingChanged();
    const cfg = this.deps.commandConfig();
    const allowlist = commandAllowlist(cfg, session, { approved: session.commands });
    const refusal = checkCommand(p.command, session.commands, allowlist);
    if (refusal) {
      throw invalidRequest(refusalMessage(refusal, p.command, { platform: session.platform, declaredCommands: session.declaredCommands }, cfg), { reason: refusal, command: p.command });
    }
    const timeoutMs = p.timeoutMs && p.timeoutMs > 0 ? p.timeoutMs : DEFAULT_INVOKE_TIMEOUT_MS;
    const outcome = await this.sessions.invoke(session, { command: p.command, params: p.params, timeoutMs, idempotencyKey: p.idempotencyKey, sessionKey: p.sessionKey });
    switch (outcome.kind) {
      case "timeout":
        throw nodeFailure({ code: "TIMEOUT", message: "node invoke timed out" }, true);
      case "gone":
        throw pairingChanged();
      case "send-failed":
        throw nodeFailure({ code: "UNAVAILABLE", message: "failed to send invoke to node" }, false);
      case "reply": {
        const { reply } = outcome;
        if (!reply.ok) throw nodeFailure(reply.error ?? null, true);
        const payload = reply.payloadJSON ? parsePayload(reply.payloadJSON) : reply.payload;
        return { ok: true, nodeId: p.nodeId, command: p.command, payload, payloadJSON: reply.payloadJSON ?? null };
      }
    }
  }

  /** `node.invoke.result` from a node socket (§8 step 3). */
  result(callerNodeId: string, connId: string, r: NodeReply & { id: string; nodeId: string }): { ok: true; ignored?: true } {
    if (callerNodeId !== r.nodeId) throw invalidRequest("nodeId mismatch");
    return this.sessions.resolve(r.id, connId, r) ? { ok: true } : { ok: true, ignored: true };
  }

  /** `node.event` (§8). */
  event(nodeId: string, connId: string, event: string, payloadJSON: string | null): NodeEventResult {
    const session = this.sessions.get(nodeId);
    if (!session || session.link.connId !== connId) return { ok: true, event, handled: false, reason: "pairing_changed" };
    switch (event) {
      case "node.presence.alive": {
        const obj = payloadObject(payloadJSON);
        if (!obj) return { ok: true, event, handled: false, reason: "invalid_payload" };
        const now = this.deps.now();
        if (now - (this.lastPresenceWrite.get(nodeId) ?? -Infinity) < PRESENCE_PERSIST_INTERVAL_MS) return { ok: true, event, handled: true, reason: "throttled" };
        const written = this.pairing.update(nodeId, (n) => ({ ...n, lastSeenAtMs: now, lastSeenReason: presenceReason(obj.trigger) }));
        if (!written) return { ok: true, event, handled: false, reason: "pairing_changed" };
        this.lastPresenceWrite.set(nodeId, now);
        return { ok: true, event, handled: true, reason: "persisted" };
      }
      case "node.host.stats": {
        const parsed = hostStatsSchema.safeParse(payloadObject(payloadJSON));
        if (!parsed.success) return { ok: true, event, handled: false, reason: "invalid_payload" };
        session.hostStats = parsed.data;
        this.pairing.update(nodeId, (n) => ({ ...n, lastHostStats: parsed.data }));
        this.deps.broadcast("node.hostStats", { nodeId, hostStats: parsed.data });
        return { ok: true, event, handled: true, reason: "updated" };
      }
      default:
        return { ok: true, event, handled: false, reason: "unsupported_event" };
    }
  }

  /**
   * `node.pair.approve` (§6): a connected node gets the approved surface at
   * once and hears `node.pair.resolved` itself.
   */
  approve(requestId: string, callerScopes: readonly string[]): { requestId: string; node: PairedNode } {
    const result = this.pairing.approve(requestId, callerScopes, this.deps.now());
    const session = this.sessions.get(result.node.nodeId);
    if (session) {
      const approved: Surface = result.node;
      session.caps = session.declaredCaps.filter((c) => approved.caps.includes(c));
      session.commands = session.declaredCommands.filter((c) => approved.commands.includes(c));
      session.permissions = approved.permissions;
      session.link.sendEvent("node.pair.resolved", { requestId, nodeId: result.node.nodeId, decision: "approved", ts: this.deps.now() });
    }
    return result;
  }

  /**
   * `node.pair.remove` (§6): the node's surface, its pending request and the
   * device's `node` role (with its token) go; its sockets close 4001.
   */
  remove(nodeId: string): { nodeId: string } {
    const hadRole = this.deps.removeDeviceRole(nodeId, "node");
    const hadSurface = this.pairing.forget(nodeId);
    if (!hadRole && !hadSurface) throw invalidRequest("unknown nodeId");
    this.deps.broadcast("node.pair.resolved", { requestId: "", nodeId, decision: "removed", ts: this.deps.now() });
    const session = this.sessions.get(nodeId);
    if (session) queueMicrotask(() => session.link.close(Close.authChanged, "device removed"));
    return { nodeId };
  }

  /**
   * The `node.list` catalog (§6): paired node devices, approved surfaces,
   * pending requests and live sessions, merged per node; connected first.
   * Callers without pairing rights see neither pending details nor nodes that
   * are only requested.
   */
  list(canSeePending: boolean): Record<string, unknown>[] {
    const ids = new Set<string>();
    for (const d of this.deps.devices.listPaired()) if (d.roles.includes("node")) ids.add(d.deviceId);
    const { pending, paired } = { pending: this.deps.store.listNodePending(), paired: this.deps.store.listNodes() };
    for (const n of paired) ids.add(n.nodeId);
    for (const p of pending) ids.add(p.nodeId);
    for (const s of this.sessions.list()) ids.add(s.nodeId);
    const rows = [...ids].map((id) => this.describeRow(id, canSeePending)).filter((r): r is Record<string, unknown> => r !== null);
    return rows.sort((a, b) => {
      if (a.connected !== b.connected) return a.connected ? -1 : 1;
      const an = String(a.displayName ?? a.nodeId).toLowerCase();
      const bn = String(b.displayName ?? b.nodeId).toLowerCase();
      return an < bn ? -1 : an > bn ? 1 : String(a.nodeId).localeCompare(String(b.nodeId));
    });
  }

  /** One catalog row (`node.describe`), or null when the node is unknown or hidden from this caller. */
  describeRow(nodeId: string, canSeePending: boolean): Record<string, unknown> | null {
    const device = this.deps.devices.getPaired(nodeId);
    const nodeDevice = device?.roles.includes("node") ? device : undefined;
    const approved = this.pairing.get(nodeId);
    const live = this.sessions.get(nodeId);
    let pending = this.pairing.pending(nodeId);
    // A live node whose declaration no longer matches the request is not waiting on it.
    if (pending && live && !(sameSet(pending.caps, live.declaredCaps) && sameSet(pending.commands, live.declaredCommands))) pending = undefined;
    if (!nodeDevice && !approved && !pending && !live) return null;
    const paired = Boolean(nodeDevice ?? approved);
    if (!canSeePending && !paired && !live) return null;
    const hostStats = live ? live.hostStats : approved?.lastHostStats;
    const lastSeen = [
      live ? { at: live.connectedAtMs, reason: "connect" } : undefined,
      approved?.lastSeenAtMs !== undefined ? { at: approved.lastSeenAtMs, reason: approved.lastSeenReason } : undefined,
      approved?.lastConnectedAtMs !== undefined ? { at: approved.lastConnectedAtMs, reason: "connect" } : undefined,
    ].filter((x) => x !== undefined).sort((a, b) => b.at - a.at)[0];
    const row: Record<string, unknown> = {
      nodeId,
      displayName: approved?.displayName ?? live?.displayName ?? nodeDevice?.displayName ?? pending?.displayName,
      platform: live?.platform ?? approved?.platform ?? nodeDevice?.platform ?? pending?.platform,
      version: live?.version ?? approved?.version ?? pending?.version,
      clientId: live?.clientId ?? nodeDevice?.clientId ?? pending?.clientId,
      clientMode: live?.clientMode ?? nodeDevice?.clientMode ?? pending?.clientMode,
      deviceFamily: live?.deviceFamily ?? approved?.deviceFamily ?? pending?.deviceFamily,
      modelIdentifier: live?.modelIdentifier ?? approved?.modelIdentifier ?? pending?.modelIdentifier,
      remoteIp: live?.remoteIp ?? approved?.remoteIp ?? pending?.remoteIp,
      caps: [...(live ? live.caps : approved?.caps ?? [])].sort(),
      commands: [...(live ? live.commands : approved?.commands ?? [])].sort(),
      pathEnv: live?.pathEnv,
      permissions: live?.permissions ?? approved?.permissions,
      ...(hostStats ? { hostStats } : {}),
      approvalState: pending ? (approved ? "pending-reapproval" : "pending-approval") : approved ? "approved" : "unapproved",
      ...(canSeePending && pending ? {
        pendingRequestId: pending.requestId,
        pendingDeclaredCaps: pending.caps,
        pendingDeclaredCommands: pending.commands,
        pendingDeclaredPermissions: pending.permissions,
      } : {}),
      connectedAtMs: live?.connectedAtMs,
      lastConnectedAtMs: Math.max(approved?.lastConnectedAtMs ?? -Infinity, live?.connectedAtMs ?? -Infinity),
      lastDisconnectedAtMs: live ? undefined : approved?.lastDisconnectedAtMs,
      lastSeenAtMs: lastSeen?.at,
      lastSeenReason: lastSeen?.reason,
      approvedAtMs: approved?.approvedAtMs ?? nodeDevice?.approvedAtMs,
      paired,
      connected: Boolean(live),
    };
    if (!Number.isFinite(row.lastConnectedAtMs)) row.lastConnectedAtMs = undefined;
    return row;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
