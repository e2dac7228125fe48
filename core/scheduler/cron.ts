/**
 * The cron scheduler (spec §6 `cron.*`, §7 `cron` events): persisted jobs,
 * one timer armed for the earliest due job, runs that queue a system event
 * or run an agent turn, and a run log.
 *
 * Runs missed while the gateway was down (stated policy, tested):
 * - a one-shot `at` job whose time passed runs once at startup, however late,
 *   then follows `deleteAfterRun` as usual;
 * - a recurring `every`/`cron` job runs once at startup for all of its missed
 *   slots together (never once per slot), then resumes on its next future
 *   slot; with `cron.skipMissedJobs: true` it only resumes, and the run log
 *   records one `skipped` entry;
 * - a run that was in progress when the gateway stopped is logged as an
 *   `error` ("interrupted") and then treated as missed.
 * Catch-up log entries keep the missed slot in `runAtMs` and say so in
 * `diagnostics`. Runtime-agnostic.
 */
import type { AgentRuns } from "../agent/runs.ts";
import type { DeliveryChannels } from "../channels/delivery.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { GatewayError } from "../protocol/errors.ts";
import { canonicalSessionKey, defaultAgentId, mainSessionKey } from "../sessions/keys.ts";
import type { Sessions } from "../sessions/sessions.ts";
import type { SchedulerStore } from "../store.ts";
import { announce, type CronDelivery } from "./announce.ts";
import type { Heartbeats } from "./heartbeat.ts";
import { nextRunAfter, parseAt } from "./schedule.ts";
import type { SystemEventQueue } from "./system-events.ts";
import type { CronJob, CronRunEntry, CronRunStatus } from "./types.ts";

/** A timer never sleeps longer than this, so clock jumps are noticed. */
const MAX_TIMER_MS = 3600_000;
/** Agent-turn jobs without `timeoutSeconds` are bounded by the scheduler (upstream: 60 minutes). */
const DEFAULT_JOB_TIMEOUT_MS = 3600_000;
const SUMMARY_MAX = 500;
/** Run-log entries kept per job, newest first (upstream's ceiling). */
export const RUN_LOG_KEEP = 2000;

export interface CronHost {
  now(): number;
  config(): OpenClawConfig;
  store: SchedulerStore;
  sessions: Sessions;
  runs: AgentRuns;
  events: SystemEventQueue;
  heartbeats: Heartbeats;
  broadcast(event: "cron", payload: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  /** Where `announce` jobs send their replies. */
  channels?: DeliveryChannels;
}

/** What one run did, for the job's state, the run log and the `finished` event. */
type RunResult = { status: CronRunStatus; summary?: string; error?: string; sessionKey?: string; sessionId?: string; model?: string; provider?: string; delivery?: CronDelivery };

/** Why a run happens. */
type Trigger = { kind: "scheduled" | "catch-up" | "manual"; runId: string; runAtMs: number };

export class CronService {
  private readonly jobs = new Map<string, CronJob>();
  private readonly running = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;
  private started = false;
  private startedAtMs = 0;
  private manualSeq = 0;

  constructor(private readonly host: CronHost) {}

  /** Whether scheduled runs fire (`cron.enabled`, default true). */
  get enabled(): boolean {
    return this.host.config().cron?.enabled !== false;
  }

  /** Loads jobs, applies the missed-run policy and arms the timer. */
  start(): void {
    const now = this.host.now();
    this.startedAtMs = now;
    const skipMissed = this.host.config().cron?.skipMissedJobs === true;
    for (const job of this.host.store.listCronJobs()) {
      this.jobs.set(job.id, job);
      if (job.state.runningAtMs !== undefined) {
        this.log(job, { ts: now, status: "error", error: "interrupted: the gateway stopped during this run", runId: `cron:${job.id}:${job.state.runningAtMs}`, runAtMs: job.state.runningAtMs, durationMs: now - job.state.runningAtMs });
        job.state = { ...job.state, runningAtMs: undefined, lastRunStatus: "error", lastStatus: "error", lastError: "interrupted" };
        // An interrupted one-shot has not run yet; it is missed like any other due job.
        if (job.schedule.kind === "at" && job.state.nextRunAtMs === undefined) job.state.nextRunAtMs = parseAt(job.schedule.at, job.createdAtMs);
      }
      const due = job.state.nextRunAtMs;
      if (job.enabled && due !== undefined && due <= now && job.schedule.kind !== "at" && skipMissed) {
        job.state = { ...job.state, nextRunAtMs: nextRunAfter(job.schedule, now, job.createdAtMs) };
        this.log(job, { ts: now, status: "skipped", summary: "missed while the gateway was down (cron.skipMissedJobs)", runId: `cron:${job.id}:${due}`, runAtMs: due, durationMs: 0 });
      }
      this.host.store.putCronJob(job);
    }
    this.started = true;
    this.arm();
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
  }

  get(id: string): CronJob | undefined {
    return this.jobs.get(id);
  }

  list(): CronJob[] {
    return [...this.jobs.values()];
  }

  /** Finished runs, newest first. */
  runLog(query: { jobId?: string; runId?: string; limit: number; offset: number }): { entries: CronRunEntry[]; total: number } {
    return this.host.store.listCronRuns(query);
  }

  /** The earliest pending run of an enabled job. */
  nextWakeAtMs(): number | undefined {
    let next: number | undefined;
    for (const job of this.jobs.values()) {
      const at = job.state.nextRunAtMs;
      if (job.enabled && at !== undefined && !this.running.has(job.id) && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  add(job: CronJob): CronJob {
    job.state.nextRunAtMs = this.firstRun(job);
    this.jobs.set(job.id, job);
    this.host.store.putCronJob(job);
    this.emit(job, "added", { nextRunAtMs: job.state.nextRunAtMs });
    this.arm();
    return job;
  }

  /** Stores an edited job; schedule or enablement changes reschedule it. */
  replace(job: CronJob, rescheduled: boolean): CronJob {
    if (rescheduled) job.state.nextRunAtMs = job.enabled ? this.firstRun(job) : undefined;
    this.jobs.set(job.id, job);
    this.host.store.putCronJob(job);
    this.emit(job, "updated", { nextRunAtMs: job.state.nextRunAtMs });
    this.arm();
    return job;
  }

  remove(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    this.jobs.delete(id);
    this.host.store.deleteCronJob(id);
    this.emit(job, "removed");
    this.arm();
    return true;
  }

  /** `cron.run`: queues a run now; `due` and `if-enabled` may decline. */
  enqueue(job: CronJob, mode: "due" | "force" | "if-enabled"): { ok: true; enqueued: true; runId: string } | { ok: true; ran: false; reason: string } {
    const now = this.host.now();
    if (mode === "if-enabled" && !job.enabled) return { ok: true, ran: false, reason: "disabled" };
    if (mode === "due" && (job.state.nextRunAtMs === undefined || job.state.nextRunAtMs > now)) return { ok: true, ran: false, reason: "not-due" };
    if (this.running.has(job.id)) return { ok: true, ran: false, reason: "already-running" };
    const runId = `manual:${job.id}:${now}:${++this.manualSeq}`;
    void this.run(job, { kind: "manual", runId, runAtMs: now });
    return { ok: true, enqueued: true, runId };
  }

  private firstRun(job: CronJob): number | undefined {
    if (!job.enabled) return undefined;
    if (job.schedule.kind === "at") return parseAt(job.schedule.at, job.createdAtMs);
    return nextRunAfter(job.schedule, this.host.now(), job.createdAtMs);
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (!this.started || !this.enabled) return;
    const next = this.nextWakeAtMs();
    if (next === undefined) return;
    const delay = Math.min(Math.max(0, next - this.host.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    const now = this.host.now();
    for (const job of this.jobs.values()) {
      const due = job.state.nextRunAtMs;
      if (!job.enabled || due === undefined || due > now || this.running.has(job.id)) continue;
      // A slot that fell due before the scheduler started was missed while the gateway was down.
      const kind = due < this.startedAtMs ? "catch-up" : "scheduled";
      void this.run(job, { kind, runId: `cron:${job.id}:${now}`, runAtMs: due });
    }
    this.arm();
  }

  private async run(job: CronJob, trigger: Trigger): Promise<void> {
    const startedAt = this.host.now();
    this.running.add(job.id);
    job.state = { ...job.state, runningAtMs: startedAt };
    this.host.store.putCronJob(job);
    this.emit(job, "started", { runAtMs: trigger.runAtMs, runId: trigger.runId });
    let result: RunResult;
    try {
      result = await this.execute(job, trigger);
    } catch (error) {
      result = { status: "error", error: error instanceof Error ? error.message : String(error) };
    }
    this.running.delete(job.id);
    if (!this.jobs.has(job.id) || !this.started) return;
    const endedAt = this.host.now();
    const consecutiveErrors = result.status === "error" ? (job.state.consecutiveErrors ?? 0) + 1 : 0;
    const oneShot = job.schedule.kind === "at";
    job.state = {
      ...job.state,
      runningAtMs: undefined,
      lastRunAtMs: startedAt,
      lastRunStatus: result.status,
      lastStatus: result.status,
      lastError: result.error,
      lastDurationMs: endedAt - startedAt,
      consecutiveErrors,
      nextRunAtMs: oneShot ? undefined : nextRunAfter(job.schedule, endedAt, job.createdAtMs),
    };
    // A finished one-shot is disabled, and deleted when it succeeded and asked to be (upstream).
    if (oneShot) job.enabled = false;
    this.log(job, {
      ts: endedAt,
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
      ...(result.summary ? { summary: result.summary } : {}),
      runId: trigger.runId,
      runAtMs: trigger.runAtMs,
      durationMs: endedAt - startedAt,
      ...(job.state.nextRunAtMs !== undefined ? { nextRunAtMs: job.state.nextRunAtMs } : {}),
      ...(result.sessionKey ? { sessionKey: result.sessionKey } : {}),
      ...(result.sessionId ? { sessionId: result.sessionId } : {}),
      ...(result.model ? { model: result.model, provider: result.provider } : {}),
      ...(trigger.kind === "catch-up" ? { diagnostics: catchUpDiagnostics(endedAt, trigger.runAtMs) } : {}),
    }, result.delivery);
    this.emit(job, "finished", {
      runAtMs: trigger.runAtMs,
      runId: trigger.runId,
      status: result.status,
      ...(result.summary ? { summary: result.summary } : {}),
      ...(result.error ? { error: result.error } : {}),
      ...result.delivery,
      durationMs: endedAt - startedAt,
      nextRunAtMs: job.state.nextRunAtMs,
    });
    if (oneShot && result.status === "ok" && job.deleteAfterRun !== false) this.remove(job.id);
    else {
      this.host.store.putCronJob(job);
      this.arm();
    }
  }

  private async execute(job: CronJob, trigger: Trigger): Promise<RunResult> {
    const config = this.host.config();
    const agentId = job.agentId ?? defaultAgentId(config);
    this.host.sessions.assertAgent(agentId, config);
    const payload = job.payload;
    if (payload.kind === "systemEvent") {
      const key = mainSessionKey(agentId);
      this.host.events.enqueue(key, { text: payload.text, ts: this.host.now(), source: `cron:${job.id}` });
      if (job.wakeMode === "now") await this.host.heartbeats.wake(`cron:${job.id}`, key);
      return { status: "ok", summary: clip(payload.text), sessionKey: key };
    }
    const key = this.sessionFor(job, agentId, trigger);
    const run = this.host.runs.start({
      runId: trigger.runId,
      target: { key, agentId },
      message: payload.message,
      kind: "cron",
      timeoutMs: payload.timeoutSeconds ? payload.timeoutSeconds * 1000 : DEFAULT_JOB_TIMEOUT_MS,
      model: payload.model || payload.fallbacks ? { model: payload.model, fallbacks: payload.fallbacks } : undefined,
    });
    const outcome = await run.done;
    const where = { sessionKey: key, sessionId: outcome.sessionId || undefined, model: outcome.model, provider: outcome.provider };
    if (outcome.status === "ok") {
      const { channels, sessions, warn } = this.host;
      const delivery = await announce(job, outcome.text, { channels, sessions, sessionKeys: [key, mainSessionKey(agentId)], runId: trigger.runId, warn });
      return { status: "ok", summary: clip(outcome.text), ...where, delivery };
    }
    return { status: "error", error: outcome.error ?? outcome.status, ...where };
  }

  /** Where an agent turn runs (`sessionTarget`: main, isolated, current, session:<key>). */
  private sessionFor(job: CronJob, agentId: string, trigger: Trigger): string {
    const target = job.sessionTarget;
    if (target === "isolated") return `agent:${agentId}:cron:${job.id}:run:${trigger.runId.replaceAll(":", "-")}`;
    if (target.startsWith("session:")) return canonicalSessionKey(target.slice("session:".length), agentId);
    if (target === "current" && job.sessionKey) return canonicalSessionKey(job.sessionKey, agentId);
    return mainSessionKey(agentId);
  }

  private log(job: CronJob, entry: Omit<CronRunEntry, "jobId" | "action" | "deliveryStatus" | "jobName">, delivery: CronDelivery = { deliveryStatus: "not-requested" }): void {
    try {
      this.host.store.appendCronRun({ ...entry, jobId: job.id, action: "finished", ...delivery, jobName: job.name }, RUN_LOG_KEEP);
    } catch (error) {
      this.host.warn("cron run not logged", { jobId: job.id, error: String(error) });
    }
  }

  private emit(job: CronJob, action: "added" | "updated" | "removed" | "started" | "finished", extra: Record<string, unknown> = {}): void {
    this.host.broadcast("cron", { jobId: job.id, action, job, ...extra });
  }
}

function clip(text: string): string {
  return text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 1)}…`;
}

function catchUpDiagnostics(ts: number, missedAt: number): CronRunEntry["diagnostics"] {
  return {
    summary: "caught up after downtime",
    entries: [{ ts, source: "cron-setup", severity: "info", message: `slot ${new Date(missedAt).toISOString()} was missed while the gateway was down; ran once at startup` }],
  };
}

/** The wire error for a job id that does not exist (§6, `CRON_JOB_NOT_FOUND`); `cron.get` keeps its older wording. */
export function cronJobNotFound(jobId: string, lead = "Automation not found"): GatewayError {
  return new GatewayError({
    code: "INVALID_REQUEST",
    message: `${lead}: ${jobId}. List automations and retry with a current job id. For cross-session management, use a fresh authenticated configured channel owner or Control UI administrator turn or the Automations page.`,
    details: { code: "CRON_JOB_NOT_FOUND", jobId },
  });
}
