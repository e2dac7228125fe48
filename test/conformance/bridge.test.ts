/**
 * The TCP JSONL node bridge over real sockets (docs/bridge-protocol.md, spec
 * §8): a bridge node pairs, lists and is invoked like a WebSocket node; bad
 * input (malformed, over-long, split and flooding lines) is handled per
 * connection without disturbing other nodes. Every shim passes these: the
 * CLI gateway (bridge on its port + 1) under Bun and under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BridgePeer } from "../harness/bridge-peer.ts";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { newNodeKey, type NodeKey } from "../harness/node-key.ts";
import { connectClient, waitFor, type ConnectedClient } from "../harness/reference-client.ts";
import { RUNTIMES, startRuntimeGatewayWithBridge, type RuntimeGateway } from "../harness/runtimes.ts";

// The limits as documented, written out (not read from the product): spec §1.4 and docs/bridge-protocol.md.
const MAX_PREAUTH_PAYLOAD_BYTES = 65_536;
const MAX_PAYLOAD_BYTES = 26_214_400;
const BRIDGE_LINE_BURST = 20_000;
const BRIDGE_LINES_PER_SECOND = 10_000;

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  let operator: ConnectedClient;
  beforeAll(async () => {
    gw = await startRuntimeGatewayWithBridge(runtime);
    operator = await connectClient({ url: gw.url, token: TEST_TOKEN });
  });
  afterAll(async () => {
    operator?.client.stop();
    await gw?.stop();
  });

  /** A bridge node through hello and approval, answering invokes. */
  async function pairedBridgeNode(commands = ["system.notify"]): Promise<{ peer: BridgePeer; key: NodeKey }> {
    const key = newNodeKey();
    const peer = await BridgePeer.connect(gw.bridgePort!);
    const res = await peer.hello(key, { commands });
    expect(res.ok).toBe(true);
    await waitFor(() => operator.events.some((e) => e.event === "node.pair.requested" && e.payload.nodeId === key.deviceId));
    const requestId = operator.events.find((e) => e.event === "node.pair.requested" && e.payload.nodeId === key.deviceId)!.payload.requestId;
    await operator.client.request("node.pair.approve", { requestId });
    peer.echoInvokes();
    return { peer, key };
  }

  describe("bridge node lifecycle", () => {
    test("challenge line -> bridge.hello -> hello-ok res; pairing, node.list and invoke like any node", async () => {
      const key = newNodeKey();
      const peer = await BridgePeer.connect(gw.bridgePort!);
      try {
        expect(peer.lines[0]).toMatchObject({ type: "event", event: "connect.challenge" });
        const res = await peer.hello(key, { displayName: "phone" });
        expect(res).toMatchObject({ type: "res", id: "h1", ok: true, payload: { type: "hello-ok", protocol: 4, auth: { role: "node", scopes: [] } } });
        expect(res.payload.auth.deviceToken).toHaveLength(43);

        await waitFor(() => operator.events.some((e) => e.event === "node.pair.requested" && e.payload.nodeId === key.deviceId));
        const pending = (await operator.client.request<any>("node.list", {})).nodes.find((n: any) => n.nodeId === key.deviceId);
        expect(pending).toMatchObject({ displayName: "phone", approvalState: "pending-approval", commands: [], connected: true });

        const requestId = pending.pendingRequestId;
        await operator.client.request("node.pair.approve", { requestId });
        await peer.until(() => peer.events("node.pair.resolved").length > 0);
        peer.echoInvokes();
        const result = await operator.client.request<any>("node.invoke", { nodeId: key.deviceId, command: "system.notify", params: { n: 1 }, idempotencyKey: "b1" });
        expect(result).toEqual({ ok: true, nodeId: key.deviceId, command: "system.notify", payload: { echoed: { n: 1 } }, payloadJSON: null });
        const request = peer.events("node.invoke.request")[0];
        expect(request.seq).toBeUndefined();
        expect(request.payload).toMatchObject({ command: "system.notify", paramsJSON: '{"n":1}', idempotencyKey: "b1" });
        await peer.until(() => peer.lines.some((l) => l.type === "res" && l.id === `r-${request.payload.id}`));
        expect(peer.lines.find((l) => l.type === "res" && l.id === `r-${request.payload.id}`)).toEqual({ type: "res", id: `r-${request.payload.id}`, ok: true, payload: { ok: true } });

        // node.event and its hostStats broadcast work over the bridge too.
        const stats = { cpuCount: 4, memoryTotalBytes: 100, memoryFreeBytes: 50 };
        const ev = await peer.request("node.event", { event: "node.host.stats", payload: stats });
        expect(ev.payload).toEqual({ ok: true, event: "node.host.stats", handled: true, reason: "updated" });
        await waitFor(() => operator.events.some((e) => e.event === "node.hostStats" && e.payload.nodeId === key.deviceId));
        expect((await peer.request("node.event", { event: "x.y" })).payload).toEqual({ ok: true, event: "x.y", handled: false, reason: "unsupported_event" });
      } finally {
        peer.close();
      }
    });

    test("wrong token -> the same AUTH_TOKEN_MISMATCH res as a WebSocket node, then a close line 1008", async () => {
      const peer = await BridgePeer.connect(gw.bridgePort!);
      const res = await peer.hello(newNodeKey(), { token: "wrong" });
      expect(res.ok).toBe(false);
      expect(res.error).toMatchObject({ code: "INVALID_REQUEST", details: { code: "AUTH_TOKEN_MISMATCH" } });
      await peer.until(() => peer.ended);
      expect(peer.lines.at(-1)).toEqual({ type: "close", code: 1008, reason: res.error.message });
    });

    test("reconnect with the device token from hello-ok (no shared secret) -> accepted as device-token auth", async () => {
      const key = newNodeKey();
      const first = await BridgePeer.connect(gw.bridgePort!);
      const deviceToken = (await first.hello(key)).payload.auth.deviceToken;
      first.close();
      const again = await BridgePeer.connect(gw.bridgePort!);
      const hello = again.helloFor(key, { token: deviceToken });
      again.send({ ...hello, auth: { deviceToken } });
      await again.until(() => again.lines.some((l) => l.id === "h1"));
      expect(again.lines.find((l) => l.id === "h1")).toMatchObject({ ok: true, payload: { auth: { method: "device-token", role: "node" } } });
      again.close();
    });

    test("operator methods from a bridge node -> unauthorized role: node", async () => {
      const { peer } = await pairedBridgeNode();
      try {
        const res = await peer.request("status", {});
        expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: node" });
      } finally {
        peer.close();
      }
    });

    test("gateway stop -> the shutdown broadcast reaches bridge nodes over TCP, then a close line 1012", async () => {
      const own = await startRuntimeGatewayWithBridge(runtime);
      try {
        const peer = await BridgePeer.connect(own.bridgePort!);
        expect((await peer.hello(newNodeKey())).ok).toBe(true);
        await own.stop();
        await peer.until(() => peer.ended);
        expect(peer.events("shutdown")).toHaveLength(1);
        expect(typeof peer.events("shutdown")[0].seq).toBe("number");
        expect(peer.lines.at(-1)).toMatchObject({ type: "close", code: 1012 });
      } finally {
        await own.stop();
      }
    });
  });

  describe("bridge input handling", () => {
    test("first line not bridge.hello -> error line, close 1008; a valid hello on a new socket still works", async () => {
      const bad = await BridgePeer.connect(gw.bridgePort!);
      bad.send({ type: "req", id: "c1", method: "health" });
      await bad.until(() => bad.ended);
      expect(bad.lines.slice(1)).toEqual([
        { type: "error", error: { code: "INVALID_REQUEST", message: "invalid handshake: first line must be bridge.hello" } },
        { type: "close", code: 1008, reason: "invalid handshake: first line must be bridge.hello" },
      ]);
      const good = await BridgePeer.connect(gw.bridgePort!);
      expect((await good.hello(newNodeKey())).ok).toBe(true);
      good.close();
    });

    test("bridge.hello with an unknown key -> invalid bridge.hello res naming it, close 1008", async () => {
      const peer = await BridgePeer.connect(gw.bridgePort!);
      peer.send({ ...peer.helloFor(newNodeKey()), bogus: 1 });
      await peer.until(() => peer.ended);
      expect(peer.lines[1]).toEqual({ type: "res", id: "h1", ok: false, error: { code: "INVALID_REQUEST", message: "invalid bridge.hello: at root: unexpected property 'bogus'" } });
    });

    test("malformed lines -> an error line each, connection and node keep working", async () => {
      const { peer, key } = await pairedBridgeNode();
      try {
        peer.write("{not json\n");
        peer.write("[1,2\n");
        await peer.until(() => peer.lines.filter((l) => l.type === "error").length === 2);
        expect(peer.lines.filter((l) => l.type === "error")).toEqual([
          { type: "error", error: { code: "INVALID_REQUEST", message: "malformed line: invalid JSON" } },
          { type: "error", error: { code: "INVALID_REQUEST", message: "malformed line: invalid JSON" } },
        ]);
        // JSON that is not a request gets the WebSocket protocol's answer (§1.7).
        peer.send({ type: "nope", id: "q" });
        await peer.until(() => peer.lines.some((l) => l.id === "q"));
        expect(peer.lines.find((l) => l.id === "q").error.message).toBe("invalid request frame: at /type: must be equal to constant");
        expect(peer.ended).toBe(false);
        const result = await operator.client.request<any>("node.invoke", { nodeId: key.deviceId, command: "system.notify", params: {}, idempotencyKey: "m" });
        expect(result.ok).toBe(true);
      } finally {
        peer.close();
      }
    });

    test("a line split across packets (even inside a UTF-8 character) is reassembled", async () => {
      const { peer } = await pairedBridgeNode();
      try {
        const line = new TextEncoder().encode(JSON.stringify({ type: "req", id: "split", method: "node.event", params: { event: "é.ünïcode" } }) + "\n");
        const cut = line.indexOf(0xc3) + 1; // between the two bytes of "é"
        peer.write(line.subarray(0, 7));
        await Bun.sleep(5);
        peer.write(line.subarray(7, cut));
        await Bun.sleep(5);
        peer.write(line.subarray(cut));
        await peer.until(() => peer.lines.some((l) => l.id === "split"));
        expect(peer.lines.find((l) => l.id === "split").payload).toEqual({ ok: true, event: "é.ünïcode", handled: false, reason: "unsupported_event" });
      } finally {
        peer.close();
      }
    });

    test("over-long line before hello (64 KiB) -> error line, close 1009", async () => {
      const peer = await BridgePeer.connect(gw.bridgePort!);
      peer.write("x".repeat(MAX_PREAUTH_PAYLOAD_BYTES + 1));
      await peer.until(() => peer.ended);
      expect(peer.lines.slice(1)).toEqual([
        { type: "error", error: { code: "INVALID_REQUEST", message: `line too long (limit ${MAX_PREAUTH_PAYLOAD_BYTES} bytes)` } },
        { type: "close", code: 1009, reason: "frame too large" },
      ]);
    });

    test("over-long line after hello (maxPayload) -> close 1009 for that node only", async () => {
      const victim = await pairedBridgeNode();
      const bystander = await pairedBridgeNode();
      try {
        victim.peer.write(new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0x20));
        await victim.peer.until(() => victim.peer.ended, 10_000);
        expect(victim.peer.lines.at(-1)).toEqual({ type: "close", code: 1009, reason: "frame too large" });
        const ok = await operator.client.request<any>("node.invoke", { nodeId: bystander.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "o" });
        expect(ok.ok).toBe(true);
      } finally {
        bystander.peer.close();
      }
    });

    test("invalid lines from a peer that never reads, under the line rate -> closed once its unread answers pass the bound; a reading peer keeps working", async () => {
      // Issue 11 item 6. A long handshake timeout, so nothing but the outbound bound can close the attacker.
      const own = await startRuntimeGatewayWithBridge(runtime, { env: { OPENCLAW_HANDSHAKE_TIMEOUT_MS: "120000" } });
      const attacker = await BridgePeer.connect(own.bridgePort!);
      const control = await BridgePeer.connect(own.bridgePort!);
      try {
        attacker.pauseReading();
        // Each 2-byte line earns a ~90-byte error line: CAP lines are ~8 MB of answers, more than the
        // kernel's buffers hold on loopback (tcp_wmem max 4 MiB plus the peer's receive window).
        const CAP = 90_000;
        // Paced under the flood budget (a burst, then a steady rate), so the flood close cannot be what ends it.
        const BURST = BRIDGE_LINE_BURST * 0.75;
        const perMs = (BRIDGE_LINES_PER_SECOND * 0.8) / 1000;
        const t0 = performance.now();
        let sent = 0;
        while (!attacker.ended && sent < CAP) {
          const due = Math.min(CAP, BURST + Math.floor(perMs * (performance.now() - t0)));
          if (due > sent) attacker.write("{\n".repeat(due - sent));
          sent = due;
          control.write("{\n");
          // Ends early once the gateway cuts the socket (a write then fails); otherwise this is the pacing tick.
          await attacker.until(() => attacker.ended, 50).catch(() => undefined);
        }
        // A closed socket whose last lines are still unread: reading them lets the close through.
        attacker.resumeReading();
        await attacker.until(() => attacker.ended, 10_000);
        const answered = attacker.lines.filter((l) => l.type === "error").length;
        expect(answered).toBeLessThan(sent);
        const last = attacker.lines.at(-1);
        // The close line arrives unless the grace period ran out first and the socket was reset.
        if (last.type === "close") expect(last).toEqual({ type: "close", code: 1008, reason: "slow consumer" });

        // The peer that read its answers got one per line and is still served.
        expect(control.ended).toBe(false);
        await control.until(() => control.lines.filter((l) => l.type === "error").length >= 3);
        expect(control.lines.find((l) => l.type === "error")).toEqual({ type: "error", error: { code: "INVALID_REQUEST", message: "malformed line: invalid JSON" } });
        expect((await control.hello(newNodeKey())).ok).toBe(true);
      } finally {
        attacker.close();
        control.close();
        await own.stop();
      }
    }, 60_000);

    test("a flood of lines -> close 1008 for the flooder; another node is invoked meanwhile", async () => {
      const flooder = await pairedBridgeNode();
      const bystander = await pairedBridgeNode();
      try {
        const line = JSON.stringify({ type: "req", id: "f", method: "node.event", params: { event: "spam" } }) + "\n";
        flooder.peer.write(line.repeat(BRIDGE_LINE_BURST * 3));
        const invoke = operator.client.request<any>("node.invoke", { nodeId: bystander.key.deviceId, command: "system.notify", params: {}, idempotencyKey: "f" });
        await flooder.peer.until(() => flooder.peer.ended, 10_000);
        expect(flooder.peer.lines.at(-1)).toEqual({ type: "close", code: 1008, reason: "flood: too many lines" });
        // The burst was served, the rest of the flood was not.
        expect(flooder.peer.lines.filter((l) => l.id === "f").length).toBeGreaterThanOrEqual(BRIDGE_LINE_BURST);
        expect(flooder.peer.lines.filter((l) => l.id === "f").length).toBeLessThan(BRIDGE_LINE_BURST * 3);
        expect((await invoke).ok).toBe(true);
        // The gateway may still be draining the flood's queued lines when the close reaches the peer.
        const connected = async () => (await operator.client.request<any>("node.list", {})).nodes.find((n: any) => n.nodeId === flooder.key.deviceId).connected;
        const deadline = Date.now() + 10_000;
        while ((await connected()) && Date.now() < deadline) await Bun.sleep(20);
        expect(await connected()).toBe(false);
      } finally {
        bystander.peer.close();
      }
    });
  });
});
