/**
 * `clawgate channels add|list|status|remove` as child processes: add writes
 * the account to the config file, the gateway polls the local Bot API
 * (test/harness/telegram-api.ts), `status --probe` prints upstream's account
 * line, and the real `openclaw channels status --probe` renders the same
 * gateway's answer; remove has the running gateway stop the account, then
 * disables, then deletes (with no gateway it says so and still removes). Discord and Slack accounts
 * are added and removed with upstream's flags, texts and written keys.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipWithout } from "../../../harness/capability.ts";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../../../harness/openclaw-cli.ts";
import { configPort, freshHome, runCli, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

const TOKEN = "channels-cli-token-0123456789abcdef";
const realCli = !skipWithout(openclawCliAvailable(), "comparisons with the real CLI", SKIP_MESSAGE);

let home: string;
let upstreamHome: string;
let tg: FakeTelegram;
let gw: ChildGateway | undefined;
const cli = (...args: string[]) => runCli(home, args);
const configPath = () => join(home, ".openclaw", "openclaw.json");
const fileConfig = () => JSON.parse(readFileSync(configPath(), "utf8"));

beforeAll(() => {
  tg = startTelegramApi();
  home = freshHome();
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  writeFileSync(configPath(), JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } }), { mode: 0o600 });
});
afterAll(() => {
  gw?.proc.kill("SIGKILL");
  tg.stop();
  rmSync(home, { recursive: true, force: true });
  if (upstreamHome) rmSync(upstreamHome, { recursive: true, force: true });
});

describe("channels add / list", () => {
  test("bad input -> a clear error, config untouched", async () => {
    const before = readFileSync(configPath(), "utf8");
    expect(await cli("channels", "add", "--channel", "telegram", "--token", "not-a-token")).toEqual({ code: 1, stdout: "", stderr: "error Invalid Telegram bot token: expected <digits>:<secret> as BotFather prints it.\n" });
    expect((await cli("channels", "add", "--channel", "smoke-signals", "--token", "1:a")).stderr).toBe("error Unknown channel: smoke-signals. clawgate runs: telegram, discord, slack.\n");
    expect((await cli("channels", "add", "telegram")).stderr).toBe("error Pass exactly one of --token <bot-token>, --token-file <path> or --use-env.\n");
    expect((await cli("channels", "add", "telegram", "--use-env", "--token", "1:a")).code).toBe(1);
    expect(readFileSync(configPath(), "utf8")).toBe(before);
    expect((await cli("channels", "list")).stdout).toBe("Chat channels:\n- no configured chat channels (run `clawgate channels list --all` to see installable channels)\n");
  });

  test("add --channel telegram --token -> written as upstream writes it; list shows the account", async () => {
    expect(await cli("channels", "add", "--channel", "telegram", "--token", tg.token)).toEqual({ code: 0, stdout: 'Added Telegram account "default".\n', stderr: "" });
    expect(fileConfig().channels).toEqual({ telegram: { enabled: true, botToken: tg.token } });
    expect((await cli("config", "set", "channels.telegram.apiRoot", tg.apiRoot)).code).toBe(0);
    expect((await cli("channels", "list")).stdout).toBe("Chat channels:\n- Telegram default: installed, configured, enabled, token=***\n");
    expect(JSON.parse((await cli("channels", "list", "--json")).stdout)).toEqual({ chat: { telegram: { accounts: ["default"], label: "Telegram", docsPath: "/channels/telegram", installed: true, origin: "configured" } } });
  });
});

describe("channels status", () => {
  test("--probe -> upstream's account line: running, connected, bot, dm policy, token source, works", async () => {
    gw = await spawnGateway(home, ["--port", "0"]);
    await tg.until(() => tg.polling() > 0);
    const probe = await cli("channels", "status", "--probe");
    expect(probe.code).toBe(0);
    const lines = probe.stdout.split("\n");
    expect(lines.slice(0, 2)).toEqual(["Checking channel status (probe)…", "Gateway reachable."]);
    expect(lines[2]).toBe(`- Telegram default: enabled, configured, running, connected, transport:just now, mode:polling, bot:@${tg.bot.username}, dm:pairing, token:config, url:${tg.apiRoot}, works`);
    const json = JSON.parse((await cli("channels", "status", "--probe", "--json")).stdout);
    expect(json).toMatchObject({
      channelOrder: ["telegram"], channelLabels: { telegram: "Telegram" }, channelDefaultAccountId: { telegram: "default" }, statusIssues: [],
      channelAccounts: { telegram: [expect.objectContaining({ accountId: "default", running: true, connected: true, probe: expect.objectContaining({ ok: true, bot: expect.objectContaining({ username: tg.bot.username }), webhook: expect.objectContaining({ url: "" }) }) })] },
    });
    expect(tg.calls).toContain("getWebhookInfo");
  });

  test.skipIf(!realCli)("the real `openclaw channels status --probe` renders clawgate's answer", async () => {
    upstreamHome = freshHome();
    mkdirSync(join(upstreamHome, ".openclaw"), { mode: 0o700 });
    writeFileSync(join(upstreamHome, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "remote", remote: { url: `ws://127.0.0.1:${gw!.port}`, token: TOKEN } } }), { mode: 0o600 });
    const theirs = await openclaw(["channels", "status", "--probe"], upstreamHome);
    expect(theirs.stdout).toContain("Gateway reachable.");
    // The real CLI masks every token-named field it prints (token:***); the rest is the same line.
    expect(theirs.stdout).toContain(`- Telegram default: enabled, configured, running, connected, transport:just now, mode:polling, bot:@${tg.bot.username}, dm:pairing, token:***, url:${tg.apiRoot}, works`);
  }, 90_000);
});

describe("channels remove", () => {
  test("remove -> disabled (config kept); --delete -> gone", async () => {
    expect(await cli("channels", "remove", "--channel", "telegram")).toEqual({ code: 0, stdout: 'Disabled Telegram account "default".\n', stderr: "" });
    expect(fileConfig().channels.telegram).toMatchObject({ enabled: false, botToken: tg.token });
    expect(await cli("channels", "remove", "telegram", "--delete")).toEqual({ code: 0, stdout: 'Deleted Telegram account "default".\n', stderr: "" });
    expect(fileConfig().channels).toEqual({});
    expect((await cli("channels", "remove", "telegram")).stderr).toBe('error Telegram account "default" is not configured.\n');
  });
});

describe("discord and slack: add / list / remove with upstream's flags", () => {
  let dsHome: string;
  const ds = (...args: string[]) => runCli(dsHome, args, { DISCORD_BOT_TOKEN: "", SLACK_BOT_TOKEN: "", SLACK_APP_TOKEN: "", SLACK_SIGNING_SECRET: "" });
  const dsFile = () => join(dsHome, ".openclaw", "openclaw.json");
  const dsChannels = () => JSON.parse(readFileSync(dsFile(), "utf8")).channels;
  beforeAll(() => {
    dsHome = freshHome();
  });
  afterAll(() => rmSync(dsHome, { recursive: true, force: true }));

  test("missing or foreign credentials -> upstream's error, nothing written", async () => {
    expect(await ds("channels", "add", "--channel", "discord")).toEqual({ code: 1, stdout: "", stderr: "error Discord requires token (or --use-env).\n" });
    expect((await ds("channels", "add", "--channel", "discord", "--use-env")).stderr).toBe("error Set these environment variables before using --use-env: DISCORD_BOT_TOKEN.\n");
    expect((await ds("channels", "add", "--channel", "slack", "--bot-token", "xoxb-1")).stderr).toBe("error Slack requires --bot-token and --app-token (or --use-env).\n");
    expect((await ds("channels", "add", "--channel", "slack", "--bot-token", "xoxb-1", "--mode", "http")).stderr).toBe("error Slack HTTP mode requires --bot-token and --signing-secret (or --use-env).\n");
    expect((await ds("channels", "add", "--channel", "slack", "--bot-token", "x", "--app-token", "y", "--mode", "rtm")).stderr).toBe('error mode must be one of: "socket", "http".\n');
    const foreign = await ds("channels", "add", "--channel", "slack", "--token", "x");
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toBe('error clawgate does not recognize option "--token" for `channels add --channel slack`.\nSlack takes --bot-token, --app-token, --signing-secret, --mode, --use-env.\n');
    expect((await ds("channels", "add", "--channel", "discord", "--token", "t", "--account", " ")).stderr).toBe("error --account must not be blank\n");
    expect(await ds("channels", "add", "--channel", "slack", "--use-env", "--account", "work")).toMatchObject({ code: 1, stderr: "error Slack env tokens can only be used for the default account.\n" });
    expect(() => statSync(dsFile())).toThrow();
  });

  test("add discord and slack -> the keys upstream writes, 0600; list shows both", async () => {
    // The first add creates the file, with the gateway section a first `gateway run` writes (./first-run-config.test.ts).
    expect(await ds("channels", "add", "--channel", "discord", "--token", "discord.bot.token")).toEqual({ code: 0, stdout: 'Added Discord account "default".\n', stderr: `created ${dsFile()} with a new gateway token (gateway.auth.token); the local CLI reads it from there.\n` });
    expect(await ds("channels", "add", "slack", "--bot-token", "xoxb-1", "--app-token", "xapp-1")).toEqual({ code: 0, stdout: 'Added Slack account "default".\n', stderr: "" });
    expect(await ds("channels", "add", "--channel", "slack", "--account", "events", "--mode", "http", "--bot-token", "xoxb-2", "--signing-secret", "s3cret", "--name", "Events")).toMatchObject({ code: 0, stdout: 'Added Slack account "events".\n' });
    expect(dsChannels()).toEqual({
      discord: { enabled: true, token: "discord.bot.token" },
      slack: { enabled: true, botToken: "xoxb-1", appToken: "xapp-1", accounts: { events: { enabled: true, name: "Events", mode: "http", botToken: "xoxb-2", signingSecret: "s3cret" } } },
    });
    expect(statSync(dsFile()).mode & 0o777).toBe(0o600);
    expect((await ds("channels", "list")).stdout).toBe([
      "Chat channels:",
      "- Discord default: installed, configured, enabled, token=***",
      "- Slack default: installed, configured, enabled, bot=config, app=config",
      "- Slack events (Events): installed, configured, enabled, bot=config, signing=config",
      "",
    ].join("\n"));
  });

  test("--use-env -> the config keeps no token; an existing mode is kept", async () => {
    const env = { DISCORD_BOT_TOKEN: "from-env", SLACK_BOT_TOKEN: "xoxb-env", SLACK_APP_TOKEN: "xapp-env" };
    expect(await runCli(dsHome, ["channels", "add", "--channel", "discord", "--use-env"], env)).toMatchObject({ code: 0, stdout: 'Added Discord account "default".\n' });
    expect(dsChannels().discord).toEqual({ enabled: true });
    expect(await runCli(dsHome, ["channels", "add", "--channel", "slack", "--use-env"], env)).toMatchObject({ code: 0 });
    expect(dsChannels().slack).toMatchObject({ enabled: true });
    expect(dsChannels().slack.botToken).toBeUndefined();
    expect((await runCli(dsHome, ["channels", "add", "--channel", "slack", "--account", "events", "--bot-token", "xoxb-3", "--app-token", "xapp-3"], env)).stderr).toBe("error Slack HTTP mode requires --bot-token and --signing-secret (or --use-env).\n");
  });

  test("remove: no gateway -> upstream's note and the removal still happens; disable keeps the config; --delete of the root default keeps named accounts; unknown account -> upstream's text", async () => {
    const port = String(await configPort());
    expect(await ds("channels", "remove", "--channel", "slack", "--account", "events", "--port", port)).toEqual({ code: 0, stdout: `Could not stop running Slack account "events" before removing it: Gateway not reachable at ws://127.0.0.1:${port} (ECONNREFUSED).\nDisabled Slack account "events".\n`, stderr: "" });
    expect(dsChannels().slack.accounts.events).toMatchObject({ enabled: false, botToken: "xoxb-2" });
    expect(await ds("channels", "add", "--channel", "slack", "--bot-token", "xoxb-1", "--app-token", "xapp-1")).toMatchObject({ code: 0 });
    expect(await ds("channels", "remove", "--channel", "slack", "--delete", "--port", port)).toMatchObject({ code: 0, stdout: expect.stringMatching(/\nDeleted Slack account "default"\.\n$/), stderr: "" });
    expect(dsChannels().slack).toEqual({ enabled: true, accounts: { events: { enabled: false, name: "Events", mode: "http", botToken: "xoxb-2", signingSecret: "s3cret" } } });
    expect(await ds("channels", "remove", "--channel", "slack", "--account", "nope")).toEqual({ code: 1, stdout: "", stderr: 'error Slack has no account "nope" to remove. Known accounts: events. Run clawgate channels status --channel slack to inspect configured accounts.\n' });
    expect(await ds("channels", "remove", "discord", "--delete", "--port", port)).toMatchObject({ code: 0, stdout: expect.stringMatching(/\nDeleted Discord account "default"\.\n$/) });
    expect(dsChannels().discord).toBeUndefined();
    expect(await ds("channels", "remove", "--channel", "whatsapp")).toEqual({ code: 1, stdout: "", stderr: 'error Channel plugin "whatsapp" is not installed. Run clawgate channels add --channel whatsapp first.\n' });
  });
});
