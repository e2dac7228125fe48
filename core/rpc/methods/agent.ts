/**
 * `agent.identity.get`, `agent` and `agent.wait` (spec §6): `agent` answers twice with the same
 * request id, first `status:"accepted"`, then the run's final result (an
 * `ok:false` frame with a payload when it failed). `/new` and `/reset` reset
 * the session instead and need admin (§5). Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { assistantIdentity } from "../../config/agents.ts";
import { defaultAgentId, parseSessionKey } from "../../sessions/keys.ts";
import { resetCommand, resetSession } from "../../agent/reset.ts";
import type { RunOutcome } from "../../agent/runs.ts";
import type { RunRecord } from "../../store.ts";
import { ErrorWithPayload, TwoPhaseReply } from "../reply.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";
import { sanitizeMessage } from "./chat.ts";

/** `agent.wait` waits this long when `timeoutMs` is absent. */
const DEFAULT_WAIT_MS = 30_000;

const agentParams = z.lazy(() => z.strictObject({
  message: z.string().check(z.minLength(1)),
  agentId: z.optional(z.string().check(z.minLength(1))),
  provider: z.optional(z.string()),
  model: z.optional(z.string()),
  to: z.optional(z.string()),
  replyTo: z.optional(z.string()),
  sessionId: z.optional(z.string()),
  sessionKey: z.optional(z.string()),
  expectedExistingSessionId: z.optional(z.string().check(z.minLength(1))),
  thinking: z.optional(z.string()),
  deliver: z.optional(z.boolean()),
  attachments: z.optional(z.array(z.unknown())),
  channel: z.optional(z.string()),
  replyChannel: z.optional(z.string()),
  accountId: z.optional(z.string()),
  replyAccountId: z.optional(z.string()),
  threadId: z.optional(z.string()),
  groupId: z.optional(z.string()),
  groupChannel: z.optional(z.string()),
  groupSpace: z.optional(z.string()),
  timeout: z.optional(z.int().check(z.gte(0))),
  bestEffortDeliver: z.optional(z.boolean()),
  lane: z.optional(z.string()),
  extraSystemPrompt: z.optional(z.string()),
  inputProvenance: z.optional(z.unknown()),
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  idempotencyKey: z.string().check(z.minLength(1)),
}));

/** What the group uses. */
export type AgentMethodsContext = Pick<GatewayServices, "agents" | "config" | "now">;

export function agentMethods(ctx: AgentMethodsContext) {
  const { sessions, runs } = ctx.agents;

  return [
    // The assistant's name and avatar for UIs; an agent id that is not configured gets the default identity, as upstream.
    method("agent.identity.get", z.strictObject({ agentId: z.optional(z.string()), sessionKey: z.optional(z.string()) }), (p) =>
      assistantIdentity(ctx.config(), p.agentId ?? (p.sessionKey !== undefined ? parseSessionKey(p.sessionKey)?.agentId : undefined) ?? defaultAgentId(ctx.config()))),

    method("agent", agentParams, (p) => {
      const message = sanitizeMessage(p.message);
      const target = sessions.resolve(p.sessionKey ?? "main", p.agentId);
      const runId = p.idempotencyKey;
      // A repeated key: in flight answers once with `in_flight`; finished replays the final result.
      if (runs.get(runId)) return { runId, status: "in_flight", sessionKey: target.key, agentId: target.agentId };
      const done = runs.outcome(runId);
      if (done && "text" in done) return finalReply(done);
      const acceptedAt = ctx.now();
      const accepted = { runId, sessionKey: target.key, agentId: target.agentId, status: "accepted", acceptedAt };
      const reset = resetCommand(message);
      if (reset) {
        const { session, text } = resetSession(ctx.agents, target, reset);
        const result = { payloads: [{ text, isStatusNotice: true }], meta: { durationMs: 0, agentMeta: { sessionId: session.sessionId } } };
        return new TwoPhaseReply(accepted, Promise.resolve({ runId, status: "ok", summary: "completed", result }));
      }
      if (p.label !== undefined) {
        const session = sessions.ensure(target);
        sessions.save({ ...session, fields: { ...session.fields, label: p.label } });
      }
      const model = p.model ? { model: p.provider && !p.model.includes("/") ? `${p.provider}/${p.model}` : p.model } : undefined;
      const run = runs.start({ runId, target, message, kind: "agent", timeoutMs: p.timeout ? p.timeout * 1000 : undefined, model });
      return new TwoPhaseReply(accepted, run.done.then(finalReply));
    }, (p) => (resetCommand(p.message) ? "operator.admin" : undefined)),

    method("agent.wait", z.lazy(() => z.strictObject({ runId: z.string().check(z.minLength(1)), timeoutMs: z.optional(z.int().check(z.gte(0))) })), async (p) => {
      const ended = await runs.wait(p.runId, p.timeoutMs ?? DEFAULT_WAIT_MS);
      if (!ended) return { runId: p.runId, status: "timeout" };
      return waitResult(ended);
    }),
  ];
}

/** The second `res` of `agent`: ok with the reply, or ok:false with payload and error (§6). */
function finalReply(o: RunOutcome): unknown {
  if (o.status === "ok") {
    const usage = o.usage ? { input: o.usage.input, output: o.usage.output, total: o.usage.total } : undefined;
    return {
      runId: o.runId,
      status: "ok",
      summary: "completed",
      result: {
        payloads: o.text ? [{ text: o.text }] : [],
        meta: { durationMs: o.endedAt - o.startedAt, ...(o.stopReason ? { stopReason: o.stopReason } : {}), agentMeta: { sessionId: o.sessionId, provider: o.provider, model: o.model, ...(usage ? { usage } : {}) } },
      },
    };
  }
  if (o.status === "aborted") return { runId: o.runId, status: "timeout", summary: "aborted", stopReason: o.stopReason };
  const summary = o.error ?? o.status;
  throw new ErrorWithPayload({ code: "UNAVAILABLE", message: summary }, { runId: o.runId, status: "error", summary });
}

/** `agent.wait` statuses: ok, error, or timeout (aborted runs count as timed out, as upstream). */
function waitResult(o: RunOutcome | RunRecord): unknown {
  const endedAt = o.endedAt;
  const status = o.status === "ok" ? "ok" : o.status === "aborted" || o.status === "timeout" ? "timeout" : "error";
  return { runId: o.runId, status, startedAt: o.startedAt, ...(endedAt !== undefined ? { endedAt } : {}), ...(o.error ? { error: o.error } : {}) };
}
