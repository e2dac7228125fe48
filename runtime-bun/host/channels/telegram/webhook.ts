/**
 * Telegram webhook mode's HTTP listener (upstream docs/channels/telegram/transports.md,
 * extensions/telegram webhook): `POST <webhookPath>` with Telegram's
 * `X-Telegram-Bot-Api-Secret-Token`, compared in constant time, a JSON body
 * of at most 1 MiB read within 30 s, and an empty 200 carrying
 * `x-openclaw-delivery-accepted: durable` only once the update is stored: the
 * same durable inbound path as long polling, so an update Telegram saw
 * acknowledged is answered exactly once. `/healthz` answers `ok`; anything
 * else is an empty 404. Upstream's status codes and texts. The listener is
 * its own `node:http` server on `webhookHost:webhookPort` (Bun and Node alike).
 */
import { getRequestListener } from "@hono/node-server";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { safeEqualSecret } from "../../../../core/auth/secrets.ts";
import { BodyLimitError, readLimitedBody } from "../../../../core/http/body.ts";
import type { Logger } from "../../../../core/runtime.ts";

/** Reserved for health checks on the listener; `webhookPath` may not use it. */
export const WEBHOOK_HEALTH_PATH = "/healthz";
const MAX_BODY_BYTES = 1024 * 1024;
const BODY_TIMEOUT_MS = 30_000;
const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

export interface TelegramWebhookOptions {
  path: string;
  secret: string;
  /** Stores one update durably (or knows it already); resolves once it is stored. */
  admit(update: unknown): void | Promise<void>;
  logger: Logger;
  /** The body-read deadline; upstream's 30 s unless a test needs it short. */
  bodyTimeoutMs?: number;
}

/** Upstream's start-up refusals for webhook settings. */
export function webhookSettingsProblem(path: string, secret: string | undefined): string | undefined {
  if (!secret?.trim()) return "Telegram webhook mode requires a non-empty secret token. Set channels.telegram.webhookSecret in your config.";
  if (path === WEBHOOK_HEALTH_PATH) return `Telegram webhook path "${path}" conflicts with the health path.`;
  return undefined;
}

/** The listener's request handler. */
export function telegramWebhookHandler(opts: TelegramWebhookOptions): (req: Request) => Promise<Response> {
  const secret = opts.secret.trim();
  return async (req) => {
    const url = new URL(req.url);
    const target = url.pathname + url.search;
    if (target === WEBHOOK_HEALTH_PATH) return new Response("ok");
    if (target !== opts.path || req.method !== "POST") return new Response(null, { status: 404 });
    const presented = req.headers.get("x-telegram-bot-api-secret-token");
    if (presented === null || !safeEqualSecret(presented, secret)) {
      opts.logger.warn("telegram/webhook", "webhook request with a wrong secret token refused");
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

/** A running webhook listener. */
export interface WebhookListener {
  /** The bound port (the configured one, or the system's choice for 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `handle` on `host:port`; rejects when the address cannot be bound. */
export function listenWebhook(host: string, port: number, handle: (req: Request) => Promise<Response>): Promise<WebhookListener> {
  return new Promise((resolve, reject) => {
    const server = createServer(getRequestListener(handle, { overrideGlobalObjects: false }));
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
