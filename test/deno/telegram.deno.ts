/**
 * The Telegram channel under Deno, unchanged core code (grammY's Web build on
 * Deno's fetch) against the local Bot API (test/harness/telegram-bot-api.ts)
 * served by Deno.serve over real sockets: long polling with the offset
 * confirmed only after the batch was stored, HTML replies threaded, typing,
 * probe; webhook mode on a Deno.serve listener (core's HttpListen seam) with
 * setWebhook, the secret checked, the durable 200; and the whole gateway
 * (channel manager, SQL store on node:sqlite) answering an unknown DM sender
 * with upstream's pairing reply.
 */
import { TelegramAdapter, type TelegramHost } from "../../core/channels/telegram/adapter.ts";
import { telegramPlugin } from "../../core/channels/telegram/plugin.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { telegramBotApi, type FakeTelegram } from "../harness/telegram-bot-api.ts";
import * as assert from "./assert.ts";
import { denoListen, denoServer, memoryAccount, withAdapter, withGateway, type Fakes } from "./gateway-host.ts";

const SECRET = "deno-webhook-secret-0123456789";
const PUBLIC_URL = "https://bot.example.test/tg";
/** No token files here (the suite has no file permissions); every account below has a botToken. */
const host: TelegramHost = { env: {}, readSecretFile: () => ({ problem: "ENOENT" }), listenHttp: denoListen };
const tuning = { pollTimeoutS: 1 };

/** The local Bot API on Deno.serve. */
function startTelegramApi(): { tg: FakeTelegram; fakes: Fakes } {
  const { serve, stopped } = denoServer();
  const tg = telegramBotApi({}, serve);
  return { tg, fakes: { stop: () => tg.stop(), stopped } };
}

Deno.test("Telegram on Deno, long polling: update stored before its offset is confirmed; HTML reply threaded; typing; probe", async () => {
  const { tg, fakes } = startTelegramApi();
  const { ctx, accepted } = memoryAccount("telegram", { botToken: tg.token, apiRoot: tg.apiRoot });
  const adapter = new TelegramAdapter(ctx, { host, tuning });
  await withAdapter(adapter, fakes, async () => {
    await tg.until(() => tg.polling() > 0);
    assert.equal(tg.calls.slice(0, 3), ["getMe", "deleteWebhook", "getUpdates"]);
    const id = tg.message({ from: 42, text: "hello from deno" });
    await tg.until(() => accepted.length === 1);
    assert.equal(accepted.map((m) => [m.id, m.chatId, m.chatType, m.senderId, m.text]), [[String(id), "42", "direct", "42", "hello from deno"]]);
    // Telegram forgets the update only when the next getUpdates carries the stored offset.
    await tg.until(() => tg.confirmedOffset === id + 1);

    const sent = await adapter.send({ to: "42", text: "**hi** <deno>", replyToId: accepted[0]!.messageId });
    assert.equal(tg.sent.map((m) => [m.chat_id, m.text, m.parse_mode, m.reply_to]), [["42", "<b>hi</b> &lt;deno&gt;", "HTML", tg.messageIdOf(id)]]);
    assert.equal(sent, { messageId: String(tg.sent[0]!.message_id), chatId: "42" });
    await adapter.typing("42");
    assert.equal(tg.actions, [{ chat_id: "42", action: "typing" }]);
    const probe = await adapter.probe(5_000);
    assert.equal([probe.ok, (probe.bot as { username: string }).username], [true, tg.bot.username]);
    assert.equal([adapter.status().mode, adapter.status().connected], ["polling", true]);
  });
});

Deno.test("Telegram on Deno, webhook mode: a Deno.serve listener, setWebhook with URL and secret; a wrong secret -> 401, the right one -> durable 200", async () => {
  const { tg, fakes } = startTelegramApi();
  const { ctx, accepted, lines } = memoryAccount("telegram", { botToken: tg.token, apiRoot: tg.apiRoot, webhookUrl: PUBLIC_URL, webhookSecret: SECRET, webhookPort: 0 });
  const adapter = new TelegramAdapter(ctx, { host, tuning });
  await withAdapter(adapter, fakes, async () => {
    await tg.until(() => tg.webhookUrl === PUBLIC_URL);
    assert.equal(tg.webhookSecret, SECRET);
    const listening = lines.map((l) => /^webhook local listener on (http:\/\/127\.0\.0\.1:\d+\/telegram-webhook)$/.exec(l)?.[1]).find(Boolean);
    assert.ok(listening, `no listener line in ${JSON.stringify(lines)}`);
    const update = { update_id: 5001, message: { message_id: 9, date: 1, chat: { id: 77, type: "private" }, from: { id: 77, is_bot: false, first_name: "Ada" }, text: "via webhook" } };
    const post = (secret: string) => fetch(listening!, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret }, body: JSON.stringify(update) });

    const refused = await post("wrong-secret");
    assert.equal([refused.status, await refused.text()], [401, "unauthorized"]);
    assert.equal(accepted, []);
    const taken = await post(SECRET);
    assert.equal([taken.status, taken.headers.get("x-openclaw-delivery-accepted"), await taken.text()], [200, "durable", ""]);
    assert.equal(accepted.map((m) => [m.id, m.chatId, m.text]), [["5001", "77", "via webhook"]]);
    assert.equal([adapter.status().mode, adapter.status().connected, tg.calls.includes("getUpdates")], ["webhook", true, false]);
  });
});

Deno.test("gateway on Deno with the Telegram channel: an unknown DM sender gets upstream's pairing reply through the store and the outbox", async () => {
  const { tg, fakes } = startTelegramApi();
  const config = { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } } } as OpenClawConfig;
  await withGateway(config, [telegramPlugin(host, tuning)], fakes, async () => {
    await tg.until(() => tg.polling() > 0);
    tg.message({ from: 4242, text: "hello bot" });
    await tg.until(() => tg.sent.length === 1);
    const reply = tg.sent[0]!;
    const code = /Pairing code:\n<pre>([A-Z2-9]{8})<\/pre>/.exec(reply.text)?.[1];
    assert.ok(code, reply.text);
    assert.equal([reply.chat_id, reply.parse_mode, reply.text], ["4242", "HTML", [
      "OpenClaw: access not configured.", "", "Your Telegram user id: 4242", "Pairing code:", `<pre>${code}</pre>`, "",
      "Ask the bot owner to approve with:", `<pre>clawgate pairing approve telegram ${code}</pre>`,
    ].join("\n")]);
  });
});
