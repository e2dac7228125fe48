/**
 * Token usage per session and in total, in upstream's `sessions.usage`
 * shapes (SessionCostSummary rows, the aggregate rollup), computed from the
 * transcripts: each assistant turn stores what its provider reported as
 * `usage` (input, output, total tokens). clawgate keeps no price table, so
 * every cost is 0 and each turn with tokens counts as a missing cost entry,
 * as upstream counts a model it cannot price. Runtime-agnostic.
 */
import type { SessionRecord, TranscriptMessage } from "../store.ts";

/** Upstream's CostUsageTotals. */
export interface UsageTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  totalTokens: number;
  totalCost: number;
  inputCost: number;
  outputCost: number;
  cacheReadCost: number;
  cacheWriteCost: number;
  missingCostEntries: number;
}

interface MessageCounts {
  total: number;
  user: number;
  assistant: number;
  toolCalls: number;
  toolResults: number;
  errors: number;
}

/** One session's usage in the range (upstream's SessionCostSummary, without latency: clawgate does not time turns). */
export interface SessionUsage extends UsageTotals {
  firstActivity?: number;
  lastActivity?: number;
  durationMs?: number;
  activityDates: string[];
  messageCounts: MessageCounts;
  toolUsage: { totalCalls: number; uniqueTools: number; tools: { name: string; count: number }[] };
  modelUsage: { provider?: string; model?: string; count: number; totals: UsageTotals }[];
  dailyBreakdown: { date: string; tokens: number; cost: number }[];
  dailyMessageCounts: ({ date: string } & MessageCounts)[];
  dailyModelUsage: { date: string; provider?: string; model?: string; tokens: number; cost: number; count: number }[];
}

export function emptyTotals(): UsageTotals {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 0, totalCost: 0, inputCost: 0, outputCost: 0, cacheReadCost: 0, cacheWriteCost: 0, missingCostEntries: 0 };
}

const TOTAL_KEYS = Object.keys(emptyTotals()) as (keyof UsageTotals)[];

/** Adds the totals of `add` into `into` (which may carry more fields, as a SessionUsage does). */
export function addTotals(into: UsageTotals, add: UsageTotals): void {
  for (const k of TOTAL_KEYS) into[k] += add[k];
}

const emptyCounts = (): MessageCounts => ({ total: 0, user: 0, assistant: 0, toolCalls: 0, toolResults: 0, errors: 0 });

function addCounts(into: MessageCounts, add: MessageCounts): void {
  for (const k of Object.keys(into) as (keyof MessageCounts)[]) into[k] += add[k];
}

/** The tokens one assistant turn reported, as totals (no cost: clawgate has no prices). */
function turnTotals(m: TranscriptMessage): UsageTotals | undefined {
  const usage = m.meta?.usage as { input?: number; output?: number; total?: number } | undefined;
  if (!usage) return undefined;
  const input = usage.input ?? 0;
  const output = usage.output ?? 0;
  return { ...emptyTotals(), input, output, totalTokens: usage.total ?? input + output, missingCostEntries: 1 };
}

function isError(m: TranscriptMessage): boolean {
  return m.role === "assistant" ? Boolean(m.meta?.errorMessage) || m.meta?.stopReason === "error" : m.role === "toolResult" && m.isError === true;
}

/** A `Map` value, created on first use. */
function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

/** One session's usage over its messages in the range; `dayOf` names the day bucket of a timestamp. */
export function sessionUsage(messages: readonly TranscriptMessage[], dayOf: (ms: number) => string): SessionUsage {
  const report: SessionUsage = { ...emptyTotals(), activityDates: [], messageCounts: emptyCounts(), toolUsage: { totalCalls: 0, uniqueTools: 0, tools: [] }, modelUsage: [], dailyBreakdown: [], dailyMessageCounts: [], dailyModelUsage: [] };
  const tools = new Map<string, number>();
  const models = new Map<string, SessionUsage["modelUsage"][number]>();
  const days = new Map<string, { tokens: number; counts: MessageCounts }>();
  const dayModels = new Map<string, SessionUsage["dailyModelUsage"][number]>();
  for (const m of messages) {
    const date = dayOf(m.ts);
    const day = entry(days, date, () => ({ tokens: 0, counts: emptyCounts() }));
    const counts: MessageCounts = { ...emptyCounts(), total: 1, user: m.role === "user" ? 1 : 0, assistant: m.role === "assistant" ? 1 : 0, toolCalls: m.toolCalls?.length ?? 0, toolResults: m.role === "toolResult" ? 1 : 0, errors: isError(m) ? 1 : 0 };
    addCounts(report.messageCounts, counts);
    addCounts(day.counts, counts);
    for (const call of m.toolCalls ?? []) tools.set(call.name, (tools.get(call.name) ?? 0) + 1);
    report.firstActivity = Math.min(report.firstActivity ?? m.ts, m.ts);
    report.lastActivity = Math.max(report.lastActivity ?? m.ts, m.ts);
    const totals = m.role === "assistant" ? turnTotals(m) : undefined;
    if (!totals) continue;
    addTotals(report, totals);
    day.tokens += totals.totalTokens;
    const provider = typeof m.meta?.provider === "string" ? m.meta.provider : undefined;
    const model = typeof m.meta?.model === "string" ? m.meta.model : undefined;
    const byModel = entry(models, `${provider}/${model}`, () => ({ provider, model, count: 0, totals: emptyTotals() }));
    byModel.count += 1;
    addTotals(byModel.totals, totals);
    const byDayModel = entry(dayModels, `${date}|${provider}/${model}`, () => ({ date, provider, model, tokens: 0, cost: 0, count: 0 }));
    byDayModel.tokens += totals.totalTokens;
    byDayModel.count += 1;
  }
  if (report.firstActivity !== undefined) report.durationMs = report.lastActivity! - report.firstActivity;
  const dates = [...days.keys()].sort();
  report.activityDates = dates;
  report.dailyBreakdown = dates.map((date) => ({ date, tokens: days.get(date)!.tokens, cost: 0 }));
  report.dailyMessageCounts = dates.map((date) => ({ date, ...days.get(date)!.counts }));
  report.dailyModelUsage = [...dayModels.values()].sort((a, b) => a.date.localeCompare(b.date));
  const toolList = [...tools].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
  report.toolUsage = { totalCalls: toolList.reduce((sum, t) => sum + t.count, 0), uniqueTools: tools.size, tools: toolList };
  report.modelUsage = [...models.values()].sort((a, b) => b.totals.totalTokens - a.totals.totalTokens);
  return report;
}

/** Upstream's aggregate rollup of `sessions.usage` over the sessions' usage. */
export function usageAggregates(rows: readonly { session: SessionRecord; usage: SessionUsage }[]): Record<string, unknown> {
  const messages = emptyCounts();
  const tools = new Map<string, number>();
  const models = new Map<string, { provider?: string; model?: string; count: number; totals: UsageTotals }>();
  const providers = new Map<string, { provider: string; count: number; totals: UsageTotals }>();
  const agents = new Map<string, UsageTotals>();
  const days = new Map<string, { date: string; tokens: number; cost: number; messages: number; toolCalls: number; errors: number }>();
  const costDays = new Map<string, UsageTotals>();
  const modelDays = new Map<string, SessionUsage["dailyModelUsage"][number]>();
  let sessionCount = 0;
  let longest = 0;
  for (const { session, usage } of rows) {
    if (usage.messageCounts.total === 0) continue;
    sessionCount += 1;
    longest = Math.max(longest, usage.durationMs ?? 0);
    addCounts(messages, usage.messageCounts);
    for (const t of usage.toolUsage.tools) tools.set(t.name, (tools.get(t.name) ?? 0) + t.count);
    for (const m of usage.modelUsage) {
      const byModel = entry(models, `${m.provider}/${m.model}`, () => ({ provider: m.provider, model: m.model, count: 0, totals: emptyTotals() }));
      byModel.count += m.count;
      addTotals(byModel.totals, m.totals);
      const byProvider = entry(providers, m.provider ?? "unknown", () => ({ provider: m.provider ?? "unknown", count: 0, totals: emptyTotals() }));
      byProvider.count += m.count;
      addTotals(byProvider.totals, m.totals);
    }
    addTotals(entry(agents, session.agentId, emptyTotals), usage);
    for (const d of usage.dailyBreakdown) {
      entry(days, d.date, () => ({ date: d.date, tokens: 0, cost: 0, messages: 0, toolCalls: 0, errors: 0 })).tokens += d.tokens;
    }
    for (const d of usage.dailyMessageCounts) {
      const day = entry(days, d.date, () => ({ date: d.date, tokens: 0, cost: 0, messages: 0, toolCalls: 0, errors: 0 }));
      day.messages += d.total;
      day.toolCalls += d.toolCalls;
      day.errors += d.errors;
    }
    for (const d of usage.dailyModelUsage) {
      const totals = entry(costDays, d.date, emptyTotals);
      totals.totalTokens += d.tokens;
      totals.missingCostEntries += d.count;
      const byDay = entry(modelDays, `${d.date}|${d.provider}/${d.model}`, () => ({ ...d, tokens: 0, count: 0 }));
      byDay.tokens += d.tokens;
      byDay.count += d.count;
    }
  }
  const toolList = [...tools].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
  const byDate = <T extends { date: string }>(a: T, b: T) => a.date.localeCompare(b.date);
  return {
    sessionCount,
    ...(longest > 0 ? { longestSessionDurationMs: longest } : {}),
    messages,
    tools: { totalCalls: toolList.reduce((sum, t) => sum + t.count, 0), uniqueTools: tools.size, tools: toolList },
    byModel: [...models.values()].sort((a, b) => b.totals.totalTokens - a.totals.totalTokens),
    byProvider: [...providers.values()].sort((a, b) => b.totals.totalTokens - a.totals.totalTokens),
    byAgent: [...agents].map(([agentId, totals]) => ({ agentId, totals })),
    // Channel and creator attribution need a session's delivery origin and creating actor, which clawgate does not record.
    byChannel: [],
    byCreator: [],
    costDaily: [...costDays].map(([date, totals]) => ({ date, ...totals })).sort(byDate),
    dailyLatency: [],
    modelDaily: [...modelDays.values()].sort(byDate),
    daily: [...days.values()].sort(byDate),
  };
}
