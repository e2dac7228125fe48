/**
 * `usage.status` and `sessions.usage` (the Usage and Model providers pages).
 * `usage.status` reports provider quota windows read through auth profiles;
 * clawgate has no auth profiles, so it lists no provider, as upstream does
 * without one. `sessions.usage` sums the tokens each assistant turn's
 * provider reported, per session and in total, over a date range read in
 * upstream's modes (utc, the gateway's zone, or a given zone/offset).
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import { addTotals, emptyTotals, sessionUsage, usageAggregates } from "../../sessions/usage-report.ts";
import { normalizeAgentId } from "../../sessions/keys.ts";
import { method, noParams } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** What the group uses. */
export type UsageMethodsContext = Pick<GatewayServices, "agents" | "now">;

const DAY_MS = 86_400_000;
/** Upstream's creator key for a session whose creating actor is not known (clawgate records none). */
const UNKNOWN_CREATOR = JSON.stringify(["unknown"]);
const RANGE_DAYS = { "7d": 7, "30d": 30, "90d": 90, "1y": 365 } as const;
const nonEmpty = z.string().check(z.minLength(1));
const date = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** Upstream's SessionsUsageParams. */
const usageParams = z.lazy(() => z.strictObject({
  key: z.optional(nonEmpty),
  agentId: z.optional(nonEmpty),
  agentScope: z.optional(z.literal("all")),
  creatorKey: z.optional(nonEmpty),
  startDate: z.optional(date),
  endDate: z.optional(date),
  mode: z.optional(z.enum(["utc", "gateway", "specific"])),
  range: z.optional(z.enum(["7d", "30d", "90d", "1y", "all"])),
  groupBy: z.optional(z.enum(["instance", "family"])),
  includeHistorical: z.optional(z.boolean()),
  utcOffset: z.optional(z.string().check(z.regex(/^UTC[+-]\d{1,2}(?::[0-5]\d)?$/))),
  timeZone: z.optional(nonEmpty),
  limit: z.optional(z.int().check(z.gte(1))),
  includeContextWeight: z.optional(z.boolean()),
}));
type UsageParams = z.infer<typeof usageParams>;

/** Minutes east of UTC of `timeZone` at `at`; an unknown zone is refused. */
function zoneOffsetMinutes(timeZone: string, at: number): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(at);
  } catch {
    throw invalidRequest(`invalid timeZone "${timeZone}"`);
  }
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"));
  return Math.round((wall - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/** "UTC+5:30" -> 330. */
function parseUtcOffset(value: string): number {
  const [, sign, hours, minutes] = /^UTC([+-])(\d{1,2})(?::(\d{2}))?$/.exec(value)!;
  return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes ?? 0));
}

/** The offset the dates are read in: `utc` (default), the gateway's own zone, or the given zone (else offset). */
function offsetMinutes(p: UsageParams, now: number): number {
  if (p.mode === "gateway") return -new Date(now).getTimezoneOffset();
  if (p.mode !== "specific") return 0;
  if (p.timeZone) return zoneOffsetMinutes(p.timeZone, now);
  return p.utcOffset ? parseUtcOffset(p.utcOffset) : 0;
}

function dayStart(value: string, offsetMs: number): number {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms)) throw invalidRequest(`invalid date "${value}"`);
  return ms - offsetMs;
}

/** The range's first and last millisecond; explicit dates win over `range`, which defaults to 30 days ending today. */
function dateRange(p: UsageParams, now: number, offsetMs: number): { startMs: number; endMs: number } {
  const today = new Date(now + offsetMs).toISOString().slice(0, 10);
  const endMs = dayStart(p.endDate ?? today, offsetMs) + DAY_MS - 1;
  if (p.startDate) {
    const startMs = dayStart(p.startDate, offsetMs);
    if (startMs > endMs) throw invalidRequest("startDate must not be after endDate");
    return { startMs, endMs };
  }
  if (p.range === "all") return { startMs: 0, endMs };
  return { startMs: endMs + 1 - RANGE_DAYS[p.range ?? "30d"] * DAY_MS, endMs };
}

export function usageMethods(ctx: UsageMethodsContext) {
  const { sessions } = ctx.agents;
  return [
    method("usage.status", noParams, () => ({ updatedAt: ctx.now(), providers: [] })),

    method("sessions.usage", usageParams, (p) => {
      if (p.agentScope === "all" && (p.agentId || p.key)) throw invalidRequest("agentScope=all cannot be combined with key or agentId");
      const now = ctx.now();
      const offsetMs = offsetMinutes(p, now) * 60_000;
      const { startMs, endMs } = dateRange(p, now, offsetMs);
      const dayOf = (ms: number) => new Date(ms + offsetMs).toISOString().slice(0, 10);
      const target = p.key ? sessions.resolve(p.key, p.agentId) : undefined;
      const agentId = p.agentScope === "all" ? undefined : (target?.agentId ?? (p.agentId ? normalizeAgentId(p.agentId) : undefined));
      if (agentId && !target) sessions.assertAgent(agentId);
      // clawgate records no creating actor: a creator filter matches no session.
      const chosen = p.creatorKey ? [] : sessions.store.listSessions()
        .filter((s) => (target ? s.key === target.key : !agentId || s.agentId === agentId))
        .sort((a, b) => b.updatedAt - a.updatedAt);
      const messages = sessions.store.messagesBetween(chosen.map((s) => s.sessionId), startMs, endMs);
      const bySession = Map.groupBy(messages, (m) => m.sessionId);
      const rows = chosen
        .map((session) => ({ session, usage: sessionUsage(bySession.get(session.sessionId) ?? [], dayOf) }))
        .filter((r) => target || r.usage.messageCounts.total > 0);
      const totals = emptyTotals();
      for (const { usage } of rows) addTotals(totals, usage);
      return {
        updatedAt: now,
        startDate: dayOf(Math.max(startMs, 0)),
        endDate: dayOf(endMs),
        sessions: rows.slice(0, p.limit ?? 50).map(({ session, usage }) => ({
          key: session.key,
          ...(typeof session.fields.label === "string" ? { label: session.fields.label } : {}),
          sessionId: session.sessionId,
          scope: "instance",
          updatedAt: session.updatedAt,
          agentId: session.agentId,
          creatorKey: UNKNOWN_CREATOR,
          usage,
          hasContextWeight: false,
        })),
        totals,
        aggregates: usageAggregates(rows),
        creatorOptions: [],
      };
    }),
  ];
}
