/**
 * Scenario: broadcast fan-out (spec §1.3, §7). One event offered to 1, 100
 * and 1,000 connected clients; frames delivered per second, counted where
 * they arrive: in this process, which holds every client socket, while the
 * servers run in child processes (fresh ones per case).
 *
 * Paths, all real:
 * - `device.pair.reject` (pairing RPC) -> `device.pair.resolved` to every
 *   operator.pairing client: a small fixed-size frame, so this path shows the
 *   fan-out machinery. Each round first creates BURST pending requests
 *   (device connects carrying a browser Origin, which are never approved
 *   silently, §4.4) and waits until their `device.pair.requested` frames have
 *   landed, then rejects them all back to back.
 * - the floor, side by side with it in the same rounds: a bare Bun server
 *   (lib/floor-server.ts) publishing a frame of the same size natively.
 * - `system-event` (admin RPC) -> `presence` to every operator.read client.
 *   The presence payload lists every connected client, so its size grows with
 *   the client count and every connect sends it to every reader. Before a
 *   case runs, the bytes it would push are predicted from the frame sizes
 *   measured at smaller counts; a case over STORM_BYTES_CAP is reported as a
 *   MISS instead of run.
 *
 * Burst: BURST triggers sent back to back, timed from the first send to the
 * last frame counted (median of rounds). Paced: one trigger, wait until every
 * client got it (p50 per event).
 * Budget: >= 500k frames/s at 1,000 clients.
 */
import { newDeviceKey, signedDevice } from "./lib/device-key.ts";
import { BENCH_TOKEN, startFloorProcess, startGatewayProcess } from "./lib/gateway-process.ts";
import { median, quantile, report, table, type Metric } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, Peer } from "./lib/ws-peer.ts";

const SIZES = [1, 100, 1000];
const BURST = 50; // below the gateway's 64 pending pairing requests
const BURST_ROUNDS = 7;
const PACED_EVENTS = 30;
const CONNECT_BATCH = 50;
const STORM_BYTES_CAP = 1.5e9;
const WAIT_MS = 30_000;
const BUDGET_AT = 1000;
const BUDGET = { op: ">=" as const, limit: 500_000 };

/** Counts frames that carry a marker text, across every client socket. */
class Tally {
  count = 0;
  lastBytes = 0;
  private target = Infinity;
  private done?: () => void;

  constructor(readonly marker: string | undefined) {}

  onMessage(text: string): void {
    if (this.marker === undefined || !text.includes(this.marker)) return;
    this.lastBytes = text.length;
    if (++this.count >= this.target) this.done?.();
  }

  /** Resolves once `count` reached `target`; rejects after WAIT_MS. */
  until(target: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    this.target = target;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.marker}: ${this.count}/${target} frames after ${WAIT_MS} ms`)), WAIT_MS);
      this.done = () => {
        clearTimeout(timer);
        this.target = Infinity;
        resolve();
      };
    });
  }
}

interface Server {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Target {
  name: string;
  /** Text that only frames caused by this target's triggers carry. */
  marker: string;
  /** Text of frames the setup itself broadcasts, waited for before the clock starts. */
  setupMarker?: string;
  /** Receivers' scopes: they decide which events reach them (§7). */
  scopes: string[];
  start(): Promise<Server>;
  /** Does the setup `count` triggers need; returns one sender per trigger. */
  prepare(server: Server, admin: Peer, count: number): Promise<(() => void)[]>;
}

let triggerSeq = 0;

const pairing: Target = {
  name: "gateway device.pair.resolved",
  marker: '"event":"device.pair.resolved"',
  setupMarker: '"event":"device.pair.requested"',
  scopes: ["operator.pairing"],
  start: startGatewayProcess,
  async prepare(server, admin, count) {
    const requestIds = await Promise.all(Array.from({ length: count }, async () => {
      const key = newDeviceKey();
      const peer = await Peer.open(server.url, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
      const params = { minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "2026.9.6", platform: "linux", mode: "cli" }, auth: { token: BENCH_TOKEN }, role: "operator", scopes: ["operator.read"] };
      const res = await peer.request("connect", { ...params, device: signedDevice(key, params, peer.challenge!) });
      await peer.close();
      if (res.ok || res.error?.details?.code !== "PAIRING_REQUIRED") throw new Error(`expected PAIRING_REQUIRED, got ${JSON.stringify(res.error ?? res.payload)}`);
      return res.error.details.requestId as string;
    }));
    return requestIds.map((requestId) => () => admin.fire("device.pair.reject", { requestId }));
  },
};

const floor: Target = {
  name: "bare Bun publish, same frame size",
  marker: pairing.marker,
  scopes: [],
  start: () => startFloorProcess(),
  async prepare(_server, admin, count) {
    // The same fields and sizes as the gateway's device.pair.resolved payload.
    const payload = () => ({ requestId: crypto.randomUUID(), deviceId: "f".repeat(64), decision: "rejected", ts: Date.now() });
    return Array.from({ length: count }, () => () => admin.fire("bench.publish", { event: "device.pair.resolved", payload: payload() }));
  },
};

const presence: Target = {
  name: "gateway presence",
  // The announced entry (keyed by host) carries the latest trigger's text, so
  // presence frames from connects before the first trigger are not counted.
  marker: '"text":"fanout-trigger',
  scopes: ["operator.read"],
  start: startGatewayProcess,
  async prepare(_server, admin, count) {
    return Array.from({ length: count }, () => () => admin.fire("system-event", { text: `fanout-trigger ${++triggerSeq}`, host: "bench", instanceId: "bench" }));
  },
};

/** One target with `n` receivers connected and its trigger socket. */
class Live {
  readonly tally: Tally;
  readonly setup: Tally;
  readonly peers: Peer[] = [];
  readonly bursts: number[] = [];
  readonly paced: number[] = [];
  connectMs = 0;
  admin!: Peer;
  server!: Server;

  constructor(readonly target: Target, readonly n: number) {
    this.tally = new Tally(target.marker);
    this.setup = new Tally(target.setupMarker);
  }

  /** Starts the server, connects the receivers (device-less backend clients keep their scopes on loopback, §4.2), then the trigger socket. */
  async open(): Promise<void> {
    this.server = await this.target.start();
    const onMessage = (ev: MessageEvent) => {
      this.tally.onMessage(ev.data as string);
      this.setup.onMessage(ev.data as string);
    };
    const t0 = performance.now();
    for (let i = 0; i < this.n; i += CONNECT_BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, this.n - i) }, () => connectedPeer(this.server.url, backendConnectParams(this.target.scopes))));
      for (const { peer } of batch) {
        peer.ws.onmessage = onMessage;
        this.peers.push(peer);
      }
    }
    this.connectMs = performance.now() - t0;
    this.admin = (await connectedPeer(this.server.url, backendConnectParams(["operator.admin"]))).peer;
    this.peers.push(this.admin);
  }

  /** Prepares `count` triggers and waits until the frames their setup broadcast have all arrived. */
  private async prepared(count: number): Promise<(() => void)[]> {
    const target = this.setup.count + (this.target.setupMarker ? this.n * count : 0);
    const senders = await this.target.prepare(this.server, this.admin, count);
    await this.setup.until(target);
    return senders;
  }

  async burst(): Promise<void> {
    const senders = await this.prepared(BURST);
    const target = this.tally.count + this.n * BURST;
    const start = performance.now();
    for (const send of senders) send();
    await this.tally.until(target);
    this.bursts.push((this.n * BURST) / ((performance.now() - start) / 1000));
  }

  async pace(): Promise<void> {
    for (const send of await this.prepared(PACED_EVENTS)) {
      const target = this.tally.count + this.n;
      const start = performance.now();
      send();
      await this.tally.until(target);
      this.paced.push(performance.now() - start);
    }
  }

  /** Every trigger reached every client exactly once: nothing extra arrives behind a round trip. */
  async check(): Promise<void> {
    await this.admin.request("health");
    const expected = this.n * (BURST * this.bursts.length + this.paced.length);
    if (this.tally.count !== expected) throw new Error(`${this.target.name} @${this.n}: counted ${this.tally.count} frames, expected ${expected}`);
  }

  async close(): Promise<void> {
    await this.server?.stop();
    for (const p of this.peers) if (!p.closed) p.ws.close();
  }
}

/** Runs the targets side by side with `n` clients each: bursts interleaved round by round, then paced events. */
async function runCase(targets: Target[], n: number): Promise<Live[]> {
  const lives = targets.map((t) => new Live(t, n));
  try {
    for (const live of lives) await live.open();
    for (let r = 0; r < BURST_ROUNDS; r++) for (const live of lives) await live.burst();
    for (const live of lives) await live.pace();
    for (const live of lives) await live.check();
    return lives;
  } finally {
    for (const live of lives) await live.close();
  }
}

/**
 * Bytes a presence case would push: every connect sends the list (one entry
 * longer per client) to every reader, then each trigger sends it to all.
 */
function predictedPresenceBytes(n: number, frame: (clients: number) => number): number {
  let storm = 0;
  for (let k = 1; k <= n; k++) storm += k * frame(k);
  return storm + n * frame(n) * (BURST * BURST_ROUNDS + PACED_EVENTS);
}

const rows: string[][] = [];
const metrics: Metric[] = [];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const fps = (v: number) => Math.round(v).toLocaleString("en-US");

function record(live: Live, note = ""): void {
  const burst = median(live.bursts);
  rows.push([live.target.name, String(live.n), fps(burst), fps(Math.min(...live.bursts)), fps(Math.max(...live.bursts)), `${quantile(live.paced, 0.5).toFixed(3)} ms`, kb(live.tally.lastBytes), `${live.connectMs.toFixed(0)} ms`, note]);
}

for (const n of SIZES) {
  const [gw, bare] = await runCase([pairing, floor], n);
  record(gw!);
  record(bare!);
  const ratio = median(gw!.bursts) / median(bare!.bursts);
  metrics.push({ name: `small event @${n} burst`, value: median(gw!.bursts), unit: "frames/s", ...(n === BUDGET_AT ? { budget: BUDGET } : {}), note: `device.pair.resolved, ${kb(gw!.tally.lastBytes)}; ${(ratio * 100).toFixed(0)}% of bare Bun publish` });
  if (n === BUDGET_AT) metrics.push({ name: `small event @${n}: gateway / bare Bun`, value: ratio, unit: "x", note: "side by side, same rounds" });
}

const presenceRuns: Live[] = [];
for (const n of SIZES) {
  if (presenceRuns.length >= 2) {
    const a = presenceRuns[0]!;
    const b = presenceRuns[presenceRuns.length - 1]!;
    const perClient = (b.tally.lastBytes - a.tally.lastBytes) / (b.n - a.n);
    const frame = (clients: number) => a.tally.lastBytes + perClient * (clients - a.n);
    const predicted = predictedPresenceBytes(n, frame);
    if (predicted > STORM_BYTES_CAP) {
      const note = `not run: ${kb(frame(n))} frames, ~${(predicted / 1e9).toFixed(0)} GB to connect ${n} readers and trigger`;
      rows.push([presence.name, String(n), "skipped", "", "", "", `${kb(frame(n))} (predicted)`, "", note]);
      metrics.push({ name: `presence @${n} burst`, value: NaN, unit: "frames/s", ...(n === BUDGET_AT ? { budget: BUDGET } : {}), note });
      continue;
    }
  }
  const [live] = await runCase([presence], n);
  presenceRuns.push(live!);
  record(live!);
  metrics.push({ name: `presence @${n} burst`, value: median(live!.bursts), unit: "frames/s", ...(n === BUDGET_AT ? { budget: BUDGET } : {}), note: `${kb(live!.tally.lastBytes)} frame; connecting ${n} took ${live!.connectMs.toFixed(0)} ms` });
}

console.log(table(["path", "clients", "burst frames/s (median)", "min", "max", "paced p50/event", "frame", "connect all", "note"], rows));
report({ scenario: "fan-out (clients in this process, servers in child processes)", metrics });
