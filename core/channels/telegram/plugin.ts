/**
 * Telegram as a channel the gateway knows: its config is read here, cheaply;
 * the adapter and grammY load (dynamic import) only when an account starts.
 * Runtime-agnostic: the host's part comes in as a TelegramHost.
 */
import type { ChannelPlugin } from "../contract.ts";
import type { OpenClawConfig } from "../../config/schema.ts";
import { defaultTelegramAccountId, TELEGRAM_MAX_TEXT, telegramAccounts, telegramCredentialPaths } from "./config.ts";
import type { TelegramHost } from "./adapter.ts";
import { toTelegramHtml } from "./format.ts";
import type { PollingTuning } from "./polling.ts";

export function telegramPlugin(host: TelegramHost, tuning?: Partial<PollingTuning>): ChannelPlugin {
  return {
    id: "telegram",
    label: "Telegram",
    detailLabel: "Telegram Bot",
    systemImage: "paperplane",
    maxTextLength: TELEGRAM_MAX_TEXT,
    renderedLength: (chunk) => toTelegramHtml(chunk).length,
    accounts: (config: OpenClawConfig) => telegramAccounts(config, host).map(({ token: _token, apiRoot: _root, webhook: _webhook, tokenError, ...account }) => ({
      ...account,
      // A token file that cannot be read is a config problem to show, never a secret to log.
      ...(tokenError && !account.configured ? { details: { ...account.details, lastError: tokenError } } : {}),
    })),
    defaultAccountId: (config) => defaultTelegramAccountId(config),
    load: async () => (await import("./adapter.ts")).createTelegramAdapter({ host, tuning }),
    senderIdLine: (senderId) => `Your Telegram user id: ${senderId}`,
    credentialPaths: telegramCredentialPaths,
    missingCredentials: { message: "Not configured: no bot token.", fix: "set channels.telegram.botToken, tokenFile or TELEGRAM_BOT_TOKEN" },
  };
}
