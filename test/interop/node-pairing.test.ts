/**
 * Node pairing rules with the real `@openclaw/gateway-client` as node and
 * operators (spec §1.6 v3 nodes, §5 approval and invoke scopes, §6 node.*,
 * §8): who may approve what, reject / remove / rename, re-approval when a
 * node widens its surface, node.event, and many invokes in flight at once;
 * once per runtime: the CLI gateway under Bun and under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "@openclaw/gateway-client";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { newNodeKey, type NodeKey } from "../harness/node-key.ts";
import { connectClient, waitFor, type ConnectedClient } from "../harness/reference-client.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  let admin: ConnectedClient;
  const opened: GatewayClient[] = [];
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
    admin = await connectClient({ url: gw.url, token: TEST_TOKEN });
  });
  afterAll(async () => {
    for (const c of opened) c.stop();
    admin.client.stop();
    await gw.stop();
  });

  /** Sets gateway.nodes.commands (null removes it) as an operator does: config.patch, applied live. */
  async function setNodeCommands(commands: { allow?: string[]; deny?: string[] } | null): Promise<void> {
    const { hash } = await admin.client.request<any>("config.get", {});
    const patched = await admin.client.request<any>("config.patch", {
      raw: JSON.stringify({ gateway: { nodes: commands && { commands } } }),
      baseHash: hash,
      // The lists are set, not merged: dropping entries is what this helper is for.
      replacePaths: ["gateway.nodes.commands.allow", "gateway.nodes.commands.deny"],
    });
    expect(patched.sentinel.payload.stats.requiresRestart).toBe(false);
  }

  /** Resolves once the gateway no longer lists `nodeId` as connected. */
  async function untilDisconnected(nodeId: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await admin.client.request<any>("node.describe", { nodeId })).connected) {
      if (Date.now() > deadline) throw new Error(`node ${nodeId} still connected`);
      await Bun.sleep(10);
    }
  }

  interface NodeOpts {
    commands: string[];
    key?: NodeKey;
    v3?: boolean;
    /** Answer invokes after this many ms; never when undefined. */
    answerAfterMs?: number;
    /** Answer invokes only once this settles (instead of answerAfterMs). */
    answerWhen?: Promise<unknown>;
  }

  async function startNode(o: NodeOpts): Promise<ConnectedClient & { key: NodeKey }> {
    const key = o.key ?? newNodeKey();
    let client!: GatewayClient;
    const node = await connectClient({
      url: gw.url, token: TEST_TOKEN, role: "node", mode: "node", clientName: "node-host", platform: "linux", scopes: [],
      caps: ["system"], commands: o.commands, deviceIdentity: key.identity, hostDeps: key.hostDeps,
      ...(o.v3 ? { minProtocol: 3, maxProtocol: 3 } : {}),
      onEvent: (e) => {
        if (e.event !== "node.invoke.request" || (o.answerAfterMs === undefined && !o.answerWhen)) return;
        const p = e.payload as any;
        const answer = () => client.request("node.invoke.result", { id: p.id, nodeId: p.nodeId, ok: true, payloadJSON: p.paramsJSON }).catch(() => {});
        if (o.answerWhen) void o.answerWhen.then(answer);
        else setTimeout(answer, o.answerAfterMs);
      },
    });
    client = node.client;
    opened.push(client);
    return { ...node, key };
  }

  async function requestOf(nodeId: string, after = 0): Promise<any> {
    const find = () => admin.events.slice(after).find((e) => e.event === "node.pair.requested" && e.payload.nodeId === nodeId);
    await waitFor(() => find() !== undefined);
    return find()!.payload;
  }

  async function operatorWith(scopes: string[]): Promise<ConnectedClient> {
    const op = await connectClient({ url: gw.url, token: TEST_TOKEN, scopes });
    opened.push(op.client);
    return op;
  }

  describe("protocol v3 node (§1.6)", () => {
    test("node host with an exact v3 envelope -> accepted, hello says 4, platform pinned as the node host sends it", async () => {
      const node = await startNode({ commands: ["system.notify"], v3: true, answerAfterMs: 0 });
      expect(node.hello.protocol).toBe(4);
      const req = await requestOf(node.key.deviceId);
      expect(req.platform).toBe("linux");
      await admin.client.request("node.pair.approve", { requestId: req.requestId });
      const res = await admin.client.request<any>("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: { v: 3 }, idempotencyKey: "v3" });
      expect(res.payload).toEqual({ v: 3 });
    });
  });

  describe("approval scopes (§5)", () => {
    test("pairing alone cannot approve commands: + write for ordinary ones, + admin for host commands", async () => {
      const pairingOnly = await operatorWith(["operator.pairing"]);
      const pairingWrite = await operatorWith(["operator.pairing", "operator.write"]);
      const plain = await startNode({ commands: ["system.notify"] });
      const plainReq = await requestOf(plain.key.deviceId);
      expect(plainReq.requiredApproveScopes).toEqual(["operator.pairing", "operator.write"]);
      const refused: any = await pairingOnly.client.request("node.pair.approve", { requestId: plainReq.requestId }).catch((e) => e);
      expect(refused.gatewayCode).toBe("FORBIDDEN");
      expect(refused.message).toBe("missing scope: operator.write");
      expect(refused.details).toEqual({ code: "MISSING_SCOPE", missingScope: "operator.write", requiredScopes: ["operator.pairing", "operator.write"] });
      expect((await pairingWrite.client.request<any>("node.pair.approve", { requestId: plainReq.requestId })).node.commands).toEqual(["system.notify"]);

      const host = await startNode({ commands: ["system.run", "system.notify"] });
      const hostReq = await requestOf(host.key.deviceId);
      expect(hostReq.requiredApproveScopes).toEqual(["operator.pairing", "operator.admin"]);
      const refusedHost: any = await pairingWrite.client.request("node.pair.approve", { requestId: hostReq.requestId }).catch((e) => e);
      expect(refusedHost.details).toEqual({ code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.pairing", "operator.admin"] });
      // The refused request is still pending and an admin approves it.
      expect((await admin.client.request<any>("node.pair.approve", { requestId: hostReq.requestId })).node.commands).toEqual(["system.run", "system.notify"]);
    });

    test("node.invoke of a host command needs admin; write suffices for ordinary ones (§5 dynamic)", async () => {
      const writer = await operatorWith(["operator.write"]);
      const node = await startNode({ commands: ["system.which", "system.notify"], answerAfterMs: 0 });
      await admin.client.request("node.pair.approve", { requestId: (await requestOf(node.key.deviceId)).requestId });
      const refused: any = await writer.client.request("node.invoke", { nodeId: node.key.deviceId, command: "system.which", params: { bins: ["ls"] }, idempotencyKey: "w" }).catch((e) => e);
      expect(refused.gatewayCode).toBe("FORBIDDEN");
      expect(refused.details).toEqual({ code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.admin"] });
      expect((await writer.client.request<any>("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "w" })).ok).toBe(true);
      expect((await admin.client.request<any>("node.invoke", { nodeId: node.key.deviceId, command: "system.which", params: { bins: ["ls"] }, idempotencyKey: "a" })).payload).toEqual({ bins: ["ls"] });
      const readOnly = await operatorWith(["operator.read"]);
      const noWrite: any = await readOnly.client.request("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", idempotencyKey: "r" }).catch((e) => e);
      expect(noWrite.details).toMatchObject({ code: "MISSING_SCOPE", missingScope: "operator.write" });
    });

    test("system.execApprovals.* and private worker controls are refused by node.invoke", async () => {
      const exec: any = await admin.client.request("node.invoke", { nodeId: "x", command: "system.execApprovals.get", idempotencyKey: "e" }).catch((e) => e);
      expect(exec).toMatchObject({ gatewayCode: "INVALID_REQUEST", message: "node.invoke does not allow system.execApprovals.*; use exec.approvals.node.*", details: { command: "system.execApprovals.get" } });
      const worker: any = await admin.client.request("node.invoke", { nodeId: "x", command: "worker.launch.v1", idempotencyKey: "e" }).catch((e) => e);
      expect(worker).toMatchObject({ gatewayCode: "INVALID_REQUEST", message: "node.invoke does not allow private node controls" });
    });

    test("dangerous commands run only while gateway.nodes.commands.allow names them; deny wins (§8)", async () => {
      // Undeclarable without the opt-in: a node declaring screen.record now would have it withheld.
      await setNodeCommands({ allow: ["screen.record"] });
      try {
        const node = await startNode({ commands: ["screen.record", "system.notify"], answerAfterMs: 0 });
        const req = await requestOf(node.key.deviceId);
        expect(req.commands).toEqual(["screen.record", "system.notify"]);
        await admin.client.request("node.pair.approve", { requestId: req.requestId });
        expect((await admin.client.request<any>("node.invoke", { nodeId: node.key.deviceId, command: "screen.record", params: {}, idempotencyKey: "d1" })).ok).toBe(true);
        await setNodeCommands(null);
        const refused: any = await admin.client.request("node.invoke", { nodeId: node.key.deviceId, command: "screen.record", idempotencyKey: "d2" }).catch((e) => e);
        expect(refused.message).toBe('node command not allowed: "screen.record" requires explicit gateway.nodes.commands.allow opt-in');
        expect(refused.details).toEqual({ reason: "command not allowlisted", command: "screen.record" });
        await setNodeCommands({ deny: ["system.notify"] });
        const denied: any = await admin.client.request("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", idempotencyKey: "d3" }).catch((e) => e);
        expect(denied.message).toBe('node command not allowed: "system.notify" is blocked by gateway.nodes.commands.deny');
      } finally {
        await setNodeCommands(null);
      }
    });

    test("a dangerous command declared without the opt-in is withheld from the request", async () => {
      const node = await startNode({ commands: ["screen.record", "system.notify"] });
      expect((await requestOf(node.key.deviceId)).commands).toEqual(["system.notify"]);
    });
  });

  describe("reject, remove, rename, re-approval (§6, §8)", () => {
    test("reject -> node.pair.resolved rejected; the node stays paired as a device but unapproved", async () => {
      const node = await startNode({ commands: ["system.notify"] });
      const req = await requestOf(node.key.deviceId);
      expect(await admin.client.request<any>("node.pair.reject", { requestId: req.requestId })).toEqual({ requestId: req.requestId, nodeId: node.key.deviceId });
      await waitFor(() => admin.events.some((e) => e.event === "node.pair.resolved" && e.payload.requestId === req.requestId && e.payload.decision === "rejected"));
      const row = await admin.client.request<any>("node.describe", { nodeId: node.key.deviceId });
      expect(row).toMatchObject({ approvalState: "unapproved", paired: true, connected: true, commands: [] });
      const again: any = await admin.client.request("node.pair.approve", { requestId: req.requestId }).catch((e) => e);
      expect(again.message).toBe("unknown requestId");
    });

    test("rename -> node.list shows the new name; unknown node -> unknown nodeId", async () => {
      const node = await startNode({ commands: ["system.notify"] });
      await admin.client.request("node.pair.approve", { requestId: (await requestOf(node.key.deviceId)).requestId });
      expect(await admin.client.request<any>("node.rename", { nodeId: node.key.deviceId, displayName: "  Lab box " })).toEqual({ nodeId: node.key.deviceId, displayName: "Lab box" });
      expect((await admin.client.request<any>("node.describe", { nodeId: node.key.deviceId })).displayName).toBe("Lab box");
      const unknown: any = await admin.client.request("node.rename", { nodeId: "nope", displayName: "x" }).catch((e) => e);
      expect(unknown.message).toBe("unknown nodeId");
    });

    test("remove -> node.pair.resolved removed, the node's socket closes 4001, it leaves node.list", async () => {
      const node = await startNode({ commands: ["system.notify"] });
      await admin.client.request("node.pair.approve", { requestId: (await requestOf(node.key.deviceId)).requestId });
      expect(await admin.client.request<any>("node.pair.remove", { nodeId: node.key.deviceId })).toEqual({ nodeId: node.key.deviceId });
      await waitFor(() => node.closes.length > 0);
      expect(node.closes[0]).toEqual({ code: 4001, reason: "device removed" });
      await waitFor(() => admin.events.some((e) => e.event === "node.pair.resolved" && e.payload.nodeId === node.key.deviceId && e.payload.decision === "removed"));
      node.client.stop();
      const list = await admin.client.request<any>("node.list", {});
      expect(list.nodes.some((n: any) => n.nodeId === node.key.deviceId)).toBe(false);
      expect(gw.store.getPaired(node.key.deviceId)).toBeUndefined();
      const twice: any = await admin.client.request("node.pair.remove", { nodeId: node.key.deviceId }).catch((e) => e);
      expect(twice.message).toBe("unknown nodeId");
    });

    test("reconnect declaring more commands -> pending-reapproval; only the approved ones run until approved", async () => {
      const key = newNodeKey();
      const first = await startNode({ key, commands: ["system.notify"], answerAfterMs: 0 });
      await admin.client.request("node.pair.approve", { requestId: (await requestOf(key.deviceId)).requestId });
      first.client.stop();
      await untilDisconnected(key.deviceId);
      const mark = admin.events.length;
      await startNode({ key, commands: ["system.notify", "computer.act"], answerAfterMs: 0 });
      const req = await requestOf(key.deviceId, mark);
      expect(req.commands).toEqual(["system.notify", "computer.act"]);
      const row = await admin.client.request<any>("node.describe", { nodeId: key.deviceId });
      expect(row).toMatchObject({ approvalState: "pending-reapproval", commands: ["system.notify"], pendingDeclaredCommands: ["system.notify", "computer.act"] });
      expect((await admin.client.request<any>("node.invoke", { nodeId: key.deviceId, command: "system.notify", params: {}, idempotencyKey: "o" })).ok).toBe(true);
      const notYet: any = await admin.client.request("node.invoke", { nodeId: key.deviceId, command: "computer.act", idempotencyKey: "n" }).catch((e) => e);
      expect(notYet.message).toBe('node command not allowed: the node (platform: linux) does not support "computer.act"');
      await admin.client.request("node.pair.approve", { requestId: req.requestId });
      expect((await admin.client.request<any>("node.invoke", { nodeId: key.deviceId, command: "computer.act", params: {}, idempotencyKey: "y" })).ok).toBe(true);
    });

    test("a read-only operator sees paired nodes but no pending request details", async () => {
      const reader = await operatorWith(["operator.read"]);
      const node = await startNode({ commands: ["system.notify"] });
      await requestOf(node.key.deviceId);
      const row = (await reader.client.request<any>("node.list", {})).nodes.find((n: any) => n.nodeId === node.key.deviceId);
      expect(row.approvalState).toBe("pending-approval");
      expect(row.pendingRequestId).toBeUndefined();
      expect(row.pendingDeclaredCommands).toBeUndefined();
    });
  });

  describe("node.event (§8)", () => {
    test("node.presence.alive persists then throttles; node.host.stats broadcasts node.hostStats; bad payload -> invalid_payload", async () => {
      const node = await startNode({ commands: ["system.notify"] });
      await admin.client.request("node.pair.approve", { requestId: (await requestOf(node.key.deviceId)).requestId });
      expect(await node.client.request("node.event", { event: "node.presence.alive", payload: { trigger: "manual" } })).toEqual({ ok: true, event: "node.presence.alive", handled: true, reason: "persisted" });
      expect(await node.client.request("node.event", { event: "node.presence.alive", payloadJSON: '{"trigger":"manual"}' })).toEqual({ ok: true, event: "node.presence.alive", handled: true, reason: "throttled" });
      expect(gw.store.getNode(node.key.deviceId)?.lastSeenReason).toBe("manual");
      const stats = { cpuCount: 2, memoryTotalBytes: 10, memoryFreeBytes: 5, loadAverage: [0.1, 0.2, 0.3] };
      expect(await node.client.request("node.event", { event: "node.host.stats", payload: stats })).toEqual({ ok: true, event: "node.host.stats", handled: true, reason: "updated" });
      await waitFor(() => admin.events.some((e) => e.event === "node.hostStats" && e.payload.nodeId === node.key.deviceId));
      expect((await admin.client.request<any>("node.describe", { nodeId: node.key.deviceId })).hostStats).toEqual(stats);
      expect(await node.client.request("node.event", { event: "node.host.stats", payload: { cpuCount: 2, memoryTotalBytes: 1, memoryFreeBytes: 5 } })).toEqual({ ok: true, event: "node.host.stats", handled: false, reason: "invalid_payload" });
      expect(await node.client.request("node.event", { event: "my.custom" })).toEqual({ ok: true, event: "my.custom", handled: false, reason: "unsupported_event" });
      const fromOperator: any = await admin.client.request("node.event", { event: "x" }).catch((e) => e);
      expect(fromOperator.message).toBe("unauthorized role: operator");
    });
  });

  describe("concurrency (§8)", () => {
    test("a slow node does not hold up a fast one; 20 nodes x 10 invokes in flight all complete", async () => {
      // The slow node answers only once the fast node's invoke has completed: a gateway that served them in turn would hang.
      let fastDone!: () => void;
      const slow = await startNode({ commands: ["system.notify"], answerWhen: new Promise<void>((r) => (fastDone = r)) });
      const fast = await startNode({ commands: ["system.notify"], answerAfterMs: 0 });
      for (const n of [slow, fast]) await admin.client.request("node.pair.approve", { requestId: (await requestOf(n.key.deviceId)).requestId });
      const order: string[] = [];
      const slowCall = admin.client.request("node.invoke", { nodeId: slow.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "s" }).then(() => order.push("slow"));
      const fastCall = admin.client.request("node.invoke", { nodeId: fast.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "f" }).then(() => {
        order.push("fast");
        fastDone();
      });
      await Promise.all([slowCall, fastCall]);
      expect(order).toEqual(["fast", "slow"]);

      const fleet = await Promise.all(Array.from({ length: 20 }, () => startNode({ commands: ["system.notify"], answerAfterMs: 1 })));
      for (const n of fleet) await admin.client.request("node.pair.approve", { requestId: (await requestOf(n.key.deviceId)).requestId });
      const results = await Promise.all(fleet.flatMap((n, i) => Array.from({ length: 10 }, (_, j) =>
        admin.client.request<any>("node.invoke", { nodeId: n.key.deviceId, command: "system.notify", params: { i, j }, idempotencyKey: `c${i}-${j}` }))));
      expect(results.length).toBe(200);
      results.forEach((r, k) => expect(r.payload).toEqual({ i: Math.floor(k / 10), j: k % 10 }));
    });
  });
});
