/**
 * When a schedule fires next (spec §6 schedule kinds `at`, `every`,
 * `cron`+tz) and duration strings such as "30m". Cron expressions are parsed
 * by croner (pure JavaScript, no runtime APIs), as upstream does; 5- and
 * 6-field expressions, IANA time zones, and day-of-month/day-of-week OR logic.
 * Runtime-agnostic.
 */
import { Cron } from "croner";
import type { CronSchedule } from "./types.ts";

/** `schedule.at` may be at most this far in the past when a job is added (upstream: one minute). */
export const AT_PAST_TOLERANCE_MS = 60_000;
const TEN_YEARS_MS = 10 * 365.25 * 24 * 3600_000;

/** Milliseconds of "90s", "30m", "1h", "1d", "500ms" or a bare number of ms; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? "ms").toLowerCase();
  const scale = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : unit === "h" ? 3600_000 : 86_400_000;
  return Math.round(Number(m[1]) * scale);
}

/** The instant of an `at` value: ISO-8601 (offset-less means UTC, as upstream) or a relative "20m". */
export function parseAt(at: string, nowMs: number): number | undefined {
  const relative = /^\s*\+?\d/.test(at) && !/[-:T]/.test(at) ? parseDuration(at.replace("+", "")) : undefined;
  if (relative !== undefined) return nowMs + relative;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(at.trim()) ? `${at.trim()}${at.includes("T") ? "Z" : "T00:00:00Z"}` : at.trim();
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Why a schedule cannot be stored, in upstream's words where it has them; undefined when valid. */
export function scheduleProblem(schedule: CronSchedule, nowMs: number): string | undefined {
  switch (schedule.kind) {
    case "at": {
      const at = parseAt(schedule.at, nowMs);
      if (at === undefined) return `Invalid schedule.at: expected ISO-8601 timestamp (got ${schedule.at})`;
      const diff = at - nowMs;
      if (diff < -AT_PAST_TOLERANCE_MS) {
        return `schedule.at is in the past: ${new Date(at).toISOString()} (${Math.floor(-diff / 60_000)} minutes ago). Current time: ${new Date(nowMs).toISOString()}`;
      }
      if (diff > TEN_YEARS_MS) {
        return `schedule.at is too far in the future: ${new Date(at).toISOString()} (${Math.floor(diff / 31_557_600_000)} years ahead). Maximum allowed: 10 years`;
      }
      return undefined;
    }
    case "every":
      return undefined;
    case "cron":
      try {
        cronFor(schedule.expr, schedule.tz).nextRun(new Date(nowMs));
        return undefined;
      } catch (error) {
        return `invalid cron schedule: ${error instanceof Error ? error.message : String(error)}`;
      }
  }
}

/**
 * The first firing strictly after `afterMs`, or undefined when the schedule
 * will not fire again. `every` counts from `anchorMs` (default: the job's
 * creation time) so restarts do not shift the grid.
 */
export function nextRunAfter(schedule: CronSchedule, afterMs: number, createdAtMs: number): number | undefined {
  switch (schedule.kind) {
    case "at": {
      const at = parseAt(schedule.at, createdAtMs);
      return at !== undefined && at > afterMs ? at : undefined;
    }
    case "every": {
      const anchor = schedule.anchorMs ?? createdAtMs;
      if (afterMs < anchor) return anchor + schedule.everyMs;
      return anchor + (Math.floor((afterMs - anchor) / schedule.everyMs) + 1) * schedule.everyMs;
    }
    case "cron": {
      const next = cronFor(schedule.expr, schedule.tz).nextRun(new Date(afterMs));
      return next ? next.getTime() + (schedule.staggerMs ?? 0) : undefined;
    }
  }
}

function cronFor(expr: string, tz: string | undefined): Cron {
  return new Cron(expr, { timezone: tz || undefined, paused: true });
}
