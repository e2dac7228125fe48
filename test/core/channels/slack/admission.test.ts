import { expect, test } from "bun:test";
import { ownerPresenceDropReason, slackDropReason, slackOwnerIds } from "../../../../core/channels/slack/admission.ts";
import { slackAccounts } from "../../../../core/channels/slack/config.ts";
import type { SlackMessage } from "../../../../core/channels/slack/event.ts";
import type { OpenClawConfig } from "../../../../core/config/schema.ts";

const account = (slack: Record<string, unknown>) => slackAccounts({ channels: { slack: { botToken: "b", appToken: "a", ...slack } } } as unknown as OpenClawConfig, {})[0]!;
const msg = (m: Partial<SlackMessage>): SlackMessage => ({ id: "C1:1.1", channel: "C1", chatType: "group", senderId: "U1", text: "hi", ts: "1.1", mentioned: true, groupDm: false, fromBot: false, ...m });

test("group DMs: dropped unless dm.groupEnabled; with dm.groupChannels only those ('*' for all)", () => {
  const mpim = msg({ channel: "G1", groupDm: true });
  expect(slackDropReason(account({ groupPolicy: "open" }), mpim)).toBe("group-dm-disabled");
  expect(slackDropReason(account({ dm: { groupEnabled: true } }), mpim)).toBeUndefined();
  expect(slackDropReason(account({ dm: { groupEnabled: true, groupChannels: ["G2"] } }), mpim)).toBe("group-dm-not-allowed");
  expect(slackDropReason(account({ dm: { groupEnabled: true, groupChannels: ["*"] } }), mpim)).toBeUndefined();
  // People in channels and DMs are left to the access policy.
  expect(slackDropReason(account({}), msg({}))).toBeUndefined();
});

test("bots: dropped by default; allowBots admits them in DMs, in a channel only when its users list the bot; a channel's allowBots wins", () => {
  const inChannel = msg({ senderId: "UBOT", fromBot: true });
  expect(slackDropReason(account({}), inChannel)).toBe("bot-not-allowed");
  expect(slackDropReason(account({ allowBots: true }), msg({ chatType: "direct", channel: "D1", senderId: "UBOT", fromBot: true }))).toBeUndefined();
  expect(slackDropReason(account({ allowBots: true, channels: { C1: { users: ["*"] } } }), inChannel)).toBe("bot-not-listed");
  expect(slackDropReason(account({ allowBots: true, channels: { C1: { users: ["UBOT"] } } }), inChannel)).toBeUndefined();
  expect(slackDropReason(account({ allowBots: true, channels: { C1: { users: ["UBOT"], allowBots: false } } }), inChannel)).toBe("bot-not-allowed");
  expect(slackDropReason(account({ channels: { C1: { users: ["UBOT"], allowBots: true } } }), inChannel)).toBeUndefined();
});

test("owner ids: Slack user ids from allowFrom (slack:/user: prefixes dropped, lowercased); wildcards and names do not count", () => {
  expect(slackOwnerIds(["*", "UOWNER", "slack:U2", "user:W3", "alice", "@bob", "uowner"])).toEqual(["uowner", "u2", "w3"]);
});

test("a bot the channel does not list: admitted only when an owner is a member; no owner id, none present, a failed lookup -> dropped", async () => {
  const asked: string[] = [];
  const members = async (channel: string) => {
    asked.push(channel);
    if (channel === "CX") throw new Error("missing_scope");
    return new Set(channel === "C1" ? ["u2", "uowner"] : ["u2"]);
  };
  expect(await ownerPresenceDropReason(["UOWNER"], "C1", members)).toBeUndefined();
  expect(await ownerPresenceDropReason(["UOWNER"], "C2", members)).toBe("bot-no-owner-present");
  expect(await ownerPresenceDropReason(["UOWNER"], "CX", members)).toBe("bot-owner-lookup-failed");
  expect(await ownerPresenceDropReason(["*", "alice"], "C1", members)).toBe("bot-not-listed");
  expect(asked).toEqual(["C1", "C2", "CX"]);
});
