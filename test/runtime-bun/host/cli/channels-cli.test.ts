/**
 * `clawgate channels add|list|status|remove` as child processes: add writes
 * the account to the config file, the gateway polls the local Bot API
 * (test/harness/telegram-api.ts), `status --probe` prints upstream's account
 * line, and the real `openclaw channels status --probe` renders the same
 * gateway's answer; remove disables, then deletes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipWithout } from "../../../harness/capability.ts";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../../../harness/openclaw-cli.ts";
import { freshHome, runCli, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
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
    expect((await cli("channels", "add", "--channel", "smoke-signals", "--token", "1:a")).stderr).toBe("error Unknown channel: smoke-signals. clawgate runs: telegram.\n");
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
