/**
 * Scenario: handshake latency, socket open -> hello-ok, against the real CLI
 * gateway in a child process (spec §2), on both shims: the Bun gateway and
 * the Node one, measured in the same interleaved rounds. Four clients side by
 * side: the reference GatewayClient and a bare Bun WebSocket, each with the
 * shared token alone and with a paired device identity (§3, §4.4), the bare
 * socket once more speaking MessagePack (docs/frame-codecs.md), plus the bare
 * socket's upgrade + challenge alone as the transport floor. In the same
 * rounds the reference client also connects to a bare Bun server that only
 * does challenge/hello (lib/floor-server.ts answering with the gateway's own
 * hello-ok bytes): the gateway's connect cost is that ratio.
 * Budgets (Bun): GatewayClient token handshake p50 < 2 ms; <= 1.3x the bare-Bun floor,
 * as the median ratio of back-to-back pairs (a loaded machine moves both halves of a pair alike).
 */
import { GatewayClient, type GatewayClientOptions } from "@openclaw/gateway-client";
import { newDeviceKey, signedDevice, type DeviceKey, type SignedParams } from "./lib/device-key.ts";
import { BENCH_TOKEN, startFloorProcess, startGatewayProcess, type GatewayProcess, type GatewayRuntime } from "./lib/gateway-process.ts";
import { compareLatency, ns, statsOf, type LatencyBench } from "./lib/mitata-run.ts";
import { report } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, Peer, type PeerCodec } from "./lib/ws-peer.ts";

/** Connect params of a device client: the CLI identity, signed over the shared token (§3). */
function deviceParams(): SignedParams & Record<string, unknown> {
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "cli", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "cli" },
    caps: [],
    auth: { token: BENCH_TOKEN },
    role: "operator",
    scopes: ["operator.admin"],
  };
}

/** Bare socket: open, challenge, connect, hello-ok. */
async function bareHandshake(url: string, key?: DeviceKey, codec?: PeerCodec): Promise<Peer> {
  const peer = await Peer.open(url, { codec });
  if (key) {
    const params = deviceParams();
    await peer.connect({ ...params, device: signedDevice(key, params, peer.challenge!) });
  } else {
    await peer.connect(backendConnectParams());
  }
  return peer;
}

/** The reference client's host callbacks for a device identity kept in memory. */
function deviceHostDeps(key: DeviceKey): Pick<GatewayClientOptions, "deviceIdentity" | "hostDeps"> {
  let stored: { token: string; scopes: string[] } | null = null;
  return {
    deviceIdentity: { deviceId: key.id, privateKeyPem: key.privateKeyPem, publicKeyPem: "bench" },
    hostDeps: {
      signDevicePayload: (_pem, payload) => key.sign(payload),
      publicKeyRawBase64UrlFromPem: () => key.publicKey,
      loadDeviceAuthToken: () => stored,
      storeDeviceAuthToken: ({ token, scopes }) => {
        stored = { token, scopes };
      },
      clearDeviceAuthToken: () => {
        stored = null;
      },
    },
  };
}

/** Reference client: start() to onHelloOk; rejects on a connect error or early close. */
function clientHandshake(opts: GatewayClientOptions): Promise<GatewayClient> {
  return new Promise((resolve, reject) => {
    const client: GatewayClient = new GatewayClient({
      ...opts,
      onHelloOk: () => resolve(client),
      onConnectError: (error) => {
        client.stop();
        reject(error);
      },
      onClose: (code, reason) => reject(new Error(`closed ${code} ${reason}`)),
    });
    client.start();
  });
}

const CASES = ["GatewayClient token", "bare WebSocket token", "bare WebSocket token, MessagePack", "GatewayClient token+device", "bare WebSocket token+device", "bare WebSocket open -> challenge"] as const;

/** The five cases against one gateway, named `<runtime>: <case>`, after pairing their devices once. */
async function casesFor(gw: GatewayProcess): Promise<LatencyBench[]> {
  const url = gw.url;
  const key = newDeviceKey();
  // First connect from loopback pairs the device silently (§4.4); later ones reuse the pairing.
  const first = await bareHandshake(url, key);
  await first.close();
  const clientKey = newDeviceKey();
  const clientDevice = deviceHostDeps(clientKey);
  const clientDeviceOpts: GatewayClientOptions = { url, token: BENCH_TOKEN, clientName: "cli", mode: "cli", platform: "linux", deviceFamily: "Linux", scopes: ["operator.admin"], ...clientDevice };
  (await clientHandshake(clientDeviceOpts)).stop();
  // Each sample: open -> hello-ok, then the (non-blocking) close call.
  const fns: Record<(typeof CASES)[number], () => Promise<unknown>> = {
    "GatewayClient token": async () => (await clientHandshake({ url, token: BENCH_TOKEN })).stop(),
    "bare WebSocket token": async () => (await bareHandshake(url)).ws.close(1000),
    "bare WebSocket token, MessagePack": async () => (await bareHandshake(url, undefined, "msgpack")).ws.close(1000),
    "GatewayClient token+device": async () => (await clientHandshake(clientDeviceOpts)).stop(),
    "bare WebSocket token+device": async () => (await bareHandshake(url, key)).ws.close(1000),
    // Transport floor: upgrade and challenge only, no connect request.
    "bare WebSocket open -> challenge": async () => (await Peer.open(url)).ws.close(1000),
  };
  return CASES.map((c) => ({ name: `${gw.runtime}: ${c}`, fn: fns[c] }));
}

const RUNTIMES: GatewayRuntime[] = ["bun", "node"];
const FLOOR_CASE = "bare Bun challenge/hello: GatewayClient token";
/** Paired samples for the floor ratio: one floor and one gateway handshake back to back, order alternating. */
const PAIRS = 300;

/** Median of the per-pair ratios `a[i] / b[i]`: load that drifts over the run cancels within each pair. */
async function pairedRatio(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<{ ratio: number; spread: [number, number] }> {
  const ratios: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const first = i % 2 === 0 ? a : b;
    const second = first === a ? b : a;
    const t0 = performance.now();
    await first();
    const t1 = performance.now();
    await second();
    const t2 = performance.now();
    const [ta, tb] = first === a ? [t1 - t0, t2 - t1] : [t2 - t1, t1 - t0];
    ratios.push(ta / tb);
  }
  ratios.sort((x, y) => x - y);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!;
  return { ratio: at(0.5), spread: [at(0.25), at(0.75)] };
}
const gateways: GatewayProcess[] = [];
let floor: Awaited<ReturnType<typeof startFloorProcess>> | undefined;
try {
  for (const runtime of RUNTIMES) gateways.push(await startGatewayProcess(runtime));
  // The floor answers connect with the Bun gateway's own hello-ok, so both move the same bytes.
  const { peer, hello } = await connectedPeer(gateways[0]!.url, backendConnectParams());
  await peer.close();
  floor = await startFloorProcess(hello);
  const floorUrl = floor.url;
  const floorHandshake = async () => (await clientHandshake({ url: floorUrl, token: BENCH_TOKEN })).stop();
  const bunUrl = gateways[0]!.url;
  const benches: LatencyBench[] = [{ name: FLOOR_CASE, fn: floorHandshake }];
  for (const gw of gateways) benches.push(...(await casesFor(gw)));
  const stats = await compareLatency(benches);
  const paired = await pairedRatio(async () => (await clientHandshake({ url: bunUrl, token: BENCH_TOKEN })).stop(), floorHandshake);
  const p50 = (runtime: GatewayRuntime, name: (typeof CASES)[number]) => ns.toMs(statsOf(stats, `${runtime}: ${name}`).p50);
  const refToken = p50("bun", "GatewayClient token");
  const bareToken = p50("bun", "bare WebSocket token");
  const bareDevice = p50("bun", "bare WebSocket token+device");
  const floorOpen = p50("bun", "bare WebSocket open -> challenge");
  const bunFloor = ns.toMs(statsOf(stats, FLOOR_CASE).p50);
  report({
    scenario: "handshake (open -> hello-ok, gateway in a child process)",
    metrics: [
      { name: "GatewayClient token p50", value: refToken, unit: "ms", budget: { op: "<", limit: 2 } },
      { name: "bare WebSocket token p50", value: bareToken, unit: "ms" },
      { name: "GatewayClient token+device p50", value: p50("bun", "GatewayClient token+device"), unit: "ms" },
      { name: "bare WebSocket token, MessagePack / JSON", value: p50("bun", "bare WebSocket token, MessagePack") / bareToken, unit: "x", note: `MessagePack p50 ${p50("bun", "bare WebSocket token, MessagePack").toFixed(3)} ms` },
      { name: "bare WebSocket token+device p50", value: bareDevice, unit: "ms" },
      { name: "bare open -> challenge p50", value: floorOpen, unit: "ms", note: "transport floor" },
      { name: "connect -> hello-ok share (bare)", value: bareToken - floorOpen, unit: "ms", note: "token p50 minus floor" },
      { name: "GatewayClient token / bare-Bun challenge/hello", value: paired.ratio, unit: "x", budget: { op: "<=", limit: 1.3 }, note: `median of ${PAIRS} paired ratios, IQR ${paired.spread.map((r) => r.toFixed(2)).join("-")}` },
      { name: "GatewayClient token / bare-Bun challenge/hello (p50s)", value: refToken / bunFloor, unit: "x", note: `floor p50 ${bunFloor.toFixed(3)} ms` },
      { name: "GatewayClient / bare (token)", value: refToken / bareToken, unit: "x", note: "client-side overhead of the reference client" },
      { name: "device / no device (bare)", value: bareDevice / bareToken, unit: "x", note: "cost of the device proof + pairing lookup" },
      // The same cases against the Node shim, in the same rounds: Node p50 / Bun p50 (> 1: Node is slower).
      ...CASES.map((c) => ({ name: `Node / Bun: ${c} p50`, value: p50("node", c) / p50("bun", c), unit: "x" as const, note: `node ${p50("node", c).toFixed(3)} ms` })),
    ],
  });
} finally {
  await floor?.stop();
  for (const gw of gateways) await gw.stop();
}
