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
