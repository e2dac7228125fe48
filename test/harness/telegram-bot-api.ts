/**
 * A local Telegram Bot API as a plain `(Request) => Response` handler, which
 * a runtime serves over real sockets on port 0 (./serve-local.ts: Bun.serve
 * in ./telegram-api.ts, Deno.serve in test/deno), pointed at by
 * `channels.telegram.apiRoot`. It
 * keeps the Bot API's semantics where a client depends on them:
 * - `POST /bot<token>/<method>` with a JSON, form or query body; a wrong token
 *   answers 401 "Unauthorized", an unknown method 404 "Not Found";
 * - `getUpdates` long-polls up to `timeout` seconds, returns updates with
 *   `update_id >= offset`, and confirms (forgets) every update below `offset`;
 *   a second poller ends the first with the real 409 body; with a webhook set
 *   it answers the real "webhook is active" 409;
 * - `getMe`, `getWebhookInfo`, `setWebhook`, `deleteWebhook`
 *   (`drop_pending_updates` honoured), `sendMessage`, `sendChatAction`, `logOut`;
 * - sendMessage's 400 "message is too long" past 4,096 characters of text as
 *   Telegram counts them, after entity parsing (HTML tags and escapes do not
 *   count);
 * - a 429 with `parameters.retry_after`, and a 400 "can't parse entities" for
 *   formatted text, on request.
 *
 * API for tests:
 *   const tg = startTelegramApi();                 // Bun; or telegramBotApi({}, serve) elsewhere; tg.apiRoot, tg.token
 *   tg.message({ from: 42, text: "hi" })           // an incoming DM (or `chat: -100..., chatType: "supergroup"`)
 *   tg.inject({ edited_message: ... })             // any raw update (update_id assigned)
 *   tg.batch(() => { tg.message(...); ... })       // several updates in one getUpdates answer
 *   await tg.until(() => tg.sent.length === 1)     // sendMessage calls: { chat_id, text, parse_mode, reply_to, ... }
 *   tg.confirmedOffset, tg.pending(), tg.calls, tg.actions
 *   tg.conflictNext(n) | tg.setWebhookElsewhere(url) | tg.rateLimitNext("sendMessage", retryAfterS)
 *   tg.refuseFormattingNext(n) | tg.stallPolls(true) | tg.hold("sendMessage") / tg.releaseHeld()
 *   tg.stop()
 */
import type { ServeLocal } from "./serve-local.ts";

export const CONFLICT_POLLER = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
export const CONFLICT_WEBHOOK = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

export interface SentMessage {
  chat_id: string;
  text: string;
  parse_mode?: string;
  /** `reply_parameters.message_id` (or the legacy `reply_to_message_id`). */
  reply_to?: number;
  message_thread_id?: number;
  message_id: number;
}

export interface FakeTelegram {
  apiRoot: string;
  token: string;
  bot: { id: number; username: string; first_name: string };
  /** Every method called, in order (also the refused ones). */
  calls: string[];
  sent: SentMessage[];
  actions: { chat_id: string; action: string }[];
  /** The highest offset a getUpdates confirmed (updates below it are forgotten). */
  confirmedOffset: number;
  webhookUrl: string;
  /** `secret_token` of the last setWebhook. */
  webhookSecret: string;
  /** Queues a raw update; returns its update_id. */
  inject(update: Record<string, unknown>): number;
  /** Queues a text message from user `from` in a DM (default) or in chat `chat`. */
  message(opts: { from: number; text: string; chat?: number; chatType?: "private" | "group" | "supergroup"; username?: string; replyToBot?: boolean; threadId?: number; entities?: unknown[] }): number;
  /** Runs `fn`, then wakes pollers once: every update it queued arrives in one getUpdates batch. */
  batch(fn: () => void): void;
  /** The message_id of the message an update carried (what a reply threads to). */
  messageIdOf(updateId: number): number | undefined;
  /** Updates not yet confirmed. */
  pending(): number[];
  /** The next `n` getUpdates answer 409 (another poller). */
  conflictNext(n: number): void;
  /** A webhook set by someone else: getUpdates answers 409 until deleteWebhook. */
  setWebhookElsewhere(url: string): void;
  /** The next `times` calls of `method` answer 429 with retry_after. */
  rateLimitNext(method: string, retryAfterS: number, times?: number): void;
  /** The next `n` sendMessage calls with a parse_mode answer 400 "can't parse entities". */
  refuseFormattingNext(n: number): void;
  /** While on, getUpdates never answers (a stalled network). */
  stallPolls(on: boolean): void;
  /** Holds calls of `method` unanswered until releaseHeld(); they are recorded on arrival. */
  hold(method: string | undefined): void;
  releaseHeld(): void;
  /** Number of getUpdates requests in flight now. */
  polling(): number;
  /** Calls `listener` with each sendMessage as it is recorded (benches time replies with it). */
  onSent(listener: (m: SentMessage) => void): void;
  until(cond: () => boolean, ms?: number): Promise<void>;
  stop(): void;
}

type Json = Record<string, unknown>;

const ok = (result: unknown) => Response.json({ ok: true, result });
const fail = (status: number, description: string, parameters?: Json) =>
  Response.json({ ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) }, { status });

async function params(req: Request, url: URL): Promise<Json> {
  const out: Json = Object.fromEntries(url.searchParams);
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json")) Object.assign(out, await req.json());
  else if (type.includes("form")) for (const [k, v] of (await req.formData()).entries()) out[k] = typeof v === "string" ? v : "(file)";
  return out;
}

/** sendMessage's limit counts the text "after entities parsing" (Bot API docs): in HTML mode, without tags and with entities decoded. */
function textLength(text: string, parseMode: unknown): number {
  if (parseMode !== "HTML") return text.length;
  return text.replace(/<[^>]*>/g, "").replace(/&(?:lt|gt|amp|quot|#\d+|#x[\da-f]+);/gi, "_").length;
}

export function telegramBotApi(opts: { token?: string; username?: string }, serve: ServeLocal): FakeTelegram {
  const token = opts.token ?? "123456:TEST-token_abcdefghijklmnopqrstuv";
  const bot = { id: 123456, username: opts.username ?? "clawgate_test_bot", first_name: "Clawgate Test" };
  const updates: Json[] = [];
  let nextUpdateId = 1000;
  let nextMessageId = 1;
  let conflicts = 0;
  let refuseFormatting = 0;
  let stalled = false;
  let heldMethod: string | undefined;
  const held: (() => void)[] = [];
  const limits = new Map<string, { retryAfter: number; times: number }>();
  const sentListeners: ((m: SentMessage) => void)[] = [];
  const messageIds = new Map<number, number>();
  /** The poll in flight; a new one ends it with 409, as Telegram does. */
  let activePoll: { end: (r: Response) => void } | undefined;
  let inFlight = 0;
  const wakers = new Set<() => void>();
  let quiet = false;
  const wake = () => {
    if (quiet) return;
    for (const w of wakers) w();
  };

  const api: FakeTelegram = {
    apiRoot: "",
    token,
    bot,
    calls: [],
    sent: [],
    actions: [],
    confirmedOffset: 0,
    webhookUrl: "",
    webhookSecret: "",
    inject(update) {
      const update_id = nextUpdateId++;
      const carried = (update.message as { message_id?: unknown } | undefined)?.message_id;
      if (typeof carried === "number") messageIds.set(update_id, carried);
      updates.push({ update_id, ...update });
      wake();
      return update_id;
    },
    message(o) {
      const chatId = o.chat ?? o.from;
      const chat = chatId === o.from ? { id: o.from, type: "private", first_name: `User${o.from}` } : { id: chatId, type: o.chatType ?? "supergroup", title: "Group" };
      return api.inject({
        message: {
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat,
          from: { id: o.from, is_bot: false, first_name: `User${o.from}`, ...(o.username ? { username: o.username } : {}) },
          text: o.text,
          ...(o.entities ? { entities: o.entities } : {}),
          ...(o.threadId ? { message_thread_id: o.threadId, is_topic_message: true } : {}),
          ...(o.replyToBot ? { reply_to_message: { message_id: 1, date: 0, chat, from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username }, text: "earlier" } } : {}),
        },
      });
    },
    batch(fn) {
      quiet = true;
      try {
        fn();
      } finally {
        quiet = false;
        wake();
      }
    },
    messageIdOf: (updateId) => messageIds.get(updateId),
    pending: () => updates.map((u) => u.update_id as number),
    conflictNext(n) {
      conflicts = n;
    },
    setWebhookElsewhere(url) {
      api.webhookUrl = url;
    },
    rateLimitNext(method, retryAfterS, times = 1) {
      limits.set(method, { retryAfter: retryAfterS, times });
    },
    refuseFormattingNext(n) {
      refuseFormatting = n;
    },
    stallPolls(on) {
      stalled = on;
    },
    hold(method) {
      heldMethod = method;
    },
    releaseHeld() {
      heldMethod = undefined;
      for (const release of held.splice(0)) release();
    },
    polling: () => inFlight,
    onSent(listener) {
      sentListeners.push(listener);
    },
    async until(cond, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; calls: ${api.calls.slice(-20).join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    stop() {
      activePoll?.end(ok([]));
      server.stop();
    },
  };

  function confirm(offset: number): void {
    if (offset <= api.confirmedOffset) return;
    api.confirmedOffset = offset;
    while (updates.length > 0 && (updates[0]!.update_id as number) < offset) updates.shift();
  }

  async function getUpdates(p: Json, signal: AbortSignal): Promise<Response> {
    if (api.webhookUrl) return fail(409, CONFLICT_WEBHOOK);
    if (conflicts > 0) {
      conflicts--;
      return fail(409, CONFLICT_POLLER);
    }
    activePoll?.end(fail(409, CONFLICT_POLLER));
    const offset = Number(p.offset ?? 0);
    if (offset > 0) confirm(offset);
    const limit = Math.min(Number(p.limit ?? 100) || 100, 100);
    const timeoutS = Number(p.timeout ?? 0);
    const ready = () => updates.filter((u) => (u.update_id as number) >= offset).slice(0, limit);
    return new Promise<Response>((resolve) => {
      let done = false;
      const end = (r: Response) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        wakers.delete(check);
        if (activePoll === me) activePoll = undefined;
        resolve(r);
      };
      const me = { end };
      activePoll = me;
      const check = () => {
        if (stalled) return;
        const batch = ready();
        if (batch.length > 0) end(ok(batch));
      };
      const timer = setTimeout(() => (stalled ? undefined : end(ok(ready()))), stalled ? 2 ** 30 : timeoutS * 1000);
      signal.addEventListener("abort", () => end(ok([])));
      wakers.add(check);
      check();
    });
  }

  async function call(method: string, p: Json, signal: AbortSignal): Promise<Response> {
    const limit = limits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      return fail(429, `Too Many Requests: retry after ${limit.retryAfter}`, { retry_after: limit.retryAfter });
    }
    switch (method) {
      case "getMe":
        return ok({ ...bot, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case "getWebhookInfo":
        return ok({ url: api.webhookUrl, has_custom_certificate: false, pending_update_count: updates.length });
      case "setWebhook":
        api.webhookUrl = String(p.url ?? "");
        api.webhookSecret = String(p.secret_token ?? "");
        return ok(true);
      case "deleteWebhook":
        api.webhookUrl = "";
        if (p.drop_pending_updates === true || p.drop_pending_updates === "true") updates.length = 0;
        return ok(true);
      case "logOut":
        return ok(true);
      case "getUpdates": {
        inFlight++;
        try {
          return await getUpdates(p, signal);
        } finally {
          inFlight--;
        }
      }
      case "sendChatAction":
        api.actions.push({ chat_id: String(p.chat_id), action: String(p.action) });
        return ok(true);
      case "sendMessage": {
        if (!p.text) return fail(400, "Bad Request: message text is empty");
        if (textLength(String(p.text), p.parse_mode) > 4096) return fail(400, "Bad Request: message is too long");
        if (p.parse_mode && refuseFormatting > 0) {
          refuseFormatting--;
          return fail(400, "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 3");
        }
        const reply = (p.reply_parameters as Json | undefined)?.message_id ?? p.reply_to_message_id;
        const message_id = nextMessageId++;
        const record: SentMessage = {
          chat_id: String(p.chat_id), text: String(p.text), message_id,
          ...(p.parse_mode ? { parse_mode: String(p.parse_mode) } : {}),
          ...(reply !== undefined ? { reply_to: Number(reply) } : {}),
          ...(p.message_thread_id !== undefined ? { message_thread_id: Number(p.message_thread_id) } : {}),
        };
        api.sent.push(record);
        for (const listener of sentListeners) listener(record);
        return ok({ message_id, date: Math.floor(Date.now() / 1000), chat: { id: Number(p.chat_id), type: "private" }, from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username }, text: p.text });
      }
      default:
        return fail(404, "Not Found");
    }
  }

  const server = serve(async (req) => {
    const url = new URL(req.url);
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return fail(404, "Not Found");
    const [, presented, method] = m;
    api.calls.push(method!);
    if (presented !== token) return fail(401, "Unauthorized");
    const p = await params(req, url);
    if (heldMethod === method) await new Promise<void>((resolve) => held.push(resolve));
    return call(method!, p, req.signal);
  });
  api.apiRoot = `http://127.0.0.1:${server.port}`;
  return api;
}
