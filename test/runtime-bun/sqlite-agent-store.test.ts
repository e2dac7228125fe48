/**
 * The SQLite store behind sessions, transcripts, runs and cron: real files,
 * reopened to prove durability.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databasePath, SqliteStore } from "../../runtime-bun/sqlite-store.ts";
import type { CronJob } from "../../core/scheduler/types.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-store-"));
  dirs.push(dir);
  return databasePath(dir);
}

describe("sessions and transcripts", () => {
  test("messages page newest-first by seq and survive a reopen", () => {
    const path = freshPath();
    const store = new SqliteStore(path);
    store.putSession({ key: "agent:main:main", agentId: "main", sessionId: "s1", createdAt: 1, updatedAt: 2, fields: { label: "x" } });
    for (let seq = 1; seq <= 5; seq++) store.appendMessage({ sessionId: "s1", seq, id: `m${seq}`, role: seq % 2 ? "user" : "assistant", text: `t${seq}`, ts: seq });
    store.close();
    const again = new SqliteStore(path);
    try {
      expect(again.getSession("agent:main:main")?.fields).toEqual({ label: "x" });
      expect(again.lastMessageSeq("s1")).toBe(5);
      expect(again.readMessages("s1", { limit: 2 }).map((m) => m.seq)).toEqual([4, 5]);
      expect(again.readMessages("s1", { beforeSeq: 4, limit: 2 }).map((m) => m.seq)).toEqual([2, 3]);
      expect(again.readMessages("s1", { afterSeq: 3, limit: 10 }).map((m) => m.seq)).toEqual([4, 5]);
      expect(again.lastMessageSeq("other")).toBe(0);
    } finally {
      again.close();
    }
  });

  test("a taken seq is refused instead of overwriting history", () => {
    const store = new SqliteStore(freshPath());
    try {
      store.appendMessage({ sessionId: "s", seq: 1, id: "a", role: "user", text: "first", ts: 1 });
      expect(() => store.appendMessage({ sessionId: "s", seq: 1, id: "b", role: "user", text: "second", ts: 2 })).toThrow();
      expect(store.readMessages("s", { limit: 5 }).map((m) => m.text)).toEqual(["first"]);
    } finally {
      store.close();
    }
  });

  test("runs are found by status", () => {
    const store = new SqliteStore(freshPath());
    try {
      store.putRun({ runId: "r1", sessionKey: "k", sessionId: "s", agentId: "main", kind: "chat", status: "running", startedAt: 1 });
      store.putRun({ runId: "r2", sessionKey: "k", sessionId: "s", agentId: "main", kind: "chat", status: "ok", startedAt: 1, endedAt: 2 });
      expect(store.listRuns("running").map((r) => r.runId)).toEqual(["r1"]);
      store.putRun({ ...store.getRun("r1")!, status: "interrupted" });
      expect(store.listRuns("running")).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe("cron", () => {
  const job = (id: string, createdAtMs: number): CronJob => ({
    id, name: id, enabled: true, createdAtMs, updatedAtMs: createdAtMs, configRevision: "r1",
    schedule: { kind: "every", everyMs: 1000 }, sessionTarget: "main", wakeMode: "now",
    payload: { kind: "systemEvent", text: "hi" }, state: {},
  });

  test("jobs list in creation order; the run log pages newest first and filters", () => {
    const store = new SqliteStore(freshPath());
    try {
      store.putCronJob(job("b", 2));
      store.putCronJob(job("a", 1));
      expect(store.listCronJobs().map((j) => j.id)).toEqual(["a", "b"]);
      for (let i = 0; i < 3; i++) store.appendCronRun({ ts: i, jobId: "a", action: "finished", status: "ok", runId: `a${i}`, runAtMs: i, durationMs: 1, deliveryStatus: "not-requested" }, 100);
      store.appendCronRun({ ts: 9, jobId: "b", action: "finished", status: "error", runId: "b0", runAtMs: 9, durationMs: 1, deliveryStatus: "not-requested" }, 100);
      const page = store.listCronRuns({ jobId: "a", limit: 2, offset: 0 });
      expect(page.total).toBe(3);
      expect(page.entries.map((e) => e.runId)).toEqual(["a2", "a1"]);
      expect(store.listCronRuns({ runId: "b0", limit: 5, offset: 0 }).entries[0]!.status).toBe("error");
      expect(store.listCronRuns({ limit: 10, offset: 0 }).total).toBe(4);
      expect(store.deleteCronJob("a")).toBe(true);
      expect(store.deleteCronJob("a")).toBe(false);
      store.putSchedulerState("heartbeat", "{}");
      expect(store.getSchedulerState("heartbeat")).toBe("{}");
    } finally {
      store.close();
    }
  });
});

test("the run log keeps only the newest entries of each job", () => {
  const store = new SqliteStore(freshPath());
  try {
    const entry = (jobId: string, i: number) => ({ ts: i, jobId, action: "finished" as const, status: "ok" as const, runId: `${jobId}${i}`, runAtMs: i, durationMs: 1, deliveryStatus: "not-requested" as const });
    store.appendCronRun(entry("other", 0), 3);
    for (let i = 0; i < 5; i++) store.appendCronRun(entry("a", i), 3);
    expect(store.listCronRuns({ jobId: "a", limit: 10, offset: 0 }).entries.map((e) => e.runId)).toEqual(["a4", "a3", "a2"]);
    expect(store.listCronRuns({ jobId: "other", limit: 10, offset: 0 }).total).toBe(1);
  } finally {
    store.close();
  }
});
