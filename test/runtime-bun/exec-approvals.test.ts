/**
 * Exec approvals over real sockets (upstream's exec.approval.* and
 * exec.approvals.*): requests reach operators holding operator.approvals, the
 * first decision wins and reaches everyone who saw the request, requests and
 * decisions survive a restart, and the host approvals document is replaced
 * only against its current hash.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_PENDING_APPROVALS } from "../../core/approvals/approvals.ts";
import { databasePath, SqliteStore } from "../../runtime-bun/sqlite-store.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";

let gw: TestGateway | undefined;
const socks: RawSocket[] = [];
afterEach(async () => {
  for (const s of socks.splice(0)) s.close();
  await gw?.stop();
  gw = undefined;
});

async function client(url: string, scopes: string[], displayName?: string): Promise<RawSocket> {
  const { sock, hello } = await connected(url, connectParams({ scopes, client: { id: "gateway-client", displayName, version: "1", platform: "linux", mode: "backend" } }));
  expect(hello.ok).toBe(true);
  socks.push(sock);
  return sock;
}

/** Sends a request without waiting for its answer. */
function send(sock: RawSocket, method: string, params: unknown, id = crypto.randomUUID()): string {
  sock.send({ type: "req", id, method, params });
  return id;
}

function responses(sock: RawSocket, id: string) {
  return sock.frames.filter((f) => f.type === "res" && f.id === id);
}

describe("exec.approval.request -> requested -> resolve -> resolved", () => {
  test("a second operator's allow-once answers the requester; both approvers see resolved, a reader sees neither", async () => {
    gw = await startTestGateway();
    const approver = await client(gw.url, ["operator.approvals"], "approver");
    const reader = await client(gw.url, ["operator.read"]);
    const requester = await client(gw.url, ["operator.approvals"], "requester");

    const reqId = send(requester, "exec.approval.request", { command: "echo hi", cwd: "/tmp", host: "gateway", ask: "on-miss", agentId: "main", twoPhase: true });
    await requester.until(() => responses(requester, reqId).length === 1);
    const accepted = responses(requester, reqId)[0]!;
    expect(accepted.payload).toEqual({ status: "accepted", id: expect.any(String), deliveryRoute: "approval-client", createdAtMs: expect.any(Number), expiresAtMs: accepted.payload.createdAtMs + 30 * 60_000 });
    const id = accepted.payload.id as string;

    await approver.until(() => approver.events("exec.approval.requested").length === 1);
    const requested = approver.events("exec.approval.requested")[0]!.payload;
    expect(requested).toMatchObject({ id, createdAtMs: accepted.payload.createdAtMs, expiresAtMs: accepted.payload.expiresAtMs });
    expect(requested.request).toMatchObject({ command: "echo hi", cwd: "/tmp", host: "gateway", ask: "on-miss", agentId: "main", allowedDecisions: ["allow-once", "allow-always", "deny"] });

    const listed = await approver.request("exec.approval.list", {});
    expect(listed.payload).toEqual([{ id, request: requested.request, createdAtMs: requested.createdAtMs, expiresAtMs: requested.expiresAtMs, approvalKind: "exec" }]);
    const got = await approver.request("exec.approval.get", { id: id.slice(0, 8) });
    expect(got.payload).toEqual({ id, commandText: "echo hi", commandPreview: null, allowedDecisions: ["allow-once", "allow-always", "deny"], host: "gateway", nodeId: null, agentId: "main", expiresAtMs: requested.expiresAtMs });

    const resolved = await approver.request("exec.approval.resolve", { id, decision: "allow-once" });
    expect(resolved.payload).toEqual({ ok: true });
    await requester.until(() => responses(requester, reqId).length === 2);
    expect(responses(requester, reqId)[1]!.payload).toEqual({ id, decision: "allow-once", createdAtMs: requested.createdAtMs, expiresAtMs: requested.expiresAtMs });

    for (const s of [approver, requester]) {
      await s.until(() => s.events("exec.approval.resolved").length === 1);
      expect(s.events("exec.approval.resolved")[0]!.payload).toEqual({ id, decision: "allow-once", resolvedBy: "approver", ts: expect.any(Number), request: requested.request });
    }
    // The reader's stream went on (a tick or presence may arrive) without either approval event.
    const ping = await reader.request("health", {});
    expect(ping.ok).toBe(true);
    expect(reader.events("exec.approval.requested")).toEqual([]);
    expect(reader.events("exec.approval.resolved")).toEqual([]);
    expect((await approver.request("exec.approval.list", {})).payload).toEqual([]);
  });

  test("first answer wins: the same decision again is ok, another is refused; bad ids and decisions are refused", async () => {
    gw = await startTestGateway();
    const approver = await client(gw.url, ["operator.approvals"], "approver");
    const requester = await client(gw.url, ["operator.approvals"]);
    const reqId = send(requester, "exec.approval.request", { command: "ls", twoPhase: true });
    await requester.until(() => responses(requester, reqId).length === 1);
    const id = responses(requester, reqId)[0]!.payload.id;

    const bad = await approver.request("exec.approval.resolve", { id, decision: "maybe" });
    expect(bad.error).toEqual({ code: "INVALID_REQUEST", message: "invalid decision" });
    const unknown = await approver.request("exec.approval.resolve", { id: "no-such-id", decision: "deny" });
    expect(unknown.error).toEqual({ code: "INVALID_REQUEST", message: "unknown or expired approval id", details: { reason: "APPROVAL_NOT_FOUND", remediation: "Re-request the action; pending approvals are cleared after expiry or restart." } });
    expect((await approver.request("exec.approval.list", {})).payload).toHaveLength(1);

    expect((await approver.request("exec.approval.resolve", { id, decision: "deny" })).payload).toEqual({ ok: true });
    expect((await approver.request("exec.approval.resolve", { id, decision: "deny" })).payload).toEqual({ ok: true });
    const other = await approver.request("exec.approval.resolve", { id, decision: "allow-once" });
    expect(other.error).toEqual({ code: "INVALID_REQUEST", message: "approval already resolved", details: { reason: "APPROVAL_ALREADY_RESOLVED" } });
    await requester.until(() => responses(requester, reqId).length === 2);
    expect(responses(requester, reqId)[1]!.payload.decision).toBe("deny");
    expect(approver.events("exec.approval.resolved")).toHaveLength(1);
  });

  test("ask=always offers no allow-always; a caller without operator.approvals is refused", async () => {
    gw = await startTestGateway();
    await client(gw.url, ["operator.approvals"], "approver");
    const requester = await client(gw.url, ["operator.approvals"]);
    const writer = await client(gw.url, ["operator.write", "operator.read"]);
    const reqId = send(requester, "exec.approval.request", { command: "rm -rf build", ask: "always", twoPhase: true });
    await requester.until(() => responses(requester, reqId).length === 1);
    const id = responses(requester, reqId)[0]!.payload.id;
    const always = await requester.request("exec.approval.resolve", { id, decision: "allow-always" });
    expect(always.error).toEqual({ code: "INVALID_REQUEST", message: "allow-always is unavailable for this command", details: { reason: "APPROVAL_ALLOW_ALWAYS_UNAVAILABLE" } });
    const denied = await writer.request("exec.approval.resolve", { id, decision: "allow-once" });
    expect(denied.error.message).toBe("missing scope: operator.approvals");
    expect((await requester.request("exec.approval.list", {})).payload).toHaveLength(1);
  });

  test("a node host's request (host=node) needs nodeId, systemRunPlan and commandArgv; then operators see the node", async () => {
    gw = await startTestGateway();
    const approver = await client(gw.url, ["operator.approvals"], "approver");
    const nodeHost = await client(gw.url, ["operator.approvals"]);
    const base = { command: "uptime", host: "node", twoPhase: true };
    expect((await nodeHost.request("exec.approval.request", base)).error.message).toBe("nodeId is required for host=node");
    expect((await nodeHost.request("exec.approval.request", { ...base, nodeId: "n1" })).error.message).toBe("systemRunPlan is required for host=node");
    expect((await nodeHost.request("exec.approval.request", { ...base, nodeId: "n1", systemRunPlan: { argv: ["uptime"] } })).error.message).toBe("commandArgv is required for host=node");
    expect((await approver.request("exec.approval.list", {})).payload).toEqual([]);
    const reqId = send(nodeHost, "exec.approval.request", { ...base, nodeId: "n1", systemRunPlan: { argv: ["uptime"] }, commandArgv: ["uptime"] });
    await approver.until(() => approver.events("exec.approval.requested").length === 1);
    expect(approver.events("exec.approval.requested")[0]!.payload.request).toMatchObject({ host: "node", nodeId: "n1", systemRunPlan: { argv: ["uptime"] } });
    await nodeHost.until(() => responses(nodeHost, reqId).length === 1);
  });

  test("past 256 pending requests a new one is refused (UNAVAILABLE) and stores nothing", async () => {
    gw = await startTestGateway();
    const approver = await client(gw.url, ["operator.approvals"], "approver");
    const requester = await client(gw.url, ["operator.approvals"]);
    const ids = Array.from({ length: MAX_PENDING_APPROVALS }, (_, i) => send(requester, "exec.approval.request", { command: `echo ${i}`, twoPhase: true }));
    await requester.until(() => ids.every((id) => responses(requester, id).length === 1), 15_000);
    const over = await requester.request("exec.approval.request", { command: "echo one-too-many", twoPhase: true });
    expect(over.error).toEqual({ code: "UNAVAILABLE", message: "too many pending exec approvals (256); resolve some or let them expire" });
    expect((await approver.request("exec.approval.list", {})).payload).toHaveLength(MAX_PENDING_APPROVALS);
  }, 20_000);

  test("with nobody else to decide, a request ends at once with decision null (no-approval-route)", async () => {
    gw = await startTestGateway();
    const requester = await client(gw.url, ["operator.approvals"]);
    const reader = await client(gw.url, ["operator.read"]);
    const res = await requester.request("exec.approval.request", { command: "echo hi", twoPhase: true });
    expect(res.payload).toEqual({ id: expect.any(String), decision: null, createdAtMs: expect.any(Number), expiresAtMs: expect.any(Number) });
    const wait = await requester.request("exec.approval.waitDecision", { id: res.payload.id });
    expect(wait.payload).toMatchObject({ decision: null, terminalReason: "no-approval-route" });
    expect(reader.events("exec.approval.requested")).toEqual([]);
  });

  test("an unanswered request expires at its timeout: waiters get decision null, terminalReason timeout", async () => {
    gw = await startTestGateway();
    const approver = await client(gw.url, ["operator.approvals"], "approver");
    const requester = await client(gw.url, ["operator.approvals"]);
    const res = await requester.request("exec.approval.request", { command: "sleep 1", timeoutMs: 150 });
    expect(res.payload.decision).toBeNull();
    const wait = await approver.request("exec.approval.waitDecision", { id: res.payload.id });
    expect(wait.payload).toMatchObject({ id: res.payload.id, decision: null, terminalReason: "timeout" });
    const late = await approver.request("exec.approval.resolve", { id: res.payload.id, decision: "allow-once" });
    expect(late.error.message).toBe("unknown or expired approval id");
  });
});

describe("approval.get / approval.resolve (kind-agnostic, as openclaw approvals resolve uses them)", () => {
  test("pending and terminal projections; a malformed decision is recorded as deny; a repeat is not applied", async () => {
    gw = await startTestGateway();
    await client(gw.url, ["operator.approvals"], "approver");
    const requester = await client(gw.url, ["operator.approvals"]);
    const raise = async (command: string) => {
      const reqId = send(requester, "exec.approval.request", { command, agentId: "main", sessionKey: "agent:main:main", twoPhase: true });
      await requester.until(() => responses(requester, reqId).length === 1);
      return responses(requester, reqId)[0]!.payload as { id: string; createdAtMs: number; expiresAtMs: number };
    };
    const a = await raise("ls");
    expect((await requester.request("approval.get", { id: a.id })).payload).toEqual({ approval: {
      id: a.id, status: "pending", urlPath: `/approve/${a.id}`, createdAtMs: a.createdAtMs, expiresAtMs: a.expiresAtMs,
      presentation: { kind: "exec", commandText: "ls", commandPreview: null, warningText: null, host: null, nodeId: null, agentId: "main", allowedDecisions: ["allow-once", "allow-always", "deny"] },
    } });
    const resolved = (await requester.request("approval.resolve", { id: a.id, kind: "exec", decision: "allow-always" })).payload;
    expect(resolved).toMatchObject({ applied: true, approval: { status: "allowed", decision: "allow-always", reason: "user", source: { agentId: "main", sessionKey: "agent:main:main" }, resolver: { kind: "runtime", id: "gateway-client" }, resolvedAtMs: expect.any(Number) } });
    expect((await requester.request("approval.resolve", { id: a.id, kind: "exec", decision: "deny" })).payload).toMatchObject({ applied: false, approval: { decision: "allow-always" } });

    const b = await raise("rm -rf /tmp/x");
    expect((await requester.request("approval.resolve", { id: b.id, kind: "plugin", decision: "allow-once" })).payload).toMatchObject({ applied: true, approval: { status: "denied", decision: "deny" } });
    expect((await requester.request("approval.get", { id: "nope" })).error).toEqual({ code: "INVALID_REQUEST", message: "approval not found", details: { reason: "APPROVAL_NOT_FOUND" } });
    expect((await requester.request("plugin.approval.list", {})).payload).toEqual([]);
  });
});

describe("durability", () => {
  test("a pending request survives a restart and is resolved after it; the decision survives the next one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clawgate-approvals-"));
    try {
      gw = await startTestGateway({ dir });
      await client(gw.url, ["operator.approvals"], "approver");
      const requester = await client(gw.url, ["operator.approvals"]);
      const reqId = send(requester, "exec.approval.request", { command: "make deploy", agentId: "main", twoPhase: true });
      await requester.until(() => responses(requester, reqId).length === 1);
      const id = responses(requester, reqId)[0]!.payload.id;
      for (const s of socks.splice(0)) s.close();
      await gw.stop();

      gw = await startTestGateway({ dir });
      const approver = await client(gw.url, ["operator.approvals"], "approver-2");
      const listed = await approver.request("exec.approval.list", {});
      expect(listed.payload.map((a: any) => [a.id, a.request.command])).toEqual([[id, "make deploy"]]);
      expect((await approver.request("exec.approval.resolve", { id, decision: "allow-always" })).payload).toEqual({ ok: true });
      await gw.stop();

      gw = await startTestGateway({ dir });
      const later = await client(gw.url, ["operator.approvals"]);
      expect((await later.request("exec.approval.waitDecision", { id })).payload).toMatchObject({ id, decision: "allow-always" });
      expect((await later.request("exec.approval.list", {})).payload).toEqual([]);
      const conflicting = await later.request("exec.approval.resolve", { id, decision: "deny" });
      expect(conflicting.error.message).toBe("approval already resolved");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("restart of a run's request", () => {
  test("a request an agent run left pending (the gateway died) is ended at start: gateway-restart, not decidable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clawgate-approvals-"));
    try {
      const store = new SqliteStore(databasePath(dir));
      const now = Date.now();
      store.putApproval({ id: "from-run", request: { command: "make", agentId: "main" }, createdAtMs: now, expiresAtMs: now + 60_000, status: "pending", fromRun: true });
      store.putApproval({ id: "from-client", request: { command: "make" }, createdAtMs: now, expiresAtMs: now + 60_000, status: "pending" });
      store.close();
      gw = await startTestGateway({ dir });
      const approver = await client(gw.url, ["operator.approvals"]);
      expect((await approver.request("exec.approval.waitDecision", { id: "from-run" })).payload).toMatchObject({ decision: null, terminalReason: "gateway-restart" });
      expect((await approver.request("exec.approval.list", {})).payload.map((a: any) => a.id)).toEqual(["from-client"]);
    } finally {
      await gw?.stop();
      gw = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("exec.approvals.get / set", () => {
  test("the document is replaced only against its current hash; a bad file is refused and changes nothing", async () => {
    gw = await startTestGateway();
    const admin = await client(gw.url, ["operator.admin"]);
    const empty = (await admin.request("exec.approvals.get", {})).payload;
    expect(empty).toEqual({
      path: `${join(gw.dir, "state", "clawgate.sqlite")}#exec_approvals_config`,
      exists: false,
      hash: `missing:${new Bun.CryptoHasher("sha256").update("").digest("hex")}`,
      file: { version: 1, defaults: {}, agents: {} },
      resolvedDefaults: { security: "full", ask: "off", askFallback: "deny", autoAllowSkills: false },
    });

    const file = { version: 1, defaults: { security: "allowlist", ask: "on-miss" }, agents: { main: { allowlist: [{ pattern: "/usr/bin/uname" }] } } };
    const set = (await admin.request("exec.approvals.set", { file })).payload;
    expect(set.exists).toBe(true);
    expect(set.file.agents.main.allowlist).toEqual([{ id: expect.any(String), pattern: "/usr/bin/uname" }]);
    expect(set.resolvedDefaults).toEqual({ security: "allowlist", ask: "on-miss", askFallback: "deny", autoAllowSkills: false });
    const raw = `${JSON.stringify(set.file, null, 2)}\n`;
    expect(set.hash).toBe(new Bun.CryptoHasher("sha256").update(raw).digest("hex"));

    const noBase = await admin.request("exec.approvals.set", { file });
    expect(noBase.error.message).toBe("exec approvals base hash required; re-run exec.approvals.get and retry");
    const stale = await admin.request("exec.approvals.set", { file, baseHash: empty.hash });
    expect(stale.error.message).toBe("exec approvals changed since last load; re-run exec.approvals.get and retry");
    const invalid = await admin.request("exec.approvals.set", { file: { defaults: { security: "yolo" } }, baseHash: set.hash });
    expect(invalid.error.code).toBe("INVALID_REQUEST");
    expect(invalid.error.message).toBe("invalid exec approvals file: at /defaults/security: must be equal to one of the allowed values");
    expect((await admin.request("exec.approvals.get", {})).payload).toEqual(set);

    const approvalsOnly = await client(gw.url, ["operator.approvals"]);
    expect((await approvalsOnly.request("exec.approvals.get", {})).error.message).toBe("missing scope: operator.admin");
  });
});
