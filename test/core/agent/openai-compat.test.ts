/**
 * The OpenAI-compatible provider against a real local SSE server: request
 * shaping (compat flags, sampling, tools), streamed text and tool calls,
 * timeouts and aborts that close the upstream connection, and failures.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ProviderError } from "../../../core/agent/failures.ts";
import { OpenAiCompatProvider, requestBody, type CompatFlags } from "../../../core/agent/openai-compat.ts";
import type { TurnChunk, TurnRequest } from "../../../core/agent/provider.ts";
import { startUpstream, type FakeUpstream } from "../../harness/openai-upstream.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startUpstream({
    hello: { pieces: ["Hel", "lo"], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
    slow: { pieces: ["a", "b", "c"], delayMs: 400 },
    held: { pieces: ["x"], hold: true },
    tools: { toolCalls: [{ id: "call_9", name: "lookup", arguments: '{"q":"a"}' }] },
    plain: { error: { status: 502, body: "<html>bad gateway</html>" } },
  });
});
afterAll(() => upstream.stop());

function provider(opts: { timeoutMs?: number; compat?: CompatFlags; baseUrl?: string } = {}): OpenAiCompatProvider {
  return new OpenAiCompatProvider({ id: "up", baseUrl: opts.baseUrl ?? `${upstream.baseUrl}/`, apiKey: "k", timeoutMs: opts.timeoutMs ?? 5000, compat: () => opts.compat ?? {} });
}

function turn(model: string, signal = new AbortController().signal): TurnRequest {
  return { model, messages: [{ role: "user", content: "hi" }], signal, purpose: "chat" };
}

async function drain(p: OpenAiCompatProvider, req: TurnRequest): Promise<TurnChunk[]> {
  const out: TurnChunk[] = [];
  for await (const c of p.stream(req)) out.push(c);
  return out;
}

describe("streaming", () => {
  test("text deltas, then done with stop reason and usage", async () => {
    expect(await drain(provider(), turn("hello"))).toEqual([
      { type: "delta", text: "Hel" },
      { type: "delta", text: "lo" },
      { type: "done", stopReason: "stop", usage: { input: 3, output: 2, total: 5 }, toolCalls: undefined },
    ]);
    // A trailing slash on baseUrl is tolerated; the key goes as a bearer.
    expect(upstream.requests.at(-1)!.headers.get("authorization")).toBe("Bearer k");
  });

  test("streamed tool-call fragments are joined into calls", async () => {
    const chunks = await drain(provider(), turn("tools"));
    expect(chunks.at(-1)).toEqual({ type: "done", stopReason: "tool_calls", usage: { input: 7, output: 0, total: 7 }, toolCalls: [{ id: "call_9", name: "lookup", arguments: '{"q":"a"}' }] });
  });
});

describe("stopping", () => {
  test("the provider timeout aborts the request; the server sees the disconnect", async () => {
    const error = await drain(provider({ timeoutMs: 150 }), turn("slow")).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.reason).toBe("timeout");
    await upstream.until(() => upstream.disconnects.includes("slow"));
  });

  test("the turn's signal aborts the request with the signal's reason", async () => {
    const controller = new AbortController();
    const stop = new Error("stop now");
    const seen: TurnChunk[] = [];
    const error = await (async () => {
      for await (const c of provider().stream(turn("held", controller.signal))) {
        seen.push(c);
        controller.abort(stop);
      }
    })().catch((e) => e);
    expect(error).toBe(stop);
    expect(seen).toEqual([{ type: "delta", text: "x" }]);
    await upstream.until(() => upstream.disconnects.includes("held"));
  });
});

describe("failures", () => {
  test("a non-JSON error body is kept as the raw text; status classifies", async () => {
    const error = await drain(provider(), turn("plain")).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect([error.reason, error.status, error.raw]).toEqual(["server_error", 502, "<html>bad gateway</html>"]);
  });

  test("an unknown model (404 from upstream) -> model_not_found", async () => {
    const error = await drain(provider(), turn("nope")).catch((e) => e);
    expect([error.reason, error.status, error.raw]).toEqual(["model_not_found", 404, "The model `nope` does not exist"]);
  });

  test("nothing listening -> a connection error, classified as timeout so the chain falls back", async () => {
    const probe = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = probe.port;
    probe.stop(true);
    const error = await drain(provider({ baseUrl: `http://127.0.0.1:${port}/v1` }), turn("hello")).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.reason).toBe("timeout");
    expect(error.raw).toStartWith("connection error:");
  });
});

describe("requestBody", () => {
  const base: TurnRequest = {
    model: "m",
    messages: [{ role: "system", content: "sys" }, { role: "user", content: "q" }, { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "f", arguments: "{}" }] }, { role: "tool", content: "r", toolCallId: "c1" }],
    signal: new AbortController().signal,
    purpose: "chat",
    sampling: { maxTokens: 5, temperature: 0.2, stop: ["END"] },
    tools: [{ name: "f", parameters: { type: "object" } }],
    toolChoice: "auto",
  };

  test("defaults: user text as parts, usage requested, sampling and tools forwarded", () => {
    expect(requestBody(base, {})).toEqual({
      model: "m",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: [{ type: "text", text: "q" }] },
        { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", content: "r", tool_call_id: "c1" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 5,
      temperature: 0.2,
      stop: ["END"],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: "auto",
    });
  });

  test("compat: string content, no tools, no usage request", () => {
    const body = requestBody(base, { requiresStringContent: true, supportsTools: false, supportsUsageInStreaming: false });
    expect(body.messages).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: "q" },
      { role: "assistant", content: "" },
      { role: "tool", content: "r", tool_call_id: "c1" },
    ]);
    expect(body.tools).toBeUndefined();
    expect(body.tool_choice).toBeUndefined();
    expect(body.stream_options).toBeUndefined();
  });
});
