/**
 * The `cron` tool on a real gateway: the agent's jobs go through the
 * scheduler's own cron.* methods (same validation, same store), a job an
 * agent adds is that agent's, and bad jobs come back as input errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { executeTool } from "../../../core/tools/execute.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { connected, type RawSocket } from "../../harness/raw-socket.ts";

let gw: TestGateway;
let sock: RawSocket;

beforeAll(async () => {
  gw = await startTestGateway({ config: { agents: { list: [{ id: "main", default: true }, { id: "ops" }] } } });
  ({ sock } = await connected(gw.url));
});

afterAll(async () => {
  sock?.close();
  await gw?.stop();
});

async function cron(args: Record<string, unknown>, agentId = "ops") {
  await gw.running.gateway.tools.ready();
  const tool = gw.running.gateway.tools.get("cron")!;
  const out = await executeTool(tool, args, { agentId, sessionKey: `agent:${agentId}:main`, toolCallId: "t", config: gw.running.gateway.config }, { signal: new AbortController().signal });
  return { ...out, json: out.isError ? undefined : JSON.parse(out.text) };
}

const JOB = { name: "water plants", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "Remind me to water the plants." } };

describe("cron tool", () => {
  test("add stores a job for the calling agent; the operator's cron.list sees it", async () => {
    const added = await cron({ action: "add", job: JOB });
    expect(added.isError).toBe(false);
    expect(added.json).toMatchObject({ name: "water plants", agentId: "ops", enabled: true, schedule: { kind: "every", everyMs: 3_600_000 } });
    const listed = await sock.request("cron.list", {});
    expect(listed.payload.jobs.map((j: any) => [j.id, j.agentId])).toEqual([[added.json.id, "ops"]]);
    expect((await cron({ action: "list" })).json.jobs.map((j: any) => j.name)).toEqual(["water plants"]);
  });

  test("update, run, runs and remove act on that job", async () => {
    const id = (await cron({ action: "list" })).json.jobs[0].id;
    expect((await cron({ action: "update", jobId: id, job: { name: "water the ferns" } })).json).toMatchObject({ id, name: "water the ferns" });
    expect((await cron({ action: "run", jobId: id, runMode: "force" })).json).toMatchObject({ ok: true, enqueued: true });
    expect((await cron({ action: "runs", jobId: id })).isError).toBe(false);
    expect((await cron({ action: "remove", jobId: id })).json).toEqual({ ok: true, removed: true });
    expect((await sock.request("cron.list", {})).payload.jobs).toEqual([]);
  });

  test("bad input: a malformed job, an unknown job id and a missing id are input errors that change nothing", async () => {
    expect(await cron({ action: "add", job: { ...JOB, schedule: { kind: "every", everyMs: -5 } } })).toMatchObject({ isError: true, kind: "input", text: expect.stringMatching(/^action=add: invalid cron\.add params/) });
    expect(await cron({ action: "remove", jobId: "nope" })).toMatchObject({ isError: true, text: expect.stringMatching(/^action=remove: /) });
    expect(await cron({ action: "get" })).toMatchObject({ isError: true, kind: "input", text: "action=get: jobId required" });
    expect(await cron({ action: "explode" })).toMatchObject({ isError: true, kind: "input" });
    expect((await sock.request("cron.list", {})).payload.jobs).toEqual([]);
  });
});
