/**
 * Heartbeats: periodic turns in the default agent's main session
 * (`agents.defaults.heartbeat.every`, default 30m; "0m" stops the cadence)
 * that surface queued system events, plus the on-demand wakes of `wake`,
 * `system-event` and cron. Each heartbeat ends in one `heartbeat` event and
 * becomes `last-heartbeat` (spec §6, §7). A reply of NO_REPLY (or the
 * legacy HEARTBEAT_OK) stays silent; anything else is an alert shown in chat
 * and delivered where `heartbeat.target` says (./heartbeat-route.ts).
 * Runtime-agnostic.
 */
import { SILENT_REPLIES } from "../agent/embedded.ts";
import type { AgentRuns } from "../agent/runs.ts";
import { deliverTo, type DeliveryChannels } from "../channels/delivery.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { defaultAgentId, mainSessionKey } from "../sessions/keys.ts";
import type { Sessions } from "../sessions/sessions.ts";
import { heartbeatRoute } from "./heartbeat-route.ts";
import { parseDuration } from "./schedule.ts";
import type { SystemEventQueue } from "./system-events.ts";

export const DEFAULT_HEARTBEAT_EVERY = "30m";
/** Upstream's default heartbeat prompt, sent verbatim. */
export const DEFAULT_HEARTBEAT_PROMPT =
  "Follow the heartbeat monitor scratch context when provided. Recurring tasks are automations; create or change their schedules with the automations tool, not heartbeat scratch. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply NO_REPLY.";
/** Heartbeat turns are bounded by their cadence, capped at ten minutes (upstream default). */
const MAX_HEARTBEAT_TIMEOUT_MS = 600_000;
/** How often a stopped cadence looks at the config again. */
const IDLE_RECHECK_MS = 60_000;

/** `heartbeat` event payload and `last-heartbeat` result. */
export interface HeartbeatEvent {
  ts: number;
  status: "ok-token" | "ok-empty" | "sent" | "skipped" | "failed";
  reason?: string;
  durationMs: number;
  preview?: string;
  sessionKey?: string;
  /** Where a `sent` alert was delivered. */
  channel?: string;
  to?: string;
  accountId?: string;
  /** Why a `sent` alert reached no chat ("no-route: …", or the channel's refusal). */
  deliveryError?: string;
}

export interface HeartbeatHost {
  now(): number;
  config(): OpenClawConfig;
  runs: AgentRuns;
  events: SystemEventQueue;
  broadcast(event: "heartbeat", payload: HeartbeatEvent): void;
  sessions: Pick<Sessions, "routeOf">;
  /** Where alerts are delivered; absent, they stay in the session. */
  channels?: DeliveryChannels;
}

/** Upstream's default `ackMaxChars`, reported as configured; clawgate itself acks only an exact NO_REPLY or HEARTBEAT_OK. */
const DEFAULT_ACK_MAX_CHARS = 300;

/** One agent's heartbeat settings as `health` reports them (upstream's shape). */
export interface HeartbeatSummary {
  enabled: boolean;
  every: string;
  everyMs: number;
  prompt: string;
  target: string;
  ackMaxChars: number;
}

export class Heartbeats {
  enabled = true;
  last: HeartbeatEvent | null = null;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = true;
  private readonly inFlight = new Map<string, Promise<HeartbeatEvent>>();

  constructor(private readonly host: HeartbeatHost) {}

  /** The cadence in ms, or 0 when recurring heartbeats are off. */
  everyMs(): number {
    const every = this.host.config().agents?.defaults?.heartbeat?.every ?? DEFAULT_HEARTBEAT_EVERY;
    return parseDuration(every) ?? parseDuration(DEFAULT_HEARTBEAT_EVERY)!;
  }

  /** Settings per agent (upstream's `health` shape): clawgate beats only the default agent's main session, so others show disabled. */
  summary(agentId: string): HeartbeatSummary {
    const config = this.host.config();
    const settings = config.agents?.defaults?.heartbeat;
    const everyMs = this.everyMs();
    return {
      enabled: this.enabled && everyMs > 0 && agentId === defaultAgentId(config),
      every: settings?.every ?? DEFAULT_HEARTBEAT_EVERY,
      everyMs,
      prompt: settings?.prompt ?? DEFAULT_HEARTBEAT_PROMPT,
      target: settings?.target ?? "owner",
      ackMaxChars: settings?.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS,
    };
  }

  start(): void {
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * Runs a heartbeat now for an agent's main session (or `sessionKey`).
   * Concurrent wakes of one session share a single turn.
   */
  wake(reason: string, sessionKey?: string): Promise<HeartbeatEvent> {
    const key = sessionKey ?? mainSessionKey(defaultAgentId(this.host.config()));
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const run = this.beat(key, reason).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
    return run;
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const every = this.everyMs();
    this.timer = setTimeout(() => {
      if (every > 0) void this.wake("interval");
      this.arm();
    }, every > 0 ? every : IDLE_RECHECK_MS);
  }

  private async beat(sessionKey: string, reason: string): Promise<HeartbeatEvent> {
    const startedAt = this.host.now();
    if (!this.enabled) return this.report({ status: "skipped", reason: "disabled" }, startedAt, sessionKey);
    const { runs, events } = this.host;
    if (runs.activeFor(sessionKey).length > 0) return this.report({ status: "skipped", reason: "requests-in-flight" }, startedAt, sessionKey);
    const queued = events.take(sessionKey);
    const config = this.host.config();
    const prompt = config.agents?.defaults?.heartbeat?.prompt ?? DEFAULT_HEARTBEAT_PROMPT;
    const message = [...queued.map((e) => `System: ${e.text}`), prompt].join("\n");
    const agentId = sessionKey.split(":")[1] ?? defaultAgentId(config);
    const every = this.everyMs();
    let run;
    try {
      run = runs.start({
        runId: `heartbeat:${crypto.randomUUID()}`,
        target: { key: sessionKey, agentId },
        message,
        kind: "heartbeat",
        timeoutMs: Math.min(every > 0 ? every : MAX_HEARTBEAT_TIMEOUT_MS, MAX_HEARTBEAT_TIMEOUT_MS),
        model: config.agents?.defaults?.heartbeat?.model ? { model: config.agents.defaults.heartbeat.model } : undefined,
      });
    } catch (error) {
      for (const e of queued) events.enqueue(sessionKey, e);
      return this.report({ status: "skipped", reason: error instanceof Error ? error.message : String(error) }, startedAt, sessionKey);
    }
    const outcome = await run.done;
    const text = outcome.text.trim();
    if (outcome.status === "ok") {
      if (text === "") return this.report({ status: "ok-empty", reason }, startedAt, sessionKey);
      if (SILENT_REPLIES.has(text)) return this.report({ status: "ok-token", reason }, startedAt, sessionKey);
      return this.report({ status: "sent", reason, preview: text.slice(0, 200), ...(await this.deliver(config, sessionKey, text, outcome.runId)) }, startedAt, sessionKey);
    }
    // Events that did not reach a finished turn wait for the next one.
    for (const e of queued) events.enqueue(sessionKey, e);
    if (outcome.status === "aborted" || outcome.status === "interrupted") return this.report({ status: "skipped", reason: "aborted" }, startedAt, sessionKey);
    return this.report({ status: "failed", reason: outcome.error ?? outcome.status }, startedAt, sessionKey);
  }

  /** Sends an alert where `heartbeat.target` says; the event's delivery fields. */
  private async deliver(config: OpenClawConfig, sessionKey: string, text: string, runId: string): Promise<Partial<HeartbeatEvent>> {
    const target = heartbeatRoute(config, sessionKey, this.host.channels, this.host.sessions);
    if (target.kind === "none") return {};
    if (target.kind === "no-route") return { deliveryError: target.error };
    const { route } = target;
    const error = await deliverTo(this.host.channels, route, text, `heartbeat:${runId}`);
    return error === undefined ? { channel: route.channel, to: route.to, ...(route.accountId ? { accountId: route.accountId } : {}) } : { deliveryError: error };
  }

  private report(result: Pick<HeartbeatEvent, "status" | "reason" | "preview" | "channel" | "to" | "accountId" | "deliveryError">, startedAt: number, sessionKey: string): HeartbeatEvent {
    const now = this.host.now();
    const event: HeartbeatEvent = { ts: now, ...result, durationMs: now - startedAt, sessionKey };
    if (event.reason === undefined) delete event.reason;
    if (event.preview === undefined) delete event.preview;
    this.last = event;
    this.host.broadcast("heartbeat", event);
    return event;
  }
}
