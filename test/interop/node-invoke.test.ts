/**
 * The real `@openclaw/gateway-client@2026.9.1` as a node (its node options, a
 * fresh device key) against clawgate: pairing, approval, invoke round trips,
 * and the timeout and disconnect errors (spec §5, §6, §7, §8), once per
 * runtime: the CLI gateway under Bun and under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "@openclaw/gateway-client";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { newNodeKey, type NodeKey } from "../harness/node-key.ts";
import { connectClient, waitFor, type ConnectedClient } from "../harness/reference-client.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  let operator: ConnectedClient;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
    operator = await connectClient({ url: gw.url, token: TEST_TOKEN });
  });
  afterAll(async () => {
    operator.client.stop();
    await gw.stop();
  });

  interface NodeHost extends ConnectedClient {
    key: NodeKey;
  }

  /** The node host's connect options as openclaw's own node host passes them. */
  async function startNode(opts: { commands: string[]; key?: NodeKey; answer?: (e: any, client: GatewayClient) => void }): Promise<NodeHost> {
    const key = opts.key ?? newNodeKey();
    let client!: GatewayClient;
    const node = await connectClient({
      url: gw.url,
      token: TEST_TOKEN,
      role: "node",
      mode: "node",
      clientName: "node-host",
      clientDisplayName: "test-node",
      platform: "linux",
      scopes: [],
      caps: ["system"],
      commands: opts.commands,
      deviceIdentity: key.identity,
      hostDeps: key.hostDeps,
      onEvent: (e) => opts.answer?.(e, client),
    });
    client = node.client;
    return { ...node, key };
  }

  /** Sends a node.invoke.result; the ack may still be in flight when a test stops the node. */
  function reply(client: GatewayClient, result: Record<string, unknown>): void {
    client.request("node.invoke.result", result).catch(() => {});
  }

  /** Echoes each invoke's params back as its payload. */
  function echo(e: any, client: GatewayClient): void {
    if (e.event !== "node.invoke.request") return;
    const p = e.payload;
    reply(client, { id: p.id, nodeId: p.nodeId, ok: true, payload: { echoed: JSON.parse(p.paramsJSON ?? "null"), command: p.command } });
  }

  async function pendingRequestFor(nodeId: string): Promise<string> {
    await waitFor(() => operator.events.some((e) => e.event === "node.pair.requested" && e.payload.nodeId === nodeId));
    return operator.events.find((e) => e.event === "node.pair.requested" && e.payload.nodeId === nodeId)!.payload.requestId;
  }

  describe("node pairing with the reference client", () => {
    test("connect as node -> hello-ok v4 with a node device token; surface pending with no commands", async () => {
      const node = await startNode({ commands: ["system.notify", "system.which"] });
      try {
        expect(node.hello.protocol).toBe(4);
        expect(node.hello.auth).toMatchObject({ role: "node", scopes: [] });
        expect(node.key.tokens.get("node")?.token).toHaveLength(43);
        await pendingRequestFor(node.key.deviceId);
        const req = operator.events.find((e) => e.event === "node.pair.requested" && e.payload.nodeId === node.key.deviceId)!;
        expect(req.seq).toBeGreaterThan(0);
        expect(req.payload).toMatchObject({
          nodeId: node.key.deviceId, clientId: "node-host", clientMode: "node", platform: "linux", caps: ["system"],
          commands: ["system.notify", "system.which"], requiredApproveScopes: ["operator.pairing", "operator.admin"], silent: true,
        });
        const list = await operator.client.request<any>("node.list", {});
        const row = list.nodes.find((n: any) => n.nodeId === node.key.deviceId);
        expect(row).toMatchObject({ approvalState: "pending-approval", commands: [], caps: [], connected: true, paired: true, pendingRequestId: req.payload.requestId, displayName: "test-node" });
        const pairList = await operator.client.request<any>("node.pair.list", {});
        expect(pairList.pending.map((p: any) => p.requestId)).toContain(req.payload.requestId);
      } finally {
        node.client.stop();
      }
    });

    test("invoke before approval -> INVALID_REQUEST naming the pending surface (§8)", async () => {
      const node = await startNode({ commands: ["system.notify"], answer: echo });
      try {
        await pendingRequestFor(node.key.deviceId);
        const error: any = await operator.client.request("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "k0" }).catch((e) => e);
        expect(error.gatewayCode).toBe("INVALID_REQUEST");
        expect(error.message).toBe("node command not allowed: the node's declared command surface is pending approval; run `openclaw nodes pending`, then `openclaw nodes approve <requestId>`");
        expect(error.details).toEqual({ reason: "node did not declare commands", command: "system.notify" });
      } finally {
        node.client.stop();
      }
    });

    test("approve -> the node hears node.pair.resolved; node.invoke reaches it and its result reaches the operator", async () => {
      const node = await startNode({ commands: ["system.notify"], answer: echo });
      try {
        const requestId = await pendingRequestFor(node.key.deviceId);
        const approved = await operator.client.request<any>("node.pair.approve", { requestId });
        expect(approved).toMatchObject({ requestId, node: { nodeId: node.key.deviceId, commands: ["system.notify"], caps: ["system"] } });
        await waitFor(() => node.events.some((e) => e.event === "node.pair.resolved" && e.payload.decision === "approved"));
        await waitFor(() => operator.events.some((e) => e.event === "node.pair.resolved" && e.payload.requestId === requestId && e.payload.decision === "approved"));

        const res = await operator.client.request<any>("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: { title: "hi" }, idempotencyKey: "k1", timeoutMs: 5000 });
        expect(res).toEqual({ ok: true, nodeId: node.key.deviceId, command: "system.notify", payload: { echoed: { title: "hi" }, command: "system.notify" }, payloadJSON: null });

        const request = node.events.find((e) => e.event === "node.invoke.request")!;
        expect(request.seq).toBeUndefined();
        expect(request.payload).toMatchObject({ nodeId: node.key.deviceId, command: "system.notify", paramsJSON: '{"title":"hi"}', idempotencyKey: "k1" });
        expect(request.payload.timeoutMs).toBeGreaterThan(4000);
        expect(request.payload.timeoutMs).toBeLessThanOrEqual(5000);
        expect(operator.events.some((e) => e.event === "node.invoke.request")).toBe(false);

        const row = (await operator.client.request<any>("node.describe", { nodeId: node.key.deviceId }));
        expect(row).toMatchObject({ approvalState: "approved", commands: ["system.notify"], connected: true });
      } finally {
        node.client.stop();
      }
    });

    test("payloadJSON and node errors are relayed as upstream does", async () => {
      const node = await startNode({
        commands: ["system.notify"],
        answer: (e, client) => {
          if (e.event !== "node.invoke.request") return;
          const p = e.payload;
          const title = JSON.parse(p.paramsJSON).title;
          if (title === "fail") reply(client, { id: p.id, nodeId: p.nodeId, ok: false, error: { code: "E_NOPE", message: "refused" } });
          else reply(client, { id: p.id, nodeId: p.nodeId, ok: true, payloadJSON: '{"a":1}' });
        },
      });
      try {
        await operator.client.request("node.pair.approve", { requestId: await pendingRequestFor(node.key.deviceId) });
        const ok = await operator.client.request<any>("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: { title: "json" }, idempotencyKey: "k" });
        expect(ok).toEqual({ ok: true, nodeId: node.key.deviceId, command: "system.notify", payload: { a: 1 }, payloadJSON: '{"a":1}' });
        const failed: any = await operator.client.request("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: { title: "fail" }, idempotencyKey: "k" }).catch((e) => e);
        expect(failed.gatewayCode).toBe("UNAVAILABLE");
        expect(failed.message).toBe("E_NOPE: refused");
        expect(failed.details).toEqual({ nodeError: { code: "E_NOPE", message: "refused" }, nodeCommandDispatched: true });
      } finally {
        node.client.stop();
      }
    });
  });

  describe("node identity (§8)", () => {
    test("role node without a device identity -> NOT_PAIRED device identity required, close 1008", async () => {
      const failure: any = await connectClient({ url: gw.url, token: TEST_TOKEN, role: "node", mode: "node", clientName: "node-host", scopes: [], deviceIdentity: null }).catch((e) => e);
      expect(failure.code).toBe(1008);
      expect(failure.error).toMatchObject({ gatewayCode: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    });
  });

  describe("invoke failure paths (§8)", () => {
    test("no answer within timeoutMs -> UNAVAILABLE TIMEOUT to the operator and node.invoke.cancel to the node", async () => {
      const node = await startNode({ commands: ["system.notify"] });
      try {
        await operator.client.request("node.pair.approve", { requestId: await pendingRequestFor(node.key.deviceId) });
        const error: any = await operator.client.request("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "t", timeoutMs: 150 }).catch((e) => e);
        expect(error.gatewayCode).toBe("UNAVAILABLE");
        expect(error.message).toBe("TIMEOUT: node invoke timed out");
        expect(error.details).toEqual({ nodeError: { code: "TIMEOUT", message: "node invoke timed out" }, nodeCommandDispatched: true });
        await waitFor(() => node.events.some((e) => e.event === "node.invoke.cancel"));
        const request = node.events.find((e) => e.event === "node.invoke.request")!;
        const cancel = node.events.find((e) => e.event === "node.invoke.cancel")!;
        expect(cancel.payload).toEqual({ invokeId: request.payload.id, nodeId: node.key.deviceId });
        // A result after the deadline is acknowledged and ignored.
        const late = await node.client.request<any>("node.invoke.result", { id: request.payload.id, nodeId: node.key.deviceId, ok: true, payload: {} });
        expect(late).toEqual({ ok: true, ignored: true });
      } finally {
        node.client.stop();
      }
    });

    test("node disconnects mid-call -> UNAVAILABLE PAIRING_CHANGED, retryable", async () => {
      const node = await startNode({ commands: ["system.notify"], answer: (e, client) => { if (e.event === "node.invoke.request") client.stop(); } });
      await operator.client.request("node.pair.approve", { requestId: await pendingRequestFor(node.key.deviceId) });
      const error: any = await operator.client.request("node.invoke", { nodeId: node.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "d" }).catch((e) => e);
      expect(error.gatewayCode).toBe("UNAVAILABLE");
      expect(error.message).toBe("node pairing changed while invocation was active");
      expect(error.retryable).toBe(true);
      expect(error.details).toEqual({ code: "PAIRING_CHANGED" });
    });

    test("unknown node -> PAIRING_CHANGED; not allowlisted -> the §8 refusal text", async () => {
      const unknown: any = await operator.client.request("node.invoke", { nodeId: "nope", command: "system.notify", idempotencyKey: "u" }).catch((e) => e);
      expect(unknown).toMatchObject({ gatewayCode: "UNAVAILABLE", details: { code: "PAIRING_CHANGED" } });
      const node = await startNode({ commands: ["system.notify"] });
      try {
        await operator.client.request("node.pair.approve", { requestId: await pendingRequestFor(node.key.deviceId) });
        const refused: any = await operator.client.request("node.invoke", { nodeId: node.key.deviceId, command: "x", idempotencyKey: "x" }).catch((e) => e);
        expect(refused.gatewayCode).toBe("INVALID_REQUEST");
        expect(refused.message).toBe('node command not allowed: "x" is not in the allowlist for platform "linux"');
      } finally {
        node.client.stop();
      }
    });
  });
});
