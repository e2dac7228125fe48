/**
 * The agent's tool loop against a local OpenAI-compatible server streaming
 * real `tool_calls` over SSE, on a real gateway with fixture tools: results
 * go back to the model and its answer ends the run; each call and result is
 * in `agent` events (`tool` stream) and chat.history; bad input from the
 * model, a hanging tool, a flood of output and a loop that never ends each
 * end as a clear tool error or a clean stop; chat.abort stops a running tool.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAX_TOOL_ROUNDS } from "../../../core/agent/tool-loop.ts";
import { DEFAULT_MAX_TOOL_OUTPUT_CHARS } from "../../../core/tools/execute.ts";
import { textResult } from "../../../core/tools/tool.ts";
import { z } from "../../../core/zod.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { startUpstream, type FakeUpstream } from "../../harness/openai-upstream.ts";
import { connected, type Frame, type RawSocket } from "../../harness/raw-socket.ts";

/** The `tool` messages of a request, last first. */
const toolMessages = (body: any): any[] => body.messages.filter((m: any) => m.role === "tool");
const lastIsTool = (body: any) => body.messages.at(-1)?.role === "tool";

let upstream: FakeUpstream;
let gw: TestGateway;
let sock: RawSocket;
const hung: { aborted: boolean } = { aborted: false };

beforeAll(async () => {
  upstream = startUpstream({
    // Calls echo once, then answers with what the tool returned.
    echo: (body) => lastIsTool(body)
      ? { pieces: ["The tool said: ", toolMessages(body).at(-1).content] }
      : { pieces: ["Let me check."], toolCalls: [{ id: "call_echo", name: "echo", arguments: JSON.stringify({ text: "hello from the tool" }) }] },
    // A confused model: an unknown tool and unparsable arguments, then it answers from the errors.
    confused: (body) => lastIsTool(body)
      ? { pieces: [toolMessages(body).map((m: any) => m.content).join(" | ")] }
      : { toolCalls: [{ id: "c1", name: "no_such_tool", arguments: "{}" }, { id: "c2", name: "echo", arguments: "{not json" }, { id: "c3", name: "echo", arguments: JSON.stringify({ text: 42 }) }] },
    // Never answers: asks for echo again every time.
    looping: { toolCalls: [{ id: "again", name: "echo", arguments: JSON.stringify({ text: "again" }) }] },
    hanging: (body) => lastIsTool(body) ? { pieces: [toolMessages(body).at(-1).content] } : { toolCalls: [{ id: "h", name: "stuck", arguments: "{}" }] },
    blocking: { toolCalls: [{ id: "b", name: "wait_for_abort", arguments: "{}" }] },
    plain: { pieces: ["ok"] },
    flooding: (body) => lastIsTool(body) ? { pieces: [`got ${toolMessages(body).at(-1).content.length} chars`] } : { toolCalls: [{ id: "f", name: "flood", arguments: "{}" }] },
  });
  const agent = (id: string) => ({ id, model: `up/${id}` });
  gw = await startTestGateway({
    config: {
      models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["echo", "confused", "looping", "hanging", "blocking", "flooding", "plain"] } } },
      agents: {
        list: [
          { ...agent("echo"), default: true }, agent("confused"), agent("looping"), agent("hanging"), agent("blocking"), agent("flooding"),
          { id: "minimal", model: "up/plain", tools: { profile: "minimal" } },
          { id: "coder", model: "up/plain", tools: { profile: "coding", deny: ["cron"] } },
        ],
      },
    },
  });
  const tools = gw.running.gateway.tools;
  await tools.ready();
  tools.register({
    name: "echo", description: "Echoes its text.", args: z.strictObject({ text: z.string() }),
    run: async (args: { text: string }) => textResult(args.text, { echoed: args.text }),
  });
  // Ignores its signal entirely: only the call's own timeout can end it.
  tools.register({ name: "stuck", description: "Never answers.", args: z.object({}), timeoutMs: 150, run: () => new Promise(() => {}) });
  tools.register({
    name: "wait_for_abort", description: "Runs until aborted.", args: z.object({}),
    run: (_args, ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => {
      hung.aborted = true;
      reject(ctx.signal.reason);
    })),
  });
  tools.register({ name: "flood", description: "Answers with far too much.", args: z.object({}), run: async () => textResult("x".repeat(5_000_000)) });
  ({ sock } = await connected(gw.url));
});

afterAll(async () => {
  sock?.close();
  await gw?.stop();
  upstream?.stop();
});

const chatEvents = (runId: string): any[] => sock.events("chat").map((f: Frame) => f.payload).filter((p: any) => p.runId === runId);
const toolEvents = (runId: string): any[] => sock.events("agent").map((f: Frame) => f.payload).filter((p: any) => p.runId === runId && p.stream === "tool");
const terminal = (runId: string) => chatEvents(runId).find((p) => ["final", "aborted", "error"].includes(p.state));
async function send(sessionKey: string, runId: string): Promise<any> {
  const res = await sock.request("chat.send", { sessionKey, message: "go", idempotencyKey: runId });
  expect(res.ok).toBe(true);
  await sock.until(() => terminal(runId) !== undefined, 10_000);
  return terminal(runId);
}

describe("a tool call round trip", () => {
  test("the tool's result reaches the model as a tool message and its text ends in the final answer", async () => {
    const final = await send("agent:echo:main", "echo-1");
    expect(final).toMatchObject({ state: "final", message: { content: [{ type: "text", text: "The tool said: hello from the tool" }] } });
    const [first, second] = upstream.requests.filter((r) => r.model === "echo");
    // The gateway's tools went out with the first request, as OpenAI function tools.
    expect(first!.body.tools.map((t: any) => t.function.name)).toEqual(["web_fetch", "cron", "nodes", "message", "echo", "stuck", "wait_for_abort", "flood"]);
    expect(first!.body.tools[4]).toMatchObject({ type: "function", function: { description: "Echoes its text.", parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] } } });
    // The follow-up carries the assistant's call and the result.
    expect(second!.body.messages.slice(-2)).toEqual([
      { role: "assistant", content: "Let me check.", tool_calls: [{ id: "call_echo", type: "function", function: { name: "echo", arguments: JSON.stringify({ text: "hello from the tool" }) } }] },
      { role: "tool", content: "hello from the tool", tool_call_id: "call_echo" },
    ]);
  });

  test("agent events carry the call and its result on the tool stream (upstream's start/result payloads)", () => {
    const events = toolEvents("echo-1");
    expect(events.map((e) => e.data)).toEqual([
      { phase: "start", name: "echo", toolCallId: "call_echo", args: { text: "hello from the tool" } },
      { phase: "result", name: "echo", toolCallId: "call_echo", isError: false, result: { content: [{ type: "text", text: "hello from the tool" }], details: { echoed: "hello from the tool" } } },
    ]);
    expect(events.every((e) => e.sessionKey === "agent:echo:main")).toBe(true);
  });

  test("chat.history shows the call and its result as upstream's transcript does", async () => {
    const history = await sock.request("chat.history", { sessionKey: "agent:echo:main" });
    const messages = history.payload.messages;
    expect(messages.map((m: any) => m.role)).toEqual(["user", "assistant", "toolResult", "assistant"]);
    expect(messages[1].content).toEqual([{ type: "text", text: "Let me check." }, { type: "toolCall", id: "call_echo", name: "echo", arguments: { text: "hello from the tool" } }]);
    expect(messages[2]).toMatchObject({ role: "toolResult", toolCallId: "call_echo", toolName: "echo", isError: false, content: [{ type: "text", text: "hello from the tool" }] });
    expect(messages[3].content).toEqual([{ type: "text", text: "The tool said: hello from the tool" }]);
  });

  test("sessions.preview shows what was said, not the tool call or its result (upstream's projection)", async () => {
    const res = await sock.request("sessions.preview", { keys: ["agent:echo:main"] });
    expect(res.payload.previews[0].items).toEqual([
      { role: "user", text: "go" }, { role: "assistant", text: "Let me check." }, { role: "assistant", text: "The tool said: hello from the tool" },
    ]);
  });

  test("the next turn sends the stored call and result back as context", async () => {
    upstream.script("echo", { pieces: ["fine"] });
    await send("agent:echo:main", "echo-2");
    const sent = upstream.requests.filter((r) => r.model === "echo").at(-1)!;
    expect(sent.body.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "user"]);
    expect(sent.body.messages[1].tool_calls[0].id).toBe("call_echo");
  });
});

describe("tool policy decides what the model is offered", () => {
  test("a minimal agent is offered no tools; a coding agent upstream's coding set less its own deny", async () => {
    await send("agent:minimal:main", "policy-1");
    await send("agent:coder:main", "policy-2");
    const [minimal, coder] = upstream.requests.filter((r) => r.model === "plain");
    expect(minimal!.body.tools).toBeUndefined();
    expect(coder!.body.tools.map((t: any) => t.function.name)).toEqual(["web_fetch"]);
  });
});

describe("bad input from the model", () => {
  test("an unknown tool and malformed arguments go back as tool errors and the run goes on", async () => {
    const final = await send("agent:confused:main", "confused-1");
    expect(final.state).toBe("final");
    const text = final.message.content[0].text;
    expect(text).toContain("Tool no_such_tool not found. Available tools: web_fetch, cron, nodes, message, echo, stuck, wait_for_abort, flood.");
    expect(text).toContain("Invalid arguments for echo: not valid JSON");
    expect(text).toContain("Invalid arguments for echo: at /text: must be string");
    expect(toolEvents("confused-1").filter((e) => e.data.phase === "result").map((e) => e.data.isError)).toEqual([true, true, true]);
  });

  test("a tool that never answers is stopped at its timeout; the model reads that and the run ends cleanly", async () => {
    const final = await send("agent:hanging:main", "hanging-1");
    expect(final).toMatchObject({ state: "final", message: { content: [{ text: "Tool stuck timed out after 150 ms." }] } });
  });

  test("a flood of output is cut at the per-result bound and the model is told so", async () => {
    const final = await send("agent:flooding:main", "flood-1");
    expect(final.message.content[0].text).toBe(`got ${DEFAULT_MAX_TOOL_OUTPUT_CHARS} chars`);
    const sent = upstream.requests.filter((r) => r.model === "flooding").at(-1)!;
    expect(toolMessages(sent.body)[0].content).toEndWith("[output truncated: 5000000 characters, showing the first 16000]");
  });
});

describe("bounds and abort", () => {
  test("a loop that never ends is stopped at the round bound with a clear error; the gateway keeps serving", async () => {
    const end = await send("agent:looping:main", "loop-1");
    expect(end).toMatchObject({ state: "error", errorMessage: `Tool loop stopped: the model asked for tools ${MAX_TOOL_ROUNDS} rounds in a row without a final answer (limit ${MAX_TOOL_ROUNDS}).` });
    expect(upstream.requests.filter((r) => r.model === "looping")).toHaveLength(MAX_TOOL_ROUNDS + 1);
    expect(toolEvents("loop-1").filter((e) => e.data.phase === "result")).toHaveLength(MAX_TOOL_ROUNDS);
    expect((await sock.request("health")).ok).toBe(true);
  });

  test("chat.abort aborts the running tool through its signal and ends the run aborted", async () => {
    const res = await sock.request("chat.send", { sessionKey: "agent:blocking:main", message: "go", idempotencyKey: "block-1" });
    expect(res.ok).toBe(true);
    await sock.until(() => toolEvents("block-1").some((e) => e.data.phase === "start"));
    expect(hung.aborted).toBe(false);
    const abort = await sock.request("chat.abort", { sessionKey: "agent:blocking:main", runId: "block-1" });
    expect(abort.payload).toMatchObject({ ok: true, aborted: true });
    await sock.until(() => terminal("block-1") !== undefined);
    expect(terminal("block-1")).toMatchObject({ state: "aborted", stopReason: "rpc" });
    expect(hung.aborted).toBe(true);
    expect(toolEvents("block-1").at(-1).data).toMatchObject({ phase: "result", isError: true, result: { content: [{ text: "Tool call aborted." }] } });
    // No model request follows an aborted tool.
    expect(upstream.requests.filter((r) => r.model === "blocking")).toHaveLength(1);
  });
});
