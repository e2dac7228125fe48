/**
 * Telegram end to end (issue 14 "must show"): a real gateway process polls a
 * local Bot API (test/harness/telegram-api.ts) through `channels.telegram.apiRoot`.
 * An unknown DM sender gets upstream's pairing reply and never reaches the
 * agent; `clawgate pairing approve telegram <code> --notify` sends upstream's
 * approval text; the sender's next message gets the agent's reply, threaded
 * to it, with typing shown first.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeGateway, startAdminGateway, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import { runCliIsolated, type ChildGateway } from "../../../harness/process.ts";
import type { RawSocket } from "../../../harness/raw-socket.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

const TOKEN = "telegram-test-token-0123456789abcdef";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-telegram-"));
let tg: FakeTelegram;
let gw: ChildGateway;
let admin: RawSocket;

beforeAll(async () => {
  tg = startTelegramApi();
  writeGatewayConfig(stateDir, TOKEN, { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } } }, { bind: "loopback" });
  ({ gw, admin } = await startAdminGateway(stateDir, TOKEN));
  await tg.until(() => tg.polling() > 0);
});
afterAll(() => {
  removeGateway(stateDir, { gw, admin });
  tg?.stop();
});

const cli = (...args: string[]) => runCliIsolated([...args, "--url", gw.url, "--token", TOKEN]);

test("start-up: getMe, deleteWebhook keeping pending updates, then getUpdates", () => {
  expect(tg.calls.slice(0, 3)).toEqual(["getMe", "deleteWebhook", "getUpdates"]);
});

test("unknown DM sender -> upstream's pairing reply, no agent turn; approve --notify -> approval text; next message -> agent reply threaded to it", async () => {
  tg.message({ from: 4242, text: "hello bot", username: "ada" });
  await tg.until(() => tg.sent.length === 1);
  const reply = tg.sent[0]!;
  expect(reply.chat_id).toBe("4242");
  const code = /Pairing code:\n<pre>([A-Z2-9]{8})<\/pre>/.exec(reply.text)?.[1];
  expect(code).toBeDefined();
  // Upstream's text; its code fences go out as Telegram HTML <pre> blocks.
  expect(reply).toMatchObject({ parse_mode: "HTML" });
  expect(reply.text).toBe([
    "OpenClaw: access not configured.", "", "Your Telegram user id: 4242", "Pairing code:", `<pre>${code}</pre>`, "",
    "Ask the bot owner to approve with:", `<pre>clawgate pairing approve telegram ${code}</pre>`,
  ].join("\n"));
  // The sender never reached the agent: no session, no typing.
  expect((await admin.request("sessions.list", {})).payload.sessions).toEqual([]);
  expect(tg.actions).toEqual([]);
  // Writing again while the code is live sends nothing new (upstream: only when a request is created).
  tg.message({ from: 4242, text: "still there?", username: "ada" });
  await tg.until(() => tg.confirmedOffset > 0 && tg.pending().length === 0);
  const listed = await cli("pairing", "list", "telegram", "--json");
  expect(JSON.parse(listed.stdout).requests).toEqual([expect.objectContaining({ senderId: "4242", code, metadata: { name: "User4242", username: "ada" } })]);
  expect(tg.sent).toHaveLength(1);

  const approved = await cli("pairing", "approve", "telegram", code!, "--notify");
  expect(approved).toEqual({ code: 0, stdout: "Approved telegram sender 4242.\n", stderr: "" });
  expect(tg.sent.at(-1)).toMatchObject({ chat_id: "4242", text: "✅ OpenClaw access approved. Send a message to start chatting." });

  const asked = tg.message({ from: 4242, text: "my name is Ada" });
  await tg.until(() => tg.sent.length === 3);
  const answer = tg.sent[2]!;
  expect(answer).toMatchObject({ chat_id: "4242", parse_mode: "HTML" });
  expect(answer.text).toStartWith("Nice to meet you, Ada.");
  // Threaded to the message it answers (the message_id the fake gave that update).
  expect(answer.reply_to).toBeDefined();
  expect(tg.actions).toContainEqual({ chat_id: "4242", action: "typing" });
  // DMs go to the agent's main session (session.dmScope "main").
  const history = (await admin.request("chat.history", { sessionKey: "main" })).payload.messages;
  expect(history.map((m: any) => m.role)).toEqual(["user", "assistant"]);
  expect(history[0].content[0].text).toBe("my name is Ada");
  expect(asked).toBeGreaterThan(0);
});
