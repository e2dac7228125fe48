/**
 * The exec tool once per runtime (the CLI gateway under Bun and under Node,
 * each with its own process runner): a model streaming a real `exec` tool
 * call, the request waiting for a second operator's approval, then the
 * command's output in the final answer and its file in the agent workspace.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startUpstream, type FakeUpstream } from "../harness/openai-upstream.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";
import { RESTART_TIMEOUT_MS, RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let upstream: FakeUpstream;
  let gw: RuntimeGateway;
  let sender: RawSocket;
  let approver: RawSocket;
  beforeAll(async () => {
    upstream = startUpstream({
      shell: (body: any) => body.messages.at(-1)?.role === "tool"
        ? { pieces: [`exec said: ${body.messages.at(-1).content}`] }
        : { toolCalls: [{ id: "call_1", name: "exec", arguments: JSON.stringify({ command: `echo ${runtime} > made.txt && cat made.txt` }) }] },
    });
    gw = await startRuntimeGateway(runtime, { config: {
      models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["shell"] } } },
      agents: { entries: { main: { default: true, model: "up/shell" } } },
    } });
    sender = (await connected(gw.url, connectParams({ scopes: ["operator.write", "operator.read"] }))).sock;
    approver = (await connected(gw.url, connectParams({ scopes: ["operator.approvals"] }))).sock;
  }, RESTART_TIMEOUT_MS);
  afterAll(async () => {
    sender?.close();
    approver?.close();
    await gw?.stop();
    upstream?.stop();
  });

  test("ask (clawgate's default mode): the approval arrives, allow-once runs the command in the workspace", async () => {
    expect((await sender.request("chat.send", { sessionKey: "main", message: "go", idempotencyKey: `${runtime}-exec` })).ok).toBe(true);
    await approver.until(() => approver.events("exec.approval.requested").length === 1, 10_000);
    const { id, request } = approver.events("exec.approval.requested")[0]!.payload;
    expect(request).toMatchObject({ command: `echo ${runtime} > made.txt && cat made.txt`, cwd: join(gw.stateDir, "workspace"), agentId: "main" });
    expect((await approver.request("exec.approval.resolve", { id, decision: "allow-once" })).payload).toEqual({ ok: true });
    const final = () => sender.events("chat").map((f) => f.payload).find((p: any) => p.runId === `${runtime}-exec` && p.state === "final");
    await sender.until(() => final() !== undefined, 10_000);
    expect(final().message.content[0].text).toBe(`exec said: ${runtime}\n`);
    expect(readFileSync(join(gw.stateDir, "workspace", "made.txt"), "utf8")).toBe(`${runtime}\n`);
  }, 20_000);
});
