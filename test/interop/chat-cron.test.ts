/**
 * Cron over real sockets and real files (spec §6 `cron.*`, §7 `cron`): jobs
 * fire, are logged, survive restarts and are removed cleanly; runs missed
 * while the gateway was down follow the stated policy
 * (core/scheduler/cron.ts header): one catch-up run at startup, or a
 * `skipped` entry with `cron.skipMissedJobs`. Once per runtime: the CLI
 * gateway under Bun and under Node.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { connected, type RawSocket } from "../harness/raw-socket.ts";
import { waitFor } from "../harness/reference-client.ts";
import { RESTART_TIMEOUT_MS, RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  function stateDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "clawgate-cron-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** A gateway on `dir` and an admin socket to it; `stop()` stops both. */
  async function open(dir: string, config: OpenClawConfig = {}): Promise<{ gw: RuntimeGateway; sock: RawSocket; bootId: string; stop(): Promise<void> }> {
    const gw = await startRuntimeGateway(runtime, { dir, config });
    const { sock, hello } = await connected(gw.url);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      sock.close();
      await gw.stop();
    };
    cleanup.push(stop);
    return { gw, sock, bootId: hello.payload.server.bootId, stop };
  }

  const every = (text: string, everyMs = 1000) => ({
    name: text, schedule: { kind: "every", everyMs }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text },
  });
  /** Asks `method` until its payload satisfies `done`: for what may have happened before the socket connected. */
  async function untilAnswer(sock: RawSocket, method: string, done: (payload: any) => boolean, params: unknown = {}): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!done((await sock.request(method, params)).payload)) {
      if (Date.now() > deadline) throw new Error(`${method} never answered as expected`);
      await Bun.sleep(20);
    }
  }
  const cronEvents = (sock: RawSocket, jobId: string, action?: string) => sock.events("cron").map((f) => f.payload).filter((p) => p.jobId === jobId && (!action || p.action === action));

  describe("a job every second", () => {
    test("fires, appears in cron.runs, survives a restart and is removed cleanly", async () => {
      const dir = stateDir();
      const a = await open(dir);
      const added = await a.sock.request("cron.add", every("tick"));
      const job = added.payload;
      expect(job).toMatchObject({ name: "tick", enabled: true, schedule: { kind: "every", everyMs: 1000, anchorMs: job.createdAtMs }, sessionTarget: "main", state: { nextRunAtMs: job.createdAtMs + 1000 } });
      expect(job.configRevision).toMatch(/^rev-/);
      expect(cronEvents(a.sock, job.id, "added")).toHaveLength(1);
      await a.sock.until(() => cronEvents(a.sock, job.id, "finished").length >= 1, 5000);
      const started = cronEvents(a.sock, job.id, "started")[0];
      const finished = cronEvents(a.sock, job.id, "finished")[0];
      expect(finished).toMatchObject({ status: "ok", summary: "tick", runId: started.runId, runAtMs: job.state.nextRunAtMs });
      const runs = await a.sock.request("cron.runs", { id: job.id });
      expect(runs.payload.entries[0]).toMatchObject({ jobId: job.id, action: "finished", status: "ok", runId: finished.runId, deliveryStatus: "not-requested", jobName: "tick" });
      // The system event waits for the main session's next heartbeat.
      expect((await a.sock.request("status", {})).payload.queuedSystemEvents).toContain("tick");
      const before = runs.payload.total;
      await a.stop();

      const b = await open(dir);
      const listed = await b.sock.request("cron.list", {});
      expect(listed.payload.jobs.map((j: any) => j.id)).toEqual([job.id]);
      expect(listed.payload).toMatchObject({ total: 1, offset: 0, hasMore: false, nextOffset: null });
      await b.sock.until(() => cronEvents(b.sock, job.id, "finished").length >= 1, 5000);
      expect((await b.sock.request("cron.runs", { id: job.id })).payload.total).toBeGreaterThan(before);

      // Removal: a sentinel job keeps firing, the removed one never again.
      const sentinel = (await b.sock.request("cron.add", every("sentinel", 250))).payload;
      const removed = await b.sock.request("cron.remove", { id: job.id });
      expect(removed.payload).toEqual({ ok: true, removed: true });
      expect(cronEvents(b.sock, job.id, "removed")).toHaveLength(1);
      const logged = b.gw.store.listCronRuns({ jobId: job.id, limit: 1000, offset: 0 }).total;
      const firedAfter = cronEvents(b.sock, sentinel.id, "finished").length;
      await b.sock.until(() => cronEvents(b.sock, sentinel.id, "finished").length >= firedAfter + 6, 5000);
      expect(b.gw.store.listCronRuns({ jobId: job.id, limit: 1000, offset: 0 }).total).toBe(logged);
      expect((await b.sock.request("cron.list", {})).payload.jobs.map((j: any) => j.id)).toEqual([sentinel.id]);
      const again = await b.sock.request("cron.remove", { id: job.id });
      expect(again.error).toMatchObject({ code: "INVALID_REQUEST", details: { code: "CRON_JOB_NOT_FOUND", jobId: job.id } });
      expect(again.error.message).toStartWith(`Automation not found: ${job.id}. List automations and retry with a current job id.`);
    }, RESTART_TIMEOUT_MS);

    test("an agentTurn job runs an agent turn in an isolated session; its reply is the run summary", async () => {
      const { sock } = await open(stateDir());
      const job = (await sock.request("cron.add", {
        name: "digest", schedule: { kind: "every", everyMs: 500 }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "Summarize the day" },
      })).payload;
      await sock.until(() => cronEvents(sock, job.id, "finished").length >= 1, 5000);
      const entry = (await sock.request("cron.runs", { id: job.id })).payload.entries[0];
      expect(entry.status).toBe("ok");
      expect(entry.summary).toStartWith('You said: "Summarize the day".');
      expect(entry.sessionKey).toStartWith(`agent:main:cron:${job.id}:run:`);
      expect(entry).toMatchObject({ provider: "clawgate", model: "embedded" });
    });
  });

  describe("missed runs while the gateway was down", () => {
    test("an at reminder due during downtime runs once at startup, reaches the main session, and is deleted", async () => {
      const dir = stateDir();
      const a = await open(dir);
      const atMs = Date.now() + 1200;
      const job = (await a.sock.request("cron.add", {
        name: "stretch", schedule: { kind: "at", at: new Date(atMs).toISOString() }, sessionTarget: "main", wakeMode: "now",
        payload: { kind: "systemEvent", text: "Reminder: stand up and stretch" },
      })).payload;
      expect(job.deleteAfterRun).toBe(true);
      await a.stop();
      await waitFor(() => Date.now() > atMs + 100, 5000);

      const b = await open(dir);
      await waitFor(() => b.gw.store.listCronRuns({ jobId: job.id, limit: 5, offset: 0 }).total >= 1, 5000);
      expect(b.gw.store.listCronRuns({ jobId: job.id, limit: 5, offset: 0 }).total).toBe(1);
      const [entry] = b.gw.store.listCronRuns({ jobId: job.id, limit: 5, offset: 0 }).entries;
      expect(entry).toMatchObject({ status: "ok", runAtMs: atMs, diagnostics: { summary: "caught up after downtime" } });
      expect(entry!.ts).toBeGreaterThan(atMs);
      // wakeMode "now": the heartbeat surfaced the reminder in the main session (it may have run before this socket connected).
      await untilAnswer(b.sock, "last-heartbeat", (hb) => hb?.status === "sent");
      const history = (await b.sock.request("chat.history", { sessionKey: "main" })).payload;
      expect(history.messages.at(-1).content[0].text).toBe("Reminder: stand up and stretch");
      expect((await b.sock.request("last-heartbeat", {})).payload).toMatchObject({ status: "sent", preview: "Reminder: stand up and stretch" });
      await untilAnswer(b.sock, "cron.list", (list) => list.jobs.length === 0, { includeDisabled: true });
    }, RESTART_TIMEOUT_MS);

    test("a recurring job missed for several slots catches up once, not once per slot", async () => {
      const dir = stateDir();
      const a = await open(dir);
      const job = (await a.sock.request("cron.add", every("fast", 300))).payload;
      await a.stop();
      const downAt = Date.now();
      await waitFor(() => Date.now() > downAt + 1500, 5000);
      const b = await open(dir);
      await waitFor(() => b.gw.store.listCronRuns({ jobId: job.id, limit: 100, offset: 0 }).entries.some((e) => e.diagnostics), 5000);
      const logged = () => b.gw.store.listCronRuns({ jobId: job.id, limit: 100, offset: 0 }).entries;
      // Let a couple of regular slots pass after the catch-up.
      await waitFor(() => logged().filter((e) => !e.diagnostics && e.ts > downAt + 1500).length >= 2, 5000);
      expect(logged().filter((e) => e.diagnostics)).toHaveLength(1);
    }, RESTART_TIMEOUT_MS);

    test("with cron.skipMissedJobs the missed slot is logged as skipped and nothing runs for it", async () => {
      const dir = stateDir();
      const a = await open(dir);
      const job = (await a.sock.request("cron.add", every("hourly-ish", 60 * 60_000))).payload;
      // Pretend the gateway was down across the slot: the stored job says it was due a minute ago.
      await a.stop();
      const { SqliteStore, databasePath } = await import("../../runtime-bun/sqlite-store.ts");
      const store = new SqliteStore(databasePath(join(dir, ".openclaw")));
      const stored = store.listCronJobs()[0]!;
      store.putCronJob({ ...stored, state: { ...stored.state, nextRunAtMs: Date.now() - 60_000 } });
      store.close();

      const b = await open(dir, { cron: { skipMissedJobs: true } });
      await waitFor(() => b.gw.store.listCronRuns({ jobId: job.id, limit: 10, offset: 0 }).total >= 1, 5000);
      const entries = b.gw.store.listCronRuns({ jobId: job.id, limit: 10, offset: 0 }).entries;
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ status: "skipped", summary: "missed while the gateway was down (cron.skipMissedJobs)" });
      const listed = (await b.sock.request("cron.list", {})).payload.jobs[0];
      expect(listed.state.nextRunAtMs).toBeGreaterThan(Date.now());
    }, RESTART_TIMEOUT_MS);
  });

  describe("cron methods", () => {
    test("cron.run force queues a manual run; due declines a job that is not due; status counts jobs", async () => {
      const { sock, bootId } = await open(stateDir());
      const job = (await sock.request("cron.add", every("later", 3600_000))).payload;
      const forced = (await sock.request("cron.run", { id: job.id })).payload;
      const { runId } = forced;
      // Bun's toMatchObject writes asymmetric matchers back into the received object, so compare exact values.
      expect(runId).toMatch(new RegExp(`^manual:${job.id}:\\d+:\\d+$`));
      expect(forced).toEqual({ ok: true, enqueued: true, runId, processInstanceId: bootId });
      await sock.until(() => cronEvents(sock, job.id, "finished").some((e) => e.runId === runId));
      expect((await sock.request("cron.run", { jobId: job.id, mode: "due" })).payload).toMatchObject({ ok: true, ran: false, reason: "not-due" });
      const status = (await sock.request("cron.status", {})).payload;
      expect(status).toMatchObject({ enabled: true, storage: "sqlite", jobs: 1, nextWakeAtMs: expect.any(Number) });
    });

    test("cron.update reschedules, changes the revision and merges the payload", async () => {
      const { sock } = await open(stateDir());
      const job = (await sock.request("cron.add", every("old", 3600_000))).payload;
      const updated = (await sock.request("cron.update", { id: job.id, patch: { name: "new", schedule: { kind: "cron", expr: "0 9 * * *", tz: "Europe/Vienna" }, payload: { kind: "systemEvent", text: "renamed" } } })).payload;
      expect(updated).toMatchObject({ id: job.id, name: "new", schedule: { kind: "cron", expr: "0 9 * * *", tz: "Europe/Vienna" }, payload: { kind: "systemEvent", text: "renamed" } });
      expect(updated.configRevision).not.toBe(job.configRevision);
      const next = new Date(updated.state.nextRunAtMs);
      expect(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Vienna", hour: "2-digit", minute: "2-digit" }).format(next)).toBe("09:00");
      expect(cronEvents(sock, job.id, "updated")).toHaveLength(1);
    });

    test("bad input -> a specific error and no job", async () => {
      const { sock } = await open(stateDir());
      const past = await sock.request("cron.add", { ...every("x"), schedule: { kind: "at", at: "2020-01-01T00:00:00Z" } });
      expect(past.error.message).toStartWith("schedule.at is in the past: 2020-01-01T00:00:00.000Z");
      const garbage = await sock.request("cron.add", { ...every("x"), schedule: { kind: "at", at: "tomorrow-ish" } });
      expect(garbage.error.message).toBe("Invalid schedule.at: expected ISO-8601 timestamp (got tomorrow-ish)");
      const expr = await sock.request("cron.add", { ...every("x"), schedule: { kind: "cron", expr: "61 * * * *" } });
      expect(expr.error.message).toStartWith("invalid cron schedule:");
      const tz = await sock.request("cron.add", { ...every("x"), schedule: { kind: "cron", expr: "0 9 * * *", tz: "Mars/Olympus" } });
      expect(tz.error.message).toStartWith("invalid cron schedule:");
      const isolatedEvent = await sock.request("cron.add", { ...every("x"), sessionTarget: "isolated" });
      expect(isolatedEvent.error.message).toBe('invalid cron.add params: systemEvent payloads require sessionTarget "main"');
      const unknownAgent = await sock.request("cron.add", { ...every("x"), agentId: "ghost" });
      expect(unknownAgent.error).toEqual({ code: "INVALID_REQUEST", message: 'unknown agent id "ghost"', details: { code: "UNKNOWN_AGENT_ID", agentId: "ghost" } });
      const extra = await sock.request("cron.add", { ...every("x"), bogus: 1 });
      expect(extra.error.message).toBe("invalid cron.add params: at root: unexpected property 'bogus'");
      expect((await sock.request("cron.list", { includeDisabled: true })).payload.total).toBe(0);
      const missing = await sock.request("cron.update", { id: "nope", patch: { enabled: false } });
      expect(missing.error.details).toEqual({ code: "CRON_JOB_NOT_FOUND", jobId: "nope" });
    });

    test("read-only callers can list but not add (§5)", async () => {
      const gw = await startRuntimeGateway(runtime);
      cleanup.push(() => gw.stop());
      const { connectParams } = await import("../harness/raw-socket.ts");
      const { sock } = await connected(gw.url, connectParams({ scopes: ["operator.read"] }));
      cleanup.push(() => sock.close());
      expect((await sock.request("cron.list", {})).ok).toBe(true);
      const refused = await sock.request("cron.add", every("x"));
      expect(refused.error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
    });
  });
});
