/**
 * Text mention patterns for group chats, as upstream resolves them (src/auto-reply/reply/mentions.ts): the routed
 * agent's `groupChat.mentionPatterns` when that key is set, else `messages.groupChat.mentionPatterns` when set, else
 * patterns derived from the agent's `identity.name` (as a whole word, `@` optional) and `identity.emoji`. An explicit
 * `[]` turns text patterns off. Patterns match case-insensitively against the text with zero-width and direction marks
 * removed and lower-cased. Runtime-agnostic.
 */
import { agentEntry } from "../config/agents.ts";
import type { OpenClawConfig } from "../config/schema.ts";

/** A letter, digit, connector or mark: what may not touch a derived name on either side. */
const WORD = String.raw`[\p{L}\p{N}\p{Pc}\p{M}\u200C\u200D]`;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Upstream's derivation, for plain names: `@Name` or `Name` standing as a word; spaces match any whitespace. */
function derivedPatterns(identity: { name?: string; emoji?: string } | undefined): string[] {
  const patterns: string[] = [];
  const name = identity?.name?.trim();
  if (name) patterns.push(`(?:@|(?<!${WORD}))${name.split(/\s+/).map(escape).join(String.raw`\s+`)}(?!${WORD})`);
  const emoji = identity?.emoji?.trim();
  if (emoji) patterns.push(escape(emoji));
  return patterns;
}

/** The configured (or derived) patterns for `agentId`, and the flags they compile with. */
export function mentionPatternSources(config: OpenClawConfig, agentId: string): { patterns: string[]; flags: string } {
  const entry = agentEntry(config, agentId);
  const own = entry?.groupChat;
  if (own && Object.hasOwn(own, "mentionPatterns")) return { patterns: own.mentionPatterns ?? [], flags: "i" };
  const global = config.messages?.groupChat;
  if (global && Object.hasOwn(global, "mentionPatterns")) return { patterns: global.mentionPatterns ?? [], flags: "i" };
  return { patterns: derivedPatterns(entry?.identity), flags: "iu" };
}

/** Upstream's normalization before matching: zero-width and direction marks dropped, lower case. */
export function normalizeMentionText(text: string): string {
  return text.replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u206f]/g, "").toLowerCase();
}

/** Compiled patterns by flags and source: config is read per message, compiling once is enough. */
const compiled = new Map<string, RegExp>();

/** The compiled patterns for `agentId` (the config schema has refused any that do not compile). */
export function mentionRegexes(config: OpenClawConfig, agentId: string): RegExp[] {
  const { patterns, flags } = mentionPatternSources(config, agentId);
  return patterns.map((pattern) => {
    const key = `${flags}\0${pattern}`;
    let re = compiled.get(key);
    if (!re) {
      if (compiled.size >= 512) compiled.clear();
      re = new RegExp(pattern, flags);
      compiled.set(key, re);
    }
    return re;
  });
}

/** Whether `text` matches one of `regexes`. */
export const matchesMentionPatterns = (text: string, regexes: readonly RegExp[]): boolean => regexes.length > 0 && regexes.some((re) => re.test(normalizeMentionText(text)));
