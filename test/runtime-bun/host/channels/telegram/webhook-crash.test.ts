/**
 * Webhook mode keeps the exactly-once guarantee across kill -9 (issue 14):
 * an update the gateway acknowledged with its durable 200 is answered after
 * a SIGKILL that landed while the agent was still answering, and Telegram
 * delivering the same update again (it may, when a 200 is lost) is not
 * answered a second time, before or after the restart.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { kill9 } from "../../../../harness/channel-gateway.ts";
import type { FakeUpstream } from "../../../../harness/openai-upstream.ts";
import type { ChildGateway } from "../../../../harness/process.ts";
import { RESTART_TIMEOUT_MS } from "../../../../harness/runtimes.ts";
import type { FakeTelegram } from "../../../../harness/telegram-api.ts";
import { startGatedTelegram, type GatedTelegram } from "../../../../harness/telegram-gated-agent.ts";

const TOKEN = "telegram-webhook-crash-token-0123456789";
const SECRET = "webhook-crash-secret-0123456789";
const USER = 4712;
let rig: GatedTelegram;
let tg: FakeTelegram;
let upstream: FakeUpstream;

beforeAll(() => {
  const webhook = { webhookUrl: "https://bot.example.test/tg", webhookSecret: SECRET, webhookHost: "127.0.0.1", webhookPort: 0 };
  ({ tg, upstream } = rig = startGatedTelegram("clawgate-webhook-crash-", TOKEN, webhook));
});
afterAll(() => rig?.stop());

/** A gateway on the state dir and its webhook listener's URL, from the line it logs once listening. */
async function startGateway(): Promise<{ child: ChildGateway; webhook: string }> {
  const child = await rig.start();
  const line = await child.waitForStderr(/webhook local listener on (http:\/\/127\.0\.0\.1:\d+\/telegram-webhook)/);
  if (!line) throw new Error(`no webhook listener: ${child.stderr()}`);
  return { child, webhook: line[1]! };
}

let nextId = 50_000;
const update = (text: string) => {
  const id = nextId++;
  return { update_id: id, message: { message_id: id, date: 1_700_000_000, chat: { id: USER, type: "private" }, from: { id: USER, is_bot: false, first_name: "Ada" }, text } };
};
const post = (webhook: string, body: unknown) =>
  fetch(webhook, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(body) });

test("kill -9 after the durable 200 while the agent answers -> answered once after restart; Telegram's redelivery answered never twice", async () => {
  let gw = await startGateway();
  const first = update("first");
  upstream.release("slow");
  expect((await post(gw.webhook, first)).headers.get("x-openclaw-delivery-accepted")).toBe("durable");
  await tg.until(() => tg.sent.length === 1);

  // Acknowledged with the durable 200; the model holds the answer: kill -9.
  const asked = upstream.requests.length;
  const second = update("second");
  expect((await post(gw.webhook, second)).status).toBe(200);
  await upstream.until(() => upstream.requests.length === asked + 1);
  await kill9(gw.child);
  expect(tg.sent).toHaveLength(1);

  gw = await startGateway();
  // Telegram, unsure whether its first delivery landed, posts both updates again to the new listener.
  expect((await post(gw.webhook, first)).status).toBe(200);
  expect((await post(gw.webhook, second)).status).toBe(200);
  // The stored update is run again from the store; the first release goes to the killed process's stream.
  await upstream.until(() => upstream.requests.length === asked + 2);
  upstream.release("slow");
  upstream.release("slow");
  await tg.until(() => tg.sent.length === 2);
  // A later update's answer shows nothing else was pending.
  upstream.release("slow");
  const third = update("third");
  expect((await post(gw.webhook, third)).status).toBe(200);
  await tg.until(() => tg.sent.length === 3);
  expect(tg.sent.map((m) => m.reply_to)).toEqual([first.message.message_id, second.message.message_id, third.message.message_id]);
}, RESTART_TIMEOUT_MS * 2);
