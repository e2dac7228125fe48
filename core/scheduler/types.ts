/**
 * Cron job and run-log shapes as the protocol carries them (spec §6 `cron.*`,
 * protocol schema `CronJob`, `CronRunLogEntry`). Runtime-agnostic.
 */

/** When a job fires: once, on a fixed interval, or on a cron expression (§6). */
export type CronSchedule =
  | { kind: "at"; at: string }
  | { kind: "every"; everyMs: number; anchorMs?: number }
  | { kind: "cron"; expr: string; tz?: string; staggerMs?: number };

/** What a job does: queue a system event for the main session, or run an agent turn (§6). */
export type CronPayload =
  | { kind: "systemEvent"; text: string }
  | {
    kind: "agentTurn";
    message: string;
    model?: string;
    fallbacks?: string[];
    thinking?: string;
    timeoutSeconds?: number;
    lightContext?: boolean;
  };

export type CronRunStatus = "ok" | "error" | "skipped";

/** Scheduler-owned state carried on the job. */
export interface CronJobState {
  nextRunAtMs?: number;
  runningAtMs?: number;
  lastRunAtMs?: number;
  lastRunStatus?: CronRunStatus;
  /** Deprecated alias of lastRunStatus that older clients still read. */
  lastStatus?: CronRunStatus;
  lastError?: string;
  lastDurationMs?: number;
  consecutiveErrors?: number;
}

export interface CronJob {
  id: string;
  agentId?: string;
  sessionKey?: string;
  name: string;
  description?: string;
  enabled: boolean;
  deleteAfterRun?: boolean;
  createdAtMs: number;
  updatedAtMs: number;
  /** Changes whenever the definition (not the state) changes. */
  configRevision: string;
  schedule: CronSchedule;
  sessionTarget: string;
  wakeMode: "now" | "next-heartbeat";
  payload: CronPayload;
  delivery?: { mode: "none" | "announce" | "webhook"; [key: string]: unknown };
  state: CronJobState;
}

/** One finished run in `cron.runs` (schema `CronRunLogEntry`). */
export interface CronRunEntry {
  ts: number;
  jobId: string;
  action: "finished";
  status: CronRunStatus;
  error?: string;
  summary?: string;
  runId: string;
  runAtMs: number;
  durationMs: number;
  nextRunAtMs?: number;
  deliveryStatus: "delivered" | "not-delivered" | "not-requested";
  delivered?: boolean;
  deliveryError?: string;
  /** Why a reply was deliberately not announced: it was empty or a silent token. */
  deliverySuppressionReason?: "empty" | "silent";
  sessionKey?: string;
  sessionId?: string;
  model?: string;
  provider?: string;
  jobName?: string;
  /** Why a run was unusual, e.g. a catch-up after downtime. */
  diagnostics?: { summary?: string; entries: { ts: number; source: "cron-setup"; severity: "info" | "warn" | "error"; message: string }[] };
}
