/**
 * What `channels add` writes for each channel clawgate runs, with upstream's channel-owned flags and error texts
 * (`openclaw channels add --channel <id> --help`): Telegram `--token | --token-file | --use-env`, Discord
 * `--token | --use-env` (`DISCORD_BOT_TOKEN`), Slack `--bot-token --app-token | --signing-secret [--mode
 * socket|http] | --use-env` (`SLACK_BOT_TOKEN`, `SLACK_APP_TOKEN`). Each rule checks its flags and answers with the
 * keys to set and to clear on the account; channels.ts owns the shared envelope and the write.
 */

/** The channel-owned `channels add` flags, by their option names. */
export interface SetupFlags {
  token?: string;
  "token-file"?: string;
  "use-env"?: boolean;
  "bot-token"?: string;
  "app-token"?: string;
  "signing-secret"?: string;
  mode?: string;
}

/** Every channel-owned flag some channel takes; the verb table accepts them all, the selected channel only its own. */
export const SETUP_FLAGS: readonly (keyof SetupFlags)[] = ["token", "token-file", "use-env", "bot-token", "app-token", "signing-secret", "mode"];

/** The account's keys to write (`set`) and to remove first (`unset`), or why nothing is written. */
export type SetupEdit = { set: Record<string, unknown>; unset: string[] } | { error: string };

interface SetupInput {
  flags: SetupFlags;
  accountId: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The account's section as configured now (root for the default account). */
  current: Record<string, unknown>;
}

export interface ChannelSetup {
  label: string;
  docsPath: string;
  /** The channel-owned flags this channel accepts; any other is refused as upstream's parser does. */
  flags: readonly (keyof SetupFlags)[];
  edit(input: SetupInput): SetupEdit;
}

const given = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);
const missingEnv = (names: string[]) => `Set these environment variables before using --use-env: ${names.join(", ")}.`;

const telegram: ChannelSetup = {
  label: "Telegram",
  docsPath: "/channels/telegram",
  flags: ["token", "token-file", "use-env"],
  edit({ flags, accountId, env }) {
    const sources = [flags.token !== undefined, flags["token-file"] !== undefined, flags["use-env"] === true].filter(Boolean).length;
    if (sources !== 1) return { error: "Pass exactly one of --token <bot-token>, --token-file <path> or --use-env." };
    if (flags["use-env"] && accountId !== "default") return { error: "TELEGRAM_BOT_TOKEN can only be used for the default account." };
    if (flags["use-env"] && !env.TELEGRAM_BOT_TOKEN?.trim()) return { error: "TELEGRAM_BOT_TOKEN is not set." };
    if (flags.token !== undefined && !/^\d+:[\w-]+$/.test(flags.token.trim())) return { error: "Invalid Telegram bot token: expected <digits>:<secret> as BotFather prints it." };
    const set: Record<string, unknown> = {};
    if (flags.token !== undefined) set.botToken = flags.token.trim();
    if (flags["token-file"] !== undefined) set.tokenFile = flags["token-file"];
    return { set, unset: ["botToken", "tokenFile"] };
  },
};

const discord: ChannelSetup = {
  label: "Discord",
  docsPath: "/channels/discord",
  flags: ["token", "use-env"],
  edit({ flags, accountId, env }) {
    if (flags["use-env"]) {
      if (accountId !== "default") return { error: "DISCORD_BOT_TOKEN can only be used for the default account." };
      if (flags.token !== undefined || !env.DISCORD_BOT_TOKEN?.trim()) return { error: missingEnv(["DISCORD_BOT_TOKEN"]) };
      return { set: {}, unset: ["token"] };
    }
    const token = given(flags.token);
    if (!token) return { error: "Discord requires token (or --use-env)." };
    return { set: { token }, unset: [] };
  },
};

const slack: ChannelSetup = {
  label: "Slack",
  docsPath: "/channels/slack",
  flags: ["bot-token", "app-token", "signing-secret", "mode", "use-env"],
  edit({ flags, accountId, env, current }) {
    if (flags.mode !== undefined && flags.mode !== "socket" && flags.mode !== "http") return { error: 'mode must be one of: "socket", "http".' };
    // Without --mode the account keeps the mode it has (socket unless configured otherwise), as upstream.
    const mode = flags.mode ?? (current.mode === "http" ? "http" : "socket");
    const set: Record<string, unknown> = flags.mode ? { mode } : {};
    if (flags["use-env"]) {
      if (accountId !== "default") return { error: "Slack env tokens can only be used for the default account." };
      if (!env.SLACK_BOT_TOKEN?.trim()) return { error: missingEnv(["SLACK_BOT_TOKEN"]) };
      if (mode === "socket" && !env.SLACK_APP_TOKEN?.trim()) return { error: "Slack Socket Mode requires SLACK_APP_TOKEN when using --use-env." };
      if (mode === "http" && !env.SLACK_SIGNING_SECRET?.trim() && current.signingSecret === undefined) return { error: "Slack HTTP mode requires a configured signing secret when using --use-env." };
      return { set, unset: ["botToken", "appToken"] };
    }
    const botToken = given(flags["bot-token"]);
    const appToken = given(flags["app-token"]);
    const signingSecret = given(flags["signing-secret"]);
    if (mode === "socket" && (!botToken || !appToken)) return { error: "Slack requires --bot-token and --app-token (or --use-env)." };
    if (mode === "http" && (!botToken || !signingSecret)) return { error: "Slack HTTP mode requires --bot-token and --signing-secret (or --use-env)." };
    return { set: { ...set, botToken, ...(appToken ? { appToken } : {}), ...(signingSecret ? { signingSecret } : {}) }, unset: [] };
  },
};

/** The channels `channels add|remove|list` know, by id. */
export const CHANNEL_SETUP: Readonly<Record<string, ChannelSetup>> = { telegram, discord, slack };
