/**
 * Scenario: broadcast fan-out (spec §1.3, §7). One event offered to 1, 100
 * and 1,000 connected clients; frames delivered per second, counted where
 * they arrive: in this process, which holds every client socket, while the
 * servers run in child processes (fresh ones per case).
 *
 * Paths, all real:
 * - small event: `wake {mode:"now"}` with heartbeats switched off
 *   (`set-heartbeats`) -> a `heartbeat` event to every authenticated client:
 *   a small frame and a trigger that touches no disk, so this path shows the
 *   fan-out machinery. Where the gateway does not emit it, the fallback is
 *   `device.pair.reject` -> `device.pair.resolved` to operator.pairing
 *   clients (each reject is a synchronous SQLite write, so its trigger cost
 *   shows up at small client counts). Each pending request is made by a
 *   device connect carrying a browser Origin, never approved silently (§4.4).
 * - the floor, side by side with it in the same rounds: a bare Bun server
 *   (lib/floor-server.ts) publishing a frame of the same size natively.
 * - `presence` is not a fan-out case: the gateway paces its snapshots (latest
 *   state wins, core/events/pacer.ts), so a burst of triggers reaches each
 *   reader as one or two frames by design; bench/reconnect-storm.ts measures
 *   what presence costs.
 *
 * Burst: BURST triggers sent back to back, timed from the first send to the
 * last frame counted (median of rounds). Paced: one trigger, wait until every
 * client got it (p50 per event).
 * Bun against Node: device.pair.resolved runs on both shims side
 * by side in the same rounds (the Node gateway: ws, per-topic sets); the
 * figures end with Node / Bun ratios. The heartbeat path is measured on Bun
 * only, against its floor (on Node a burst of wakes coalesces, see below).
 * Budget (Bun): >= 500k frames/s at 1,000 clients.
 */
import { newDeviceKey, signedDevice } from "./lib/device-key.ts";
import { BENCH_TOKEN, startFloorProcess, startGatewayProcess, type GatewayRuntime } from "./lib/gateway-process.ts";
import { median, quantile, report, table, type Metric } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, Peer } from "./lib/ws-peer.ts";

const SIZES = [1, 100, 1000];
const BURST = 50; // below the gateway's 64 pending pairing requests
const BURST_ROUNDS = 11;
const PACED_EVENTS = 30;
const CONNECT_BATCH = 50;
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

  /** Resolves once `count` reached `target`; rejects after `ms`. */
  until(target: number, ms = WAIT_MS): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    this.target = target;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.marker}: ${this.count}/${target} frames after ${ms} ms`)), ms);
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
  /** The shim, for gateway targets; undefined for the bare floor. */
  runtime?: GatewayRuntime;
  /** Text that only frames caused by this target's triggers carry. */
  marker: string;
  /** Text of frames the setup itself broadcasts, waited for before the clock starts. */
  setupMarker?: string;
  /** Receivers' scopes: they decide which events reach them (§7). */
  scopes: string[];
  start(): Promise<Server>;
  /** Once, after every client is connected: switches the gateway into the state the triggers need. */
  init?(admin: Peer): Promise<void>;
  /** Does the setup `count` triggers need; returns one sender per trigger. */
  prepare(server: Server, admin: Peer, count: number): Promise<(() => void)[]>;
}

/** The small event's path is missing from this gateway build. */
class PathUnavailable extends Error {}

const RUNTIMES: GatewayRuntime[] = ["bun", "node"];

const heartbeatOn = (runtime: GatewayRuntime): Target => ({
  name: `${runtime} gateway heartbeat (wake)`,
  runtime,
  marker: '"event":"heartbeat"',
  scopes: [],
  start: () => startGatewayProcess(runtime),
  async init(admin) {
    const off = await admin.request("set-heartbeats", { enabled: false });
    if (!off.ok) throw new PathUnavailable(`set-heartbeats: ${JSON.stringify(off.error)}`);
  },
  async prepare(_server, admin, count) {
    return Array.from({ length: count }, () => () => admin.fire("wake", { mode: "now", text: "fanout" }));
  },
});

const pairingOn = (runtime: GatewayRuntime): Target => ({
  name: `${runtime} gateway device.pair.resolved`,
  runtime,
  marker: '"event":"device.pair.resolved"',
  setupMarker: '"event":"device.pair.requested"',
  scopes: ["operator.pairing"],
  start: () => startGatewayProcess(runtime),
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
});

/** Same event name and payload fields (so the same frame size) as the gateway's, published natively. */
const FLOOR_PAYLOADS: Record<string, () => unknown> = {
  heartbeat: () => ({ ts: Date.now(), status: "skipped", reason: "disabled", durationMs: 0, sessionKey: "agent:main:main" }),
  "device.pair.resolved": () => ({ requestId: crypto.randomUUID(), deviceId: "f".repeat(64), decision: "rejected", ts: Date.now() }),
};

function floorFor(like: Target): Target {
  const event = /"event":"([^"]+)"/.exec(like.marker)![1]!;
  return {
    name: "bare Bun publish, same frame",
    marker: like.marker,
    scopes: [],
    start: () => startFloorProcess(),
    async prepare(_server, admin, count) {
      return Array.from({ length: count }, () => () => admin.fire("bench.publish", { event, payload: FLOOR_PAYLOADS[event]!() }));
    },
  };
}

/** One target with `n` receivers connected and its trigger socket. */
class Live {
  readonly tally: Tally;
  readonly setup: Tally;
  readonly peers: Peer[] = [];
  readonly bursts: number[] = [];
  readonly paced: number[] = [];
  connectMs = 0;
  /** Size of the last receiver's hello-ok: it carries the presence snapshot (§2.4). */
  helloBytes = 0;
  /** Frames counted before the measured rounds (the probe). */
  private base = 0;
  /** Size of the last counted frame when the measured rounds ended (frames after that, e.g. while stopping, are not part of the case). */
  frameBytes = 0;
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
      for (const { peer, hello } of batch) {
        peer.ws.onmessage = onMessage;
        this.peers.push(peer);
        this.helloBytes = JSON.stringify(hello).length;
      }
    }
    this.connectMs = performance.now() - t0;
    this.admin = (await connectedPeer(this.server.url, backendConnectParams(["operator.admin"]))).peer;
    this.peers.push(this.admin);
    await this.target.init?.(this.admin);
    // Probe: one trigger must reach every client, else this gateway lacks the path.
    const [probe] = await this.prepared(1);
    probe!();
    await this.tally.until(this.n, 3000).catch((error) => {
      throw new PathUnavailable(`${this.target.name}: ${error.message}`);
    });
    this.base = this.tally.count;
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
    const expected = this.base + this.n * (BURST * this.bursts.length + this.paced.length);
    if (this.tally.count !== expected) throw new Error(`${this.target.name} @${this.n}: counted ${this.tally.count} frames, expected ${expected}`);
    this.frameBytes = this.tally.lastBytes;
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

const rows: string[][] = [];
const metrics: Metric[] = [];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const fps = (v: number) => Math.round(v).toLocaleString("en-US");

function record(live: Live, note = ""): void {
  const burst = median(live.bursts);
  rows.push([live.target.name, String(live.n), fps(burst), fps(Math.min(...live.bursts)), fps(Math.max(...live.bursts)), `${quantile(live.paced, 0.5).toFixed(3)} ms`, kb(live.frameBytes), `${live.connectMs.toFixed(0)} ms`, live.target.runtime ? kb(live.helloBytes) : "", note]);
}

/** Node's burst median over Bun's for one case (> 1: Node delivers more frames per second). */
function nodeOverBun(lives: Live[]): number {
  const of = (runtime: GatewayRuntime) => median(lives.find((l) => l.target.runtime === runtime)!.bursts);
  return of("node") / of("bun");
}

const ratios: Metric[] = [];
let small = heartbeatOn("bun");
for (const n of SIZES) {
  let lives: Live[];
  try {
    lives = await runCase([small, floorFor(small)], n);
  } catch (error) {
    if (!(error instanceof PathUnavailable) || small.marker !== heartbeatOn("bun").marker) throw error;
    console.log(`(${error.message}; falling back to device.pair.resolved)`);
    small = pairingOn("bun");
    lives = await runCase([small, floorFor(small)], n);
  }
  const [gw, bare] = lives;
  record(gw!);
  record(bare!);
  const ratio = median(gw!.bursts) / median(bare!.bursts);
  const event = /"event":"([^"]+)"/.exec(small.marker)![1];
  metrics.push({ name: `small event @${n} burst`, value: median(gw!.bursts), unit: "frames/s", ...(n === BUDGET_AT ? { budget: BUDGET } : {}), note: `${event}, ${kb(gw!.frameBytes)}; ${(ratio * 100).toFixed(0)}% of bare Bun publish` });
  if (n === BUDGET_AT) metrics.push({ name: `small event @${n}: gateway / bare Bun`, value: ratio, unit: "x", note: "burst medians, same rounds" });
}

// Bun against Node on device.pair.resolved: one synchronous trigger per event on both shims. A wake
// burst is no fair comparison: concurrent wakes share one heartbeat turn, and Node dispatches all
// frames of one TCP read before their turns run, so there a burst of wakes coalesces.
for (const n of SIZES) {
  const lives = await runCase(RUNTIMES.map(pairingOn), n);
  for (const live of lives) record(live);
  const [bun, node] = lives;
  ratios.push({ name: `device.pair.resolved @${n}: Node / Bun burst`, value: nodeOverBun(lives), unit: "x", note: `${fps(median(node!.bursts))} vs ${fps(median(bun!.bursts))} frames/s; paced p50 ${quantile(node!.paced, 0.5).toFixed(3)} vs ${quantile(bun!.paced, 0.5).toFixed(3)} ms` });
}

console.log(table(["path", "clients", "burst frames/s (median)", "min", "max", "paced p50/event", "frame", "connect all", "last hello", "note"], rows));
report({ scenario: "fan-out (clients in this process, servers in child processes)", metrics: [...metrics, ...ratios] });
