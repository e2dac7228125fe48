/**
 * A model provider for any OpenAI-compatible `/v1/chat/completions` server
 * (Ollama, LM Studio, vLLM, llama.cpp, hosted APIs): streams with SSE over
 * fetch, aborts the HTTP request when the turn is aborted, bounds every call
 * with the provider timeout, and turns upstream failures into ProviderError.
 * Runtime-agnostic (fetch, ReadableStream and AbortController are Web APIs).
 */
import { classifyHttpFailure, classifyStreamError, ProviderError } from "./failures.ts";
import type { ModelProvider, StopReason, ToolCall, TurnChunk, TurnMessage, TurnRequest, TurnUsage } from "./provider.ts";
import { sseData } from "./sse.ts";

/** Per-model request shaping for stricter backends (`models.providers.<id>[.models[]].compat`). */
export interface CompatFlags {
  /** Send `messages[].content` as a plain string, never as content parts. */
  requiresStringContent?: boolean;
  /** Whether the backend accepts `tools`; when false, tools are never sent. */
  supportsTools?: boolean;
  /** Whether to ask for the final usage chunk (`stream_options.include_usage`). */
  supportsUsageInStreaming?: boolean;
}

export interface OpenAiCompatOptions {
  id: string;
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  /** Covers connect, headers and the whole body stream of one request. */
  timeoutMs: number;
  compat: (model: string) => CompatFlags;
}

/** Error bodies are read for classification only, and only this much of them. */
const MAX_ERROR_BODY = 4096;

export class OpenAiCompatProvider implements ModelProvider {
  readonly id: string;

  constructor(private readonly options: OpenAiCompatOptions) {
    this.id = options.id;
  }

  async *stream(request: TurnRequest): AsyncGenerator<TurnChunk> {
    const ref = { provider: this.id, model: request.model };
    const compat = this.options.compat(request.model);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const onAbort = () => controller.abort(request.signal.reason);
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener("abort", onAbort, { once: true });
    let body: ReadableStream<Uint8Array> | null = null;
    try {
      let response: Response;
      try {
        response = await fetch(`${this.options.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
          method: "POST",
          headers: this.headers(),
          body: JSON.stringify(requestBody(request, compat)),
          signal: controller.signal,
        });
      } catch (error) {
        throw this.transportError(error, timedOut, request.signal, ref);
      }
      body = response.body;
      if (!response.ok) {
        const text = await readBounded(response);
        throw new ProviderError(classifyHttpFailure(response.status, text), errorText(text) || `HTTP ${response.status}`, ref, response.status);
      }
      if (!body) throw new ProviderError("server_error", "empty response body", ref, response.status);
      const calls = new ToolCallAccumulator();
      let stopReason: StopReason = "stop";
      let usage: TurnUsage | undefined;
      try {
        for await (const data of sseData(body)) {
          if (data === "[DONE]") break;
          const chunk = parseChunk(data);
          if (!chunk) continue;
          if (chunk.error) {
            const message = typeof chunk.error.message === "string" ? chunk.error.message : JSON.stringify(chunk.error);
            throw new ProviderError(classifyStreamError(message), message, ref);
          }
          if (chunk.usage) usage = toUsage(chunk.usage);
          const choice = chunk.choices?.[0];
          if (!choice) continue;
          const text = choice.delta?.content;
          if (typeof text === "string" && text.length > 0) yield { type: "delta", text };
          if (choice.delta?.tool_calls) calls.add(choice.delta.tool_calls);
          if (typeof choice.finish_reason === "string") stopReason = toStopReason(choice.finish_reason);
        }
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        throw this.transportError(error, timedOut, request.signal, ref);
      }
      const toolCalls = calls.done();
      yield { type: "done", stopReason: toolCalls.length > 0 ? "tool_calls" : stopReason, usage, toolCalls: toolCalls.length > 0 ? toolCalls : undefined };
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", onAbort);
      // Leaving early (abort, [DONE], consumer gone) must close the upstream connection.
      controller.abort();
      await body?.cancel().catch(() => {});
    }
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "text/event-stream", ...this.options.headers };
    if (this.options.apiKey) headers.Authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }

  /** An abort by the caller stays an abort; everything else becomes a ProviderError. */
  private transportError(error: unknown, timedOut: boolean, signal: AbortSignal, ref: { provider: string; model: string }): unknown {
    if (signal.aborted) return signal.reason ?? error;
    if (timedOut) return new ProviderError("timeout", `request timed out after ${this.options.timeoutMs} ms`, ref);
    // The code (Bun: ConnectionRefused; Node: cause.code ECONNREFUSED) is what tells refused from reset or DNS.
    const e = error as { message?: string; code?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code;
    return new ProviderError("timeout", `connection error: ${e.message ?? String(error)}${code ? ` (${code})` : ""}`, ref);
  }
}

/** The upstream request body for one turn. */
export function requestBody(request: TurnRequest, compat: CompatFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map((m) => wireMessage(m, compat)),
    stream: true,
  };
  if (compat.supportsUsageInStreaming !== false) body.stream_options = { include_usage: true };
  const s = request.sampling;
  if (s?.maxTokens !== undefined) body.max_tokens = s.maxTokens;
  if (s?.temperature !== undefined) body.temperature = s.temperature;
  if (s?.topP !== undefined) body.top_p = s.topP;
  if (s?.frequencyPenalty !== undefined) body.frequency_penalty = s.frequencyPenalty;
  if (s?.presencePenalty !== undefined) body.presence_penalty = s.presencePenalty;
  if (s?.seed !== undefined) body.seed = s.seed;
  if (s?.stop !== undefined) body.stop = s.stop;
  if (request.tools && request.tools.length > 0 && compat.supportsTools !== false) {
    body.tools = request.tools.map((t) => ({ type: "function", function: t }));
    if (request.toolChoice !== undefined) body.tool_choice = request.toolChoice;
  }
  return body;
}

/**
 * User text goes out as content parts, the form every OpenAI-compatible API
 * accepts for multimodal input; `requiresStringContent` flattens it to a string.
 */
function wireMessage(message: TurnMessage, compat: CompatFlags): Record<string, unknown> {
  const out: Record<string, unknown> = { role: message.role };
  out.content = message.role === "user" && !compat.requiresStringContent ? [{ type: "text", text: message.content }] : message.content;
  if (message.toolCalls && compat.supportsTools !== false) {
    out.tool_calls = message.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }));
  }
  if (message.toolCallId) out.tool_call_id = message.toolCallId;
  return out;
}

interface WireChunk {
  choices?: { delta?: { content?: unknown; tool_calls?: WireToolCallDelta[] }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
  error?: { message?: unknown };
}

interface WireToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

function parseChunk(data: string): WireChunk | undefined {
  try {
    const value = JSON.parse(data);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function toUsage(u: NonNullable<WireChunk["usage"]>): TurnUsage {
  const input = u.prompt_tokens ?? 0;
  const output = u.completion_tokens ?? 0;
  return { input, output, total: u.total_tokens ?? input + output };
}

function toStopReason(finish: string): StopReason {
  return finish === "length" || finish === "tool_calls" || finish === "content_filter" ? finish : "stop";
}

/** Streamed tool calls arrive as fragments keyed by index. */
class ToolCallAccumulator {
  private readonly calls = new Map<number, ToolCall>();

  add(deltas: WireToolCallDelta[]): void {
    for (const d of deltas) {
      const index = d.index ?? 0;
      const call = this.calls.get(index) ?? { id: "", name: "", arguments: "" };
      if (d.id) call.id = d.id;
      if (d.function?.name) call.name += d.function.name;
      if (d.function?.arguments) call.arguments += d.function.arguments;
      this.calls.set(index, call);
    }
  }

  done(): ToolCall[] {
    return [...this.calls.entries()].sort(([a], [b]) => a - b).map(([i, c]) => ({ ...c, id: c.id || `call_${i}` })).filter((c) => c.name);
  }
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < MAX_ERROR_BODY) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short still classifies by status.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, MAX_ERROR_BODY);
}

/** The message inside an OpenAI-style error body, or the body itself. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body);
    const message = parsed?.error?.message ?? parsed?.message ?? parsed?.error;
    if (typeof message === "string") return message;
  } catch {
    // Not JSON: plain-text error bodies are used as they are.
  }
  return body.trim().slice(0, 500);
}
