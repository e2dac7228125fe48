/**
 * Durability of the agent side under kill -9 (spec §6 `cron.*`,
 * `chat.send`/`chat.history`): a child gateway that has acknowledged cron
 * jobs, logged cron runs and finished chat turns is killed with SIGKILL, with
 * no graceful stop. Restarted on the same files, every acknowledged job, run
 * log entry and transcript message is there.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGatewayOn, type ChildGateway } from "../harness/process.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";

const TOKEN = "crash-test-token-0123456789abcdef";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-agent-crash-"));
const children: ChildGateway[] = [];
afterAll(() => {
  for (const c of children) c.proc.kill("SIGKILL");
  rmSync(stateDir, { recursive: true, force: true });
});

async function admin(child: ChildGateway): Promise<RawSocket> {
  return (await connected(child.url, connectParams({ auth: { token: TOKEN } }))).sock;
}

const finished = (sock: RawSocket, jobId: string) => sock.events("cron").map((f) => f.payload).filter((p) => p.jobId === jobId && p.action === "finished");

test("SIGKILL after acknowledged cron jobs, cron runs and chat turns -> all of them are there after the restart", async () => {
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TOKEN } } }), { mode: 0o600 });
  const first = await spawnGatewayOn(stateDir);
  children.push(first);
  const a = await admin(first);

  const jobs = [
    { name: "ticker", schedule: { kind: "every", everyMs: 300 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" } },
    { name: "nightly", schedule: { kind: "cron", expr: "0 3 * * *", tz: "UTC" }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "night" } },
    { name: "later", schedule: { kind: "at", at: "2030-01-01T00:00:00Z" }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "later" } },
  ];
  const added: any[] = [];
  for (const job of jobs) {
    const res = await a.request("cron.add", job);
    expect(res.error).toBeUndefined();
    added.push(res.payload);
  }
  const ticker = added[0].id;

  const turns = [
    { sessionKey: "crash-a", message: "first words" },
    { sessionKey: "crash-a", message: "second words" },
    { sessionKey: "crash-b", message: "other session" },
  ];
  for (const t of turns) {
    const runId = crypto.randomUUID();
    expect((await a.request("chat.send", { ...t, idempotencyKey: runId })).ok).toBe(true);
    await a.until(() => a.events("chat").some((f) => f.payload.runId === runId && f.payload.state === "final"));
  }
  await a.until(() => finished(a, ticker).length >= 2, 10_000);
  // Kill in the same turn as the last acknowledgement seen: nothing gets a graceful moment.
  const acknowledgedRuns = finished(a, ticker).map((p) => p.runId);
  const historyBefore = new Map<string, unknown[]>();
  for (const key of ["crash-a", "crash-b"]) historyBefore.set(key, (await a.request("chat.history", { sessionKey: key })).payload.messages);
  first.proc.kill("SIGKILL");
  expect(await first.proc.exited).not.toBe(0);
  expect(first.proc.signalCode).toBe("SIGKILL");
  a.close();

  const second = await spawnGatewayOn(stateDir);
  children.push(second);
  const b = await admin(second);
  try {
    const listed = (await b.request("cron.list", { includeDisabled: true })).payload.jobs;
    expect(listed.map((j: any) => [j.id, j.name, j.schedule.kind]).sort()).toEqual(added.map((j) => [j.id, j.name, j.schedule.kind]).sort());
    const runs = (await b.request("cron.runs", { id: ticker, limit: 200 })).payload.entries.map((e: any) => e.runId);
    for (const runId of acknowledgedRuns) expect(runs).toContain(runId);

    for (const t of ["crash-a", "crash-b"]) {
      const after = (await b.request("chat.history", { sessionKey: t })).payload.messages;
      expect(after).toEqual(historyBefore.get(t)!);
    }
    const texts = (historyBefore.get("crash-a") as any[]).map((m) => `${m.role}:${m.content[0].text}`);
    expect(texts).toEqual(["user:first words", expect.stringMatching(/^assistant:/), "user:second words", expect.stringMatching(/^assistant:/)]);
  } finally {
    b.close();
  }
}, 60_000);
