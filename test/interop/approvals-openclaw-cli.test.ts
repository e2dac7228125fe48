/**
 * The real `openclaw approvals` CLI (2026.9.6) against clawgate: `pending`
 * lists a request an operator client raised (it calls exec.approval.list,
 * plugin.approval.list and openclaw.approval.list), `resolve` decides it
 * through approval.get + approval.resolve, and the requester gets the
 * decision. Skips, saying so, when the CLI cache is absent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipWithout } from "../harness/capability.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { CLI_CALL_TIMEOUT_MS, openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";

const skip = skipWithout(openclawCliAvailable(), "openclaw approvals interop", SKIP_MESSAGE);

describe.skipIf(skip)("openclaw approvals against clawgate", () => {
  let gw: TestGateway;
  let home: string;
  let conn: string[];
  let watcher: RawSocket;
  let requester: RawSocket;
  beforeAll(async () => {
    gw = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), "openclaw-home-"));
    conn = ["--url", gw.url, "--token", TEST_TOKEN];
    watcher = (await connected(gw.url, connectParams({ scopes: ["operator.approvals"] }))).sock;
    requester = (await connected(gw.url, connectParams({ scopes: ["operator.approvals"] }))).sock;
  });
  afterAll(async () => {
    watcher?.close();
    requester?.close();
    await gw?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("pending --json lists the request; resolve allow-once decides it and the requester gets the decision", async () => {
    const reqId = crypto.randomUUID();
    requester.send({ type: "req", id: reqId, method: "exec.approval.request", params: { command: "uname -a", agentId: "main", sessionKey: "agent:main:main", twoPhase: true } });
    const answers = () => requester.frames.filter((f) => f.type === "res" && f.id === reqId);
    await requester.until(() => answers().length === 1);
    const id = answers()[0]!.payload.id as string;

    const pending = await openclaw(["approvals", "pending", ...conn, "--json"], home);
    expect(pending.stderr).toBe("");
    expect(JSON.parse(pending.stdout)).toEqual({ approvals: [{ id, kind: "exec", agentId: "main", sessionKey: "agent:main:main", createdAtMs: expect.any(Number), expiresAtMs: expect.any(Number), summary: "uname -a" }] });

    const resolved = await openclaw(["approvals", "resolve", id, "allow-once", ...conn], home);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain(`Approval ${id} resolved allow-once by runtime:`);
    await requester.until(() => answers().length === 2);
    expect(answers()[1]!.payload.decision).toBe("allow-once");
    await watcher.until(() => watcher.events("exec.approval.resolved").length === 1);
  }, CLI_CALL_TIMEOUT_MS * 2);
});
