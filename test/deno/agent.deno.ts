/**
 * The agent runtime's core modules under Deno, unchanged: schedules through
 * croner, the SSE reader, the embedded agent, and the OpenAI-compatible
 * provider streaming from a Deno.serve SSE server and aborting it.
 */
import * as assert from "./assert.ts";
import { EmbeddedProvider } from "../../core/agent/embedded.ts";
import { classifyHttpFailure, ProviderError } from "../../core/agent/failures.ts";
import { OpenAiCompatProvider } from "../../core/agent/openai-compat.ts";
import type { TurnChunk } from "../../core/agent/provider.ts";
import { sseData } from "../../core/agent/sse.ts";
import { nextRunAfter, parseDuration } from "../../core/scheduler/schedule.ts";
import { canonicalSessionKey } from "../../core/sessions/keys.ts";

Deno.test("schedules: durations, every grid, cron with a time zone (croner)", () => {
  assert.equal(parseDuration("30m"), 1_800_000);
  const now = Date.UTC(2026, 10, 23, 12);
  assert.equal(nextRunAfter({ kind: "every", everyMs: 1000 }, now, now - 2500), now + 500);
  assert.equal(nextRunAfter({ kind: "cron", expr: "0 9 * * *", tz: "America/New_York" }, now, now), Date.UTC(2026, 10, 23, 14));
  assert.equal(canonicalSessionKey("main", "main"), "agent:main:main");
});

Deno.test("SSE reader and failure classification", async () => {
  const body = new Response("data: a\r\n\r\ndata: b\n\n").body!;
  const out: string[] = [];
  for await (const d of sseData(body)) out.push(d);
  assert.equal(out, ["a", "b"]);
  assert.equal(classifyHttpFailure(429, "Rate limit reached"), "rate_limit");
});

Deno.test("embedded agent streams a reply that keeps context", async () => {
  let text = "";
  const messages = [{ role: "user" as const, content: "My name is Ada" }, { role: "assistant" as const, content: "…" }, { role: "user" as const, content: "What is my name?" }];
  for await (const c of new EmbeddedProvider().stream({ model: "embedded", messages, signal: new AbortController().signal, purpose: "chat" })) if (c.type === "delta") text += c.text;
  assert.ok(text.startsWith("Your name is Ada."), text);
});

Deno.test("OpenAI-compatible provider: SSE over Deno's fetch, errors, and an abort that closes the stream", async () => {
  const encoder = new TextEncoder();
  let cancelled = false;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const { model } = await req.json();
    if (model === "limited") return Response.json({ error: { message: "Rate limit reached" } }, { status: 429 });
    const chunk = (content: string) => encoder.encode(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk("hel"));
        controller.enqueue(chunk("lo"));
        if (model === "held") return;
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    return new Response(stream, { headers: { "Content-Type": "text/event-stream" } });
  });
  try {
    const provider = new OpenAiCompatProvider({ id: "deno", baseUrl: `http://127.0.0.1:${server.addr.port}/v1`, timeoutMs: 5000, compat: () => ({}) });
    const turn = (model: string, signal = new AbortController().signal) => ({ model, messages: [{ role: "user" as const, content: "hi" }], signal, purpose: "chat" as const });
    const chunks: TurnChunk[] = [];
    for await (const c of provider.stream(turn("ok"))) chunks.push(c);
    assert.equal(chunks.filter((c) => c.type === "delta").map((c) => (c as { text: string }).text), ["hel", "lo"]);
    await assert.rejects((async () => {
      for await (const _ of provider.stream(turn("limited")));
    })(), /Rate limit reached/);
    const error = await (async () => {
      for await (const _ of provider.stream(turn("limited")));
    })().catch((e) => e);
    assert.ok(error instanceof ProviderError && error.reason === "rate_limit");
    const controller = new AbortController();
    await assert.rejects((async () => {
      for await (const c of provider.stream(turn("held", controller.signal))) if (c.type === "delta") controller.abort(new Error("stop"));
    })(), /stop/);
    for (let i = 0; i < 100 && !cancelled; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cancelled, "the server saw the stream cancelled");
  } finally {
    await server.shutdown();
  }
});
