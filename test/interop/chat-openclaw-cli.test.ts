/**
 * The real openclaw@2026.9.6 CLI drives clawgate's agent and cron methods:
 * `openclaw agent` runs turns through `agent` (spec §6: accepted, then the
 * final result on the same request id); `openclaw cron` adds, lists, runs,
 * reads the run log of, and removes a job (§6 `cron.*`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { CLI_CALL_TIMEOUT_MS, openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { skipWithout } from "../harness/capability.ts";

const skip = skipWithout(openclawCliAvailable(), "openclaw agent interop", SKIP_MESSAGE);

describe.skipIf(skip)("openclaw agent against clawgate", () => {
  let gw: TestGateway;
  let home: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), "openclaw-home-"));
    mkdirSync(join(home, ".openclaw"), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TEST_TOKEN } } }), { mode: 0o600 });
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(home, { recursive: true, force: true });
  });

  // One test: the second turn needs the first one's context.
  test("openclaw agent --message ... --json -> exit 0 with the final result; a second turn keeps the context, plain output is the reply", async () => {
    const res = await openclaw(["agent", "--message", "my name is Rin", "--json"], home);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ status: "ok", summary: "completed", result: { meta: { agentMeta: { provider: "clawgate", model: "embedded" } } } });
    expect(out.result.payloads[0].text).toStartWith("Nice to meet you, Rin.");

    const second = await openclaw(["agent", "--message", "what is my name?", "--agent", "main"], home);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toStartWith("Your name is Rin.");
    const history = gw.store.listSessions().find((s) => s.key === "agent:main:main")!;
    expect(gw.store.lastMessageSeq(history.sessionId)).toBe(4);
  }, 2 * CLI_CALL_TIMEOUT_MS);

  test("openclaw cron add / list / run / runs / rm", async () => {
    const add = await openclaw(["cron", "add", "--name", "Stretch", "--every", "10m", "--session", "main", "--system-event", "Stand up", "--json"], home);
    expect(add.code).toBe(0);
    const job = JSON.parse(add.stdout);
    expect(job).toMatchObject({ name: "Stretch", enabled: true, schedule: { kind: "every", everyMs: 600_000 }, payload: { kind: "systemEvent", text: "Stand up" } });
    const list = await openclaw(["cron", "list", "--json"], home);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const run = await openclaw(["cron", "run", job.id], home);
    expect(run.code).toBe(0);
    const { runId } = JSON.parse(run.stdout);
    const runs = await openclaw(["cron", "runs", "--id", job.id, "--json"], home);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout).entries.map((e: { runId: string; status: string }) => [e.runId, e.status])).toEqual([[runId, "ok"]]);
    const rm = await openclaw(["cron", "rm", job.id, "--json"], home);
    expect(rm.code).toBe(0);
    expect(JSON.parse(rm.stdout)).toEqual({ ok: true, removed: true });
    expect(gw.running.gateway.agents.cron.list()).toEqual([]);
  }, 5 * CLI_CALL_TIMEOUT_MS);
});
