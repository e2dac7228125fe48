/**
 * Scenario: what the gateway adds to one tool round trip of the agent loop,
 * beyond the tool's own time. The gateway is the real CLI in a child process
 * with an OpenAI-compatible provider pointing at a local SSE server in this
 * process. That server answers a turn's first request with one streamed
 * `tool_calls` chunk for `cron {action: "status"}` (a store read of a few
 * microseconds: the nearest thing to a tool with no time of its own) and the
 * follow-up request with the final text. The tool call comes after 20 ms of
 * "model time", so the run's own first commit is not inside the gap.
 * - gateway: the upstream's clock from handing over the tool-call response to
 *   receiving the follow-up request carrying the tool result: SSE parse, tool
 *   policy and dispatch, `tool` events, the next request's build and send
 *   (the round's transcript commit overlaps that request);
 * - floor: the same exchange driven by this process directly (fetch, read
 *   the SSE, post the follow-up), i.e. any client's cost for the round trip.
 * Samples interleave in rounds (mitata measure, one run per call).
 */
import { localModelConfig, startGatewayProcess } from "./lib/gateway-process.ts";
import { compareLatency } from "./lib/mitata-run.ts";
import { quantile, report } from "./lib/report.ts";
import { backendConnectParams, connectedPeer, type Frame } from "./lib/ws-peer.ts";

const encoder = new TextEncoder();
const MODEL_MS = 20;
const frame = (model: string, choices: unknown[]) => `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model, choices })}\n\n`;

/** Per sample: when the tool-call response was handed over, keyed by the sample's marker. */
const handedOver = new Map<string, number>();
const gatewayGaps: number[] = [];
const floorGaps: number[] = [];

const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const arrived = performance.now();
    const body = await req.json();
    const messages: any[] = body.messages;
    const marker = JSON.stringify(messages.find((m) => m.role === "user")?.content ?? "");
    let text = frame(body.model, [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    if (messages.at(-1)?.role === "tool") {
      const gap = arrived - handedOver.get(marker)!;
      (marker.includes("floor-") ? floorGaps : gatewayGaps).push(gap);
      text += frame(body.model, [{ index: 0, delta: { content: "done" }, finish_reason: null }]);
      text += frame(body.model, [{ index: 0, delta: {}, finish_reason: "stop" }]);
    } else {
      // Model time: the run's first commit (made while its first request is out) is over before the
      // tool call arrives, as with any real model, so it does not fall into the measured gap.
      await Bun.sleep(MODEL_MS);
      text += frame(body.model, [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "cron", arguments: '{"action":"status"}' } }] }, finish_reason: null }]);
      text += frame(body.model, [{ index: 0, delta: {}, finish_reason: "tool_calls" }]);
    }
    text += "data: [DONE]\n\n";
    const response = new Response(encoder.encode(text), { headers: { "Content-Type": "text/event-stream" } });
    if (messages.at(-1)?.role !== "tool") handedOver.set(marker, performance.now());
    return response;
  },
});
const baseUrl = `http://127.0.0.1:${upstream.port}/v1`;

const gateway = await startGatewayProcess("bun", [], localModelConfig(baseUrl, "tools"));

try {
  const { port } = gateway;
  const waiting = new Map<string, () => void>();
  const onEvent = (f: Frame) => {
    if (f.event !== "chat" || !["final", "error"].includes(f.payload.state)) return;
    if (f.payload.state === "error") throw new Error(`run failed: ${f.payload.errorMessage}`);
    waiting.get(f.payload.runId)?.();
    waiting.delete(f.payload.runId);
  };
  const { peer } = await connectedPeer(`ws://127.0.0.1:${port}`, backendConnectParams(["operator.admin"]), onEvent);
  let n = 0;

  /** One agent turn with one tool round; a fresh session each, so nothing queues or grows. */
  const viaGateway = async () => {
    const runId = `bench-${++n}`;
    const ended = new Promise<void>((resolve) => waiting.set(runId, resolve));
    peer.fire("chat.send", { sessionKey: `bench-${n}`, message: `gateway-${n}`, idempotencyKey: runId });
    await ended;
  };

  /** The same exchange from this process: read the tool call off the stream, post the follow-up. */
  const floor = async () => {
    const user = { role: "user", content: [{ type: "text", text: `floor-${++n}` }] };
    const post = (messages: unknown[]) => fetch(`${baseUrl}/chat/completions`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ model: "tools", messages, stream: true }),
    });
    const first = await (await post([user])).text();
    const call = JSON.parse(first.split("\n\n").find((l) => l.includes("tool_calls"))!.slice(6)).choices[0].delta.tool_calls[0];
    await (await post([user, { role: "assistant", content: "", tool_calls: [call] }, { role: "tool", content: '{"enabled":true}', tool_call_id: call.id }])).text();
  };

  for (let i = 0; i < 40; i++) {
    await viaGateway();
    await floor();
  }
  gatewayGaps.length = 0;
  floorGaps.length = 0;
  await compareLatency([
    { name: "agent turn with one tool round (gateway)", fn: viaGateway },
    { name: "same two requests from this process (floor)", fn: floor },
  ], { rounds: 5, cpuMsPerRound: 300 });

  const g = [...gatewayGaps].sort((a, b) => a - b);
  const f = [...floorGaps].sort((a, b) => a - b);
  report({
    scenario: "tool round trip: tool_calls handed over -> follow-up request with the result (gateway in a child process, local OpenAI SSE upstream)",
    metrics: [
      { name: "gateway tool round trip p50", value: quantile(g, 0.5), unit: "ms", note: `${g.length} samples; includes cron status's own few µs` },
      { name: "gateway tool round trip p25", value: quantile(g, 0.25), unit: "ms" },
      { name: "gateway tool round trip p99", value: quantile(g, 0.99), unit: "ms" },
      { name: "floor (direct client) p50", value: quantile(f, 0.5), unit: "ms", note: `${f.length} samples` },
      { name: "gateway overhead over the floor p50", value: quantile(g, 0.5) - quantile(f, 0.5), unit: "ms" },
    ],
  });
  await peer.close();
} finally {
  await gateway.stop();
  upstream.stop(true);
}
