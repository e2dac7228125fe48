/**
 * Connected nodes and invoke routing (spec §8 "Invoke"): a `node.invoke`
 * becomes one `node.invoke.request` to that node's socket only, and the
 * node's `node.invoke.result` settles it. Every invoke is its own promise and
 * timer, so one slow node never holds up another. Runtime-agnostic.
 */

/** Default `node.invoke` budget (§8). */
export const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;

/** The socket a node session talks through. */
export interface NodeLink {
  connId: string;
  /** Sends a single-recipient event (no seq, §1.3); false when it could not be queued. */
  sendEvent(event: string, payload: unknown): boolean;
  close(code: number, reason: string): void;
}

/** A connected node as `node.list` and the invoke path see it. */
export interface NodeSession {
  nodeId: string;
  link: NodeLink;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform: string;
  deviceFamily?: string;
  version: string;
  modelIdentifier?: string;
  remoteIp?: string;
  pathEnv?: string;
  /** Approved part of the declaration: what may be invoked now. */
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
  /** Everything declared, approved or not. */
  declaredCaps: string[];
  declaredCommands: string[];
  connectedAtMs: number;
  hostStats?: Record<string, unknown>;
}

/** The node's answer, as `node.invoke.result` carries it (§8 step 3). */
export interface NodeReply {
  ok: boolean;
  payload?: unknown;
  payloadJSON?: string;
  error?: { code?: string; message?: string };
}

/** How one invoke ended. */
export type InvokeOutcome =
  | { kind: "reply"; reply: NodeReply }
  | { kind: "timeout" }
  /** The node's socket went away while the invoke was active. */
  | { kind: "gone" }
  | { kind: "send-failed" };

interface PendingInvoke {
  nodeId: string;
  connId: string;
  settle: (outcome: InvokeOutcome) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** What one invoke asks of a node. */
export interface InvokeRequest {
  command: string;
  params?: unknown;
  timeoutMs: number;
  idempotencyKey?: string;
  sessionKey?: string;
}

export class NodeSessions {
  private readonly byNode = new Map<string, NodeSession>();
  private readonly pending = new Map<string, PendingInvoke>();

  constructor(private readonly now: () => number) {}

  /** Registers a connected node; a newer connection of the same node takes over routing. */
  add(session: NodeSession): void {
    this.byNode.set(session.nodeId, session);
  }

  /** A node socket closed: its session goes, and invokes routed through it end as `gone`. */
  remove(nodeId: string, connId: string): NodeSession | undefined {
    const session = this.byNode.get(nodeId);
    const current = session?.link.connId === connId ? session : undefined;
    if (current) this.byNode.delete(nodeId);
    for (const [id, p] of this.pending) if (p.connId === connId) this.finish(id, { kind: "gone" });
    return current;
  }

  get(nodeId: string): NodeSession | undefined {
    return this.byNode.get(nodeId);
  }

  list(): NodeSession[] {
    return [...this.byNode.values()];
  }

  /** Invokes currently waiting for a node. */
  inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends `node.invoke.request` to the session's socket and waits for the
   * result, the deadline (then `node.invoke.cancel` goes to the node), or the
   * socket's end (§8).
   */
  invoke(session: NodeSession, req: InvokeRequest): Promise<InvokeOutcome> {
    const id = crypto.randomUUID();
    const deadline = this.now() + req.timeoutMs;
    return new Promise<InvokeOutcome>((settle) => {
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.finish(id, { kind: "timeout" });
        session.link.sendEvent("node.invoke.cancel", { invokeId: id, nodeId: session.nodeId });
      }, req.timeoutMs);
      this.pending.set(id, { nodeId: session.nodeId, connId: session.link.connId, settle, timer });
      const sent = session.link.sendEvent("node.invoke.request", {
        id,
        nodeId: session.nodeId,
        command: req.command,
        paramsJSON: req.params === undefined ? null : JSON.stringify(req.params),
        // The node gets what is left of the caller's budget (§8 step 2).
        timeoutMs: Math.max(0, Math.ceil(deadline - this.now())),
        ...(req.idempotencyKey !== undefined ? { idempotencyKey: req.idempotencyKey } : {}),
        ...(req.sessionKey !== undefined ? { sessionKey: req.sessionKey } : {}),
      });
      if (!sent) this.finish(id, { kind: "send-failed" });
    });
  }

  /**
   * A `node.invoke.result` from `connId`. Returns false for a late or unknown
   * id, or one that was routed to another connection.
   */
  resolve(id: string, connId: string, reply: NodeReply): boolean {
    const p = this.pending.get(id);
    if (!p || p.connId !== connId) return false;
    this.finish(id, { kind: "reply", reply });
    return true;
  }

  /** True while invoke `id` waits for a result from `connId`. */
  isActive(id: string, connId: string): boolean {
    return this.pending.get(id)?.connId === connId;
  }

  /** Ends every active invoke (gateway shutdown). */
  clear(): void {
    for (const id of [...this.pending.keys()]) this.finish(id, { kind: "gone" });
    this.byNode.clear();
  }

  private finish(id: string, outcome: InvokeOutcome): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.settle(outcome);
  }
}
