import { expect, test } from "bun:test";
import { accountConfig, discordAccounts } from "../../../../core/channels/discord/config.ts";
import type { OpenClawConfig } from "../../../../core/config/schema.ts";

const cfg = (discord: unknown) => ({ channels: { discord } }) as unknown as OpenClawConfig;

test("no channels.discord block -> no account, even with DISCORD_BOT_TOKEN set (upstream never auto-starts from env)", () => {
  expect(discordAccounts({} as OpenClawConfig, { DISCORD_BOT_TOKEN: "t" })).toEqual([]);
});

test("a block without token uses DISCORD_BOT_TOKEN for the default account; upstream's defaults apply", () => {
  const [a] = discordAccounts(cfg({}), { DISCORD_BOT_TOKEN: "env-token" });
  expect(a).toMatchObject({ accountId: "default", enabled: true, token: "env-token", tokenSource: "env", replyToMode: "off", guildPolicy: { groupPolicy: "allowlist", guilds: {} } });
  expect(a!.access).toMatchObject({ dmPolicy: "pairing", allowFrom: [], textChunkLimit: 2000 });
  expect(accountConfig(a!)).toEqual({ accountId: "default", enabled: true, configured: true, access: a!.access, details: { tokenSource: "env" } });
  expect(JSON.stringify(accountConfig(a!))).not.toContain("env-token");
});

test("config token wins; allowFrom entries normalized; textChunkLimit capped at 2000; guild rules kept; named accounts inherit the root", () => {
  const list = discordAccounts(cfg({ token: "root", allowFrom: ["discord:42", "<@!43>", 44], textChunkLimit: 5000, guilds: { G1: { requireMention: false, users: [7] } }, accounts: { work: { token: "w", dmPolicy: "open" } } }), { DISCORD_BOT_TOKEN: "env" });
  expect(list.map((a) => [a.accountId, a.token, a.tokenSource, a.access.dmPolicy])).toEqual([["default", "root", "config", "pairing"], ["work", "w", "config", "open"]]);
  expect(list[0]!.access.allowFrom).toEqual(["42", "43", "44"]);
  expect(list[0]!.access.textChunkLimit).toBe(2000);
  expect(list[1]!.guildPolicy.guilds).toEqual({ G1: { requireMention: false, users: ["7"] } });
});

test("a malformed block -> one unconfigured account whose status names the key; nothing starts", () => {
  const [a] = discordAccounts(cfg({ dmPolicy: "sometimes", token: "t" }), {});
  expect(a!.token).toBeUndefined();
  expect(accountConfig(a!)).toMatchObject({ configured: false, details: { lastError: expect.stringMatching(/^channels\.discord: dmPolicy: /) } });
});

test("the config schema refuses bad channels.discord / channels.slack values, so a config write with one changes nothing", async () => {
  const { configSchema } = await import("../../../../core/config/schema.ts");
  expect(configSchema.safeParse({ channels: { discord: { dmPolicy: "sometimes" } } }).success).toBe(false);
  expect(configSchema.safeParse({ channels: { slack: { mode: "websocket" } } }).success).toBe(false);
  expect(configSchema.safeParse({ channels: { discord: { token: "t", guilds: { G1: { requireMention: false } } }, slack: { botToken: { source: "env", provider: "default", id: "SLACK_BOT_TOKEN" } } } }).success).toBe(true);
});

test("legacy dm.* keys are read, each yielding to its current key and the account's to the root's; dm.enabled false disables DMs", () => {
  const [root, named, own] = discordAccounts(cfg({
    token: "t",
    dm: { policy: "allowlist", allowFrom: ["discord:5"] },
    accounts: { alpha: { token: "a" }, beta: { token: "b", allowFrom: [6], dm: { enabled: false } } },
  }), {});
  expect([root!.access.dmPolicy, root!.access.allowFrom]).toEqual(["allowlist", ["5"]]);
  // A named account inherits the root's (legacy) DM settings when it has none of its own.
  expect([named!.access.dmPolicy, named!.access.allowFrom]).toEqual(["allowlist", ["5"]]);
  expect([own!.access.dmPolicy, own!.access.allowFrom]).toEqual(["disabled", ["6"]]);
  const [current] = discordAccounts(cfg({ token: "t", dmPolicy: "open", allowFrom: ["*"], dm: { policy: "disabled", allowFrom: ["1"] } }), {});
  expect([current!.access.dmPolicy, current!.access.allowFrom]).toEqual(["open", ["*"]]);
});

test("allowBots (default false) and maxLinesPerMessage (default 17) as upstream; a bad allowBots is refused", () => {
  const [a, b] = discordAccounts(cfg({ token: "t", accounts: { m: { token: "m", allowBots: "mentions", maxLinesPerMessage: 40 } } }), {});
  expect([a!.allowBots, a!.access.maxLinesPerMessage]).toEqual([false, 17]);
  expect([b!.allowBots, b!.access.maxLinesPerMessage]).toEqual(["mentions", 40]);
  expect(accountConfig(discordAccounts(cfg({ token: "t", allowBots: "always" }), {})[0]!).details.lastError).toMatch(/^channels\.discord: allowBots: /);
});
