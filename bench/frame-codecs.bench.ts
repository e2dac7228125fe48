/**
 * Scenario: JSON text against MessagePack binary frames (the `openclaw.msgpack`
 * subprotocol, docs/frame-codecs.md).
 *
 * In-process (mitata): decoding request frames and encoding a response per
 * codec; the JSON functions called directly against the same calls through
 * the codec object, which is what the connection path pays for the seam; the
 * Broadcaster building a presence broadcast for 4 view classes whose members
 * speak JSON only, MessagePack only, or both (the shared part serialized once
 * per codec in use, `seq` appended per class).
 *
 * Over sockets: a Bun gateway in a child process, 1,000 receivers in this
 * process speaking JSON, MessagePack, or half of each; bursts of `wake`
 * (heartbeats switched off) each send a `heartbeat` event to every receiver;
 * frames delivered per second (median of rounds, the codecs interleaved round
 * by round so they see the same machine noise).
 */
import { bench, do_not_optimize, summary } from "mitata";
import { decode, encode } from "@msgpack/msgpack";
import { Broadcaster } from "../core/events/broadcaster.ts";
import { jsonCodec, loadMsgpack, msgpackCodec, MSGPACK_SUBPROTOCOL, type FrameCodec } from "../core/protocol/codec.ts";
import { decodeFrame, encodeResult } from "../core/protocol/frames.ts";
import type { Connection } from "../core/runtime.ts";
import { startGatewayProcess, type GatewayProcess } from "./lib/gateway-process.ts";
import { runBenches, statsOf } from "./lib/mitata-run.ts";
import { median, report, table } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, type Peer } from "./lib/ws-peer.ts";

const healthReq = { type: "req", id: "2:6c1f0a52-9d43-4d0e-8a53-3f1c3c7b1a10", method: "health" };
const systemEventReq = { type: "req", id: "2:6c1f0a52-9d43-4d0e-8a53-3f1c3c7b1a11", method: "system-event", params: { text: "Node: bench · mode backend", host: "bench", instanceId: "bench", mode: "backend", tags: ["a", "b"] } };
await loadMsgpack();
const wire = { json: { health: JSON.stringify(healthReq), systemEvent: JSON.stringify(systemEventReq) }, msgpack: { health: encode(healthReq), systemEvent: encode(systemEventReq) } };

/** A health payload shaped like the gateway's (§6 `health`). */
const healthPayload = {
  ok: true, ts: Date.now(), durationMs: 0, plugins: { loaded: [], errors: [] }, configReload: { mode: "hybrid" }, channels: {}, channelOrder: [], channelLabels: {},
  heartbeatSeconds: 0, defaultAgentId: "main", agents: [{ agentId: "main", isDefault: true }], sessions: { count: 0 }, modelRuntime: { providers: [] }, eventLoop: { lagMs: 0, uptimeMs: 1234 },
};
const presenceEntry = (i: number) => ({ host: `host-${i}`, ip: "127.0.0.1", version: "2026.9.6", platform: "linux 6.1.0", deviceFamily: "Linux", mode: "ui", reason: "connect", roles: ["operator"], scopes: ["operator.read"], ts: Date.now() });
const presencePayload = { presence: [0, 1, 2, 3].map(presenceEntry) };
const stateVersion = { presence: 7, health: 3 };

/** A Broadcaster with members of `codecs` in 4 view classes, publishing into nothing. */
function broadcasterOf(codecs: FrameCodec[]): Broadcaster {
  const b = new Broadcaster({ publish: (_topic, frame) => do_not_optimize(frame) });
  for (const codec of codecs) {
    const conn = { codec, subscribe() {}, unsubscribe() {} } as unknown as Connection;
    for (const view of [0, 1, 3, 15]) b.join(conn, view);
  }
  return b;
}
const jsonOnly = broadcasterOf([jsonCodec]);
const msgpackOnly = broadcasterOf([msgpackCodec]);
const both = broadcasterOf([jsonCodec, msgpackCodec]);

summary(() => {
  bench("decode health req, json", () => do_not_optimize(jsonCodec.decode(wire.json.health))).baseline();
  bench("decode health req, msgpack", () => do_not_optimize(msgpackCodec.decode(wire.msgpack.health)));
  bench("decode health req, decodeFrame direct", () => do_not_optimize(decodeFrame(wire.json.health)));
});
summary(() => {
  bench("decode system-event req, json", () => do_not_optimize(jsonCodec.decode(wire.json.systemEvent))).baseline();
  bench("decode system-event req, msgpack", () => do_not_optimize(msgpackCodec.decode(wire.msgpack.systemEvent)));
});
summary(() => {
  bench("encode health result, json", () => do_not_optimize(jsonCodec.encodeResult("2:6c1f0a52", healthPayload))).baseline();
  bench("encode health result, msgpack", () => do_not_optimize(msgpackCodec.encodeResult("2:6c1f0a52", healthPayload)));
  bench("encode health result, encodeResult direct", () => do_not_optimize(encodeResult("2:6c1f0a52", healthPayload)));
});
summary(() => {
  bench("broadcast presence to 4 classes, json members", () => do_not_optimize(jsonOnly.broadcast("presence", presencePayload, stateVersion))).baseline();
  bench("broadcast presence to 4 classes, msgpack members", () => do_not_optimize(msgpackOnly.broadcast("presence", presencePayload, stateVersion)));
  bench("broadcast presence to 4 classes, both codecs", () => do_not_optimize(both.broadcast("presence", presencePayload, stateVersion)));
});

const stats = await runBenches();
const p50 = (name: string) => statsOf(stats, name).p50;
// The seam's cost is a few ns inside hundreds: fastest samples compare it without the shared machine's noise.
const min = (name: string) => statsOf(stats, name).min;

// Over sockets.
type Mix = "json" | "msgpack" | "half";
const MIXES: Mix[] = ["json", "msgpack", "half"];
const RECEIVERS = 1000;
const BURST = 50;
const ROUNDS = 9;
const CONNECT_BATCH = 50;
const WAIT_MS = 30_000;
const MARKER = "heartbeat";

/** Counts heartbeat frames across every receiver of one gateway. */
class Tally {
  count = 0;
  private target = Infinity;
  private done?: () => void;

  onMessage(data: string | Buffer): void {
    // A byte search, so neither codec's receivers pay for decoding.
    if (data.indexOf(MARKER) === -1) return;
    if (++this.count >= this.target) this.done?.();
  }

  until(target: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    this.target = target;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.count}/${target} heartbeat frames after ${WAIT_MS} ms`)), WAIT_MS);
      this.done = () => {
        clearTimeout(timer);
        this.target = Infinity;
        resolve();
      };
    });
  }
}

/** A receiver speaking MessagePack: the handshake encoded by hand, frames only counted. */
async function msgpackReceiver(url: string, tally: Tally): Promise<WebSocket> {
  const ws = new WebSocket(url, [MSGPACK_SUBPROTOCOL]);
  // Bun also takes "nodebuffer": Buffers, whose indexOf searches bytes natively.
  ws.binaryType = "nodebuffer" as BinaryType;
  await new Promise<void>((resolve, reject) => {
    // The first frame is the challenge, the second hello-ok.
    ws.onmessage = () => {
      if (ws.protocol !== MSGPACK_SUBPROTOCOL) return reject(new Error(`subprotocol not answered: "${ws.protocol}"`));
      ws.send(encode({ type: "req", id: "c1", method: "connect", params: backendConnectParams([]) }));
      ws.onmessage = (hello) => {
        const res = decode(hello.data as Buffer) as { ok?: boolean; error?: unknown };
        if (!res.ok) return reject(new Error(`connect refused: ${JSON.stringify(res.error)}`));
        ws.onmessage = (frame) => tally.onMessage(frame.data as Buffer);
        resolve();
      };
    };
    ws.onerror = () => reject(new Error(`cannot open ${url}`));
  });
  return ws;
}

class Live {
  readonly tally = new Tally();
  readonly bursts: number[] = [];
  readonly sockets: WebSocket[] = [];
  gateway!: GatewayProcess;
  admin!: Peer;

  constructor(readonly mix: Mix) {}

  async open(): Promise<void> {
    this.gateway = await startGatewayProcess("bun");
    for (let i = 0; i < RECEIVERS; i += CONNECT_BATCH) {
      await Promise.all(Array.from({ length: CONNECT_BATCH }, async (_, k) => {
        const packed = this.mix === "msgpack" || (this.mix === "half" && (i + k) % 2 === 1);
        if (packed) this.sockets.push(await msgpackReceiver(this.gateway.url, this.tally));
        else {
          const { peer } = await connectedPeer(this.gateway.url, backendConnectParams([]));
          peer.ws.onmessage = (ev) => this.tally.onMessage(ev.data as string);
          this.sockets.push(peer.ws);
        }
      }));
    }
    this.admin = (await connectedPeer(this.gateway.url, backendConnectParams(["operator.admin"]))).peer;
    const off = await this.admin.request("set-heartbeats", { enabled: false });
    if (!off.ok) throw new Error(`set-heartbeats: ${JSON.stringify(off.error)}`);
  }

  async burst(): Promise<void> {
    const target = this.tally.count + RECEIVERS * BURST;
    const start = performance.now();
    for (let i = 0; i < BURST; i++) this.admin.fire("wake", { mode: "now", text: "codec-fanout" });
    await this.tally.until(target);
    this.bursts.push((RECEIVERS * BURST) / ((performance.now() - start) / 1000));
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.close();
    await this.admin?.close();
    await this.gateway?.stop();
  }
}

const lives = MIXES.map((mix) => new Live(mix));
try {
  for (const live of lives) await live.open();
  for (let r = 0; r < ROUNDS; r++) for (const live of lives) await live.burst();
} finally {
  for (const live of lives) await live.close();
}
const fps = (mix: Mix) => median(lives.find((l) => l.mix === mix)!.bursts);
console.log(table(["receivers", "frames/s (median)", "min", "max"], lives.map((l) => [
  `${RECEIVERS} ${l.mix === "half" ? "half json, half msgpack" : l.mix}`,
  Math.round(median(l.bursts)).toLocaleString("en-US"),
  Math.round(Math.min(...l.bursts)).toLocaleString("en-US"),
  Math.round(Math.max(...l.bursts)).toLocaleString("en-US"),
])));

report({
  scenario: "frame codecs (JSON, MessagePack)",
  metrics: [
    { name: "decode health req p50, json / msgpack", value: p50("decode health req, json"), unit: "ns", note: `msgpack ${p50("decode health req, msgpack").toFixed(0)} ns` },
    { name: "decode system-event req p50, json / msgpack", value: p50("decode system-event req, json"), unit: "ns", note: `msgpack ${p50("decode system-event req, msgpack").toFixed(0)} ns` },
    { name: "encode health result p50, json / msgpack", value: p50("encode health result, json"), unit: "ns", note: `msgpack ${p50("encode health result, msgpack").toFixed(0)} ns` },
    { name: "json through the codec / direct, decode", value: min("decode health req, json") / min("decode health req, decodeFrame direct"), unit: "x", note: "the seam's dispatch cost; min samples" },
    { name: "json through the codec / direct, encode", value: min("encode health result, json") / min("encode health result, encodeResult direct"), unit: "x", note: "min samples" },
    { name: "broadcast presence 4 classes p50, json", value: p50("broadcast presence to 4 classes, json members"), unit: "ns" },
    { name: "broadcast presence 4 classes, msgpack / json", value: p50("broadcast presence to 4 classes, msgpack members") / p50("broadcast presence to 4 classes, json members"), unit: "x" },
    { name: "broadcast presence 4 classes, both / json", value: p50("broadcast presence to 4 classes, both codecs") / p50("broadcast presence to 4 classes, json members"), unit: "x" },
    { name: `fan-out @${RECEIVERS} burst, json`, value: fps("json"), unit: "frames/s", note: "heartbeat" },
    { name: `fan-out @${RECEIVERS} burst, msgpack / json`, value: fps("msgpack") / fps("json"), unit: "x", note: "same rounds" },
    { name: `fan-out @${RECEIVERS} burst, half each / json`, value: fps("half") / fps("json"), unit: "x", note: "same rounds" },
  ],
});
