/**
 * The Telegram adapter's outbound side against the local Bot API: HTML with
 * the escaping Telegram needs, a plain-text resend when Telegram refuses the
 * entities, threading and forum topics, 429 retry_after on sendMessage,
 * typing, refusals that will not change on retry, and probe = getMe +
 * getWebhookInfo.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PermanentDeliveryError, type ChannelAccountContext } from "../../../../core/channels/contract.ts";
import type { Logger } from "../../../../core/runtime.ts";
import { TelegramAdapter } from "../../../../core/channels/telegram/adapter.ts";
import { apiFailure } from "../../../../core/channels/telegram/errors.ts";
import { toTelegramHtml } from "../../../../core/channels/telegram/format.ts";
import { readSecretFile } from "../../../../runtime-bun/host/secret-file.ts";
import { listenHttp } from "../../../../runtime-bun/http-listener.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

let tg: FakeTelegram;
let adapter: TelegramAdapter;
const warnings: string[] = [];

beforeAll(() => {
  tg = startTelegramApi();
  const logger: Logger = { debug() {}, info() {}, warn: (_s, m) => void warnings.push(m), error: (_s, m) => void warnings.push(m) };
  const ctx: ChannelAccountContext = {
    channel: "telegram", accountId: "default", logger, now: Date.now,
    config: () => ({ channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } } }) as never,
    inbound: { accept: () => 0, cursor: () => undefined, sentByAccount: () => false, malformed() {} },
  };
  adapter = new TelegramAdapter(ctx, { host: { env: {}, readSecretFile, listenHttp } });
});
afterAll(() => tg.stop());

test("formatting: & < > escaped, code fences and inline code as <pre>/<code>, **bold** and links as tags", () => {
  expect(toTelegramHtml("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
  expect(toTelegramHtml("run `x<y` then\n```ts\nif (a < b) {}\n```\n**done** [docs](https://example.com/?a=1&b=2)")).toBe(
    'run <code>x&lt;y</code> then\n<pre>if (a &lt; b) {}</pre>\n<b>done</b> <a href="https://example.com/?a=1&amp;b=2">docs</a>',
  );
});

test("send -> HTML parse mode, threaded to the message it answers, in its forum topic", async () => {
  const sent = await adapter.send({ to: "42", text: "**hi** <you>", replyToId: "7", threadId: "3" });
  expect(tg.sent.at(-1)).toEqual({ chat_id: "42", text: "<b>hi</b> &lt;you&gt;", parse_mode: "HTML", reply_to: 7, message_thread_id: 3, message_id: Number(sent.messageId) });
});

test("Telegram refuses the entities -> the same text resent without a parse mode, with a log line", async () => {
  tg.refuseFormattingNext(1);
  await adapter.send({ to: "42", text: "**odd** markup" });
  expect(tg.sent.at(-1)).toMatchObject({ chat_id: "42", text: "**odd** markup" });
  expect(tg.sent.at(-1)!.parse_mode).toBeUndefined();
  expect(warnings).toContain("Telegram refused the formatted message; sent as plain text");
});

test("HTML over 4,096 characters whose text is within them -> sent formatted (Telegram counts after entity parsing)", async () => {
  const text = "<".repeat(4000);
  await adapter.send({ to: "42", text });
  expect(tg.sent.at(-1)).toMatchObject({ text: "&lt;".repeat(4000), parse_mode: "HTML" });
});

test("text over 4,096 characters -> Telegram's 400 'message is too long', a PermanentDeliveryError", async () => {
  const error = await adapter.send({ to: "42", text: "a".repeat(4097) }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentDeliveryError);
  expect((error as Error).message).toBe("400 Bad Request: message is too long");
});

test("429 on sendMessage -> waits retry_after and sends once", async () => {
  const before = tg.sent.length;
  tg.rateLimitNext("sendMessage", 1);
  await adapter.send({ to: "42", text: "after the limit" });
  expect(tg.sent.length).toBe(before + 1);
  expect(warnings).toContain("Telegram rate limit on sendMessage; retrying after 1s");
});

test("a refusal that will not change (400 empty text) -> PermanentDeliveryError, so the outbox does not retry it", async () => {
  const error = await adapter.send({ to: "42", text: "" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentDeliveryError);
  expect((error as Error).message).toBe("400 Bad Request: message text is empty");
});

test("typing -> sendChatAction typing (in the topic); probe -> getMe + getWebhookInfo", async () => {
  await adapter.typing("42", "3");
  expect(tg.actions.at(-1)).toEqual({ chat_id: "42", action: "typing" });
  const probe = await adapter.probe(5_000);
  expect(probe).toMatchObject({ ok: true, bot: { id: tg.bot.id, username: tg.bot.username }, webhook: { url: "", pendingUpdateCount: 0 } });
  expect(tg.calls.slice(-2)).toEqual(["getMe", "getWebhookInfo"]);
});

test("errors never carry the bot token: node-fetch's URL-bearing message gives way to its errno; descriptions are redacted", () => {
  const nodeFetch = { error: { code: "ECONNREFUSED", message: "request to http://127.0.0.1:9/bot123456:SECRET-token/getMe failed, reason: connect ECONNREFUSED" } };
  expect(apiFailure(nodeFetch)).toEqual({ description: "ECONNREFUSED" });
  expect(apiFailure({ error: { message: "request to http://h/bot123456:SECRET-token/getMe failed" } }).description).toBe("request to http://h/bot<redacted>/getMe failed");
  expect(apiFailure({ error_code: 400, description: "Bad Request: bot123456:SECRET-token" })).toEqual({ code: 400, description: "Bad Request: bot<redacted>" });
});
