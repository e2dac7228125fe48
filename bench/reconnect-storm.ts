/**
 * Scenario: reconnect storms (spec §7 `presence`, issue 11 item 2), against
 * the real CLI gateway in a child process, Bun and Node shims.
 * - Storm: DEVICES paired control-UI devices (Ed25519 identity + token,
 *   operator.read, so every one of them reads presence) connect once to pair,
 *   leave, then all reconnect at once. Figures: bytes the gateway sent to them
 *   from the first reconnect until every one saw the final presence state,
 *   the gateway's peak RSS (VmHWM, reset before the storm) and `/health`
 *   latency (max and p99, polled back to back by lib/health-poller.ts in a
 *   process of its own) meanwhile.
 * - Mass close: WEBCHAT `webchat`-mode clients connected, then closed at once;
 *   figure: the longest `/health` round trip while the gateway handles it,
 *   an upper bound on its event-loop stall.
 * - The same mass close against the floor (lib/floor-server.ts, a bare Bun
 *   WebSocket server: subscribe and one frame per socket, nothing on close),
 *   for the share of the stall that is Bun's own close handling, not the gateway's.
 * Budgets: storm bytes < 2.5 GB, storm peak RSS < 400 MB, mass-close stall < 200 ms.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { newDeviceKey, signedDevice, type DeviceKey } from "./lib/device-key.ts";
import { BENCH_TOKEN, startFloorProcess, startGatewayProcess, type GatewayProcess, type GatewayRuntime } from "./lib/gateway-process.ts";
import { report, table, type Metric } from "./lib/report.ts";
import { backendConnectParams } from "./lib/ws-peer.ts";

const DEVICES = 1000;
const WEBCHAT = 10_000;
/** Concurrent handshakes while the webchat clients are set up (not measured). */
const SETUP_BATCH = 500;
const STORM_LIMIT_MS = 120_000;

/** A client that counts every byte it receives and remembers the newest presence version it saw. */
class CountingClient {
  bytes = 0;
  presenceVersion = 0;
  helloVersion = 0;
  closed = false;
  private ws!: WebSocket;

  /** Opens, answers the challenge with `params(challenge)`, resolves at hello-ok. */
  static connect(url: string, params: (challenge: { nonce: string; ts: number }) => Record<string, unknown>): Promise<CountingClient> {
    const c = new CountingClient();
    return new Promise((resolve, reject) => {
      const ws = (c.ws = new WebSocket(url));
      ws.onmessage = (ev) => {
        const text = ev.data as string;
        c.bytes += text.length;
        if (text.startsWith('{"type":"event","event":"presence"')) {
          const at = text.lastIndexOf('"stateVersion":{"presence":');
          c.presenceVersion = Math.max(c.presenceVersion, parseInt(text.slice(at + 27), 10));
        } else if (text.startsWith('{"type":"event","event":"connect.challenge"')) {
          ws.send(JSON.stringify({ type: "req", id: "c", method: "connect", params: params(JSON.parse(text).payload) }));
        } else if (text.startsWith('{"type":"res","id":"c"')) {
          const res = JSON.parse(text);
          if (!res.ok) return reject(new Error(`connect refused: ${JSON.stringify(res.error)}`));
          c.helloVersion = res.payload.snapshot.stateVersion.presence;
          resolve(c);
        }
      };
      ws.onclose = (ev) => {
        c.closed = true;
        reject(new Error(`closed ${ev.code} ${ev.reason}`));
      };
      ws.onerror = () => reject(new Error("socket error"));
    });
  }

  close(): void {
    this.ws.close(1000);
  }
}

function uiParams(key: DeviceKey) {
  return (challenge: { nonce: string; ts: number }) => {
    const params = {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "openclaw-control-ui", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "ui", instanceId: key.id.slice(0, 16) },
      caps: [],
      auth: { token: BENCH_TOKEN },
      role: "operator",
      scopes: ["operator.read", "operator.write"],
    };
    return { ...params, device: signedDevice(key, params, challenge) };
  };
}

const webchatParams = (i: number) => () => ({
  ...backendConnectParams(),
  client: { id: "webchat", version: "2026.9.6", platform: "linux", mode: "webchat", instanceId: `webchat-${i}` },
  scopes: [],
});

/** Starts lib/health-poller.ts against `port`; `stop()` returns its round-trip figures in ms. */
async function pollHealth(port: number): Promise<{ stop(): Promise<{ max: number; p99: number; count: number }> }> {
  const proc = Bun.spawn([process.execPath, `${import.meta.dir}/lib/health-poller.ts`, String(port)], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  // It says so once it polls, so the measured phase starts with it running.
  const reader = proc.stderr.getReader();
  await reader.read();
  return {
    async stop() {
      proc.stdin.end();
      const out = await new Response(proc.stdout).text();
      if ((await proc.exited) !== 0) throw new Error(`health poller failed: ${out}`);
      return JSON.parse(out);
    },
  };
}

/** Resolves once `cond` holds, checking every few ms; throws after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j)))));
  return out;
}

async function storm(gw: GatewayProcess, keys: DeviceKey[]): Promise<{ bytes: number; peakRss: number; healthMax: number; healthP99: number; seconds: number }> {
  // Pair every device once (loopback devices are approved silently), then leave.
  const first = await inBatches(keys.length, 100, (i) => CountingClient.connect(gw.url, uiParams(keys[i]!)));
  for (const c of first) c.close();
  await until(() => first.every((c) => c.closed), 30_000, "the pairing round to close");

  writeFileSync(`/proc/${gw.pid}/clear_refs`, "5");
  const health = await pollHealth(gw.port);
  const t0 = performance.now();
  const clients = await Promise.all(keys.map((k) => CountingClient.connect(gw.url, uiParams(k))));
  // The storm is over once every client saw the presence state that includes the last of them.
  const final = Math.max(...clients.map((c) => c.helloVersion));
  await until(() => clients.every((c) => c.presenceVersion >= final), STORM_LIMIT_MS, "every client to see the final presence");
  const seconds = (performance.now() - t0) / 1000;
  const rtt = await health.stop();
  const status = readFileSync(`/proc/${gw.pid}/status`, "utf8");
  const peakRss = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
  const bytes = clients.reduce((sum, c) => sum + c.bytes, 0);
  for (const c of clients) c.close();
  await until(() => clients.every((c) => c.closed), 30_000, "the storm clients to close");
  return { bytes, peakRss, healthMax: rtt.max, healthP99: rtt.p99, seconds };
}

async function massClose(gw: GatewayProcess): Promise<{ healthMax: number; seconds: number }> {
  const reader = await CountingClient.connect(gw.url, () => backendConnectParams(["operator.read"]));
  const clients = await inBatches(WEBCHAT, SETUP_BATCH, (i) => CountingClient.connect(gw.url, webchatParams(i)));
  const health = await pollHealth(gw.port);
  await until(() => reader.presenceVersion >= Math.max(...clients.map((c) => c.helloVersion)), 60_000, "presence to settle");
  const settled = reader.presenceVersion;
  const t0 = performance.now();
  for (const c of clients) c.close();
  // Every close bumps the presence version; the reader sees the state after the last one.
  await until(() => reader.presenceVersion >= settled + WEBCHAT, 60_000, "the gateway to process every close");
  const seconds = (performance.now() - t0) / 1000;
  const rtt = await health.stop();
  reader.close();
  return { healthMax: rtt.max, seconds };
}

/** The mass close against the floor: every client is closed once the server echoed its close frame. */
async function floorMassClose(): Promise<{ healthMax: number; seconds: number }> {
  const floor = await startFloorProcess({ snapshot: { stateVersion: { presence: 0 } } });
  try {
    const clients = await inBatches(WEBCHAT, SETUP_BATCH, (i) => CountingClient.connect(floor.url, webchatParams(i)));
    const health = await pollHealth(floor.port);
    const t0 = performance.now();
    for (const c of clients) c.close();
    await until(() => clients.every((c) => c.closed), 60_000, "the floor to close every client");
    const seconds = (performance.now() - t0) / 1000;
    const rtt = await health.stop();
    return { healthMax: rtt.max, seconds };
  } finally {
    await floor.stop();
  }
}

const metrics: Metric[] = [];
const rows: string[][] = [];
const keys = Array.from({ length: DEVICES }, () => newDeviceKey());
const runtimes = (process.env.BENCH_RUNTIMES?.split(",") ?? ["bun", "node"]) as GatewayRuntime[];
for (const runtime of runtimes) {
  const gw = await startGatewayProcess(runtime);
  try {
    const s = await storm(gw, keys);
    const m = await massClose(gw);
    rows.push([runtime, `${(s.bytes / 1e9).toFixed(2)} GB`, `${s.seconds.toFixed(1)} s`, `${s.peakRss.toFixed(0)} MB`, `${s.healthMax.toFixed(0)} / ${s.healthP99.toFixed(0)} ms`, `${m.healthMax.toFixed(0)} ms (${m.seconds.toFixed(1)} s)`]);
    metrics.push(
      { name: `${runtime}: storm, bytes sent to ${DEVICES} clients`, value: s.bytes / 1e6, unit: "MB", budget: { op: "<", limit: 2500 }, note: `${s.seconds.toFixed(1)} s` },
      { name: `${runtime}: storm, peak RSS`, value: s.peakRss, unit: "MB", budget: { op: "<", limit: 400 } },
      { name: `${runtime}: storm, /health max round trip`, value: s.healthMax, unit: "ms", note: `p99 ${s.healthP99.toFixed(1)} ms` },
      { name: `${runtime}: closing ${WEBCHAT} webchat clients, /health max round trip`, value: m.healthMax, unit: "ms", budget: { op: "<", limit: 200 } },
    );
  } finally {
    await gw.stop();
  }
}
if (runtimes.includes("bun")) {
  const f = await floorMassClose();
  rows.push(["floor (bare Bun)", "", "", "", "", `${f.healthMax.toFixed(0)} ms (${f.seconds.toFixed(1)} s)`]);
  metrics.push({ name: `floor (bare Bun server): closing ${WEBCHAT} clients, /health max round trip`, value: f.healthMax, unit: "ms" });
}
console.log(table(["gateway", "storm bytes", "storm time", "peak RSS", "/health max / p99", `close ${WEBCHAT}: /health max`], rows));
report({ scenario: "reconnect-storm", metrics });
