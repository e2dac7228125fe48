/**
 * Discord as a channel the gateway knows: config reading is cheap and synchronous; the adapter and the Discord
 * clients load only when an account runs. `DISCORD_BOT_TOKEN` and `DISCORD_API_URL` come from the gateway's
 * environment.
 */
import type { ChannelPlugin } from "../contract.ts";
import { accountConfig, DISCORD_MAX_TEXT, discordAccounts } from "./config.ts";

export function discordPlugin(env: Readonly<Record<string, string | undefined>>): ChannelPlugin {
  return {
    id: "discord",
    label: "Discord",
    maxTextLength: DISCORD_MAX_TEXT,
    accounts: (config) => discordAccounts(config, env).map(accountConfig),
    defaultAccountId: (config) => discordAccounts(config, env)[0]?.accountId ?? "default",
    async load() {
      const [{ discordAdapter }, { discordOrigin }] = await Promise.all([import("./adapter.ts"), import("./origin.ts")]);
      const origin = discordOrigin(env.DISCORD_API_URL);
      return (ctx) => discordAdapter(ctx, origin, () => discordAccounts(ctx.config(), env).find((a) => a.accountId === ctx.accountId));
    },
    senderIdLine: (senderId) => `Your Discord user id: ${senderId}`,
    credentialPaths: (_config, accountId) => [accountId === "default" ? ["channels", "discord", "token"] : ["channels", "discord", "accounts", accountId, "token"]],
    missingCredentials: { message: "Discord bot token missing", fix: "set channels.discord.token or DISCORD_BOT_TOKEN" },
  };
}
