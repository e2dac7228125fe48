/**
 * What the upstream Control UI's Usage, Model providers, Skills, Approvals,
 * General, Profile, Search, Memory, Meetings, Worktrees and Debug pages call,
 * in memory, with the params the UI sends (recorded from openclaw 2026.9.6's
 * dist/control-ui): usage summed from the turns the embedded agent ran,
 * approval history from real exec approval requests, the empty truth where
 * clawgate has no such feature, and the scope table's rules (§5).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { MEMORY_TOKEN, memoryGateway, type MemoryGateway } from "../../../harness/memory-gateway.ts";

const ALL_OPERATOR = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];
const NOW = 1_796_000_000_000;
const TODAY = new Date(NOW).toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

/** The Usage page's `sessions.usage` (the Model providers page sends agentScope "all" instead of agentId). */
const USAGE_PAGE = { startDate: TODAY, endDate: TODAY, agentId: "main", mode: "specific", timeZone: "UTC", utcOffset: "UTC+0", groupBy: "family", limit: 1000, includeContextWeight: false };

let gw: MemoryGateway | undefined;
afterEach(() => {
  gw?.stop();
  gw = undefined;
});

type Call = (method: string, params?: unknown) => Promise<any>;

/** A local backend client with `scopes` on the gateway (started on first use). */
async function operator(scopes = ALL_OPERATOR): Promise<Call> {
  const mem = (gw ??= memoryGateway({ now: () => NOW }));
  const conn = await mem.open();
  const params = { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" }, auth: { token: MEMORY_TOKEN }, role: "operator", scopes };
  expect((await mem.request(conn, "c", "connect", params)).ok).toBe(true);
  let n = 0;
  return (method, p = {}) => mem.request(conn, `r${n++}`, method, p);
}

/** Runs one embedded-agent turn in `sessionKey` and waits for its end. */
async function turn(call: Call, sessionKey: string, message: string): Promise<void> {
  const accepted = await call("agent", { message, sessionKey, idempotencyKey: `${sessionKey}-${message}` });
  expect(accepted.payload.status).toBe("accepted");
  expect((await call("agent.wait", { runId: accepted.payload.runId })).payload.status).toBe("ok");
}

/** The tokens the session's stored assistant turns report, as the provider gave them. */
function storedUsage(key: string): { input: number; output: number; total: number } {
  const session = gw!.store.getSession(key)!;
  const turns = gw!.store.readMessages(session.sessionId, { limit: 100 }).filter((m) => m.role === "assistant");
  const sum = { input: 0, output: 0, total: 0 };
  for (const m of turns) for (const k of ["input", "output", "total"] as const) sum[k] += (m.meta!.usage as any)[k];
  return sum;
}

describe("sessions.usage and usage.status (Usage, Model providers)", () => {
  test("two sessions' turns -> each session's tokens and messages as stored, the totals their sum, today's day bucket", async () => {
    const call = await operator();
    await turn(call, "agent:main:main", "hello there");
    await turn(call, "agent:main:main", "and again");
    await turn(call, "agent:main:side", "one more question");
    const main = storedUsage("agent:main:main");
    const side = storedUsage("agent:main:side");
    expect(main.total).toBeGreaterThan(0);

    const report = (await call("sessions.usage", USAGE_PAGE)).payload;
    expect(report).toMatchObject({ startDate: TODAY, endDate: TODAY, creatorOptions: [] });
    const byKey = Object.fromEntries(report.sessions.map((s: any) => [s.key, s.usage]));
    expect(Object.keys(byKey).sort()).toEqual(["agent:main:main", "agent:main:side"]);
    expect(byKey["agent:main:main"]).toMatchObject({ input: main.input, output: main.output, totalTokens: main.total, totalCost: 0, missingCostEntries: 2, messageCounts: { total: 4, user: 2, assistant: 2, errors: 0 }, activityDates: [TODAY] });
    expect(byKey["agent:main:side"]).toMatchObject({ totalTokens: side.total, messageCounts: { user: 1, assistant: 1 } });
    expect(report.totals).toMatchObject({ input: main.input + side.input, output: main.output + side.output, totalTokens: main.total + side.total });
    expect(report.aggregates).toMatchObject({ sessionCount: 2, messages: { total: 6, user: 3, assistant: 3 }, byAgent: [{ agentId: "main", totals: { totalTokens: main.total + side.total } }] });
    expect(report.aggregates.daily).toEqual([{ date: TODAY, tokens: main.total + side.total, cost: 0, messages: 6, toolCalls: 0, errors: 0 }]);

    // The Model providers page: every agent; one session by key; limit.
    const all = (await call("sessions.usage", { ...USAGE_PAGE, agentId: undefined, agentScope: "all" })).payload;
    expect(all.totals.totalTokens).toBe(main.total + side.total);
    expect((await call("sessions.usage", { ...USAGE_PAGE, key: "side" })).payload.sessions.map((s: any) => s.key)).toEqual(["agent:main:side"]);
    expect((await call("sessions.usage", { ...USAGE_PAGE, limit: 1 })).payload.sessions).toHaveLength(1);
  });

  test("a range before the turns, or a zone where they fall on another day -> no sessions, zero totals", async () => {
    const call = await operator();
    await turn(call, "main", "hello there");
    const yesterday = new Date(NOW - DAY_MS).toISOString().slice(0, 10);
    const before = (await call("sessions.usage", { ...USAGE_PAGE, startDate: yesterday, endDate: yesterday })).payload;
    expect(before).toMatchObject({ sessions: [], totals: { totalTokens: 0 }, aggregates: { sessionCount: 0, daily: [] } });
    // NOW is 2026-11-30T00:53Z: at UTC-10 the turn is on the 29th.
    const west = (await call("sessions.usage", { ...USAGE_PAGE, utcOffset: "UTC-10", timeZone: undefined })).payload;
    expect(west.sessions).toEqual([]);
    const westDay = (await call("sessions.usage", { ...USAGE_PAGE, startDate: yesterday, endDate: yesterday, timeZone: "Pacific/Honolulu" })).payload;
    expect(westDay.sessions.map((s: any) => s.usage.activityDates)).toEqual([[yesterday]]);
  });

  test("bad input -> INVALID_REQUEST naming it; usage.status -> no provider quota windows (no auth profiles)", async () => {
    const call = await operator();
    expect((await call("sessions.usage", { ...USAGE_PAGE, agentScope: "all" })).error).toMatchObject({ code: "INVALID_REQUEST", message: "agentScope=all cannot be combined with key or agentId" });
    expect((await call("sessions.usage", { ...USAGE_PAGE, timeZone: "Mars/Olympus" })).error).toMatchObject({ code: "INVALID_REQUEST", message: 'invalid timeZone "Mars/Olympus"' });
    expect((await call("sessions.usage", { ...USAGE_PAGE, startDate: "2026-13-45" })).error).toMatchObject({ code: "INVALID_REQUEST", message: 'invalid date "2026-13-45"' });
    expect((await call("sessions.usage", { ...USAGE_PAGE, startDate: "2026-12-01", endDate: "2026-11-01" })).error.message).toBe("startDate must not be after endDate");
    expect((await call("sessions.usage", { ...USAGE_PAGE, agentId: "ghost" })).error.details).toMatchObject({ code: "UNKNOWN_AGENT_ID" });
    expect((await call("sessions.usage", { ...USAGE_PAGE, groupBy: "tree" })).error.message).toContain("groupBy");
    expect((await call("usage.status", null)).payload).toEqual({ updatedAt: NOW, providers: [] });
  });
});

describe("approval.history (Approvals)", () => {
  test("requests nobody could review -> the ledger newest first, paged by upstream's cursor; another kind -> none", async () => {
    const call = await operator();
    // With no other approver connected, each request ends at once (no-approval-route): a decided record.
    for (const command of ["ls", "pwd", "id"]) expect((await call("exec.approval.request", { command, agentId: "main" })).payload.decision).toBeNull();
    const first = (await call("approval.history", { limit: 2 })).payload;
    expect(first.items).toHaveLength(2);
    expect(first.items[0]).toMatchObject({ status: "expired", reason: "no-approval-route", presentation: { kind: "exec", agentId: "main" }, source: { agentId: "main" } });
    expect(typeof first.nextCursor).toBe("string");
    const second = (await call("approval.history", { limit: 2, cursor: first.nextCursor })).payload;
    expect(second.nextCursor).toBeUndefined();
    const seen = [...first.items, ...second.items].map((i: any) => i.presentation.commandText);
    expect(seen.sort()).toEqual(["id", "ls", "pwd"]);
    expect((await call("approval.history", { limit: 50 })).payload.items).toHaveLength(3);
    expect((await call("approval.history", { kind: "plugin" })).payload).toEqual({ items: [] });
    expect((await call("approval.history", { cursor: "not-a-cursor" })).error).toMatchObject({ code: "INVALID_REQUEST", message: "invalid approval.history cursor" });
    expect((await call("exec.approval.grants.list", {})).payload).toEqual({ grants: [] });
  });
});

describe("features clawgate does not have -> upstream's empty answers", () => {
  test("skills, themes, transcripts, worktrees, lanes, memory, search, GitHub, memory import", async () => {
    const call = await operator();
    expect((await call("skills.status", { agentId: "main" })).payload).toEqual({ workspaceDir: "/nonexistent/workspace", managedSkillsDir: "/nonexistent/skills", agentId: "main", skills: [] });
    expect((await call("skills.library.list", { scope: "all" })).payload).toEqual({ entries: [], profileId: null, multipleProfiles: false, defaultTarget: "unavailable", canManageWorkspace: false, defaultSelectionLimit: 64 });
    expect((await call("skills.search", { limit: 20 })).payload).toEqual({ results: [] });
    expect((await call("skills.proposals.list", { agentId: "main" })).payload).toEqual({ schema: "openclaw.skill-workshop.proposals-manifest.v1", updatedAt: new Date(NOW).toISOString(), proposals: [], installedSkills: [] });
    const themes = (await call("themes.list")).payload;
    expect(themes.current).toEqual({ id: "claw", mode: "system", scope: "gateway", overrides: {} });
    expect(themes.themes.map((t: any) => t.id)).toEqual(["claw", "knot", "dash", "absolutely", "tide", "beacon", "phosphor", "crt", "manuscript", "rose", "miami"]);
    expect(themes.theme).toEqual(themes.themes[0]);
    expect((await call("transcripts.list", { limit: 50 })).payload).toEqual({ sessions: [], nextCursor: null });
    expect((await call("worktrees.list")).payload).toEqual({ worktrees: [] });
    expect((await call("diagnostics.lanes")).payload).toEqual({ ts: NOW, lanes: [], dynamic: null });
    expect((await call("doctor.memory.status", { agentId: "main" })).payload).toEqual({ agentId: "main", searchRuntimeRegistered: false, embedding: { ok: false, error: "memory search unavailable" } });
    const search = (await call("webSearch.status", { agentId: "main" })).payload;
    expect(search).toMatchObject({ enabled: false, provider: null, agentId: "main", providers: [], route: { kind: "unavailable", label: "No search provider available", testable: false } });
    const github = (await call("tools.github.status", { agentId: "main", selectedScope: "system" })).payload;
    expect(github).toMatchObject({ agentId: "main", selectedScope: "system", selected: { scope: "system", configured: false }, effective: { credentialState: "unavailable", account: null, evidence: "none" } });
    expect((await call("tools.github.status", { agentId: "main", selectedScope: "agent" })).payload.selected.identity).toBeNull();
    expect((await call("migrations.memory.plan", { agentId: "main", overwrite: false })).payload).toEqual({ agentId: "main", workspace: "/nonexistent/workspace", providers: [] });
  });

  test("an unknown agent -> UNKNOWN_AGENT_ID; a stray param -> INVALID_REQUEST", async () => {
    const call = await operator();
    for (const [name, params] of [["skills.status", { agentId: "ghost" }], ["webSearch.status", { agentId: "ghost" }], ["tools.github.status", { agentId: "ghost", selectedScope: "system" }], ["migrations.memory.plan", { agentId: "ghost" }], ["doctor.memory.status", { agentId: "ghost" }]] as const) {
      expect((await call(name, params)).error).toMatchObject({ code: "INVALID_REQUEST", details: { code: "UNKNOWN_AGENT_ID" } });
    }
    for (const name of ["worktrees.list", "diagnostics.lanes", "themes.list", "skills.search", "transcripts.list"]) {
      expect((await call(name, { extra: 1 })).error.code).toBe("INVALID_REQUEST");
    }
  });

  test("scopes (§5): a read-only operator reads the pages; approval history needs approvals, memory import admin", async () => {
    const call = await operator(["operator.read"]);
    for (const name of ["sessions.usage", "usage.status", "skills.status", "skills.library.list", "themes.list", "transcripts.list", "worktrees.list", "diagnostics.lanes", "doctor.memory.status", "webSearch.status"]) {
      expect({ name, ok: (await call(name)).ok }).toEqual({ name, ok: true });
    }
    expect((await call("approval.history")).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.approvals" });
    expect((await call("migrations.memory.plan", { agentId: "main" })).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
  });
});
