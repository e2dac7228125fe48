/**
 * Slack as a channel the gateway knows: config reading is cheap and synchronous; the adapter and the Slack clients
 * load only when an account runs. `SLACK_BOT_TOKEN`, `SLACK_APP_TOKEN`, `SLACK_SIGNING_SECRET`, `SLACK_API_URL` and
 * `OPENCLAW_SLACK_CHANNEL_MEMBERS_CACHE_TTL_MS` come from the gateway's environment.
 */
import type { ChannelPlugin } from "../contract.ts";
import { membersCacheTtlMs } from "./channel-members.ts";
import { accountConfig, SLACK_MAX_TEXT, slackAccounts } from "./config.ts";

export function slackPlugin(env: Readonly<Record<string, string | undefined>>): ChannelPlugin {
  return {
    id: "slack",
    label: "Slack",
    maxTextLength: SLACK_MAX_TEXT,
    accounts: (config) => slackAccounts(config, env).map(accountConfig),
    defaultAccountId: (config) => slackAccounts(config, env)[0]?.accountId ?? "default",
    async load() {
      const [{ slackAdapter }, { slackApiUrl }] = await Promise.all([import("./adapter.ts"), import("./api-url.ts")]);
      const apiUrl = slackApiUrl(env.SLACK_API_URL);
      const membersTtl = membersCacheTtlMs(env.OPENCLAW_SLACK_CHANNEL_MEMBERS_CACHE_TTL_MS);
      return (ctx) => slackAdapter(ctx, apiUrl, () => slackAccounts(ctx.config(), env).find((a) => a.accountId === ctx.accountId), membersTtl);
    },
    senderIdLine: (senderId) => `Your Slack user id: ${senderId}`,
    credentialPaths: (_config, accountId) => {
      const base = accountId === "default" ? ["channels", "slack"] : ["channels", "slack", "accounts", accountId];
      return ["botToken", "appToken", "signingSecret"].map((key) => [...base, key]);
    },
    missingCredentials: { message: "Slack tokens missing", fix: "socket mode needs channels.slack.botToken + appToken (SLACK_BOT_TOKEN, SLACK_APP_TOKEN); http mode botToken + signingSecret" },
  };
}
