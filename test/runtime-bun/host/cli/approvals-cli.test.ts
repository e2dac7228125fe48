/**
 * `clawgate approvals pending|resolve|get|set|allowlist` as a child process
 * against a real gateway: a request an operator client raised is listed and
 * resolved from the CLI, and the approvals document is edited through the
 * gateway, with `openclaw approvals`' wording.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliIsolated as runCli } from "../../../harness/process.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../../harness/gateway.ts";
import { connected, connectParams, type RawSocket } from "../../../harness/raw-socket.ts";

let gw: TestGateway;
let conn: string[];
let watcher: RawSocket;
let requester: RawSocket;
const approvals = (...args: string[]) => runCli(["approvals", ...args, ...conn]);

beforeAll(async () => {
  gw = await startTestGateway();
  conn = ["--url", gw.url, "--token", TEST_TOKEN];
  // An operator UI that sees approvals (so requests have someone to go to), and a client raising them.
  watcher = (await connected(gw.url, connectParams({ scopes: ["operator.approvals"] }))).sock;
  requester = (await connected(gw.url, connectParams({ scopes: ["operator.approvals"] }))).sock;
});
afterAll(async () => {
  watcher.close();
  requester.close();
  await gw.stop();
});

/** Raises a request and returns its id and the request id whose final answer carries the decision. */
async function raise(command: string): Promise<{ id: string; reqId: string }> {
  const reqId = crypto.randomUUID();
  requester.send({ type: "req", id: reqId, method: "exec.approval.request", params: { command, agentId: "main", sessionKey: "agent:main:main", twoPhase: true } });
  await requester.until(() => requester.frames.some((f) => f.type === "res" && f.id === reqId));
  return { id: requester.frames.find((f) => f.type === "res" && f.id === reqId)!.payload.id, reqId };
}

describe("approvals pending / resolve", () => {
  test("nothing pending -> 'No pending approvals.'", async () => {
    expect(await approvals("pending")).toEqual({ code: 0, stdout: "No pending approvals.\n", stderr: "" });
  });

  test("a pending request is listed (table, full text, --json) and resolved; the requester gets the decision", async () => {
    const { id, reqId } = await raise("uname -a");
    const human = await approvals("pending");
    expect(human.code).toBe(0);
    expect(human.stdout).toStartWith("Pending approvals (1)\n┌");
    expect(human.stdout).toMatch(new RegExp(`│ ${id} │ exec +│ main / agent:main:main │ just now +│ 30m +│ uname -a +│`));
    expect(human.stdout).toEndWith(`Full request text\n${id}: uname -a\n`);
    const json = JSON.parse((await approvals("list", "--json")).stdout);
    expect(json).toEqual({ approvals: [{ id, kind: "exec", agentId: "main", sessionKey: "agent:main:main", createdAtMs: expect.any(Number), expiresAtMs: expect.any(Number), summary: "uname -a" }] });

    expect(await approvals("resolve", id, "allow-once")).toEqual({ code: 0, stdout: `Approval ${id} resolved allow-once by runtime:cli.\n`, stderr: "" });
    await requester.until(() => requester.frames.filter((f) => f.type === "res" && f.id === reqId).length === 2);
    expect(requester.frames.filter((f) => f.type === "res" && f.id === reqId)[1]!.payload.decision).toBe("allow-once");
    await watcher.until(() => watcher.events("exec.approval.resolved").some((e) => e.payload.id === id));
    expect((await approvals("pending")).stdout).toBe("No pending approvals.\n");
  }, 20_000);

  test("bad decisions are refused before any call; a repeat says already resolved; a conflicting one fails naming the first", async () => {
    const { id } = await raise("ls");
    expect(await approvals("resolve", id, "sure")).toEqual({ code: 1, stdout: "", stderr: "error Decision must be one of: allow-once, allow-always, deny.\n" });
    expect(JSON.parse((await approvals("resolve", id, "deny", "--json")).stdout)).toMatchObject({ applied: true, alreadyResolved: false, approval: { id, status: "denied", decision: "deny" } });
    expect(await approvals("resolve", id, "deny", "--reason", "again")).toEqual({ code: 0, stdout: `Approval ${id} already resolved (same decision: deny) by runtime:cli; CLI reason: again.\n`, stderr: "" });
    expect(await approvals("resolve", id, "allow-once")).toEqual({ code: 1, stdout: "", stderr: `error Approval ${id} was already resolved with deny by runtime:cli.\n` });
    expect((await approvals("resolve", "missing-id", "deny")).stderr).toBe("error approval not found\n");
  }, 20_000);
});

describe("approvals get / set / allowlist", () => {
  test("allowlist add writes through the gateway (twice: no second write); get shows it", async () => {
    const added = JSON.parse((await approvals("allowlist", "add", "/usr/bin/uname", "--agent", "main", "--json")).stdout);
    expect(added.file.agents.main.allowlist).toEqual([{ id: expect.any(String), pattern: "/usr/bin/uname" }]);
    const again = JSON.parse((await approvals("allowlist", "add", "/usr/bin/uname", "--agent", "main", "--json")).stdout);
    expect(again.hash).toBe(added.hash);

    const human = await approvals("get");
    expect(human.stdout).toContain("│ State           │ stored");
    expect(human.stdout).toMatch(/│ gateway │ main +│ \/usr\/bin\/uname │ path +│ unknown +│/);
  }, 20_000);

  test("set replaces the document from a JSON5 file; a bad file is refused and changes nothing", async () => {

    const dir = mkdtempSync(join(tmpdir(), "clawgate-approvals-cli-"));
    try {
      const path = join(dir, "approvals.json5");
      writeFileSync(path, "{ version: 1, defaults: { security: 'allowlist', ask: 'on-miss' } } // JSON5");
      const set = JSON.parse((await approvals("set", "--file", path, "--json")).stdout);
      expect(set.file).toEqual({ version: 1, defaults: { security: "allowlist", ask: "on-miss" }, agents: {} });
      writeFileSync(path, "{ defaults: { ask: 'sometimes' } }");
      const bad = await approvals("set", "--file", path);
      expect(bad).toEqual({ code: 1, stdout: "", stderr: "error invalid exec approvals file: at /defaults/ask: must be equal to one of the allowed values\n" });
      expect(JSON.parse((await approvals("get", "--json")).stdout).hash).toBe(set.hash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await approvals("set")).stderr).toBe("error Provide --file or --stdin (not both).\n");
  }, 20_000);
});
