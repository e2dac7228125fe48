/**
 * The `message` tool end to end through a configured channel: a model (a
 * local OpenAI-compatible server streaming real tool_calls) sends with
 * `message`, the gateway process delivers it through Telegram (a local Bot
 * API, test/harness/telegram-api.ts), and the send's result reaches the model.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGatewayOn, type ChildGateway } from "../../harness/process.ts";
import { connected, connectParams, type RawSocket } from "../../harness/raw-socket.ts";
import { startTelegramApi, type FakeTelegram } from "../../harness/telegram-api.ts";
import { startUpstream, type FakeUpstream } from "../../harness/openai-upstream.ts";

const TOKEN = "telegram-test-token-0123456789abcdef";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-msg-"));
let tg: FakeTelegram; let gw: ChildGateway; let admin: RawSocket; let up: FakeUpstream;
beforeAll(async () => {
  tg = startTelegramApi();
  up = startUpstream({ messenger: (body) => body.messages.at(-1).role === "tool" ? { pieces: [`sent: ${body.messages.at(-1).content}`] } : { toolCalls: [{ id: "m1", name: "message", arguments: JSON.stringify({ action: "send", target: "4242", message: "hello from the agent" }) }] } });
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({
    gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TOKEN } },
    channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } },
    models: { providers: { up: { baseUrl: up.baseUrl, models: ["messenger"] } } }, agents: { defaults: { model: "up/messenger" } },
  }), { mode: 0o600 });
  gw = await spawnGatewayOn(stateDir);
  admin = (await connected(gw.url, connectParams({ auth: { token: TOKEN } }))).sock;
  await tg.until(() => tg.polling() > 0);
}, 30000);
afterAll(() => { admin?.close(); gw?.proc.kill("SIGKILL"); tg?.stop(); up?.stop(); rmSync(stateDir, { recursive: true, force: true }); });
test("message tool -> sendMessage on the channel, once; the send result goes back to the model", async () => {
  await admin.request("chat.send", { sessionKey: "main", message: "tell 4242 hello", idempotencyKey: "m-1" });
  await tg.until(() => tg.sent.length === 1);
  expect(tg.sent[0]).toMatchObject({ chat_id: "4242", text: "hello from the agent" });
  expect(tg.sent).toHaveLength(1);
  await admin.until(() => admin.events("chat").some((f) => f.payload.runId === "m-1" && f.payload.state === "final"), 10000);
  const final = admin.events("chat").find((f) => f.payload.runId === "m-1" && f.payload.state === "final")!.payload.message.content[0].text;
  expect(JSON.parse(final.slice("sent: ".length))).toMatchObject({ channel: "telegram", chatId: "4242", messageId: "1" });
});
