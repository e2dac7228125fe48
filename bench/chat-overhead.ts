/**
 * Scenario: what the gateway adds between `chat.send` and the first `chat`
 * delta (spec §6, §7), beyond the model's own first-token time. The gateway
 * is the real CLI in a child process, configured with an OpenAI-compatible
 * provider that points at a local SSE server in this process; that server
 * answers every request with its first token at once.
 * - gateway: `chat.send` sent -> first `chat` delta received (a fresh session
 *   per sample, so nothing queues);
 * - upstream alone: the same streaming request made directly from this
 *   process -> first content chunk parsed.
 * Samples interleave in rounds (mitata measure, one sample per call); every
 * sample waits for its run to end, and only the first-token times count.
 * Budget: overhead (gateway p50 minus upstream p50) < 1 ms.
 */
import { localModelConfig, startGatewayProcess } from "./lib/gateway-process.ts";
import { compareLatency } from "./lib/mitata-run.ts";
import { quantile, report } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, type Frame } from "./lib/ws-peer.ts";

const PIECES = ["The", " first", " token", " is", " here."];
const encoder = new TextEncoder();

/** A minimal OpenAI-style SSE server: role chunk, five content chunks, finish, [DONE]. */
const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = await req.json();
    const frame = (choices: unknown[]) => `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: body.model, choices })}\n\n`;
    let text = frame([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    for (const p of PIECES) text += frame([{ index: 0, delta: { content: p }, finish_reason: null }]);
    text += frame([{ index: 0, delta: {}, finish_reason: "stop" }]) + "data: [DONE]\n\n";
    return new Response(encoder.encode(text), { headers: { "Content-Type": "text/event-stream" } });
  },
});
const baseUrl = `http://127.0.0.1:${upstream.port}/v1`;

const gateway = await startGatewayProcess("bun", [], localModelConfig(baseUrl, "fast"));

try {
  const { port } = gateway;
  const waiting = new Map<string, { delta: (t: number) => void; end: () => void }>();
  const onEvent = (f: Frame) => {
    if (f.event !== "chat") return;
    const w = waiting.get(f.payload.runId);
    if (!w) return;
    if (f.payload.state === "delta") w.delta(performance.now());
    else if (f.payload.state === "final" || f.payload.state === "error") {
      if (f.payload.state === "error") throw new Error(`run failed: ${f.payload.errorMessage}`);
      waiting.delete(f.payload.runId);
      w.end();
    }
  };
  const { peer } = await connectedPeer(`ws://127.0.0.1:${port}`, backendConnectParams(["operator.admin"]), onEvent);

  const gatewayFirst: number[] = [];
  const upstreamFirst: number[] = [];
  let n = 0;

  /** chat.send -> first delta; resolves once the run ended. */
  const viaGateway = async () => {
    const runId = `bench-${++n}`;
    let first = 0;
    const ended = new Promise<void>((resolve) => waiting.set(runId, { delta: (t) => (first ||= t), end: resolve }));
    const t0 = performance.now();
    peer.fire("chat.send", { sessionKey: `bench-${n}`, message: "go", idempotencyKey: runId });
    await ended;
    gatewayFirst.push(first - t0);
  };

  /** The same request straight to the upstream -> first content chunk; resolves at the end of the body. */
  const direct = async () => {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "fast", messages: [{ role: "user", content: [{ type: "text", text: "go" }] }], stream: true, stream_options: { include_usage: true } }),
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    let first = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      seen += decoder.decode(r.value, { stream: true });
      if (!first && seen.includes('"content":"The"')) first = performance.now();
    }
    upstreamFirst.push(first - t0);
  };

  // Warm both paths (JIT, connection pools, SQLite pages) before measuring.
  for (let i = 0; i < 50; i++) {
    await viaGateway();
    await direct();
  }
  gatewayFirst.length = 0;
  upstreamFirst.length = 0;
  await compareLatency([
    { name: "chat.send -> run end (gateway)", fn: viaGateway },
    { name: "same request -> body end (upstream direct)", fn: direct },
  ], { rounds: 5, cpuMsPerRound: 300 });

  const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
  const g = sorted(gatewayFirst);
  const u = sorted(upstreamFirst);
  const gP50 = quantile(g, 0.5);
  const uP50 = quantile(u, 0.5);
  report({
    scenario: "chat.send -> first chat delta (gateway in a child process, local OpenAI SSE upstream)",
    metrics: [
      { name: "gateway overhead p50", value: gP50 - uP50, unit: "ms", budget: { op: "<", limit: 1 }, note: "first delta via gateway p50 minus upstream first token p50" },
      { name: "first delta via gateway p50", value: gP50, unit: "ms", note: `${g.length} samples` },
      { name: "first delta via gateway p99", value: quantile(g, 0.99), unit: "ms" },
      { name: "upstream first token p50", value: uP50, unit: "ms", note: `${u.length} samples, direct from this process` },
      { name: "upstream first token p99", value: quantile(u, 0.99), unit: "ms" },
    ],
  });
  await peer.close();
} finally {
  await gateway.stop();
  upstream.stop(true);
}
