/**
 * Node pairing (spec §8, §6 `node.pair.*`): a node's declared command surface
 * needs an owner's approval before any command runs. Approved surfaces and
 * pending requests are durable; one pending request per node, no expiry.
 * Runtime-agnostic.
 */
import { GatewayError, invalidRequest, missingScope } from "../protocol/errors.ts";
import { effectiveScopes } from "../scopes/scopes.ts";
import type { NodeStore, PairedNode, PendingNodePairing } from "../store.ts";
import { approveScopesFor, commandAllowlist, normalizeCommands, type NodeCommandConfig } from "./policy.ts";

/** Where pairing events go (§7: `node.pair.requested` / `resolved`). */
export type NodePairingSink = (event: "node.pair.requested" | "node.pair.resolved", payload: Record<string, unknown>) => void;

/** What a connecting node declares (connect params or `bridge.hello`). */
export interface NodeDeclaration {
  nodeId: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform: string;
  version: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  caps?: readonly string[];
  commands?: readonly string[];
  permissions?: Record<string, boolean>;
  remoteIp?: string;
  /** The device itself was approved without an owner (silent local pairing). */
  silent: boolean;
}

/** A node's command surface. */
export interface Surface {
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
}

/** Outcome of reconciling a connecting node with what was approved (§8). */
export interface Reconciled {
  declared: Surface;
  /** What the node may use now: the approved part of its declaration. */
  effective: Surface;
  /** Declared commands no platform allowlist admits; never offered for approval. */
  withheld: string[];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sortedPermissions(p: Record<string, boolean> | undefined): Record<string, boolean> | undefined {
  if (!p) return undefined;
  const entries = Object.entries(p).sort(([a], [b]) => a.localeCompare(b));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function samePermissions(a: Record<string, boolean> | undefined, b: Record<string, boolean> | undefined): boolean {
  return JSON.stringify(sortedPermissions(a) ?? {}) === JSON.stringify(sortedPermissions(b) ?? {});
}

/** The missing-scope refusal for an approval, with the pairing scope listed first (§5). */
function approvalForbidden(missing: string): GatewayError {
  return missingScope(missing, missing === "operator.pairing" ? [missing] : ["operator.pairing", missing]);
}

export class NodePairing {
  constructor(private readonly store: NodeStore, private readonly emit: NodePairingSink) {}

  /**
   * Compares a connecting node's declaration with its approved surface. Anything
   * new (command, capability or granted permission) becomes a pending request;
   * until it is approved only the approved part is effective (§8).
   */
  reconcile(decl: NodeDeclaration, cfg: NodeCommandConfig | undefined, now: number): Reconciled {
    const policyNode = { clientId: decl.clientId, clientMode: decl.clientMode, platform: decl.platform, deviceFamily: decl.deviceFamily, caps: decl.caps, commands: decl.commands };
    const allowlist = commandAllowlist(cfg, policyNode, { forPairing: true });
    const connectCommands = normalizeCommands(decl.commands);
    const declared: Surface = {
      caps: normalizeCommands(decl.caps),
      commands: connectCommands.filter((c) => allowlist.has(c)),
      permissions: sortedPermissions(decl.permissions),
    };
    const withheld = connectCommands.filter((c) => !declared.commands.includes(c));
    const paired = this.store.getNode(decl.nodeId);
    if (!paired) {
      this.request(decl, declared, now);
      return { declared, effective: { caps: [], commands: [] }, withheld };
    }
    const approvedCommands = paired.commands.filter((c) => allowlist.has(c));
    const upgrade = declared.commands.some((c) => !approvedCommands.includes(c))
      || declared.caps.some((c) => !paired.caps.includes(c))
      || Object.entries(declared.permissions ?? {}).some(([k, v]) => v && paired.permissions?.[k] !== true);
    const effective: Surface = {
      caps: declared.caps.filter((c) => paired.caps.includes(c)),
      commands: declared.commands.filter((c) => approvedCommands.includes(c)),
      permissions: sortedPermissions(Object.fromEntries(Object.entries(declared.permissions ?? {}).filter(([k]) => paired.permissions?.[k] !== undefined).map(([k, v]) => [k, v && paired.permissions![k] === true]))),
    };
    if (upgrade) {
      this.request(decl, declared, now);
      return { declared, effective, withheld };
    }
    // The approved surface covers everything declared: stale requests go (§8).
    const stale = this.store.getNodePending(decl.nodeId);
    if (stale) {
      this.store.deleteNodePending(decl.nodeId);
      this.emit("node.pair.resolved", { requestId: stale.requestId, nodeId: decl.nodeId, decision: "rejected", ts: now });
    }
    return { declared, effective: declared, withheld };
  }

  /** Files or refreshes the node's pending request; a changed surface supersedes the old one. */
  private request(decl: NodeDeclaration, surface: Surface, now: number): void {
    const existing = this.store.getNodePending(decl.nodeId);
    const base = {
      nodeId: decl.nodeId,
      clientId: decl.clientId,
      clientMode: decl.clientMode,
      displayName: decl.displayName,
      platform: decl.platform,
      version: decl.version,
      deviceFamily: decl.deviceFamily,
      modelIdentifier: decl.modelIdentifier,
      caps: surface.caps,
      commands: surface.commands,
      permissions: surface.permissions,
      remoteIp: decl.remoteIp,
      ts: now,
    };
    if (existing && sameSet(existing.caps, surface.caps) && sameSet(existing.commands, surface.commands) && samePermissions(existing.permissions, surface.permissions)) {
      this.store.putNodePending({ ...existing, ...base, silent: Boolean(existing.silent && decl.silent) });
      return;
    }
    const pending: PendingNodePairing = { requestId: crypto.randomUUID(), ...base, ...(decl.silent ? { silent: true } : {}) };
    this.store.putNodePending(pending);
    if (existing) this.emit("node.pair.resolved", { requestId: existing.requestId, nodeId: decl.nodeId, decision: "rejected", ts: now });
    this.emit("node.pair.requested", pendingView(pending));
  }

  private byRequestId(requestId: string): PendingNodePairing {
    const pending = this.store.listNodePending().find((p) => p.requestId === requestId);
    if (!pending) throw invalidRequest("unknown requestId");
    return pending;
  }

  /** `node.pair.approve` (§6): needs the scopes the declared commands call for (§5). */
  approve(requestId: string, callerScopes: readonly string[], now: number): { requestId: string; node: PairedNode } {
    const pending = this.byRequestId(requestId);
    const granted = effectiveScopes(callerScopes);
    const missing = approveScopesFor(pending.commands).find((s) => !granted.has(s as never));
    if (missing) throw approvalForbidden(missing);
    const node = this.store.transaction(() => {
      const previous = this.store.getNode(pending.nodeId);
      const approved: PairedNode = {
        ...previous,
        nodeId: pending.nodeId,
        clientId: pending.clientId,
        clientMode: pending.clientMode,
        displayName: previous?.displayName ?? pending.displayName,
        platform: pending.platform,
        deviceFamily: pending.deviceFamily,
        version: pending.version,
        modelIdentifier: pending.modelIdentifier,
        caps: pending.caps,
        commands: pending.commands,
        permissions: pending.permissions,
        remoteIp: pending.remoteIp,
        createdAtMs: previous?.createdAtMs ?? now,
        approvedAtMs: Math.max(now, (previous?.approvedAtMs ?? -1) + 1),
      };
      this.store.putNode(approved);
      this.store.deleteNodePending(pending.nodeId);
      return approved;
    });
    this.emit("node.pair.resolved", { requestId, nodeId: node.nodeId, decision: "approved", ts: now });
    return { requestId, node: { ...node } };
  }

  /** `node.pair.reject` (§6). */
  reject(requestId: string, now: number): { requestId: string; nodeId: string } {
    const pending = this.byRequestId(requestId);
    this.store.deleteNodePending(pending.nodeId);
    this.emit("node.pair.resolved", { requestId, nodeId: pending.nodeId, decision: "rejected", ts: now });
    return { requestId, nodeId: pending.nodeId };
  }

  /** Forgets a node's approved surface and pending request; false when there was neither. */
  forget(nodeId: string): boolean {
    return this.store.transaction(() => {
      const pending = this.store.deleteNodePending(nodeId);
      return this.store.deleteNode(nodeId) || pending;
    });
  }

  /** `node.rename` (§6). */
  rename(nodeId: string, displayName: string): { nodeId: string; displayName: string } {
    const trimmed = displayName.trim();
    if (!trimmed) throw invalidRequest("displayName required");
    const node = this.store.getNode(nodeId);
    if (!node) throw invalidRequest("unknown nodeId");
    this.store.putNode({ ...node, displayName: trimmed });
    return { nodeId, displayName: trimmed };
  }

  /** `node.pair.list` (§6): newest request first, most recently approved first. */
  list(): { pending: Record<string, unknown>[]; paired: PairedNode[] } {
    return {
      pending: this.store.listNodePending().sort((a, b) => b.ts - a.ts).map(pendingView),
      paired: this.store.listNodes().sort((a, b) => b.approvedAtMs - a.approvedAtMs),
    };
  }

  get(nodeId: string): PairedNode | undefined {
    return this.store.getNode(nodeId);
  }

  pending(nodeId: string): PendingNodePairing | undefined {
    return this.store.getNodePending(nodeId);
  }

  /** Applies `change` to an approved node's record; false when the node has no approved surface. */
  update(nodeId: string, change: (node: PairedNode) => PairedNode): boolean {
    const node = this.store.getNode(nodeId);
    if (!node) return false;
    this.store.putNode(change(node));
    return true;
  }
}

/** The pending request as `node.pair.list` and `node.pair.requested` show it (§6, §7). */
export function pendingView(p: PendingNodePairing): Record<string, unknown> {
  return { ...p, requiredApproveScopes: approveScopesFor(p.commands) };
}
