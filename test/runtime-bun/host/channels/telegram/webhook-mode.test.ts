/**
 * Telegram webhook mode end to end (issue 14 "must show": webhook mode with and
 * without the right secret), and hooks' `deliver` through the Telegram
 * channel, on the CLI gateway under Bun and under Node: the gateway registers
 * its public URL and secret with a local Bot API (test/harness/telegram-api.ts,
 * `apiRoot`), listens on `webhookHost:webhookPort`, and this test posts
 * updates to that listener as Telegram does. Only the right
 * `X-Telegram-Bot-Api-Secret-Token` gets an update stored and answered; an
 * update Telegram delivers again (its acknowledgment lost) is answered once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { RESTART_TIMEOUT_MS, RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../../../../harness/runtimes.ts";
import { waitFor } from "../../../../harness/reference-client.ts";
import { startTelegramApi, type FakeTelegram } from "../../../../harness/telegram-api.ts";

const SECRET = "webhook-secret-0123456789abcdef";
const HOOK_TOKEN = "hook-token-0123456789abcdef";
const PUBLIC_URL = "https://bot.example.test/tg-hook";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let tg: FakeTelegram;
  let gw: RuntimeGateway;
  let webhook: string;
  let nextUpdate = 9_000;

  beforeAll(async () => {
    tg = startTelegramApi();
    // Telegram's first answer to setWebhook is a 429: registration must wait it out and retry by itself.
    tg.rateLimitNext("setWebhook", 1);
    gw = await startRuntimeGateway(runtime, {
      config: {
        channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"], webhookUrl: PUBLIC_URL, webhookSecret: SECRET, webhookPath: "/tg-hook", webhookHost: "127.0.0.1", webhookPort: 0,
          // Two more accounts for hooks' delivery refusals: one without a token (never runs), one switched off.
          accounts: { work: { enabled: true }, off: { enabled: false, botToken: "unused-token" } } } },
        hooks: { enabled: true, token: HOOK_TOKEN },
      },
    });
    // The listener's port (0 asks the system for one) as the gateway logs it, in upstream's words.
    let port = "";
    await waitFor(() => {
      const line = /webhook local listener on http:\/\/127\.0\.0\.1:(\d+)\/tg-hook/.exec(readLog());
      port = line?.[1] ?? "";
      return port !== "";
    }, 15_000);
    webhook = `http://127.0.0.1:${port}/tg-hook`;
    await tg.until(() => tg.webhookUrl === PUBLIC_URL);
  }, RESTART_TIMEOUT_MS);

  afterAll(async () => {
    await gw?.stop();
    tg?.stop();
  });

  function readLog(): string {
    try {
      return readFileSync(gw.logFile, "utf8");
    } catch {
      return "";
    }
  }

  /** A DM update as Telegram sends it. */
  const update = (from: number, text: string, updateId = ++nextUpdate) => ({
    update_id: updateId,
    message: { message_id: updateId - 8_000, date: 1_700_000_000, chat: { id: from, type: "private", first_name: "Ada" }, from: { id: from, is_bot: false, first_name: "Ada" }, text },
  });
  /** Posts as Telegram does; a null secret sends no secret header. */
  const deliver = (body: unknown, secret: string | null = SECRET) =>
    fetch(webhook, { method: "POST", headers: { "content-type": "application/json", ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }) }, body: JSON.stringify(body) });

  test("start-up: getMe, then setWebhook with the public URL and the secret (again after a 429); no polling", () => {
    expect(tg.calls.slice(0, 3)).toEqual(["getMe", "setWebhook", "setWebhook"]);
    expect(tg.calls).not.toContain("getUpdates");
    expect(tg.calls).not.toContain("deleteWebhook");
    expect(tg.webhookSecret).toBe(SECRET);
  });

  test("without the right secret -> 401 unauthorized, nothing stored or answered; with it -> durable 200 and the agent's reply, threaded", async () => {
    const refused = update(501, "my name is Mallory");
    for (const secret of [null, "wrong", SECRET.slice(1)]) {
      const res = await deliver(refused, secret);
      expect(res.status).toBe(401);
      expect(await res.text()).toBe("unauthorized");
    }
    const accepted = update(502, "my name is Ada");
    const res = await deliver(accepted);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-openclaw-delivery-accepted")).toBe("durable");
    await tg.until(() => tg.sent.length === 1);
    expect(tg.sent[0]).toMatchObject({ chat_id: "502", reply_to: accepted.message.message_id });
    expect(tg.sent[0]!.text).toStartWith("Nice to meet you, Ada.");
    // The refused update was never stored: Telegram may retry it with the right secret later and it is answered then.
    expect((await deliver(refused)).status).toBe(200);
    await tg.until(() => tg.sent.length === 2);
    expect(tg.sent[1]).toMatchObject({ chat_id: "501" });
  });

  test("an update Telegram delivers again (its 200 lost) is answered once", async () => {
    const before = tg.sent.length;
    const again = update(503, "my name is Grace");
    expect((await deliver(again)).status).toBe(200);
    expect((await deliver(again)).status).toBe(200);
    // A later update's answer shows the repeat was processed (as a duplicate) before it.
    expect((await deliver(update(503, "what is my name?"))).status).toBe(200);
    await tg.until(() => tg.sent.length === before + 2);
    expect(tg.sent.slice(before).map((m) => m.text.split(".")[0])).toEqual(["Nice to meet you, Grace", "Your name is Grace"]);
  });

  test("a hook with channel telegram + to -> the agent's reply sent to that chat; its completion says delivered", async () => {
    const before = tg.sent.length;
    const post = (body: unknown) => fetch(`http://127.0.0.1:${gw.port}/hooks/agent`, { method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}` }, body: JSON.stringify(body) });
    const res = await post({ message: "my name is Hooky", channel: "telegram", to: "600", waitForCompletion: true });
    expect(await res.json()).toEqual({ ok: true, runId: expect.any(String), completion: { status: "ok", replyDisposition: "visible", deliveryAttempted: true, delivered: true } });
    expect(tg.sent.length).toBe(before + 1);
    expect(tg.sent.at(-1)).toMatchObject({ chat_id: "600" });
    expect(tg.sent.at(-1)!.text).toContain("Hooky");
    expect(await (await post({ message: "x", channel: "matrix", to: "600" })).json()).toEqual({ ok: false, error: "channel must be last|telegram|discord|slack|whatsapp" });
    expect(await (await post({ message: "x", channel: "telegram", to: "600", accountId: "nope" })).json()).toEqual({ ok: false, error: 'Unknown account "nope" for channel telegram.' });
    expect(await (await post({ message: "x", channel: "telegram", to: "600", accountId: "off" })).json()).toEqual({ ok: false, error: 'Account "off" for channel telegram is disabled.' });
  });

  test("a hook whose account cannot send (no token, so not running) -> the run completes, delivery failed, nothing sent", async () => {
    const before = tg.sent.length;
    const res = await fetch(`http://127.0.0.1:${gw.port}/hooks/agent`, {
      method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}` },
      body: JSON.stringify({ message: "undeliverable", channel: "telegram", to: "600", accountId: "work", waitForCompletion: true }),
    });
    expect(await res.json()).toEqual({ ok: true, runId: expect.any(String), completion: { status: "ok", replyDisposition: "visible", deliveryAttempted: true, delivered: false, deliveryError: "delivery-failed" } });
    expect(tg.sent.length).toBe(before);
  });
});
