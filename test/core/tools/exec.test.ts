/**
 * The `exec` tool end to end: a local OpenAI-compatible server streams real
 * `tool_calls` (SSE) to a real gateway; commands run as real processes in the
 * agent's workspace. In `ask` mode the call waits for a second operator
 * client's decision (raw WebSocket) before anything runs; deny and the lack
 * of any approver refuse it; allow-always lets the same command run unasked
 * next time; a timeout kills the whole process tree.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { startUpstream, type FakeUpstream } from "../../harness/openai-upstream.ts";
import { connected, connectParams, type Frame, type RawSocket } from "../../harness/raw-socket.ts";
import { Signal } from "../../harness/signal.ts";

const toolMessages = (body: any): any[] => body.messages.filter((m: any) => m.role === "tool");
const lastIsTool = (body: any) => body.messages.at(-1)?.role === "tool";

/** A model that runs `command` through exec once, then answers with the tool's text. */
const runs = (args: Record<string, unknown>) => (body: any) => lastIsTool(body)
  ? { pieces: [`exec said: ${toolMessages(body).at(-1).content}`] }
  : { toolCalls: [{ id: `call_${crypto.randomUUID().slice(0, 8)}`, name: "exec", arguments: JSON.stringify(args) }] };

let upstream: FakeUpstream;
let gw: TestGateway;
/** Sends chat and reads agent events: write + read scopes, no operator.approvals. */
let sender: RawSocket;
let approver: RawSocket | undefined;
/** A directory of the pather agent's tools.exec.pathPrepend. */
let binDir: string;

beforeAll(async () => {
  upstream = startUpstream({
    asker: runs({ command: "echo ran > ran.txt && pwd" }),
    denied: runs({ command: "echo ran > denied.txt" }),
    always: runs({ command: "printf always-ok" }),
    sleeper: runs({ command: "sh -c 'sleep 60 & echo $! > grandchild.pid; wait'" }),
    pather: runs({ command: "hello-tool" }),
    lister: runs({ command: "uname -s" }),
    failer: runs({ command: "echo partial; exit 3" }),
    ghost: runs({ command: "no-such-command-xyz" }),
    aborter: runs({ command: "echo ran > aborted.txt" }),
  });
  const agent = (id: string, mode: "ask" | "full" | "allowlist", exec: Record<string, unknown> = {}) => ({ id, model: `up/${id}`, tools: { exec: { mode, ...exec } } });
  binDir = mkdtempSync(join(tmpdir(), "clawgate-bin-"));
  writeFileSync(join(binDir, "hello-tool"), "#!/bin/sh\necho \"hello from $0\"\n", { mode: 0o755 });
  gw = await startTestGateway({
    exec: true,
    config: {
      models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["asker", "denied", "always", "sleeper", "aborter", "pather", "lister", "failer", "ghost"] } } },
      agents: { list: [{ ...agent("asker", "ask"), default: true }, agent("denied", "ask"), agent("always", "ask"), agent("sleeper", "full", { timeoutSeconds: 1 }), agent("aborter", "ask"), agent("pather", "full", { pathPrepend: [binDir] }), agent("lister", "allowlist"), agent("failer", "full"), agent("ghost", "full")] },
    },
  });
  sender = (await connected(gw.url, connectParams({ scopes: ["operator.write", "operator.read"] }))).sock;
});
afterEach(async () => {
  approver?.close();
  await approver?.waitClose();
  approver = undefined;
});
afterAll(async () => {
  sender?.close();
  await gw?.stop();
  upstream?.stop();
  rmSync(binDir, { recursive: true, force: true });
});

async function connectApprover(): Promise<RawSocket> {
  approver = (await connected(gw.url, connectParams({ scopes: ["operator.approvals"], client: { id: "gateway-client", displayName: "second-operator", version: "1", platform: "linux", mode: "backend" } }))).sock;
  return approver;
}

const chatEvents = (runId: string): any[] => sender.events("chat").map((f: Frame) => f.payload).filter((p: any) => p.runId === runId);
const terminal = (runId: string) => chatEvents(runId).find((p) => ["final", "aborted", "error"].includes(p.state));
const answer = (runId: string): string => terminal(runId).message.content[0].text;

async function start(agent: string, runId: string): Promise<void> {
  const res = await sender.request("chat.send", { sessionKey: `agent:${agent}:main`, message: "go", idempotencyKey: runId });
  expect(res.ok).toBe(true);
}

describe("exec in ask mode", () => {
  test("waits for a second operator's allow-once, then runs in the agent workspace", async () => {
    const ops = await connectApprover();
    await start("asker", "ask-1");
    await ops.until(() => ops.events("exec.approval.requested").length === 1, 10_000);
    const requested = ops.events("exec.approval.requested")[0]!.payload;
    const workspace = join(gw.dir, "workspace");
    expect(requested.request).toMatchObject({ command: "echo ran > ran.txt && pwd", cwd: workspace, host: "gateway", security: "allowlist", ask: "on-miss", agentId: "asker", sessionKey: "agent:asker:main" });
    // Nothing has run while the request waits.
    expect(existsSync(join(workspace, "ran.txt"))).toBe(false);
    expect(terminal("ask-1")).toBeUndefined();

    expect((await ops.request("exec.approval.resolve", { id: requested.id, decision: "allow-once" })).ok).toBe(true);
    await sender.until(() => terminal("ask-1") !== undefined, 10_000);
    expect(answer("ask-1")).toBe(`exec said: ${workspace}\n`);
    expect(readFileSync(join(workspace, "ran.txt"), "utf8")).toBe("ran\n");
    await ops.until(() => ops.events("exec.approval.resolved").length === 1);
    expect(ops.events("exec.approval.resolved")[0]!.payload).toMatchObject({ id: requested.id, decision: "allow-once", resolvedBy: "second-operator" });
  });

  test("deny -> the command never runs and the model reads the refusal", async () => {
    const ops = await connectApprover();
    await start("denied", "deny-1");
    await ops.until(() => ops.events("exec.approval.requested").length === 1, 10_000);
    const { id } = ops.events("exec.approval.requested")[0]!.payload;
    await ops.request("exec.approval.resolve", { id, decision: "deny" });
    await sender.until(() => terminal("deny-1") !== undefined, 10_000);
    expect(answer("deny-1")).toBe(`exec said: exec denied by operator (approval ${id})`);
    expect(existsSync(join(gw.dir, "workspace-denied", "denied.txt"))).toBe(false);
  });

  test("no operator who may approve is connected -> denied at once (askFallback deny)", async () => {
    // The previous test's approver has closed; wait until the gateway has let it go.
    await new Signal().until(() => !gw.running.gateway.hasApprovalClients());
    await start("denied", "deny-2");
    await sender.until(() => terminal("deny-2") !== undefined, 10_000);
    expect(answer("deny-2")).toBe("exec said: exec denied: no operator with operator.approvals is connected (askFallback: deny); allowlist the command or set tools.exec.mode");
    expect(existsSync(join(gw.dir, "workspace-denied", "denied.txt"))).toBe(false);
  });

  test("allow-always adds the command to the agent's allowlist: the next identical call runs unasked", async () => {
    const ops = await connectApprover();
    await start("always", "always-1");
    await ops.until(() => ops.events("exec.approval.requested").length === 1, 10_000);
    await ops.request("exec.approval.resolve", { id: ops.events("exec.approval.requested")[0]!.payload.id, decision: "allow-always" });
    await sender.until(() => terminal("always-1") !== undefined, 10_000);
    expect(answer("always-1")).toBe("exec said: always-ok");
    const doc = (await ops.request("exec.approvals.get", {})).error;
    expect(doc.message).toBe("missing scope: operator.admin");
    const stored = JSON.parse(gw.store.getApprovalsDocument()!);
    expect(stored.agents.always.allowlist).toEqual([{ id: expect.any(String), pattern: Bun.which("printf"), argPattern: "^always-ok$", source: "allow-always", lastResolvedPath: Bun.which("printf") }]);

    await start("always", "always-2");
    await sender.until(() => terminal("always-2") !== undefined, 10_000);
    expect(answer("always-2")).toBe("exec said: always-ok");
    expect(ops.events("exec.approval.requested")).toHaveLength(1);
  });
});

describe("exec abort", () => {
  test("chat.abort while the call waits for approval withdraws the request; nothing runs", async () => {
    const ops = await connectApprover();
    await start("aborter", "abort-1");
    await ops.until(() => ops.events("exec.approval.requested").length === 1, 10_000);
    const { id } = ops.events("exec.approval.requested")[0]!.payload;
    const abort = await sender.request("chat.abort", { sessionKey: "agent:aborter:main", runId: "abort-1" });
    expect(abort.payload).toMatchObject({ ok: true, aborted: true });
    await sender.until(() => terminal("abort-1") !== undefined);
    expect(terminal("abort-1").state).toBe("aborted");
    expect((await ops.request("exec.approval.waitDecision", { id })).payload).toMatchObject({ id, decision: null, terminalReason: "run-aborted" });
    expect((await ops.request("exec.approval.list", {})).payload).toEqual([]);
    expect((await ops.request("exec.approval.resolve", { id, decision: "allow-once" })).error.message).toBe("unknown or expired approval id");
    expect(existsSync(join(gw.dir, "workspace-aborter", "aborted.txt"))).toBe(false);
  });
});

describe("exec in allowlist mode", () => {
  test("a miss is refused without asking; once exec.approvals.set allowlists the binary, it runs", async () => {
    await start("lister", "list-1");
    await sender.until(() => terminal("list-1") !== undefined, 10_000);
    expect(answer("list-1")).toBe("exec said: exec denied: allowlist miss (tools.exec.mode allowlist); add the command with `clawgate approvals allowlist add`");
    const admin = (await connected(gw.url)).sock;
    try {
      const { hash } = (await admin.request("exec.approvals.get", {})).payload;
      const set = await admin.request("exec.approvals.set", { baseHash: hash, file: { version: 1, agents: { lister: { allowlist: [{ pattern: "uname" }] } } } });
      expect(set.ok).toBe(true);
    } finally {
      admin.close();
    }
    await start("lister", "list-2");
    await sender.until(() => terminal("list-2") !== undefined, 10_000);
    expect(answer("list-2")).toBe("exec said: Linux\n");
  });
});

describe("exec outcomes (upstream's texts)", () => {
  test("a non-zero exit is a completed call with the code appended; an unknown command is a failure", async () => {
    await start("failer", "fail-1");
    await start("ghost", "ghost-1");
    await sender.until(() => terminal("fail-1") !== undefined && terminal("ghost-1") !== undefined, 10_000);
    expect(answer("fail-1")).toBe("exec said: partial\n\n(Command exited with code 3)");
    expect(answer("ghost-1")).toStartWith("exec said: Command not found\n");
    expect(answer("ghost-1")).toEndWith("(Command exited with code 127)");
  });
});

describe("exec environment", () => {
  test("tools.exec.pathPrepend puts its directories first on the command's PATH", async () => {
    await start("pather", "path-1");
    await sender.until(() => terminal("path-1") !== undefined, 10_000);
    expect(answer("path-1")).toBe(`exec said: hello from ${join(binDir, "hello-tool")}\n`);
  });
});

describe("exec timeout", () => {
  test("the command's whole process tree is killed at tools.exec.timeoutSeconds: the grandchild is gone", async () => {
    await start("sleeper", "sleep-1");
    await sender.until(() => terminal("sleep-1") !== undefined, 15_000);
    expect(answer("sleep-1")).toStartWith("exec said: Command timed out after 1 seconds. Its process tree was killed.");
    const pid = Number(readFileSync(join(gw.dir, "workspace-sleeper", "grandchild.pid"), "utf8"));
    const gone = () => {
      try {
        return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
      } catch {
        return true;
      }
    };
    await new Signal().until(gone, 5_000);
  }, 20_000);
});
