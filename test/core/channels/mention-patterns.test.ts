import { expect, test } from "bun:test";
import { matchesMentionPatterns, mentionPatternSources, mentionRegexes } from "../../../core/channels/mention-patterns.ts";
import { configSchema, type OpenClawConfig } from "../../../core/config/schema.ts";

const matches = (config: OpenClawConfig, text: string) => matchesMentionPatterns(text, mentionRegexes(config, "main"));

test("the agent's groupChat.mentionPatterns win over messages.groupChat's; those over the identity", () => {
  const config: OpenClawConfig = {
    agents: { entries: { main: { identity: { name: "Clawd" }, groupChat: { mentionPatterns: ["\\bhey bot\\b"] } } } },
    messages: { groupChat: { mentionPatterns: ["\\bassistant\\b"] } },
  };
  expect(matches(config, "HEY BOT, help")).toBe(true);
  expect(matches(config, "assistant?")).toBe(false);
  expect(matches(config, "Clawd?")).toBe(false);
  const global: OpenClawConfig = { agents: { entries: { main: { identity: { name: "Clawd" } } } }, messages: { groupChat: { mentionPatterns: ["\\bassistant\\b"] } } };
  expect(matches(global, "the Assistant knows")).toBe(true);
});

test("no patterns set -> derived from identity.name (a whole word, @ optional) and identity.emoji", () => {
  const config: OpenClawConfig = { agents: { entries: { main: { identity: { name: "Molty Bot", emoji: "🦞" } } } } };
  expect(mentionPatternSources(config, "main").flags).toBe("iu");
  expect(matches(config, "@molty bot hi")).toBe(true);
  expect(matches(config, "ask Molty\u200b  Bot")).toBe(true);
  expect(matches(config, "moltybot")).toBe(false);
  expect(matches(config, "xMolty Bot")).toBe(false);
  expect(matches(config, "🦞 ?")).toBe(true);
  expect(matches({}, "anything")).toBe(false);
});

test("an explicit [] turns text patterns off, identity or not", () => {
  expect(matches({ agents: { entries: { main: { identity: { name: "Clawd" } } } }, messages: { groupChat: { mentionPatterns: [] } } }, "Clawd")).toBe(false);
});

test("config: a pattern that is not a regular expression is refused with its path", () => {
  const parsed = configSchema.safeParse({ messages: { groupChat: { mentionPatterns: ["ok", "(unclosed"] } } });
  expect(parsed.success).toBe(false);
  expect(parsed.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["messages.groupChat.mentionPatterns.1", "not a valid regular expression"]]);
});
