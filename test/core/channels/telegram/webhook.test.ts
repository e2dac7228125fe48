/**
 * Telegram webhook mode's listener on its own port (port 0; Bun.serve and node:http, the two shims' HttpListen),
 * driven with fetch the way Telegram calls it: the update is admitted
 * only with the right `X-Telegram-Bot-Api-Secret-Token`, and the empty 200
 * with `x-openclaw-delivery-accepted: durable` comes only after admission
 * returned; every refusal admits nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { telegramWebhookHandler, webhookSettingsProblem } from "../../../../core/channels/telegram/webhook.ts";
import type { HttpListen, HttpListener } from "../../../../core/runtime.ts";
import { listenHttp as bunListen } from "../../../../runtime-bun/http-listener.ts";
import { listenHttp as nodeListen } from "../../../../runtime-node/http-listener.ts";

const SECRET = "webhook-secret-0123456789";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const UPDATE = { update_id: 7001, message: { message_id: 1, date: 1, chat: { id: 42, type: "private" }, from: { id: 42, is_bot: false, first_name: "Ada" }, text: "hi" } };

const LISTENERS: [string, HttpListen][] = [["Bun.serve", bunListen], ["node:http", nodeListen]];

describe.each(LISTENERS)("telegram webhook listener on %s", (_name, listenHttp) => {
  const admitted: unknown[] = [];
  let failNext = false;
  let listener: HttpListener;
  let url: string;

  beforeAll(async () => {
    const handle = telegramWebhookHandler({
      path: "/telegram-webhook",
      secret: SECRET,
      logger: quiet,
      maxFailures: 6,
      admit: async (update) => {
        if (failNext) {
          failNext = false;
          throw new Error("database is locked");
        }
        admitted.push(update);
      },
    });
    listener = await listenHttp("127.0.0.1", 0, handle);
    url = `http://127.0.0.1:${listener.port}`;
  });
  afterAll(() => listener?.close());

  const post = (body: string, headers: Record<string, string> = { "x-telegram-bot-api-secret-token": SECRET }, path = "/telegram-webhook") =>
    fetch(url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  test("the right secret -> empty 200 with x-openclaw-delivery-accepted: durable, after the update was admitted", async () => {
    const res = await post(JSON.stringify(UPDATE));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-openclaw-delivery-accepted")).toBe("durable");
    expect(await res.text()).toBe("");
    expect(admitted).toEqual([UPDATE]);
  });

  test("a missing, wrong or differently sized secret -> 401 unauthorized, connection closed, nothing admitted", async () => {
    admitted.length = 0;
    for (const headers of [{} as Record<string, string>, { "x-telegram-bot-api-secret-token": "wrong" }, { "x-telegram-bot-api-secret-token": SECRET + "x" }, { "x-telegram-bot-api-secret-token": SECRET.slice(0, -1) }]) {
      const res = await post(JSON.stringify(UPDATE), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("connection")).toBe("close");
      expect(await res.text()).toBe("unauthorized");
    }
    expect(admitted).toEqual([]);
  });

  test("other paths and methods -> empty 404; /healthz -> ok", async () => {
    expect((await post(JSON.stringify(UPDATE), undefined, "/elsewhere")).status).toBe(404);
    expect((await post(JSON.stringify(UPDATE), undefined, "/telegram-webhook?x=1")).status).toBe(404);
    const get = await fetch(`${url}/telegram-webhook`, { headers: { "x-telegram-bot-api-secret-token": SECRET } });
    expect(get.status).toBe(404);
    expect(await (await fetch(`${url}/healthz`)).text()).toBe("ok");
    expect(admitted).toEqual([]);
  });

  test("bad bodies -> 400 / 413 with upstream's texts, nothing admitted; a failed admission -> 500 so Telegram retries", async () => {
    expect(await (await post("")).text()).toBe("empty payload");
    const malformed = await post("{\"update_id\": ");
    expect(malformed.status).toBe(400);
    const large = await post(JSON.stringify({ update_id: 1, pad: "x".repeat(1024 * 1024) }));
    expect(large.status).toBe(413);
    expect(await large.text()).toBe("Payload too large");
    failNext = true;
    const failed = await post(JSON.stringify(UPDATE));
    expect(failed.status).toBe(500);
    expect(failed.headers.get("x-openclaw-delivery-accepted")).toBeNull();
    expect(admitted).toEqual([]);
  });

  test("a port already taken -> listening rejects; the listener that holds it keeps serving", async () => {
    const refused = await listenHttp("127.0.0.1", listener.port, async () => new Response("second")).then(() => "bound", (error: unknown) => String(error));
    expect(refused).not.toBe("bound");
    expect(await (await fetch(`${url}/healthz`)).text()).toBe("ok");
  });

  test("past the allowance of wrong secrets a minute -> 429 Too Many Requests for that address; the right secret still works", async () => {
    // Four wrong secrets were counted by the test above; two more are allowed, then 429.
    for (const expected of [401, 401, 429, 429]) expect((await post(JSON.stringify(UPDATE), { "x-telegram-bot-api-secret-token": "guess" })).status).toBe(expected);
    const res = await post(JSON.stringify({ ...UPDATE, update_id: 7002 }));
    expect(res.status).toBe(200);
    expect(admitted).toEqual([{ ...UPDATE, update_id: 7002 }]);
  });
});

test("settings upstream refuses at start: no secret; the health path as webhookPath", () => {
  expect(webhookSettingsProblem("/telegram-webhook", " ")).toBe("Telegram webhook mode requires a non-empty secret token. Set channels.telegram.webhookSecret in your config.");
  expect(webhookSettingsProblem("/healthz", SECRET)).toBe('Telegram webhook path "/healthz" conflicts with the health path.');
  expect(webhookSettingsProblem("/telegram-webhook", SECRET)).toBeUndefined();
});
