/**
 * Scenario: `health` round trip over a real socket (spec §6), sequential
 * requests from a bare Bun WebSocket in this process to the real CLI gateway
 * in a child process. Side by side: the same client against a bare Bun echo
 * server (lib/floor-server.ts) that answers with the same payload bytes, so
 * the difference is the gateway's own dispatch.
 * Budget: health round trip p50 < 0.1 ms.
 */
import { startFloorProcess, startGatewayProcess } from "./lib/gateway-process.ts";
import { compareLatency, ns, statsOf } from "./lib/mitata-run.ts";
import { report } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, Peer } from "./lib/ws-peer.ts";

const gw = await startGatewayProcess();
let floor: Awaited<ReturnType<typeof startFloorProcess>> | undefined;
try {
  // Read-only scope, as `openclaw gateway call health` asks (§2.2).
  const { peer } = await connectedPeer(gw.url, backendConnectParams(["operator.read"]));
  const first = await peer.request("health");
  if (!first.ok || first.payload?.ok !== true) throw new Error(`health failed: ${JSON.stringify(first.error)}`);

  floor = await startFloorProcess(first.payload);
  const echoPeer = await Peer.open(floor.url);

  const stats = await compareLatency([
    { name: "health round trip (gateway)", fn: () => peer.request("health") },
    { name: "same-size round trip (bare Bun echo)", fn: () => echoPeer.request("health") },
  ]);
  const health = ns.toUs(statsOf(stats, "health round trip (gateway)").p50);
  const echoP50 = ns.toUs(statsOf(stats, "same-size round trip (bare Bun echo)").p50);
  report({
    scenario: "health round trip (sequential, gateway in a child process)",
    metrics: [
      { name: "health RTT p50", value: health / 1000, unit: "ms", budget: { op: "<", limit: 0.1 } },
      { name: "health RTT p99", value: ns.toUs(statsOf(stats, "health round trip (gateway)").p99), unit: "µs" },
      { name: "bare Bun echo RTT p50", value: echoP50, unit: "µs", note: "same client, same response bytes" },
      { name: "gateway dispatch share", value: health - echoP50, unit: "µs", note: "health p50 minus echo p50" },
      { name: "health / echo", value: health / echoP50, unit: "x" },
    ],
  });
  await echoPeer.close();
  await peer.close();
} finally {
  await floor?.stop();
  await gw.stop();
}
