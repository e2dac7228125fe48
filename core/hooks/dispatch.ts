/**
 * What an accepted hook request does (upstream src/gateway/server/hooks.ts):
 * a wake queues its text as a system event for the agent's main session (or
 * the given one) and, with mode `now`, runs a heartbeat; an agent request
 * runs one agent turn on the webhook's text, wrapped as untrusted content,
 * in a fresh run session (`isolated`) or the named one (`persistent`). When
 * the run ends, a reply that went to no channel, and every failure, becomes
 * a `Hook <name>: ...` system event in the agent's main session.
 * Runtime-agnostic.
 */
import type { Agents } from "../agent/agents.ts";
import { SILENT_REPLY } from "../agent/embedded.ts";
import { wrapExternalContent } from "../agent/external-content.ts";
import type { RunOutcome } from "../agent/runs.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { Logger } from "../runtime.ts";
import { canonicalSessionKey, mainSessionKey } from "../sessions/keys.ts";
import type { AgentPayload, WakePayload } from "./payload.ts";
import type { Admission, Completion } from "./replay.ts";

export interface HookDispatchHost {
  now(): number;
  agents: Pick<Agents, "runs" | "events" | "heartbeats">;
  logger: Logger;
}

/** Upstream's admission failure texts. */
const PREPARATION_FAILED = "hook agent run failed before entering the agent runner";
const GATEWAY_UNAVAILABLE = "gateway_unavailable";
/** Replies that mean "nothing to say" (upstream's silent tokens). */
const SILENT = new Set([SILENT_REPLY, "HEARTBEAT_OK"]);
const SUMMARY_MAX = 500;

function clip(text: string): string {
  return text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 1)}…`;
}

/** A hook name as it may appear in logs and events: one line, no control characters, bounded. */
function safeName(name: string): string {
  return clip(name.replace(/\p{Cc}/gu, " ").replace(/\s+/g, " ").trim()) || "Hook";
}

export class HookDispatcher {
  constructor(private readonly host: HookDispatchHost) {}

  /** Queues the wake text (coalesced when it repeats the newest queued event) and wakes now if asked. */
  wake(value: WakePayload, agentId: string, sessionKey: string | undefined): { eventOutcome: "queued" | "coalesced" } {
    const { events, heartbeats } = this.host.agents;
    const key = sessionKey ? canonicalSessionKey(sessionKey, agentId) : mainSessionKey(agentId);
    const coalesced = events.peek(key).at(-1)?.text === value.text;
    if (!coalesced) events.enqueue(key, { text: value.text, ts: this.host.now(), source: "hook:wake" });
    if (value.mode === "now") void heartbeats.wake("hook:wake", key);
    return { eventOutcome: coalesced ? "coalesced" : "queued" };
  }

  /** Admits one agent run; its completion settles when the run has ended and been announced. */
  agent(value: AgentPayload, agentId: string, hookKey: string, sourcePath: string): Admission {
    const runId = crypto.randomUUID();
    const key = canonicalSessionKey(hookKey, agentId);
    // Isolated runs get a session of their own under the logical key, as upstream's cron runner names them.
    const runKey = value.sessionMode === "persistent" ? key : `${key}:run:${runId}`;
    const name = safeName(value.name);
    const message = wrapExternalContent(value.message, { source: "Webhook", taskName: name, jobId: runId, receivedAt: new Date(this.host.now()).toISOString() });
    let run;
    try {
      run = this.host.agents.runs.start({
        runId,
        target: { key: runKey, agentId },
        message,
        kind: "cron",
        ...(value.timeoutSeconds ? { timeoutMs: value.timeoutSeconds * 1000 } : {}),
        ...(value.model ? { model: { model: value.model } } : {}),
      });
    } catch (error) {
      const stopping = error instanceof GatewayError && error.shape.code === "UNAVAILABLE";
      return { ok: false, status: stopping ? 503 : 502, error: stopping ? GATEWAY_UNAVAILABLE : PREPARATION_FAILED, runId };
    }
    this.host.logger.info("gateway/hooks", "hook agent run admitted", { runId, sourcePath, name, agentId, sessionKey: runKey });
    return { ok: true, runId, completion: run.done.then((outcome) => this.finish(value, name, agentId, outcome, sourcePath)) };
  }

  private finish(value: AgentPayload, name: string, agentId: string, outcome: RunOutcome, sourcePath: string): Completion {
    const status = outcome.status === "ok" ? "ok" : "error";
    const reply = outcome.text.trim();
    const replyDisposition = reply === "" ? "empty" : SILENT.has(reply) ? "silent" : "visible";
    const fields = { runId: outcome.runId, sourcePath, name, agentId, status, sessionKey: outcome.sessionKey, model: outcome.model, error: outcome.error };
    if (status === "ok") this.host.logger.info("gateway/hooks", "hook agent run completed", fields);
    else this.host.logger.warn("gateway/hooks", "hook agent run completed", fields);
    if (status !== "ok") this.announce(value, name, agentId, `Hook ${name} (${status}): ${clip(outcome.error ?? outcome.status)}`);
    else if (value.deliver && replyDisposition === "visible") this.announce(value, name, agentId, `Hook ${name}: ${clip(reply)}`);
    return { status, replyDisposition };
  }

  /** The run's result as a system event in the agent's main session, with a heartbeat when the hook asked to wake now. */
  private announce(value: AgentPayload, name: string, agentId: string, text: string): void {
    const key = mainSessionKey(agentId);
    this.host.agents.events.enqueue(key, { text, ts: this.host.now(), source: `hook:${name}` });
    if (value.wakeMode === "now") void this.host.agents.heartbeats.wake("hook", key);
  }
}
