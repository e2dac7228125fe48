/**
 * The official `openai` npm client against clawgate's OpenAI-compatible HTTP
 * surface (spec §10): model list, completions streaming and not, usage chunk,
 * agent targets, session routing, and the refusals (off by default, bearer,
 * method, body limit, bad input) over real sockets; once per runtime: the
 * CLI gateway under Bun and under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { startUpstream, type FakeUpstream } from "../harness/openai-upstream.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let upstream: FakeUpstream;
  let gw: RuntimeGateway;
  let off: RuntimeGateway;
  let base: string;
  let client: OpenAI;

  beforeAll(async () => {
  upstream = startUpstream({
    words: { pieces: ["Streaming ", "works ", "end ", "to ", "end."], usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 } },
    limited: { error: { status: 429, body: { error: { message: "Rate limit reached", type: "rate_limit_error" } } } },
    hold: { pieces: ["first "], hold: true },
    caller: { pieces: ["Let me check."], toolCalls: [{ id: "call_1", name: "get_weather", arguments: "{\"city\":\"Oslo\"}" }] },
  });
    gw = await startRuntimeGateway(runtime, {
    config: {
      gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } },
      models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["words", "limited", "caller", "hold"] } } },
      agents: {
        list: [
          { id: "main", default: true },
          { id: "writer", model: "up/words" },
          { id: "limited", model: "up/limited" },
          { id: "tools", model: "up/caller" },
          { id: "held", model: "up/hold" },
        ],
      },
    },
  });
    off = await startRuntimeGateway(runtime);
  base = `http://127.0.0.1:${gw.port}`;
  client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${base}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
  await gw?.stop();
  await off?.stop();
  upstream?.stop();
  });

  describe("official openai client", () => {
  test("models.list -> the agent targets; models.retrieve -> one of them", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["openclaw", "openclaw/default", "openclaw/main", "openclaw/writer", "openclaw/limited", "openclaw/tools", "openclaw/held"]);
    expect(page.data[0]).toEqual({ id: "openclaw", object: "model", created: 0, owned_by: "openclaw", permission: [] } as any);
    const one = await client.models.retrieve("openclaw/writer");
    expect(one.id).toBe("openclaw/writer");
  });

  test("non-streaming completion on the embedded agent", async () => {
    const res = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "my name is Ada" }] });
    expect(res.object).toBe("chat.completion");
    expect(res.id).toMatch(/^chatcmpl_[0-9a-f-]{36}$/);
    expect(res.model).toBe("openclaw");
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(res.choices[0]!.message.role).toBe("assistant");
    expect(res.choices[0]!.message.content).toStartWith("Nice to meet you, Ada.");
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
  });

  test("streaming completion relays the upstream text as chunks, then usage when asked, then [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: "openclaw/writer", stream: true, stream_options: { include_usage: true },
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "stream please" }],
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant" });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Streaming works end to end.");
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0]!.id && c.model === "openclaw/writer")).toBe(true);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });
    // The system message went upstream first.
    const sent = upstream.requests.find((r) => r.model === "words")!;
    expect(sent.body.messages[0]).toEqual({ role: "system", content: "Be brief." });
  });

  test("upstream 429 -> OpenAI RateLimitError with upstream's text", async () => {
    const error = await client.chat.completions.create({ model: "openclaw/limited", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.error).toEqual({ message: "⚠️ API rate limit reached. Please try again later.", type: "rate_limit_error" });
  });

  test("client tools pass through; the model's tool call comes back as tool_calls", async () => {
    const fn = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } };
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{ type: "function", function: fn }];
    const res = await client.chat.completions.create({ model: "openclaw/tools", tools, messages: [{ role: "user", content: "weather in Oslo?" }] });
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(res.choices[0]!.message.tool_calls).toEqual([{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Oslo\"}" } }]);
    const sent = upstream.requests.find((r) => r.model === "caller")!;
    expect(sent.body.tools).toEqual([{ type: "function", function: fn }]);
  });

  test("a client that leaves mid-stream cancels the agent run and the upstream request", async () => {
    const stream = await client.chat.completions.create({ model: "openclaw/held", stream: true, messages: [{ role: "user", content: "long answer" }] });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    stream.controller.abort();
    await upstream.until(() => upstream.disconnects.includes("hold"));
      // The run record left "running" (it is written before the first token, so it was there).
      await upstream.until(() => gw.store.listRuns("running").length === 0);
    });
  });

  describe("sessions (§10)", () => {
  test("x-openclaw-session-key keeps one conversation across requests", async () => {
    const headers = { "x-openclaw-session-key": "my-app-thread" };
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "my name is Grace" }] }, { headers });
    const res = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "what is my name?" }] }, { headers });
    expect(res.choices[0]!.message.content).toStartWith("Your name is Grace.");
      const history = gw.store.getSession("agent:main:my-app-thread")!;
    expect(gw.store.lastMessageSeq(history.sessionId)).toBe(4);
  });

  test("reserved namespaces are refused", async () => {
    const error = await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "x" }] }, { headers: { "x-openclaw-session-key": "cron:job" } }).catch((e) => e);
    expect(error.status).toBe(400);
    expect(error.error).toEqual({ message: "`x-openclaw-session-key` cannot use reserved internal session namespaces.", type: "invalid_request_error" });
  });
  });

  describe("refusals over raw HTTP (§10)", () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/chat/completions`, { method: "POST", headers: { Authorization: `Bearer ${TEST_TOKEN}`, "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

  test("off by default: a JSON 404 that names the switch, on a gateway without gateway.http.endpoints.chatCompletions.enabled", async () => {
    for (const path of ["/v1/models", "/v1/models/openclaw", "/v1/chat/completions"]) {
      const res = await fetch(`http://127.0.0.1:${off.port}${path}`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toStartWith("application/json");
      const body = (await res.json()) as { error: { message: string; type: string } };
      expect(body.error.type).toBe("not_found");
      expect(body.error.message).toContain("clawgate config set gateway.http.endpoints.chatCompletions.enabled true");
    }
    // Other unknown paths keep the plain JSON 404.
    expect(await (await fetch(`http://127.0.0.1:${off.port}/v2/models`, { headers: { Accept: "application/json" } })).json()).toEqual({ error: { message: "Not Found", type: "not_found" } });
  });

  test("no or wrong bearer -> 401 Unauthorized; the right one passes", async () => {
    for (const auth of [undefined, "Bearer nope", `Basic ${TEST_TOKEN}`]) {
      const res = await fetch(`${base}/v1/models`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { message: "Unauthorized", type: "unauthorized" } });
    }
    expect((await fetch(`${base}/v1/models`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);
  });

  test("wrong method -> 405 with Allow", async () => {
    const res = await fetch(`${base}/v1/chat/completions`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  test("a body over 20 MB -> 413 before the agent runs", async () => {
    const runs = gw.store.listSessions().length;
    const res = await post(JSON.stringify({ model: "openclaw", messages: [{ role: "user", content: "x".repeat(20 * 1024 * 1024) }] }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { message: "Payload too large", type: "invalid_request_error" } });
    expect(gw.store.listSessions().length).toBe(runs);
  });

  test("bad input -> 400 invalid_request_error with a specific message", async () => {
    const cases: [unknown, string][] = [
      [{ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }, "Invalid `model`. Use `openclaw` or `openclaw/<agentId>`."],
      [{ model: "openclaw/nobody", messages: [{ role: "user", content: "x" }] }, "Unknown agent 'nobody'."],
      [{ model: "openclaw", messages: [{ role: "system", content: "only system" }] }, "Missing user message in `messages`."],
      [{ model: "openclaw", temperature: 3, messages: [{ role: "user", content: "x" }] }, "`temperature` must be between 0 and 2."],
      [{ model: "openclaw", messages: "nope" }, "messages: Invalid input: expected array, received string"],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { message, type: "invalid_request_error" } });
    }
    const broken = await post("{not json");
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.type).toBe("invalid_request_error");
  });

  test("models/{id}: unknown -> 404, malformed -> 400", async () => {
    const get = (id: string) => fetch(`${base}/v1/models/${id}`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
    expect(await (await get("openclaw%2Fnobody")).json()).toEqual({ error: { message: "Model 'openclaw/nobody' not found.", type: "invalid_request_error" } });
    expect((await get("openclaw%2Fnobody")).status).toBe(404);
    expect((await get("gpt-4o")).status).toBe(400);
  });
  });
});
