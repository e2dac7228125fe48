import { expect, test } from "bun:test";
import { decideGuildMessage, needsParentChannel, type DiscordGuildPolicy } from "../../../../core/channels/discord/guild-policy.ts";

const policy = (p: Partial<DiscordGuildPolicy>): DiscordGuildPolicy => ({ groupPolicy: "allowlist", guilds: {}, ...p });

test("allowlist (default): an unlisted guild is refused; a listed one is mention-gated unless requireMention is false", () => {
  const p = policy({ guilds: { G1: {}, G2: { requireMention: false } } });
  expect(decideGuildMessage(p, "G9", "c", "u", true)).toEqual({ admit: false, reason: "guild-not-allowed" });
  expect(decideGuildMessage(p, "G1", "c", "u", false)).toEqual({ admit: false, reason: "not-mentioned" });
  expect(decideGuildMessage(p, "G1", "c", "u", true)).toEqual({ admit: true });
  expect(decideGuildMessage(p, "G2", "c", "u", false)).toEqual({ admit: true });
});

test("open admits any guild (still mention-gated); disabled admits none", () => {
  expect(decideGuildMessage(policy({ groupPolicy: "open" }), "G9", "c", "u", true)).toEqual({ admit: true });
  expect(decideGuildMessage(policy({ groupPolicy: "open" }), "G9", "c", "u", false)).toEqual({ admit: false, reason: "not-mentioned" });
  expect(decideGuildMessage(policy({ groupPolicy: "disabled", guilds: { G1: {} } }), "G1", "c", "u", true)).toEqual({ admit: false, reason: "group-disabled" });
});

test("a channels map is an allowlist ('*' keeps the rest); channel entries override requireMention and users", () => {
  const p = policy({ guilds: { G1: { users: ["42"], channels: { open: { requireMention: false, users: ["*"] }, off: { enabled: false } } } } });
  expect(decideGuildMessage(p, "G1", "other", "42", true)).toEqual({ admit: false, reason: "channel-not-allowed" });
  expect(decideGuildMessage(p, "G1", "off", "42", true)).toEqual({ admit: false, reason: "channel-not-allowed" });
  expect(decideGuildMessage(p, "G1", "open", "7", false)).toEqual({ admit: true });
  const star = policy({ guilds: { G1: { users: ["42"], channels: { "*": { enabled: true } } } } });
  expect(decideGuildMessage(star, "G1", "any", "7", true)).toEqual({ admit: false, reason: "sender-not-allowed" });
  expect(decideGuildMessage(star, "G1", "any", "42", true)).toEqual({ admit: true });
});

test("a thread without its own entry takes its parent channel's; its own entry wins", () => {
  const p = policy({ guilds: { G1: { channels: { parent: { requireMention: false }, T2: { requireMention: true } } } } });
  expect(needsParentChannel(p, "G1", "T1")).toBe(true);
  expect(needsParentChannel(p, "G1", "T2")).toBe(false);
  expect(needsParentChannel(policy({ guilds: { G1: {} } }), "G1", "T1")).toBe(false);
  expect(decideGuildMessage(p, "G1", "T1", "7", false)).toEqual({ admit: false, reason: "channel-not-allowed" });
  expect(decideGuildMessage(p, "G1", "T1", "7", false, "parent")).toEqual({ admit: true });
  expect(decideGuildMessage(p, "G1", "T2", "7", false, "parent")).toEqual({ admit: false, reason: "not-mentioned" });
});
