/**
 * One tool call under its bounds: arguments parsed and validated, errors and
 * timeouts turned into results, output cut at the bound, and a run's abort
 * reaching the tool through its signal.
 */
import { describe, expect, test } from "bun:test";
import { executeTool } from "../../../core/tools/execute.ts";
import { textResult, ToolError, type Tool } from "../../../core/tools/tool.ts";
import { z } from "../../../core/zod.ts";

const ctx = { agentId: "main", sessionKey: "agent:main:main", toolCallId: "call_1", config: {} };
const never = new AbortController().signal;

const add: Tool<{ a: number; b: number }> = {
  name: "add", description: "Adds.", args: z.strictObject({ a: z.number(), b: z.number() }),
  run: async ({ a, b }) => textResult(String(a + b)),
};

describe("arguments", () => {
  test("a JSON string from a model and an object from /tools/invoke both parse", async () => {
    expect(await executeTool(add, '{"a":1,"b":2}', ctx, { signal: never })).toEqual({ text: "3", isError: false, details: undefined });
    expect((await executeTool(add, { a: 2, b: 2 }, ctx, { signal: never })).text).toBe("4");
  });

  test("malformed JSON and schema violations are input errors the model can read; the tool does not run", async () => {
    let ran = false;
    const probe: Tool = { ...add, run: async () => ((ran = true), textResult("")) };
    expect(await executeTool(probe, "{a:", ctx, { signal: never })).toMatchObject({ isError: true, kind: "input" });
    expect(await executeTool(probe, '{"a":1}', ctx, { signal: never })).toEqual({ text: "Invalid arguments for add: at root: must have required property 'b'", isError: true, kind: "input" });
    expect(await executeTool(probe, '{"a":1,"b":2,"c":3}', ctx, { signal: never })).toMatchObject({ isError: true, kind: "input" });
    expect(ran).toBe(false);
  });
});

describe("failures and bounds", () => {
  test("a ToolError keeps its kind and text; any other throw is reported with the tool's name", async () => {
    const refused: Tool = { ...add, run: async () => { throw new ToolError("Blocked: private address", "forbidden"); } };
    expect(await executeTool(refused, { a: 1, b: 1 }, ctx, { signal: never })).toEqual({ text: "Blocked: private address", isError: true, kind: "forbidden" });
    const broken: Tool = { ...add, run: async () => { throw new Error("disk on fire"); } };
    expect(await executeTool(broken, { a: 1, b: 1 }, ctx, { signal: never })).toEqual({ text: "Tool add failed: disk on fire", isError: true, kind: "failed" });
  });

  test("output past the bound is cut and says how much there was", async () => {
    const big: Tool = { ...add, run: async () => textResult("y".repeat(500)) };
    const out = await executeTool(big, { a: 1, b: 1 }, ctx, { signal: never, maxOutputChars: 100 });
    expect(out.text).toHaveLength(100);
    expect(out.text).toEndWith("[output truncated: 500 characters, showing the first 100]");
    expect(out.truncated).toBe(true);
  });

  test("a tool that ignores its signal still ends at the timeout, and the signal it was given fired", async () => {
    let seen: AbortSignal | undefined;
    const deaf: Tool = { ...add, run: (_a, c) => ((seen = c.signal), new Promise(() => {})) };
    expect(await executeTool(deaf, { a: 1, b: 1 }, ctx, { signal: never, timeoutMs: 20 })).toEqual({ text: "Tool add timed out after 20 ms.", isError: true, kind: "timeout" });
    expect(seen!.aborted).toBe(true);
  });

  test("the caller's abort reaches the tool and the call reports aborted", async () => {
    const controller = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const waits: Tool = { ...add, run: (_a, c) => new Promise((_, reject) => { started(); c.signal.addEventListener("abort", () => reject(new Error("stopped"))); }) };
    const call = executeTool(waits, { a: 1, b: 1 }, ctx, { signal: controller.signal });
    await running;
    controller.abort();
    expect(await call).toEqual({ text: "Tool call aborted.", isError: true, kind: "aborted" });
  });
});
