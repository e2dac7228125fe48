/**
 * The embedded agent: deterministic, keeps the session's context, tells the
 * user how to configure a real model, stays silent on empty heartbeats, and
 * stops when aborted.
 */
import { describe, expect, test } from "bun:test";
import { EmbeddedProvider, SETUP_HINT } from "../../../core/agent/embedded.ts";
import type { TurnMessage, TurnPurpose } from "../../../core/agent/provider.ts";

const agent = new EmbeddedProvider();

async function reply(messages: TurnMessage[], purpose: TurnPurpose = "chat", signal = new AbortController().signal): Promise<string> {
  let text = "";
  for await (const c of agent.stream({ model: "embedded", messages, signal, purpose })) if (c.type === "delta") text += c.text;
  return text;
}

describe("embedded agent", () => {
  test("first turn: answers and explains how to configure a real model", async () => {
    const text = await reply([{ role: "user", content: "hello" }]);
    expect(text).toStartWith('You said: "hello".');
    expect(text).toContain(SETUP_HINT);
  });

  test("same conversation, same reply", async () => {
    const messages: TurnMessage[] = [{ role: "user", content: "hi" }, { role: "assistant", content: "…" }, { role: "user", content: "again" }];
    expect(await reply(messages)).toBe(await reply(messages));
  });

  test("keeps context from earlier turns", async () => {
    const text = await reply([
      { role: "user", content: "My name is Ada" },
      { role: "assistant", content: "Nice to meet you, Ada." },
      { role: "user", content: "What is my name?" },
    ]);
    expect(text).toStartWith("Your name is Ada. This is message 2 in this session; before this you said: \"My name is Ada\".");
  });

  test("heartbeats: NO_REPLY with nothing queued, the events otherwise", async () => {
    expect(await reply([{ role: "user", content: "prompt" }], "heartbeat")).toBe("NO_REPLY");
    expect(await reply([{ role: "user", content: "System: first\nSystem: second\nprompt" }], "heartbeat")).toBe("first\nsecond");
  });

  test("an abort stops the stream with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped");
    let pieces = 0;
    const error = await (async () => {
      for await (const c of agent.stream({ model: "embedded", messages: [{ role: "user", content: "a long answer please" }], signal: controller.signal, purpose: "chat" })) {
        if (c.type === "delta" && ++pieces === 2) controller.abort(reason);
      }
    })().catch((e) => e);
    expect(error).toBe(reason);
    expect(pieces).toBe(2);
  });
});

describe("embedded agent with tools offered", () => {
  const webFetch = [{ name: "web_fetch", description: "Fetch a URL." }];
  async function turn(messages: TurnMessage[], tools = webFetch) {
    const chunks = [];
    for await (const c of agent.stream({ model: "embedded", messages, signal: new AbortController().signal, purpose: "chat", tools })) chunks.push(c);
    return chunks;
  }

  test("a URL in the user's message becomes a web_fetch call", async () => {
    expect(await turn([{ role: "user", content: "what is on https://example.com/news? thanks" }])).toEqual([
      { type: "done", stopReason: "tool_calls", toolCalls: [{ id: "embedded_fetch_1", name: "web_fetch", arguments: '{"url":"https://example.com/news","extractMode":"text"}' }] },
    ]);
  });

  test("without web_fetch offered, or without a URL, it answers as before", async () => {
    expect((await turn([{ role: "user", content: "read https://example.com" }], []))[0]).toMatchObject({ type: "delta" });
    expect((await turn([{ role: "user", content: "hello" }]))[0]).toMatchObject({ type: "delta" });
  });

  test("a fetched page is answered with its title and opening; a tool error is shown as it came", async () => {
    const page = JSON.stringify({ title: "News", text: "All quiet today.", finalUrl: "https://example.com/news" });
    const text = async (content: string) => (await turn([{ role: "user", content: "read https://example.com/news" }, { role: "tool", content, toolCallId: "embedded_fetch_1" }]))
      .filter((c) => c.type === "delta").map((c) => (c as { text: string }).text).join("");
    expect(await text(page)).toBe('"News" says: All quiet today.');
    expect(await text("Blocked: example.com is private")).toBe("The tool answered: Blocked: example.com is private");
  });
});
