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
