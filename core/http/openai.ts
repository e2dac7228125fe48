/**
 * The OpenAI-compatible HTTP surface (spec §10): `GET /v1/models`,
 * `GET /v1/models/{id}` and `POST /v1/chat/completions`, streaming (SSE in
 * OpenAI's chunk format, then `data: [DONE]`) or not. `model` names an agent
 * (`openclaw`, `openclaw/default`, `openclaw/<agentId>`); each request is a
 * normal agent run. Off (404) until
 * `gateway.http.endpoints.chatCompletions.enabled`; a Bearer token equal to
 * the gateway secret is full operator access. Runtime-agnostic.
 */
import type { Context } from "hono";
import { z } from "../zod.ts";
import { modelRefs, resolveCandidates } from "../agent/models.ts";
import { openAiError } from "../agent/failures.ts";
import type { ToolDefinition, TurnMessage } from "../agent/provider.ts";
import { RunStop, type Run, type RunOutcome } from "../agent/runs.ts";
import type { Gateway } from "../gateway.ts";
import { GatewayError } from "../protocol/errors.ts";
import { readJsonBody } from "./body.ts";
import { checkGatewayBearer, type HttpBindings } from "./credentials.ts";
import { agentIds, defaultAgentId, normalizeAgentId } from "../sessions/keys.ts";

/** Upstream's built-in body limit for `/v1/chat/completions`. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** A body still unfinished after this is refused 408 (upstream's default body timeout). */
const BODY_TIMEOUT_MS = 30_000;

const JSON_TYPE = "application/json; charset=utf-8";
const AGENT_MODEL = /^(?:openclaw[:/]|agent:)([a-z0-9][a-z0-9_-]{0,63})$/i;
const RESERVED_SESSION_PREFIXES = ["subagent:", "cron:", "acp:"];

/** Request fields upstream reads; others are ignored, as OpenAI clients send many. */
const completionRequest = z.lazy(() => z.looseObject({
  model: z.optional(z.string()),
  stream: z.nullish(z.boolean()),
  stream_options: z.nullish(z.looseObject({ include_usage: z.optional(z.boolean()) })),
  tools: z.optional(z.array(z.unknown())),
  tool_choice: z.optional(z.unknown()),
  messages: z.optional(z.array(z.unknown())),
  user: z.optional(z.string()),
  max_tokens: z.nullish(z.int().check(z.positive())),
  max_completion_tokens: z.nullish(z.int().check(z.positive())),
  temperature: z.nullish(z.number()),
  top_p: z.nullish(z.number()),
  frequency_penalty: z.nullish(z.number()),
  presence_penalty: z.nullish(z.number()),
  seed: z.nullish(z.number()),
  stop: z.nullish(z.union([z.string(), z.array(z.string())])),
}));
type CompletionRequest = z.output<typeof completionRequest>;

/** An error answered as `{error:{message,type}}` with an HTTP status (§10). */
class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly type = "invalid_request_error") {
    super(message);
  }
}

function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": JSON_TYPE, ...headers } });
}

function errorResponse(error: HttpError): Response {
  return jsonResponse({ error: { message: error.message, type: error.type } }, error.status);
}

type Ctx = Context<{ Bindings: HttpBindings }>;

/** The 404 of a disabled endpoint says how to turn it on; it reveals only that the switch is off. */
const DISABLED_MESSAGE = "The OpenAI-compatible endpoints (/v1) are disabled on this gateway. Enable them with gateway.http.endpoints.chatCompletions.enabled: true (`clawgate config set gateway.http.endpoints.chatCompletions.enabled true`).";

/** The `/v1` routes' handlers, by route (core/http/app.ts declares the paths and imports this module on their first request). */
export interface OpenAiHandlers {
  models(c: Ctx): Promise<Response>;
  model(c: Ctx): Promise<Response>;
  completions(c: Ctx): Promise<Response>;
}

export function openAiHandlers(gw: Gateway): OpenAiHandlers {
  const enabled = () => gw.config.gateway?.http?.endpoints?.chatCompletions?.enabled === true;
  const disabled = () => jsonResponse({ error: { message: DISABLED_MESSAGE, type: "not_found" } }, 404);

  /** Shared front door: off -> 404, wrong method -> 405, bad bearer -> 401, locked out -> 429 (§4.5). */
  const guard = async (c: Ctx, allow: "GET" | "POST"): Promise<Response | undefined> => {
    if (!enabled()) return undefined;
    if (c.req.method !== allow && !(allow === "GET" && c.req.method === "HEAD")) {
      return new Response("Method Not Allowed", { status: 405, headers: { Allow: allow, "Content-Type": "text/plain; charset=utf-8" } });
    }
    return checkGatewayBearer(gw.limiter, gw.auth, c.env.peer, c.req.header("authorization"));
  };

  return {
    models: async (c) => {
      if (!enabled()) return disabled();
      return (await guard(c, "GET")) ?? jsonResponse({ object: "list", data: modelIds(gw).map(openAiModel) });
    },
    model: async (c) => {
      if (!enabled()) return disabled();
      const refused = await guard(c, "GET");
      if (refused) return refused;
      let id: string;
      try {
        id = decodeURIComponent(c.req.path.slice("/v1/models/".length));
      } catch {
        return errorResponse(new HttpError(400, "Invalid model id encoding."));
      }
      const lowered = id.trim().toLowerCase();
      if (lowered !== "openclaw" && lowered !== "openclaw/default" && !AGENT_MODEL.test(id.trim())) return errorResponse(new HttpError(400, "Invalid model id."));
      if (!modelIds(gw).includes(id)) return errorResponse(new HttpError(404, `Model '${id}' not found.`));
      return jsonResponse(openAiModel(id));
    },
    completions: async (c) => {
      if (!enabled()) return disabled();
      const refused = await guard(c, "POST");
      if (refused) return refused;
      try {
        return await completions(gw, c.req.raw);
      } catch (error) {
        if (error instanceof HttpError) return errorResponse(error);
        if (error instanceof GatewayError) return errorResponse(new HttpError(400, error.message));
        gw.options.logger.warn("gateway/http", "chat completion failed", { error: String(error) });
        return errorResponse(new HttpError(500, "internal error", "api_error"));
      }
    },
  };
}

/** Top-level agent targets (§10): `openclaw`, `openclaw/default`, `openclaw/<agentId>`. */
function modelIds(gw: Gateway): string[] {
  return [...new Set(["openclaw", "openclaw/default", ...agentIds(gw.config).map((id) => `openclaw/${id}`)])];
}

function openAiModel(id: string): Record<string, unknown> {
  return { id, object: "model", created: 0, owned_by: "openclaw", permission: [] };
}

async function completions(gw: Gateway, req: Request): Promise<Response> {
  const body = await readJsonBody(req, { maxBytes: MAX_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS });
  if (!body.ok) throw new HttpError(body.status, body.message);
  const parsed = completionRequest.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HttpError(400, `${issue.path.join(".")}: ${issue.message}`);
  }
  const p = parsed.data;
  const model = p.model ?? "openclaw";
  const sampling = samplingOf(p);
  const agentId = agentFor(gw, model, req.headers);
  const { key, stateful } = sessionKeyFor(req.headers, agentId, p.user);
  const target = gw.agents.sessions.resolve(key, agentId);
  const override = modelOverride(gw, agentId, req.headers.get("x-openclaw-model"));
  const tools = toolsOf(p.tools);
  const toolChoice = toolChoiceOf(p.tool_choice, tools);
  const { system, turns, lastUser } = conversation(p.messages ?? []);
  if (!lastUser) throw new HttpError(400, "Missing user message in `messages`.");
  // A named conversation keeps its history in the gateway; the request adds its newest turn.
  const context = stateful ? { system, turn: activeTurn(turns) } : { context: system ? [{ role: "system" as const, content: system }, ...turns] : turns };

  const runId = `chatcmpl_${crypto.randomUUID()}`;
  const created = Math.floor(gw.now() / 1000);
  const run = gw.agents.runs.start({ runId, target, message: lastUser, kind: "http", ...context, sampling, tools, toolChoice, model: override });
  // A client that goes away cancels the agent run (§10).
  req.signal.addEventListener("abort", () => gw.agents.runs.abort(runId, new RunStop("disconnect")), { once: true });
  const identity = { id: runId, created, model };
  if (p.stream !== true) return completion(await run.done, identity);
  return stream(gw, run, identity, p.stream_options?.include_usage === true);
}

interface Identity {
  id: string;
  created: number;
  model: string;
}

function completion(o: RunOutcome, identity: Identity): Response {
  if (o.status !== "ok") return errorResponse(failureOf(o));
  const toolCalls = o.toolCalls ?? [];
  const message: Record<string, unknown> = { role: "assistant", content: o.text || (toolCalls.length > 0 ? "" : "No response from OpenClaw.") };
  if (toolCalls.length > 0) message.tool_calls = toolCalls.map((t) => ({ id: t.id, type: "function", function: { name: t.name, arguments: t.arguments } }));
  return jsonResponse({
    ...identity,
    object: "chat.completion",
    choices: [{ index: 0, message, finish_reason: finishReason(o) }],
    usage: usageOf(o),
  });
}

/** SSE in OpenAI's chunk format: role delta, content deltas, finish, optional usage, `[DONE]`. */
function stream(gw: Gateway, run: Run, identity: Identity, includeUsage: boolean): Response {
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (data: unknown) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(data)}\n\n`));
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => write({ ...identity, object: "chat.completion.chunk", choices, ...extra });
      chunk([{ index: 0, delta: { role: "assistant" }, finish_reason: null }]);
      const end = (o: RunOutcome) => {
        if (o.status === "ok") {
          (o.toolCalls ?? []).forEach((call, index) => {
            chunk([{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }, finish_reason: null }]);
            if (call.arguments) chunk([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: call.arguments } }] }, finish_reason: null }]);
          });
          if (!o.text && !o.toolCalls?.length) chunk([{ index: 0, delta: { content: "No response from OpenClaw." }, finish_reason: null }]);
          chunk([{ index: 0, delta: {}, finish_reason: finishReason(o) }]);
          if (includeUsage) chunk([], { usage: usageOf(o) });
        } else {
          const failure = failureOf(o);
          write({ error: { message: failure.message, type: failure.type } });
        }
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      };
      unsubscribe = run.subscribe((e) => {
        if (e.type === "delta") chunk([{ index: 0, delta: { content: e.text }, finish_reason: null }]);
        else end(e.outcome);
      });
    },
    cancel() {
      unsubscribe();
      gw.agents.runs.abort(run.runId, new RunStop("disconnect"));
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" } });
}

function finishReason(o: RunOutcome): "stop" | "length" | "tool_calls" {
  if (o.toolCalls?.length) return "tool_calls";
  return o.stopReason === "length" ? "length" : "stop";
}

function usageOf(o: RunOutcome): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return { prompt_tokens: o.usage?.input ?? 0, completion_tokens: o.usage?.output ?? 0, total_tokens: o.usage?.total ?? 0 };
}

/** A failed run as the OpenAI error it maps to (§10; upstream's reason table). */
function failureOf(o: RunOutcome): HttpError {
  if (o.status === "timeout") return new HttpError(504, o.error ?? "upstream provider timeout", "api_error");
  if (o.status !== "error" || !o.failure) return new HttpError(500, "internal error", "api_error");
  const { status, type } = openAiError(o.failure);
  return new HttpError(status, o.error ?? "request failed", type);
}


/** The agent a request targets: `x-openclaw-agent-id`, else the `model` alias, else the default. */
function agentFor(gw: Gateway, model: string, headers: Headers): string {
  const config = gw.config;
  const trimmed = model.trim();
  const lowered = trimmed.toLowerCase();
  const fromModel = lowered === "openclaw" || lowered === "openclaw/default" ? undefined : AGENT_MODEL.exec(trimmed)?.[1];
  if (lowered !== "openclaw" && lowered !== "openclaw/default" && !fromModel) throw new HttpError(400, "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`.");
  const requested = headers.get("x-openclaw-agent-id")?.trim() || headers.get("x-openclaw-agent")?.trim() || fromModel;
  if (!requested) return defaultAgentId(config);
  const id = normalizeAgentId(requested);
  if (!agentIds(config).includes(id)) throw new HttpError(400, `Unknown agent '${requested}'.`);
  return id;
}

/** Stateless per request unless `x-openclaw-session-key` or `user` names a conversation (§10). */
function sessionKeyFor(headers: Headers, agentId: string, user: string | undefined): { key: string; stateful: boolean } {
  const explicit = headers.get("x-openclaw-session-key")?.trim();
  if (explicit) {
    const rest = explicit.replace(/^agent:[^:]+:/i, "").toLowerCase();
    if (RESERVED_SESSION_PREFIXES.some((prefix) => rest.startsWith(prefix))) {
      throw new HttpError(400, "`x-openclaw-session-key` cannot use reserved internal session namespaces.");
    }
    return { key: explicit, stateful: true };
  }
  const who = user?.trim();
  return who ? { key: `agent:${agentId}:openai-user:${who}`, stateful: true } : { key: `agent:${agentId}:openai:${crypto.randomUUID()}`, stateful: false };
}

/** The request's newest turn: from its last user message on (tool calls and results included). */
function activeTurn(turns: TurnMessage[]): TurnMessage[] {
  const start = turns.findLastIndex((m) => m.role === "user");
  return start === -1 ? turns.slice(-1) : turns.slice(start);
}

/** `x-openclaw-model`: a backend model for this request; it must name a configured provider. */
function modelOverride(gw: Gateway, agentId: string, header: string | null): { model: string } | undefined {
  const ref = header?.trim();
  if (!ref) return undefined;
  const [candidate] = resolveCandidates(gw.config, modelRefs(gw.config, agentId, { model: ref }).slice(0, 1));
  if (!candidate?.provider) throw new HttpError(400, `Model '${ref}' is not allowed for agent '${agentId}'.`);
  return { model: ref };
}

function samplingOf(p: CompletionRequest) {
  const check = (value: number | null | undefined, name: string, min: number, max: number, range: string) => {
    if (value == null) return;
    if (!Number.isFinite(value)) throw new HttpError(400, `\`${name}\` must be a finite number.`);
    if (value < min || value > max) throw new HttpError(400, `\`${name}\` must be between ${range}.`);
  };
  check(p.temperature, "temperature", 0, 2, "0 and 2");
  check(p.top_p, "top_p", 0, 1, "0 and 1");
  check(p.frequency_penalty, "frequency_penalty", -2, 2, "-2.0 and 2.0");
  check(p.presence_penalty, "presence_penalty", -2, 2, "-2.0 and 2.0");
  if (p.seed != null && !Number.isInteger(p.seed)) throw new HttpError(400, "`seed` must be an integer.");
  const stop = p.stop == null ? undefined : typeof p.stop === "string" ? [p.stop] : p.stop;
  if (stop && (stop.length > 4 || stop.some((s) => s.length === 0))) {
    throw new HttpError(400, stop.length > 4 ? "Invalid stop: stop accepts at most 4 sequences" : "Invalid stop: stop entries must be non-empty strings");
  }
  return {
    maxTokens: p.max_completion_tokens ?? p.max_tokens ?? undefined,
    temperature: p.temperature ?? undefined,
    topP: p.top_p ?? undefined,
    frequencyPenalty: p.frequency_penalty ?? undefined,
    presencePenalty: p.presence_penalty ?? undefined,
    seed: p.seed ?? undefined,
    stop,
  };
}

function toolsOf(raw: unknown[] | undefined): ToolDefinition[] | undefined {
  if (raw === undefined) return undefined;
  return raw.map((entry) => {
    const fn = (entry as { type?: unknown; function?: Record<string, unknown> } | null);
    if (!fn || typeof fn !== "object" || fn.type !== "function" || !fn.function || typeof fn.function.name !== "string" || !fn.function.name) {
      throw new HttpError(400, "Invalid tools/tool_choice: each tool must be {type:\"function\", function:{name}}");
    }
    const f = fn.function;
    return {
      name: f.name as string,
      ...(typeof f.description === "string" ? { description: f.description } : {}),
      ...(f.parameters && typeof f.parameters === "object" ? { parameters: f.parameters as Record<string, unknown> } : {}),
      ...(typeof f.strict === "boolean" ? { strict: f.strict } : {}),
    };
  });
}

function toolChoiceOf(raw: unknown, tools: ToolDefinition[] | undefined): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (raw === "auto" || raw === "none" || raw === "required") return raw;
  const name = (raw as { type?: unknown; function?: { name?: unknown } }).type === "function" ? (raw as { function?: { name?: unknown } }).function?.name : undefined;
  if (typeof name !== "string" || !(tools ?? []).some((t) => t.name === name)) {
    throw new HttpError(400, "Invalid tools/tool_choice: tool_choice must be auto, none, required, or a provided function");
  }
  return { type: "function", function: { name } };
}

/** OpenAI messages as model turns plus the joined system/developer text; text parts are joined. */
function conversation(messages: unknown[]): { system?: string; turns: TurnMessage[]; lastUser?: string } {
  const system: string[] = [];
  const turns: TurnMessage[] = [];
  let lastUser: string | undefined;
  for (const raw of messages) {
    if (!raw || typeof raw !== "object") continue;
    const m = raw as { role?: unknown; content?: unknown; tool_calls?: unknown; tool_call_id?: unknown; name?: unknown };
    const role = m.role === "function" ? "tool" : m.role;
    const content = textOf(m.content);
    if (role === "system" || role === "developer") {
      if (content) system.push(content);
    } else if (role === "user") {
      turns.push({ role: "user", content });
      if (content) lastUser = content;
    } else if (role === "assistant") {
      const toolCalls = Array.isArray(m.tool_calls) ? m.tool_calls.flatMap((c) => {
        const call = c as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
        return typeof call.id === "string" && typeof call.function?.name === "string"
          ? [{ id: call.id, name: call.function.name, arguments: typeof call.function.arguments === "string" ? call.function.arguments : JSON.stringify(call.function.arguments ?? {}) }]
          : [];
      }) : [];
      turns.push({ role: "assistant", content, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
    } else if (role === "tool") {
      const id = typeof m.tool_call_id === "string" ? m.tool_call_id : typeof m.name === "string" ? m.name : "";
      turns.push({ role: "tool", content, toolCallId: id });
      lastUser ??= content;
    }
  }
  return { system: system.length > 0 ? system.join("\n\n") : undefined, turns, lastUser };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const part of content) {
    const p = part as { type?: unknown; text?: unknown; input_text?: unknown };
    if (p?.type === "image_url" || p?.type === "input_image") throw new HttpError(400, "Invalid image_url content in `messages`.");
    if (typeof p?.text === "string") parts.push(p.text);
    else if (typeof p?.input_text === "string") parts.push(p.input_text);
  }
  return parts.join("\n");
}
