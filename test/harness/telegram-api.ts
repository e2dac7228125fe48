/**
 * The local Telegram Bot API (./telegram-bot-api.ts) served by Bun on
 * 127.0.0.1, port 0. Long polls stay open as long as they ask (no idle timeout).
 */
import { telegramBotApi, type FakeTelegram } from "./telegram-bot-api.ts";

export { CONFLICT_POLLER, CONFLICT_WEBHOOK, type FakeTelegram, type SentMessage } from "./telegram-bot-api.ts";

export function startTelegramApi(opts: { token?: string; username?: string } = {}): FakeTelegram {
  return telegramBotApi(opts, (fetch) => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch });
    return { url: `http://127.0.0.1:${server.port}`, stop: () => void server.stop(true) };
  });
}
