/**
 * Scenario: `node.invoke` round trips through the gateway (spec §8):
 * operator -> gateway -> node -> gateway -> operator, with the gateway in a
 * child process (the real CLI) and operators and nodes in this one.
 * 1. Sequential round trip p50, node on the WebSocket vs on the TCP bridge.
 * 2. A fleet: 100 WebSocket nodes connected, 1,000 invokes in flight at
 *    once (10 per node, spread over 4 operator sockets, each under the 256
 *    in-flight cap), repeated; per-invoke latency and throughput.
 */
import type { Socket } from "bun";
import { payloadV3, signedDevice, newDeviceKey, type DeviceKey } from "./lib/device-key.ts";
import { BENCH_TOKEN, startGatewayProcess } from "./lib/gateway-process.ts";
import { compareLatency, ns, statsOf } from "./lib/mitata-run.ts";
import { quantile, report } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, Peer, type Frame } from "./lib/ws-peer.ts";

const FLEET_NODES = 100;
const FLEET_INVOKES = 1_000;
const FLEET_OPERATORS = 4;
const FLEET_ROUNDS = 5;

/** Connect params of a node host on linux offering `system.notify` (§8). */
function nodeParams(): { client: { id: string; mode: string; platform: string; version: string }; role: string; scopes: string[]; caps: string[]; commands: string[]; auth: { token: string } } {
  return { client: { id: "node-host", mode: "node", platform: "linux", version: "bench" }, role: "node", scopes: [], caps: ["system"], commands: ["system.notify"], auth: { token: BENCH_TOKEN } };
}

/** The node's answer to an invoke: echo the params back. */
function resultFor(p: { id: string; nodeId: string; paramsJSON: string | null }) {
  return { id: p.id, nodeId: p.nodeId, ok: true, payloadJSON: p.paramsJSON ?? "null" };
}

/** A WebSocket node answering every `node.invoke.request` at once. */
async function wsNode(url: string, key: DeviceKey): Promise<Peer> {
  let self: Peer | undefined;
  const onEvent = (f: Frame) => {
    if (f.event === "node.invoke.request") self!.fire("node.invoke.result", resultFor(f.payload));
  };
  const peer = await Peer.open(url, { onEvent });
  self = peer;
  const params = nodeParams();
  await peer.connect({ minProtocol: 4, maxProtocol: 4, ...params, device: signedDevice(key, params, peer.challenge!) });
  return peer;
}

/** A TCP bridge node (docs/bridge-protocol.md) answering every invoke request at once. */
async function bridgeNode(port: number, key: DeviceKey): Promise<Socket<undefined>> {
  let buffer = "";
  let helloDone: (ok: boolean) => void;
  const hello = new Promise<boolean>((r) => (helloDone = r));
  const socket: Socket<undefined> = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(s, chunk) {
        buffer += new TextDecoder().decode(chunk);
        for (let i = buffer.indexOf("\n"); i !== -1; i = buffer.indexOf("\n")) {
          const line = JSON.parse(buffer.slice(0, i));
          buffer = buffer.slice(i + 1);
          if (line.event === "connect.challenge") {
            const params = nodeParams();
            const { nonce, ts } = line.payload;
            s.write(JSON.stringify({
              type: "bridge.hello", nodeId: key.id, version: "bench", platform: "linux", capabilities: params.caps, commands: params.commands, auth: params.auth,
              device: { publicKey: key.publicKey, signature: key.sign(payloadV3(key.id, params, ts, nonce)), signedAt: ts, nonce },
            }) + "\n");
          } else if (line.type === "res" && line.id === "bridge.hello") {
            helloDone(line.ok === true);
          } else if (line.event === "node.invoke.request") {
            s.write(JSON.stringify({ type: "req", id: `r${line.payload.id}`, method: "node.invoke.result", params: resultFor(line.payload) }) + "\n");
          }
        }
      },
    },
  });
  if (!(await hello)) throw new Error("bridge hello refused");
  return socket;
}

/** Approves every pending node surface. */
async function approveAll(operator: Peer): Promise<void> {
  const list = await operator.request("node.pair.list", {});
  for (const p of list.payload.pending) {
    const res = await operator.request("node.pair.approve", { requestId: p.requestId });
    if (!res.ok) throw new Error(`approve failed: ${JSON.stringify(res.error)}`);
  }
}

function invoke(operator: Peer, nodeId: string, n: number): Promise<Frame> {
  return operator.request("node.invoke", { nodeId, command: "system.notify", params: { n }, idempotencyKey: `k${n}` });
}

async function expectOk(res: Promise<Frame>): Promise<void> {
  const f = await res;
  if (!f.ok) throw new Error(`node.invoke failed: ${JSON.stringify(f.error)}`);
}

const gw = await startGatewayProcess();
const sockets: Socket<undefined>[] = [];
const peers: Peer[] = [];
try {
  // The bridge line can follow the stdout port line: wait for it rather than read the tail once.
  const bridgePort = Number((await gw.stderrTail.waitFor(/node bridge listening on tcp port (\d+)/))[1]);
  const { peer: operator } = await connectedPeer(gw.url, backendConnectParams(["operator.admin"]));
  peers.push(operator);

  // 1. One node per transport, sequential round trips.
  const wsKey = newDeviceKey();
  const bridgeKey = newDeviceKey();
  peers.push(await wsNode(gw.url, wsKey));
  sockets.push(await bridgeNode(bridgePort, bridgeKey));
  await approveAll(operator);
  let n = 0;
  await expectOk(invoke(operator, wsKey.id, n++));
  await expectOk(invoke(operator, bridgeKey.id, n++));
  const rtt = await compareLatency([
    { name: "invoke RTT, WebSocket node", fn: () => expectOk(invoke(operator, wsKey.id, n++)) },
    { name: "invoke RTT, bridge node", fn: () => expectOk(invoke(operator, bridgeKey.id, n++)) },
    { name: "health RTT (same operator)", fn: () => operator.request("health") },
  ]);

  // 2. The fleet.
  const keys = Array.from({ length: FLEET_NODES }, () => newDeviceKey());
  for (let i = 0; i < keys.length; i += 20) peers.push(...(await Promise.all(keys.slice(i, i + 20).map((k) => wsNode(gw.url, k)))));
  await approveAll(operator);
  const operators: Peer[] = [];
  for (let i = 0; i < FLEET_OPERATORS; i++) operators.push((await connectedPeer(gw.url, backendConnectParams(["operator.write"]))).peer);
  peers.push(...operators);
  const latencies: number[] = [];
  const walls: number[] = [];
  for (let round = 0; round < FLEET_ROUNDS + 1; round++) {
    const t0 = performance.now();
    const one = async (i: number) => {
      const s = performance.now();
      await expectOk(invoke(operators[i % FLEET_OPERATORS]!, keys[i % FLEET_NODES]!.id, n++));
      return performance.now() - s;
    };
    const times = await Promise.all(Array.from({ length: FLEET_INVOKES }, (_, i) => one(i)));
    const wall = performance.now() - t0;
    // Round 0 warms up the JIT on both sides.
    if (round === 0) continue;
    walls.push(wall);
    latencies.push(...times);
  }
  latencies.sort((a, b) => a - b);
  walls.sort((a, b) => a - b);
  const wallP50 = quantile(walls, 0.5);
  console.log(`fleet: ${FLEET_NODES} nodes, ${FLEET_INVOKES} concurrent invokes x ${FLEET_ROUNDS} rounds; wall p50 ${wallP50.toFixed(1)} ms; per-invoke p50 ${quantile(latencies, 0.5).toFixed(2)} ms p99 ${quantile(latencies, 0.99).toFixed(2)} ms`);

  report({
    scenario: "node.invoke round trips (operator -> gateway -> node -> operator; gateway in a child process)",
    metrics: [
      { name: "invoke RTT p50, WebSocket node", value: ns.toUs(statsOf(rtt, "invoke RTT, WebSocket node").p50), unit: "µs" },
      { name: "invoke RTT p99, WebSocket node", value: ns.toUs(statsOf(rtt, "invoke RTT, WebSocket node").p99), unit: "µs" },
      { name: "invoke RTT p50, bridge node", value: ns.toUs(statsOf(rtt, "invoke RTT, bridge node").p50), unit: "µs" },
      { name: "invoke RTT p99, bridge node", value: ns.toUs(statsOf(rtt, "invoke RTT, bridge node").p99), unit: "µs" },
      { name: "health RTT p50 (reference)", value: ns.toUs(statsOf(rtt, "health RTT (same operator)").p50), unit: "µs", note: "one hop, same socket" },
      { name: `${FLEET_INVOKES} concurrent invokes, ${FLEET_NODES} nodes: wall p50`, value: wallP50, unit: "ms" },
      { name: "fleet per-invoke latency p50", value: quantile(latencies, 0.5), unit: "ms" },
      { name: "fleet per-invoke latency p99", value: quantile(latencies, 0.99), unit: "ms" },
      { name: "fleet throughput", value: FLEET_INVOKES / (wallP50 / 1000), unit: "frames/s", note: "invokes completed per second" },
    ],
  });
} finally {
  for (const s of sockets) s.end();
  await Promise.all(peers.map((p) => p.close()));
  await gw.stop();
}
