/**
 * Everything behind the agent methods, wired once per gateway: sessions and
 * transcripts, runs, the system-event queue, heartbeats and cron, with their
 * start and stop order. Runtime-agnostic.
 */
import type { DeliveryChannels } from "../channels/delivery.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { Logger } from "../runtime.ts";
import { CronService } from "../scheduler/cron.ts";
import { Heartbeats, type HeartbeatEvent } from "../scheduler/heartbeat.ts";
import { SystemEventQueue } from "../scheduler/system-events.ts";
import { Sessions } from "../sessions/sessions.ts";
import type { SchedulerStore, SessionStore } from "../store.ts";
import { AgentRuns } from "./runs.ts";
import type { RunTools } from "./tool-loop.ts";

export interface AgentsOptions {
  sessions: SessionStore;
  scheduler: SchedulerStore;
  config(): OpenClawConfig;
  now(): number;
  broadcast(event: "chat" | "agent" | "cron" | "heartbeat", payload: Record<string, unknown> | HeartbeatEvent): void;
  logger: Logger;
  /** The tools runs may call (core/tools/); absent, runs only talk. */
  tools?: RunTools;
  /** Where cron jobs announce and heartbeats deliver their replies; absent, replies stay in their sessions. */
  channels?: DeliveryChannels;
}

export class Agents {
  readonly sessions: Sessions;
  readonly runs: AgentRuns;
  readonly events = new SystemEventQueue();
  readonly heartbeats: Heartbeats;
  readonly cron: CronService;

  constructor(private readonly options: AgentsOptions) {
    const { config, now, broadcast, logger } = options;
    const warn = (message: string, fields: Record<string, unknown>) => logger.warn("agent", message, fields);
    this.sessions = new Sessions(options.sessions, config, now);
    this.runs = new AgentRuns({ now, config, sessions: this.sessions, emit: broadcast, warn, tools: options.tools });
    this.heartbeats = new Heartbeats({ now, config, runs: this.runs, events: this.events, broadcast, sessions: this.sessions, channels: options.channels });
    this.cron = new CronService({
      now, config, store: options.scheduler, sessions: this.sessions, runs: this.runs, events: this.events, heartbeats: this.heartbeats, broadcast, warn, channels: options.channels,
    });
  }

  /** Marks runs a crash left behind, then starts the scheduler and heartbeats. */
  start(): void {
    const interrupted = this.runs.recoverInterrupted();
    if (interrupted > 0) this.options.logger.warn("agent", "runs interrupted by the last shutdown were marked interrupted", { count: interrupted });
    this.cron.start();
    this.heartbeats.start();
  }

  /** Stops timers first, then ends every run as interrupted while the store is still open. */
  shutdown(): void {
    this.heartbeats.stop();
    this.cron.stop();
    this.runs.interruptAll();
  }
}
