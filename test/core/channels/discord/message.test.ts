import { expect, test } from "bun:test";
import { readMessageCreate } from "../../../../core/channels/discord/message.ts";

const BOT = "900";
const base = { id: "1", channel_id: "C", author: { id: "42", username: "alice", global_name: "Alice" }, content: "hello", timestamp: "2026-12-02T08:00:00.000Z", mentions: [] };

test("a DM -> routed fields, not mentioned, sender's display name", () => {
  expect(readMessageCreate(base, BOT)).toEqual({
    ok: true,
    message: { id: "1", channelId: "C", senderId: "42", senderName: "Alice", senderUsername: "alice", text: "hello", mentioned: false, ts: Date.parse(base.timestamp) },
  });
});

test("<@bot> and <@!bot> mentions -> mentioned, the tag removed from the text; a reply to the bot counts too", () => {
  const r = readMessageCreate({ ...base, guild_id: "G", content: "<@900> what time is it <@!900>?" }, BOT);
  expect(r).toMatchObject({ ok: true, message: { guildId: "G", text: "what time is it ?", mentioned: true } });
  const reply = readMessageCreate({ ...base, referenced_message: { author: { id: BOT } } }, BOT);
  expect(reply).toMatchObject({ ok: true, message: { mentioned: true } });
  const other = readMessageCreate({ ...base, content: "<@77> hi", mentions: [{ id: "77" }] }, BOT);
  expect(other).toMatchObject({ ok: true, message: { mentioned: false, text: "<@77> hi" } });
});

test("the bot's own messages, other bots and webhooks -> ignored; a malformed payload -> the reason", () => {
  expect(readMessageCreate({ ...base, author: { id: BOT, username: "clawbot", bot: true } }, BOT)).toEqual({ ok: false, ignored: true });
  expect(readMessageCreate({ ...base, author: { id: "5", username: "otherbot", bot: true } }, BOT)).toEqual({ ok: false, ignored: true });
  expect(readMessageCreate({ ...base, webhook_id: "w" }, BOT)).toEqual({ ok: false, ignored: true });
  const bad = readMessageCreate({ ...base, author: undefined }, BOT);
  expect(bad).toMatchObject({ ok: false, ignored: false, reason: expect.stringContaining("author") });
});

test("allowBots: true admits other bots and webhooks; \"mentions\" only those tagging this bot (a reply ping is not enough); its own never", () => {
  const otherBot = { ...base, author: { id: "5", username: "otherbot", bot: true } };
  expect(readMessageCreate(otherBot, BOT, true)).toMatchObject({ ok: true, message: { senderId: "5" } });
  expect(readMessageCreate({ ...base, webhook_id: "w" }, BOT, true)).toMatchObject({ ok: true });
  expect(readMessageCreate(otherBot, BOT, "mentions")).toEqual({ ok: false, ignored: true });
  expect(readMessageCreate({ ...otherBot, referenced_message: { author: { id: BOT } }, mentions: [{ id: BOT }] }, BOT, "mentions")).toEqual({ ok: false, ignored: true });
  expect(readMessageCreate({ ...otherBot, content: "<@900> status?" }, BOT, "mentions")).toMatchObject({ ok: true, message: { mentioned: true, text: "status?" } });
  expect(readMessageCreate({ ...base, author: { id: BOT, username: "clawbot", bot: true } }, BOT, true)).toEqual({ ok: false, ignored: true });
  // People are unaffected by the setting.
  expect(readMessageCreate(base, BOT, "mentions")).toMatchObject({ ok: true });
});
