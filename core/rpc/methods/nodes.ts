/**
 * Node methods (spec §6 `node.*`, §8): the catalog, node pairing, invoke
 * routing and what nodes report back. Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { invokeScopeFor, isPrivateCommand } from "../../nodes/policy.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import { method, noParams, type Caller } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const text = z.string().check(z.minLength(1));
const nodeId = z.lazy(() => z.strictObject({ nodeId: text }));
const requestId = z.lazy(() => z.strictObject({ requestId: text }));

const invokeParams = z.lazy(() => z.strictObject({
  nodeId: text,
  command: text,
  params: z.optional(z.unknown()),
  timeoutMs: z.optional(z.int().check(z.gte(0))),
  idempotencyKey: text,
  sessionKey: z.optional(text),
  turnSourceChannel: z.optional(z.string()),
  turnSourceTo: z.optional(z.string()),
  turnSourceAccountId: z.optional(z.string()),
  turnSourceThreadId: z.optional(z.union([z.string(), z.number()])),
}));

/** Nodes send `payloadJSON: null`, non-string JSON and `error: null`; upstream normalizes them first. */
function normalizeResult(raw: unknown): unknown {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const r: Record<string, unknown> = { ...raw };
  if (r.payloadJSON === null) delete r.payloadJSON;
  else if (r.payloadJSON !== undefined && typeof r.payloadJSON !== "string") {
    if (r.payload === undefined) r.payload = r.payloadJSON;
    delete r.payloadJSON;
  }
  if (r.error === null) delete r.error;
  return r;
}

const resultParams = z.lazy(() => z.pipe(z.transform(normalizeResult), z.strictObject({
  id: text,
  nodeId: text,
  ok: z.boolean(),
  payload: z.optional(z.unknown()),
  payloadJSON: z.optional(z.string()),
  error: z.optional(z.strictObject({ code: z.optional(text), message: z.optional(text) })),
})));

const progressParams = z.lazy(() => z.strictObject({ invokeId: text, nodeId: text, seq: z.int().check(z.gte(0)), chunk: z.string().check(z.maxLength(16_384)) }));

const eventParams = z.lazy(() => z.strictObject({ event: text, payload: z.optional(z.unknown()), payloadJSON: z.optional(z.string()) }));

/** Admin and pairing holders see pending node requests (upstream's canReadPendingNodePairing). */
function seesPending(caller: Caller): boolean {
  return caller.effective.has("operator.pairing");
}

/** The node id of a node-role caller: its device id (§8). */
function nodeOf(caller: Caller): string {
  if (!caller.deviceId) throw invalidRequest("nodeId required");
  return caller.deviceId;
}

/** What the group uses. */
export type NodeMethodsContext = Pick<GatewayServices, "nodes" | "now">;

export function nodeMethods(ctx: NodeMethodsContext) {
  const hub = ctx.nodes;
  return [
    method("node.list", noParams, (_p, caller) => ({ ts: ctx.now(), nodes: hub.list(seesPending(caller)) })),

    method("node.describe", nodeId, (p, caller) => {
      const row = hub.describeRow(p.nodeId.trim(), seesPending(caller));
      if (!row) throw invalidRequest("unknown nodeId");
      return { ts: ctx.now(), ...row };
    }),

    method("node.rename", z.lazy(() => z.strictObject({ nodeId: text, displayName: text })), (p) => hub.pairing.rename(p.nodeId.trim(), p.displayName)),

    method("node.pair.list", noParams, (_p, caller) => {
      const list = hub.pairing.list();
      // A device session without admin manages only its own node (upstream's device-session rule).
      if (caller.deviceId && !caller.effective.has("operator.admin")) {
        return { pending: list.pending.filter((r) => r.nodeId === caller.deviceId), paired: list.paired.filter((n) => n.nodeId === caller.deviceId) };
      }
      return list;
    }),

    method("node.pair.approve", requestId, (p, caller) => hub.approve(p.requestId, caller.scopes)),

    method("node.pair.reject", requestId, (p) => hub.pairing.reject(p.requestId, ctx.now())),

    method("node.pair.remove", nodeId, (p) => hub.remove(p.nodeId.trim())),

    method("node.invoke", invokeParams, (p) => {
      const target = p.nodeId.trim();
      const command = p.command.trim();
      if (!target || !command) throw invalidRequest("nodeId and command required");
      if (isPrivateCommand(command)) throw invalidRequest("node.invoke does not allow private node controls", { command });
      if (command.startsWith("system.execApprovals.")) throw invalidRequest("node.invoke does not allow system.execApprovals.*; use exec.approvals.node.*", { command });
      if (command === "agent.cli.claude.run.v1") throw invalidRequest("node.invoke does not allow Claude agent runs; use sessions.catalog.continue", { command });
      return hub.invoke({ nodeId: target, command, params: p.params, timeoutMs: p.timeoutMs, idempotencyKey: p.idempotencyKey, sessionKey: p.sessionKey });
    }, (p) => invokeScopeFor(p.command.trim())),

    method("node.invoke.result", resultParams, (p, caller) => hub.result(nodeOf(caller), caller.connId, p)),

    // Output chunks are acknowledged; a node.invoke caller receives only the final result (§8).
    method("node.invoke.progress", progressParams, (p, caller) => {
      if (p.nodeId !== nodeOf(caller)) throw invalidRequest("nodeId mismatch");
      return { ok: true, ignored: !hub.sessions.isActive(p.invokeId, caller.connId) };
    }),

    method("node.event", eventParams, (p, caller) => {
      const payloadJSON = p.payloadJSON ?? (p.payload !== undefined ? JSON.stringify(p.payload) : null);
      return hub.event(nodeOf(caller), caller.connId, p.event, payloadJSON);
    }),
  ];
}
