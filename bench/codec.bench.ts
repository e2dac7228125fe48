/**
 * Scenario: the frame codec on the hot path, in-process (spec §1.2, §1.3):
 * decoding request frames, encoding responses, and building broadcast frames
 * in the Broadcaster (shared head serialized once, `seq` appended per view
 * class), next to a plain whole-frame JSON.stringify as the reference.
 */
import { bench, do_not_optimize, summary } from "mitata";
import { Broadcaster } from "../core/events/broadcaster.ts";
import { decodeFrame, encodeEvent, encodeResult } from "../core/protocol/frames.ts";
import type { Connection } from "../core/runtime.ts";
import { runBenches, statsOf } from "./lib/mitata-run.ts";
import { report } from "./lib/report.ts";

const healthReq = JSON.stringify({ type: "req", id: "2:6c1f0a52-9d43-4d0e-8a53-3f1c3c7b1a10", method: "health" });
const systemEventReq = JSON.stringify({ type: "req", id: "2:6c1f0a52-9d43-4d0e-8a53-3f1c3c7b1a11", method: "system-event", params: { text: "Node: bench · mode backend", host: "bench", instanceId: "bench", mode: "backend", tags: ["a", "b"] } });
const badReq = JSON.stringify({ type: "req", id: "x", method: "health", bogus: 1 });

/** A health payload shaped like the gateway's (§6 `health`). */
const healthPayload = {
  ok: true, ts: Date.now(), durationMs: 0, plugins: { loaded: [], errors: [] }, configReload: { mode: "hybrid" }, channels: {}, channelOrder: [], channelLabels: {},
  heartbeatSeconds: 0, defaultAgentId: "main", agents: [{ agentId: "main", isDefault: true }], sessions: { count: 0 }, modelRuntime: { providers: [] }, eventLoop: { lagMs: 0, uptimeMs: 1234 },
};
const presenceEntry = (i: number) => ({ host: `host-${i}`, ip: "127.0.0.1", version: "2026.9.6", platform: "linux 6.1.0", deviceFamily: "Linux", mode: "ui", reason: "connect", roles: ["operator"], scopes: ["operator.read"], ts: Date.now() });
const presencePayload = { presence: [0, 1, 2, 3].map(presenceEntry) };
const stateVersion = { presence: 7, health: 3 };

/** Broadcaster with one member per view class and a publisher that only keeps the last frame. */
function broadcasterWith(views: number[]): { b: Broadcaster; last: () => string } {
  let frame = "";
  // Members without a codec speak JSON: every frame is text.
  const b = new Broadcaster({ publish: (_topic, text) => { frame = text as string; } });
  const conn = { subscribe() {}, unsubscribe() {} } as unknown as Connection;
  for (const v of views) b.join(conn, v);
  return { b, last: () => frame };
}
const oneClass = broadcasterWith([1]);
const fourClasses = broadcasterWith([0, 1, 3, 15]);
let seq = 0;

summary(() => {
  bench("decodeFrame health req", () => do_not_optimize(decodeFrame(healthReq))).baseline();
  bench("decodeFrame system-event req", () => do_not_optimize(decodeFrame(systemEventReq)));
  bench("decodeFrame bad req (extra key)", () => do_not_optimize(decodeFrame(badReq)));
});
summary(() => {
  bench("encodeResult health", () => do_not_optimize(encodeResult("2:6c1f0a52", healthPayload))).baseline();
  bench("encodeResult {ok:true}", () => do_not_optimize(encodeResult("2:6c1f0a52", { ok: true })));
});
summary(() => {
  bench("Broadcaster presence, 1 view class", () => do_not_optimize(oneClass.b.broadcast("presence", presencePayload, stateVersion))).baseline();
  bench("Broadcaster presence, 4 view classes", () => do_not_optimize(fourClasses.b.broadcast("presence", presencePayload, stateVersion)));
  bench("Broadcaster tick, 4 view classes", () => do_not_optimize(fourClasses.b.broadcast("tick", { ts: 1795350617911 })));
  bench("encodeEvent presence (whole-frame stringify)", () => do_not_optimize(encodeEvent("presence", presencePayload, ++seq, stateVersion)));
});

// The Broadcaster frame must be what a whole-frame stringify gives, modulo key order.
oneClass.b.broadcast("presence", presencePayload, stateVersion);
const built = JSON.parse(oneClass.last());
if (built.event !== "presence" || typeof built.seq !== "number" || built.payload.presence.length !== 4) throw new Error(`unexpected broadcast frame: ${oneClass.last().slice(0, 200)}`);

const stats = await runBenches();
const p50 = (name: string) => statsOf(stats, name).p50;
const oneView = p50("Broadcaster presence, 1 view class");
report({
  scenario: "codec (in-process)",
  metrics: [
    { name: "decodeFrame health req p50", value: p50("decodeFrame health req"), unit: "ns" },
    { name: "decodeFrame system-event req p50", value: p50("decodeFrame system-event req"), unit: "ns" },
    { name: "encodeResult health p50", value: p50("encodeResult health"), unit: "ns" },
    { name: "Broadcaster presence 1 class p50", value: oneView, unit: "ns" },
    { name: "Broadcaster presence 4 classes p50", value: p50("Broadcaster presence, 4 view classes"), unit: "ns" },
    { name: "Broadcaster / whole-frame stringify", value: oneView / p50("encodeEvent presence (whole-frame stringify)"), unit: "x", note: "1 class; < 1 means cheaper" },
  ],
});
