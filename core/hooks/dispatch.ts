/**
 * What an accepted hook request does (upstream src/gateway/server/hooks.ts):
 * a wake queues its text as a system event for the agent's main session (or
 * the given one) and, with mode `now`, runs a heartbeat; an agent request
 * runs one agent turn on the webhook's text, wrapped as untrusted content,
 * in a fresh run session (`isolated`) or the named one (`persistent`), after
 * any earlier run of the same logical key has ended. When
 * the run ends, a reply with a destination (`channel` + `to`) is sent through
 * that channel; a reply with none, and every failure, becomes a
 * `Hook <name>: ...` system event in the agent's main session.
 * Runtime-agnostic.
 */
import type { Agents } from "../agent/agents.ts";
import { deliverTo, type DeliveryChannels } from "../channels/delivery.ts";
import { SILENT_REPLIES } from "../agent/embedded.ts";
import { wrapExternalContent } from "../agent/external-content.ts";
import type { RunOutcome } from "../agent/runs.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { Logger } from "../runtime.ts";
import { canonicalSessionKey, mainSessionKey } from "../sessions/keys.ts";
import type { AgentPayload, WakePayload } from "./payload.ts";
import type { Admission, Completion } from "./replay.ts";

export interface HookDispatchHost {
  now(): number;
  agents: Pick<Agents, "runs" | "events" | "heartbeats" | "sessions">;
  logger: Logger;
  channels?: DeliveryChannels;
}

/** Upstream's admission failure texts. */
const PREPARATION_FAILED = "hook agent run failed before entering the agent runner";
const GATEWAY_UNAVAILABLE = "gateway_unavailable";
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

  /** The newest run of each logical hook key: requests that share a key run one after another, as upstream orders them. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  /**
   * Admits one agent run; its completion settles when the run has ended and
   * been delivered or announced. Behind an unfinished run of the same logical
   * key it starts when that one has ended.
   */
  agent(value: AgentPayload, agentId: string, hookKey: string, sourcePath: string): Admission {
    const runId = crypto.randomUUID();
    const key = canonicalSessionKey(hookKey, agentId);
    // Isolated runs get a session of their own under the logical key, as upstream's cron runner names them.
    const runKey = value.sessionMode === "persistent" ? key : `${key}:run:${runId}`;
    const name = safeName(value.name);
    // Unwrapped only where a mapping opted out (upstream's cron prompt line).
    const message = value.allowUnsafeExternalContent
      ? `[cron:${runId} ${name}] ${value.message}`
      : wrapExternalContent(value.message, { source: value.externalSource ?? "Webhook", taskName: name, jobId: runId, receivedAt: new Date(this.host.now()).toISOString() });
    const start = () => {
      const run = this.host.agents.runs.start({
        runId,
        target: { key: runKey, agentId },
        message,
        kind: "cron",
        ...(value.timeoutSeconds ? { timeoutMs: value.timeoutSeconds * 1000 } : {}),
        ...(value.model ? { model: { model: value.model } } : {}),
      });
      this.host.logger.info("gateway/hooks", "hook agent run started", { runId, sourcePath, name, agentId, sessionKey: runKey });
      return run.done.then((outcome) => this.finish(value, name, agentId, outcome, sourcePath));
    };
    const previous = this.lanes.get(key);
    let completion: Promise<Completion>;
    if (previous) {
      completion = previous.then(start).catch((error: unknown) => {
        // Admitted already, so the failure to start (the gateway stopping) is the run's outcome.
        this.host.logger.warn("gateway/hooks", "hook agent run did not start", { runId, sourcePath, error: error instanceof Error ? error.message : String(error) });
        return { status: "error", replyDisposition: "empty" } satisfies Completion;
      });
    } else {
      try {
        completion = start();
      } catch (error) {
        const stopping = error instanceof GatewayError && error.shape.code === "UNAVAILABLE";
        return { ok: false, status: stopping ? 503 : 502, error: stopping ? GATEWAY_UNAVAILABLE : PREPARATION_FAILED, runId };
      }
    }
    const lane = completion.catch(() => undefined);
    this.lanes.set(key, lane);
    void lane.then(() => {
      if (this.lanes.get(key) === lane) this.lanes.delete(key);
    });
    return { ok: true, runId, completion };
  }

  private async finish(value: AgentPayload, name: string, agentId: string, outcome: RunOutcome, sourcePath: string): Promise<Completion> {
    const status = outcome.status === "ok" ? "ok" : "error";
    const reply = outcome.text.trim();
    const replyDisposition = reply === "" ? "empty" : SILENT_REPLIES.has(reply) ? "silent" : "visible";
    const completion: Completion = { status, replyDisposition };
    const { delivery } = value;
    const target = status === "ok" && replyDisposition === "visible" && delivery.mode !== "none"
      ? delivery.mode === "last" ? this.host.agents.sessions.lastRoute([outcome.sessionKey, mainSessionKey(agentId)], delivery.to) : delivery
      : undefined;
    if (target) {
      completion.deliveryAttempted = true;
      completion.delivered = await this.deliver(target, outcome.runId, reply);
      if (!completion.delivered) completion.deliveryError = "delivery-failed";
    } else if (status === "ok" && replyDisposition === "visible" && delivery.mode === "last") {
      this.host.logger.info("gateway/hooks", "hook reply has no delivery route: no chat has reached this agent yet; it stays in the main session", { runId: outcome.runId });
    }
    const fields = { runId: outcome.runId, sourcePath, name, agentId, status, sessionKey: outcome.sessionKey, model: outcome.model, error: outcome.error, delivered: completion.delivered };
    if (status === "ok" && !completion.deliveryError) this.host.logger.info("gateway/hooks", "hook agent run completed", fields);
    else this.host.logger.warn("gateway/hooks", "hook agent run completed", fields);
    if (status !== "ok") this.announce(value, name, agentId, `Hook ${name} (${status}): ${clip(outcome.error ?? outcome.status)}`);
    else if (value.deliver && replyDisposition === "visible" && !completion.deliveryAttempted) this.announce(value, name, agentId, `Hook ${name}: ${clip(reply)}`);
    return completion;
  }

  /** Sends the reply to the hook's destination, keyed by the run so it goes out once; false (logged) when the channel refused or is gone. */
  private async deliver(delivery: { channel: string; to: string; accountId?: string; threadId?: string }, runId: string, text: string): Promise<boolean> {
    const error = await deliverTo(this.host.channels, { accountId: "", ...delivery }, text, `hook:${runId}`);
    if (error !== undefined) this.host.logger.warn("gateway/hooks", "hook delivery failed", { runId, channel: delivery.channel, error });
    return error === undefined;
  }

  /** The run's result as a system event in the agent's main session, with a heartbeat when the hook asked to wake now. */
  private announce(value: AgentPayload, name: string, agentId: string, text: string): void {
    const key = mainSessionKey(agentId);
    this.host.agents.events.enqueue(key, { text, ts: this.host.now(), source: `hook:${name}` });
    if (value.wakeMode === "now") void this.host.agents.heartbeats.wake("hook", key);
  }
}
