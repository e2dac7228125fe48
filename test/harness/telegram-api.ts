/** The local Telegram Bot API (./telegram-bot-api.ts) served by Bun. */
import { serveBun } from "./serve-bun.ts";
import { telegramBotApi, type FakeTelegram } from "./telegram-bot-api.ts";

export { CONFLICT_POLLER, CONFLICT_WEBHOOK, type FakeTelegram, type SentMessage } from "./telegram-bot-api.ts";

export function startTelegramApi(opts: { token?: string; username?: string } = {}): FakeTelegram {
  return telegramBotApi(opts, serveBun);
}
