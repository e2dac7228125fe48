/**
 * Schedule arithmetic: durations, `at` instants, the `every` grid, cron
 * expressions with time zones, and the refusal texts for bad schedules.
 */
import { describe, expect, test } from "bun:test";
import { nextRunAfter, parseAt, parseDuration, scheduleProblem } from "../../../core/scheduler/schedule.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe("parseDuration", () => {
  test("units and bare milliseconds; malformed -> undefined", () => {
    expect(["500ms", "90s", "30m", "1h", "1d", "250", "1.5s", "0m"].map(parseDuration)).toEqual([500, 90_000, 1_800_000, 3_600_000, 86_400_000, 250, 1500, 0]);
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("-1m")).toBeUndefined();
  });
});

describe("parseAt", () => {
  test("ISO with zone, offset-less ISO as UTC (upstream), dates, and relative durations", () => {
    expect(parseAt("2026-11-23T13:00:00Z", NOW)).toBe(Date.UTC(2026, 10, 23, 13));
    expect(parseAt("2026-11-23T13:00:00+01:00", NOW)).toBe(Date.UTC(2026, 10, 23, 12));
    expect(parseAt("2026-11-23T13:00", NOW)).toBe(Date.UTC(2026, 10, 23, 13));
    expect(parseAt("2026-11-24", NOW)).toBe(Date.UTC(2026, 10, 24));
    expect(parseAt("20m", NOW)).toBe(NOW + 20 * 60_000);
    expect(parseAt("whenever", NOW)).toBeUndefined();
  });
});

describe("nextRunAfter", () => {
  test("every: a fixed grid from the anchor (default: creation), so restarts do not drift", () => {
    const created = NOW - 2500;
    expect(nextRunAfter({ kind: "every", everyMs: 1000 }, NOW, created)).toBe(NOW + 500);
    expect(nextRunAfter({ kind: "every", everyMs: 1000, anchorMs: NOW + 10_000 }, NOW, created)).toBe(NOW + 11_000);
  });

  test("cron: 5- and 6-field expressions, the host zone or tz, stagger", () => {
    expect(nextRunAfter({ kind: "cron", expr: "0 13 * * *", tz: "UTC" }, NOW, NOW)).toBe(Date.UTC(2026, 10, 23, 13));
    expect(nextRunAfter({ kind: "cron", expr: "*/10 * * * * *", tz: "UTC" }, NOW + 1, NOW)).toBe(NOW + 10_000);
    // 09:00 in New York on 2026-11-23 is 14:00 UTC (EST).
    expect(nextRunAfter({ kind: "cron", expr: "0 9 * * *", tz: "America/New_York" }, NOW, NOW)).toBe(Date.UTC(2026, 10, 23, 14));
    expect(nextRunAfter({ kind: "cron", expr: "0 13 * * *", tz: "UTC", staggerMs: 30_000 }, NOW, NOW)).toBe(Date.UTC(2026, 10, 23, 13) + 30_000);
  });

  test("cron: day-of-month and day-of-week match with OR, as croner and Vixie cron do", () => {
    // 2026-11-23 is a Monday; "15th or Monday" fires on the 30th (Monday) before Dec 15.
    const next = nextRunAfter({ kind: "cron", expr: "0 9 15 * 1", tz: "UTC" }, Date.UTC(2026, 10, 23, 10), NOW);
    expect(new Date(next!).toISOString()).toBe("2026-11-30T09:00:00.000Z");
  });

  test("at: only while still ahead", () => {
    expect(nextRunAfter({ kind: "at", at: "2026-11-23T12:30:00Z" }, NOW, NOW)).toBe(NOW + 1_800_000);
    expect(nextRunAfter({ kind: "at", at: "2026-11-23T11:30:00Z" }, NOW, NOW)).toBeUndefined();
  });
});

describe("scheduleProblem", () => {
  test("valid schedules have none", () => {
    expect(scheduleProblem({ kind: "at", at: "2026-11-23T11:59:30Z" }, NOW)).toBeUndefined();
    expect(scheduleProblem({ kind: "cron", expr: "0 9 * * 1-5", tz: "Europe/Vienna" }, NOW)).toBeUndefined();
  });

  test("upstream's texts for at; croner's reason for cron", () => {
    expect(scheduleProblem({ kind: "at", at: "2026-11-23T11:00:00Z" }, NOW)).toBe(
      "schedule.at is in the past: 2026-11-23T11:00:00.000Z (60 minutes ago). Current time: 2026-11-23T12:00:00.000Z",
    );
    expect(scheduleProblem({ kind: "at", at: "2040-01-01T00:00:00Z" }, NOW)).toBe("schedule.at is too far in the future: 2040-01-01T00:00:00.000Z (13 years ahead). Maximum allowed: 10 years");
    expect(scheduleProblem({ kind: "at", at: "nope" }, NOW)).toBe("Invalid schedule.at: expected ISO-8601 timestamp (got nope)");
    expect(scheduleProblem({ kind: "cron", expr: "99 * * * *" }, NOW)).toStartWith("invalid cron schedule: ");
    expect(scheduleProblem({ kind: "cron", expr: "0 9 * * *", tz: "Nowhere/Land" }, NOW)).toStartWith("invalid cron schedule: ");
  });
});
