/**
 * Agent turns against a local server speaking OpenAI's real streaming
 * protocol (real sockets, real SSE): chat events, abort, model fallback,
 * compat flags, idempotency and upstream errors (spec §6 chat.send/abort,
 * §7 chat/agent events); once per runtime: the CLI gateway under Bun and
 * under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startUpstream, type FakeUpstream } from "../harness/openai-upstream.ts";
import { connected, type Frame, type RawSocket } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let upstream: FakeUpstream;
  let gw: RuntimeGateway;
  let sock: RawSocket;

  const STORY = ["Once", " upon", " a", " time", ", the", " end", "."];

  beforeAll(async () => {
  upstream = startUpstream({
    story: { pieces: STORY, delayMs: 3 },
    hold: { pieces: ["partial ", "answer"], hold: true },
    broken: { error: { status: 500, body: { error: { message: "boom", type: "server_error" } } } },
    good: { pieces: ["from ", "the ", "fallback"] },
    slow: { pieces: ["one", "two"], gated: true },
    limited: { error: { status: 429, body: { error: { message: "Rate limit reached for requests", type: "rate_limit_error" } } } },
    longctx: { error: { status: 429, body: { type: "error", error: { type: "rate_limit_error", message: "Extra usage is required for long context requests" } } } },
    overflow: { error: { status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens.", type: "invalid_request_error", code: "context_length_exceeded" } } } },
    s: { pieces: ["ok"] },
    parts: { pieces: ["ok"] },
  });
  const agent = (id: string, model: string | { primary: string; fallbacks: string[] }) => ({ id, model });
    gw = await startRuntimeGateway(runtime, {
    config: {
      models: {
        providers: {
          up: { baseUrl: upstream.baseUrl, apiKey: "sk-test-key", models: ["story", "hold", "broken", "good", "slow", "limited", "longctx", "overflow", "parts"] },
          strict: { baseUrl: upstream.baseUrl, models: [{ id: "s", compat: { requiresStringContent: true } }] },
        },
      },
      agents: {
        list: [
          { id: "main", default: true, model: "up/story" },
          agent("hold", "up/hold"),
          agent("fallback", { primary: "up/broken", fallbacks: ["up/good"] }),
          agent("slow", "up/slow"),
          agent("limited", "up/limited"),
          agent("longctx", "up/longctx"),
          agent("overflow", "up/overflow"),
          agent("strict", "strict/s"),
          agent("parts", "up/parts"),
        ],
      },
    },
  });
  ({ sock } = await connected(gw.url));
  });

  afterAll(async () => {
  sock?.close();
  await gw?.stop();
  upstream?.stop();
  });

  const chatEvents = (runId: string): any[] => sock.events("chat").map((f: Frame) => f.payload).filter((p: any) => p.runId === runId);
  const agentEvents = (runId: string): any[] => sock.events("agent").map((f: Frame) => f.payload).filter((p: any) => p.runId === runId);
  const terminal = (runId: string) => chatEvents(runId).find((p) => ["final", "aborted", "error"].includes(p.state));
  async function untilTerminal(runId: string): Promise<any> {
  await sock.until(() => terminal(runId) !== undefined);
  return terminal(runId);
  }

  describe("chat.send streams the upstream reply", () => {
  test("deltas arrive as chat events in order; the final text equals the upstream text", async () => {
    const res = await sock.request("chat.send", { sessionKey: "main", message: "tell me a story", idempotencyKey: "story-1" });
    expect(res.payload).toEqual({ runId: "story-1", status: "started" });
    const final = await untilTerminal("story-1");
    const deltas = chatEvents("story-1").filter((p) => p.state === "delta");
    expect(deltas.map((d) => d.deltaText)).toEqual(STORY);
    // Each delta carries the whole reply so far; payload seq rises within the run.
    expect(deltas.at(-1).message.content[0].text).toBe(STORY.join(""));
    const seqs = chatEvents("story-1").map((p) => p.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(final).toMatchObject({ state: "final", sessionKey: "agent:main:main", message: { role: "assistant", content: [{ type: "text", text: STORY.join("") }] } });
    // The agent stream mirrors it: start, model, assistant deltas, end.
    const phases = agentEvents("story-1").filter((e) => e.stream === "lifecycle").map((e) => e.data.phase);
    expect(phases).toEqual(["start", "model", "end"]);
    expect(agentEvents("story-1").filter((e) => e.stream === "assistant").at(-1).data.text).toBe(STORY.join(""));
    // The request upstream carried the key and the user's turn.
    const sent = upstream.requests.find((r) => r.model === "story")!;
    expect(sent.headers.get("authorization")).toBe("Bearer sk-test-key");
    expect(sent.body.stream).toBe(true);
    expect(sent.body.messages.at(-1)).toEqual({ role: "user", content: [{ type: "text", text: "tell me a story" }] });
    // And the transcript kept both turns.
    const history = await sock.request("chat.history", { sessionKey: "main" });
    expect(history.payload.messages.map((m: any) => [m.role, m.content[0].text])).toEqual([["user", "tell me a story"], ["assistant", STORY.join("")]]);
  });

  test("the next turn sends the earlier turns as context", async () => {
    await sock.request("chat.send", { sessionKey: "main", message: "again", idempotencyKey: "story-2" });
    await untilTerminal("story-2");
    const sent = upstream.requests.filter((r) => r.model === "story").at(-1)!;
    expect(sent.body.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(sent.body.messages[1]).toEqual({ role: "assistant", content: STORY.join("") });
  });
  });

  describe("chat.abort", () => {
  test("cancels the upstream request: the server sees the disconnect; the partial reply is kept", async () => {
    await sock.request("chat.send", { sessionKey: "agent:hold:main", message: "go", idempotencyKey: "hold-1" });
    await sock.until(() => chatEvents("hold-1").filter((p) => p.state === "delta").length === 2);
    const res = await sock.request("chat.abort", { sessionKey: "agent:hold:main", runId: "hold-1" });
    expect(res.payload).toEqual({ ok: true, aborted: true, runIds: ["hold-1"] });
    await upstream.until(() => upstream.disconnects.includes("hold"));
    const end = await untilTerminal("hold-1");
    expect(end).toMatchObject({ state: "aborted", stopReason: "rpc", message: { content: [{ text: "partial answer" }] } });
    const history = await sock.request("chat.history", { sessionKey: "agent:hold:main" });
    expect(history.payload.messages.at(-1)).toMatchObject({ role: "assistant", content: [{ text: "partial answer" }], stopReason: "rpc" });
    expect(history.payload.sessionInfo.status).toBe("killed");
  });

  test("a runId from another session is refused and nothing is aborted", async () => {
    await sock.request("chat.send", { sessionKey: "agent:hold:other", message: "go", idempotencyKey: "hold-2" });
    await sock.until(() => chatEvents("hold-2").some((p) => p.state === "delta"));
    const res = await sock.request("chat.abort", { sessionKey: "main", runId: "hold-2" });
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "runId does not match sessionKey" });
    // Without a runId every run of the session stops.
    const all = await sock.request("chat.abort", { sessionKey: "agent:hold:other" });
    expect(all.payload).toEqual({ ok: true, aborted: true, runIds: ["hold-2"] });
    await untilTerminal("hold-2");
  });
  });

  describe("model fallback", () => {
  test("a failing first model falls back to the second (agent lifecycle fallback_step)", async () => {
    await sock.request("chat.send", { sessionKey: "agent:fallback:main", message: "hi", idempotencyKey: "fb-1" });
    const final = await untilTerminal("fb-1");
    expect(final.state).toBe("final");
    expect(final.message.content[0].text).toBe("from the fallback");
    const steps = agentEvents("fb-1").filter((e) => e.stream === "lifecycle" && e.data.phase === "fallback_step").map((e) => e.data);
    expect(steps[0]).toMatchObject({
      fallbackStepType: "fallback_step", fallbackStepFromModel: "up/broken", fallbackStepToModel: "up/good",
      fallbackStepFromFailureReason: "server_error", fallbackStepChainPosition: 1, fallbackStepFinalOutcome: "next_fallback",
    });
    expect(steps.at(-1)).toMatchObject({ fallbackStepFinalOutcome: "succeeded", fallbackStepToModel: "up/good" });
    const models = agentEvents("fb-1").filter((e) => e.data.phase === "model").map((e) => e.data.model);
    expect(models).toEqual(["broken", "good"]);
  });
  });

  describe("compat flags", () => {
  test("requiresStringContent flattens content parts; without it user text goes as parts", async () => {
    await sock.request("chat.send", { sessionKey: "agent:strict:main", message: "plain please", idempotencyKey: "str-1" });
    await untilTerminal("str-1");
    const strict = upstream.requests.find((r) => r.model === "s")!;
    expect(strict.body.messages).toEqual([{ role: "user", content: "plain please" }]);
    await sock.request("chat.send", { sessionKey: "agent:parts:main", message: "parts please", idempotencyKey: "parts-1" });
    await untilTerminal("parts-1");
    const parts = upstream.requests.find((r) => r.model === "parts")!;
    expect(parts.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "parts please" }] }]);
  });
  });

  describe("idempotency (§6)", () => {
  test("a repeated key never starts a second run: in_flight while running, the cached result after", async () => {
    const first = await sock.request("chat.send", { sessionKey: "agent:slow:main", message: "once", idempotencyKey: "idem-1" });
    const again = await sock.request("chat.send", { sessionKey: "agent:slow:main", message: "once", idempotencyKey: "idem-1" });
    expect(first.payload).toEqual({ runId: "idem-1", status: "started" });
    expect(again.payload).toEqual({ runId: "idem-1", status: "in_flight" });
    upstream.release("slow");
    await untilTerminal("idem-1");
    const later = await sock.request("chat.send", { sessionKey: "agent:slow:main", message: "once", idempotencyKey: "idem-1" });
    expect(later.payload).toEqual({ runId: "idem-1", status: "ok" });
    expect(upstream.requests.filter((r) => r.model === "slow").length).toBe(1);
    expect(chatEvents("idem-1").filter((p) => p.state === "final").length).toBe(1);
  });

  test("the same key with different input is refused", async () => {
    const res = await sock.request("chat.send", { sessionKey: "agent:slow:main", message: "something else", idempotencyKey: "idem-1" });
    expect(res.error).toEqual({
      code: "INVALID_REQUEST",
      message: "This message ID was already used for different input. Check the conversation history and use a new message ID to send again.",
      details: { reason: "chat-request-conflict" },
    });
    expect(upstream.requests.filter((r) => r.model === "slow").length).toBe(1);
  });

  test("a failed run's key replays ok:false with payload and error", async () => {
    await sock.request("chat.send", { sessionKey: "agent:limited:main", message: "hi", idempotencyKey: "idem-err" });
    await untilTerminal("idem-err");
    const replay = await sock.request("chat.send", { sessionKey: "agent:limited:main", message: "hi", idempotencyKey: "idem-err" });
    expect(replay.ok).toBe(false);
    expect(replay.payload).toEqual({ runId: "idem-err", status: "error", summary: "⚠️ API rate limit reached. Please try again later." });
    expect(replay.error).toEqual({ code: "UNAVAILABLE", message: "⚠️ API rate limit reached. Please try again later." });
  });
  });

  describe("upstream errors become clear chat errors", () => {
  test("429 -> rate limit text, errorKind rate_limit, HTTP status in errorDetail", async () => {
    await sock.request("chat.send", { sessionKey: "agent:limited:main", message: "hi", idempotencyKey: "err-429" });
    const end = await untilTerminal("err-429");
    expect(end).toMatchObject({
      state: "error",
      errorMessage: "⚠️ API rate limit reached. Please try again later.",
      errorKind: "rate_limit",
      errorDetail: { provider: "up", model: "limited", failoverReason: "rate_limit", httpStatus: 429 },
    });
    expect(agentEvents("err-429").at(-1).data).toMatchObject({ phase: "error", errorKind: "rate_limit" });
  });

  test("the long-context 429 says what failed", async () => {
    await sock.request("chat.send", { sessionKey: "agent:longctx:main", message: "hi", idempotencyKey: "err-long" });
    const end = await untilTerminal("err-long");
    expect(end.state).toBe("error");
    expect(end.errorMessage).toBe(
      "⚠️ up (longctx) refused a long-context request: Extra usage is required for long context requests. Switch to a standard-context model, use a credential eligible for long context, or configure fallback models.",
    );
    expect(end.errorDetail).toMatchObject({ failoverReason: "billing", httpStatus: 429 });
  });

  test("context_length_exceeded -> context overflow text, errorKind context_length", async () => {
    await sock.request("chat.send", { sessionKey: "agent:overflow:main", message: "hi", idempotencyKey: "err-ctx" });
    const end = await untilTerminal("err-ctx");
    expect(end).toMatchObject({
      state: "error",
      errorKind: "context_length",
      errorMessage: "Context overflow: prompt too large for the model. Try /reset (or /new) to start a fresh session, or use a larger-context model.",
    });
  });
  });
});
