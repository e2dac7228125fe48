/**
 * Telegram webhook mode's HTTP listener (upstream docs/channels/telegram/transports.md,
 * extensions/telegram webhook): `POST <webhookPath>` with Telegram's
 * `X-Telegram-Bot-Api-Secret-Token`, compared in constant time, a JSON body
 * of at most 1 MiB read within 30 s, and an empty 200 carrying
 * `x-openclaw-delivery-accepted: durable` only once the update is stored: the
 * same durable inbound path as long polling, so an update Telegram saw
 * acknowledged is answered exactly once. Wrong secrets count per client
 * address in a fixed window (upstream: 120 a minute, then 429). `/healthz` answers `ok`; anything
 * else is an empty 404. Upstream's status codes and texts. The host serves
 * the handler on `webhookHost:webhookPort` (core/runtime.ts HttpListen).
 * Runtime-agnostic.
 */
import { safeEqualSecret } from "../../auth/secrets.ts";
import { BodyLimitError, readLimitedBody } from "../../http/body.ts";
import type { HttpHandler, Logger } from "../../runtime.ts";

/** Reserved for health checks on the listener; `webhookPath` may not use it. */
export const WEBHOOK_HEALTH_PATH = "/healthz";
const MAX_BODY_BYTES = 1024 * 1024;
const BODY_TIMEOUT_MS = 30_000;
const TEXT = { "Content-Type": "text/plain; charset=utf-8" };
/** Upstream's webhook guard: wrong-secret requests per client address and window, and how many addresses it tracks. */
const FAILURE_WINDOW_MS = 60_000;
const MAX_FAILURES = 120;
const MAX_TRACKED = 4_096;

export interface TelegramWebhookOptions {
  path: string;
  secret: string;
  /** Stores one update durably (or knows it already); resolves once it is stored. */
  admit(update: unknown): void | Promise<void>;
  logger: Logger;
  /** The body-read deadline; upstream's 30 s unless a test needs it short. */
  bodyTimeoutMs?: number;
  /** Wrong-secret requests a client address may make per minute before 429 (upstream: 120). */
  maxFailures?: number;
  now?: () => number;
}

/** Upstream's start-up refusals for webhook settings. */
export function webhookSettingsProblem(path: string, secret: string | undefined): string | undefined {
  if (!secret?.trim()) return "Telegram webhook mode requires a non-empty secret token. Set channels.telegram.webhookSecret in your config.";
  if (path === WEBHOOK_HEALTH_PATH) return `Telegram webhook path "${path}" conflicts with the health path.`;
  return undefined;
}

/** The listener's request handler; `remoteAddress` is the socket's peer. */
export function telegramWebhookHandler(opts: TelegramWebhookOptions): HttpHandler {
  const secret = opts.secret.trim();
  const now = opts.now ?? Date.now;
  const failures = new Map<string, { count: number; since: number }>();
  /** Counts one wrong secret; true once the address is past its allowance for the window. */
  const limited = (address: string): boolean => {
    const t = now();
    let entry = failures.get(address);
    if (!entry || t - entry.since >= FAILURE_WINDOW_MS) {
      failures.delete(address);
      // Bounded memory: the oldest address goes when a flood of new ones arrives.
      if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value!);
      entry = { count: 0, since: t };
      failures.set(address, entry);
    }
    return ++entry.count > (opts.maxFailures ?? MAX_FAILURES);
  };
  return async (req, remoteAddress) => {
    const url = new URL(req.url);
    const target = url.pathname + url.search;
    if (target === WEBHOOK_HEALTH_PATH) return new Response("ok");
    if (target !== opts.path || req.method !== "POST") return new Response(null, { status: 404 });
    const presented = req.headers.get("x-telegram-bot-api-secret-token");
    if (presented === null || !safeEqualSecret(presented, secret)) {
      if (limited(remoteAddress)) return new Response("Too Many Requests", { status: 429, headers: { ...TEXT, Connection: "close" } });
      opts.logger.warn("telegram/webhook", "webhook request with a wrong secret token refused", { remote: remoteAddress });
      return new Response("unauthorized", { status: 401, headers: { ...TEXT, Connection: "close" } });
    }
    let update: unknown;
    try {
      const body = (await readLimitedBody(req, { maxBytes: MAX_BODY_BYTES, timeoutMs: opts.bodyTimeoutMs ?? BODY_TIMEOUT_MS })).trim();
      if (body === "") return new Response("empty payload", { status: 400, headers: TEXT });
      update = JSON.parse(body);
    } catch (error) {
      if (error instanceof BodyLimitError) {
        return error.code === "PAYLOAD_TOO_LARGE" ? new Response("Payload too large", { status: 413, headers: TEXT }) : new Response("Request body timeout", { status: 408, headers: TEXT });
      }
      return new Response(error instanceof Error ? error.message : "invalid JSON", { status: 400, headers: TEXT });
    }
    try {
      await opts.admit(update);
    } catch (error) {
      // Not stored: Telegram sees a failure and delivers the update again.
      opts.logger.warn("telegram/webhook", "webhook request failed", { error: error instanceof Error ? error.message : String(error) });
      return new Response("", { status: 500, headers: TEXT });
    }
    return new Response("", { status: 200, headers: { ...TEXT, "x-openclaw-delivery-accepted": "durable" } });
  };
}
