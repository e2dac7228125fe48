/**
 * A local model server speaking OpenAI's real streaming protocol over real
 * sockets (Bun.serve on port 0): `POST /v1/chat/completions` answers with
 * SSE chunks exactly as api.openai.com frames them. Each model id follows a
 * script (text pieces, pacing, an HTTP error, or a stream held open, or a
 * function of the request that picks one per request: a model that calls
 * tools and then answers from their results), and the server records every
 * request body and every client disconnect.
 */
import type { Server } from "bun";

export interface ModelScript {
  /** Content pieces, one chunk each. */
  pieces?: string[];
  /** Pause before each piece. */
  delayMs?: number;
  /** Answer with this HTTP status and body instead of a stream. */
  error?: { status: number; body: unknown };
  /** Hold each request before its pieces until `release(model)` lets one through (an explicit release, not a delay). */
  gated?: boolean;
  /** After the pieces, keep the stream open until the client goes away. */
  hold?: boolean;
  /** Streamed tool calls to send after the pieces (finish_reason "tool_calls"). */
  toolCalls?: { id: string; name: string; arguments: string }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** A model whose answer depends on the request (e.g. tool calls first, then text built from the `tool` messages). */
export type ModelBehaviour = ModelScript | ((body: any) => ModelScript);

export interface UpstreamRequest {
  model: string;
  body: any;
  headers: Headers;
}

export interface FakeUpstream {
  url: string;
  /** `models.providers.<id>.baseUrl` for this server. */
  baseUrl: string;
  requests: UpstreamRequest[];
  /** Streams the client abandoned before they ended, by model. */
  disconnects: string[];
  script(model: string, script: ModelBehaviour): void;
  /** Lets one held request of a gated model through (or the next one, if none waits yet). */
  release(model: string): void;
  /** Resolves once `cond` holds (polling the recorded state). */
  until(cond: () => boolean, ms?: number): Promise<void>;
  stop(): void;
}

const encoder = new TextEncoder();

export function startUpstream(scripts: Record<string, ModelBehaviour> = {}): FakeUpstream {
  const table = new Map(Object.entries(scripts));
  const requests: UpstreamRequest[] = [];
  const disconnects: string[] = [];
  let seq = 0;
  // Gated models: releases not yet used, and requests waiting for one.
  const permits = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();
  const acquire = (model: string): Promise<void> => {
    const n = permits.get(model) ?? 0;
    if (n > 0) {
      permits.set(model, n - 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.set(model, [...(waiting.get(model) ?? []), resolve]));
  };

  const server: Server<undefined> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") return new Response("not found", { status: 404 });
      const body = await req.json();
      const model = String(body.model);
      requests.push({ model, body, headers: req.headers });
      const behaviour = table.get(model);
      const script = typeof behaviour === "function" ? behaviour(body) : behaviour;
      if (!script) return Response.json({ error: { message: `The model \`${model}\` does not exist`, type: "invalid_request_error", code: "model_not_found" } }, { status: 404 });
      if (script.error) {
        const { status, body: errorBody } = script.error;
        return typeof errorBody === "string" ? new Response(errorBody, { status, headers: { "Content-Type": "text/html" } }) : Response.json(errorBody, { status });
      }
      const id = `chatcmpl-up${++seq}`;
      const created = Math.floor(Date.now() / 1000);
      const frame = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        encoder.encode(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_test", choices, ...extra })}\n\n`);
      let finished = false;
      let cancelled = false;
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(frame([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]));
          if (script.gated) await acquire(model);
          for (const piece of script.pieces ?? []) {
            if (script.delayMs) await Bun.sleep(script.delayMs);
            if (cancelled) return;
            controller.enqueue(frame([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
          }
          if (script.hold) return;
          (script.toolCalls ?? []).forEach((call, index) => {
            controller.enqueue(frame([{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }, logprobs: null, finish_reason: null }]));
            controller.enqueue(frame([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: call.arguments } }] }, logprobs: null, finish_reason: null }]));
          });
          controller.enqueue(frame([{ index: 0, delta: {}, logprobs: null, finish_reason: script.toolCalls ? "tool_calls" : "stop" }]));
          if (body.stream_options?.include_usage) {
            const text = (script.pieces ?? []).join("");
            controller.enqueue(frame([], { usage: script.usage ?? { prompt_tokens: 7, completion_tokens: text.length, total_tokens: 7 + text.length } }));
          }
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          finished = true;
          controller.close();
        },
        cancel() {
          cancelled = true;
          if (!finished) disconnects.push(model);
        },
      });
      return new Response(stream, { headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache" } });
    },
  });

  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    disconnects,
    script: (model, script) => void table.set(model, script),
    release(model) {
      const next = waiting.get(model)?.shift();
      if (next) next();
      else permits.set(model, (permits.get(model) ?? 0) + 1);
    },
    async until(cond, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error("upstream condition not met in time");
        await Bun.sleep(5);
      }
    },
    stop: () => server.stop(true),
  };
}
