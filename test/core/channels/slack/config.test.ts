import { expect, test } from "bun:test";
import { accountConfig, replyToModeFor, slackAccounts } from "../../../../core/channels/slack/config.ts";
import type { OpenClawConfig } from "../../../../core/config/schema.ts";

const cfg = (slack: unknown) => ({ channels: { slack } }) as unknown as OpenClawConfig;

test("socket mode (default) is configured with bot + app token; env tokens for the default account; sources in details, secrets never", () => {
  const [a] = slackAccounts(cfg({}), { SLACK_BOT_TOKEN: "xoxb-env", SLACK_APP_TOKEN: "xapp-env" });
  expect(a).toMatchObject({ mode: "socket", configured: true, botToken: "xoxb-env", appToken: "xapp-env", webhookPath: "/slack/events", replyToMode: "off" });
  const view = accountConfig(a!);
  expect(view.details).toEqual({ mode: "socket", botTokenSource: "env", appTokenSource: "env" });
  expect(JSON.stringify(view)).not.toContain("xoxb-env");
  expect(a!.access).toMatchObject({ dmPolicy: "pairing", groupPolicy: "allowlist", textChunkLimit: 8000 });
  expect(slackAccounts(cfg({ botToken: "xoxb" }), {})[0]!.configured).toBe(false);
});

test("http mode needs the signing secret; SecretRefs read the environment; webhookPath as configured", () => {
  const [a] = slackAccounts(cfg({ mode: "http", botToken: { source: "env", provider: "default", id: "MY_BOT" }, signingSecret: "s", webhookPath: "/hooks/slack" }), { MY_BOT: "xoxb-ref" });
  expect(a).toMatchObject({ mode: "http", configured: true, botToken: "xoxb-ref", signingSecret: "s", webhookPath: "/hooks/slack" });
  expect(accountConfig(a!).details).toEqual({ mode: "http", botTokenSource: "env", signingSecretSource: "config", webhookPath: "/hooks/slack" });
});

test("channels.<id> become the group allowlist: users, or anyone in the channel when none are listed", () => {
  const [a] = slackAccounts(cfg({ botToken: "b", appToken: "a", channels: { C1: { requireMention: false }, C2: { users: ["U1"], enabled: false } } }), {});
  expect(a!.access.groups).toEqual({ C1: { allowFrom: ["*"], requireMention: false }, C2: { allowFrom: ["U1"], enabled: false } });
});

test("a webhookPath without a leading slash -> the account stays unconfigured and status says why", () => {
  const [a] = slackAccounts(cfg({ webhookPath: "slack/events", botToken: "b", appToken: "a" }), {});
  expect(accountConfig(a!)).toMatchObject({ configured: false, details: { lastError: "channels.slack: webhookPath: must start with /" } });
});

test("legacy dm.* keys yield to dmPolicy/allowFrom; dm.enabled false disables DMs; named accounts inherit the root", () => {
  const [root, named] = slackAccounts(cfg({ botToken: "b", appToken: "a", dm: { policy: "allowlist", allowFrom: ["slack:U5"] }, accounts: { two: { botToken: "b2", appToken: "a2", dm: { enabled: false } } } }), {});
  expect([root!.access.dmPolicy, root!.access.allowFrom]).toEqual(["allowlist", ["U5"]]);
  expect([named!.access.dmPolicy, named!.access.allowFrom]).toEqual(["disabled", ["U5"]]);
  const [current] = slackAccounts(cfg({ botToken: "b", appToken: "a", dmPolicy: "open", allowFrom: ["*"], dm: { policy: "disabled" } }), {});
  expect(current!.access.dmPolicy).toBe("open");
});

test("group DMs off by default; dm.groupChannels become allowlisted groups; allowBots off by default, per channel too", () => {
  const [off] = slackAccounts(cfg({ botToken: "b", appToken: "a" }), {});
  expect([off!.groupDms, off!.allowBots]).toEqual([{ enabled: false, channels: [] }, false]);
  const [on] = slackAccounts(cfg({ botToken: "b", appToken: "a", allowBots: true, dm: { groupEnabled: true, groupChannels: ["channel:G1"] }, channels: { C1: { allowBots: false, users: ["UBOT2"] } } }), {});
  expect(on!.groupDms).toEqual({ enabled: true, channels: ["G1"] });
  expect(on!.access.groups.G1).toEqual({ allowFrom: ["*"] });
  expect([on!.allowBots, on!.channelRules.C1]).toEqual([true, { allowBots: false, users: ["UBOT2"] }]);
});

test("replyToMode: a channel's own, then by chat type, then the legacy dm.replyToMode for DMs, then the account's", () => {
  const [a] = slackAccounts(cfg({ botToken: "b", appToken: "a", replyToMode: "first", replyToModeByChatType: { group: "off" }, dm: { replyToMode: "all" }, channels: { C1: { replyToMode: "off" } } }), {});
  expect(replyToModeFor(a!, "channel", "C1")).toBe("off");
  expect(replyToModeFor(a!, "channel", "C2")).toBe("first");
  expect(replyToModeFor(a!, "group", "G1")).toBe("off");
  expect(replyToModeFor(a!, "direct", "D1")).toBe("all");
  const [plain] = slackAccounts(cfg({ botToken: "b", appToken: "a" }), {});
  expect(replyToModeFor(plain!, "direct", "D1")).toBe("off");
});
