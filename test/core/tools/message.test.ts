/**
 * The `message` tool goes through the gateway's `send` method: its channel
 * selection and refusals reach the model as tool errors, with upstream's
 * texts, and bad input is refused before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { executeTool } from "../../../core/tools/execute.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw?.stop();
});

async function message(args: Record<string, unknown>) {
  await gw.running.gateway.tools.ready();
  const tool = gw.running.gateway.tools.get("message")!;
  return executeTool(tool, args, { agentId: "main", sessionKey: "agent:main:main", runId: "r1", toolCallId: "call_1", config: gw.running.gateway.config }, { signal: new AbortController().signal });
}

describe("message tool", () => {
  test("with no channel configured, send's own refusal comes back to the model", async () => {
    const out = await message({ action: "send", target: "@alice", message: "hi" });
    expect(out).toMatchObject({ isError: true, kind: "input" });
    expect(out.text).toStartWith("action=send: Error: Channel is required (no configured channels detected).");
  });

  test("a channel send cannot deliver to is refused with send's text", async () => {
    expect((await message({ action: "send", channel: "webchat", target: "x", message: "hi" })).text)
      .toBe("action=send: unsupported channel: webchat (internal-only). Use `chat.send` for WebChat UI messages or choose a deliverable channel.");
  });

  test("bad input: no target, no text, an action clawgate does not serve", async () => {
    expect(await message({ action: "send", message: "hi" })).toMatchObject({ isError: true, kind: "input", text: "action=send: target required" });
    expect(await message({ action: "send", target: "x", message: "  " })).toMatchObject({ isError: true, kind: "input", text: "action=send: message required" });
    expect(await message({ action: "react", target: "x" })).toMatchObject({ isError: true, kind: "input" });
  });
});
