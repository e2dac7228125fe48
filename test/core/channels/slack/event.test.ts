import { expect, test } from "bun:test";
import { readSlackEvent } from "../../../../core/channels/slack/event.ts";

const BOT = "UBOT";

test("a DM -> direct, not mentioned, id channel:ts; a DM thread reply carries its thread", () => {
  expect(readSlackEvent({ type: "message", channel: "D1", user: "U1", text: "hi", ts: "1.1", channel_type: "im" }, BOT)).toEqual({
    ok: true,
    message: { id: "D1:1.1", channel: "D1", chatType: "direct", senderId: "U1", text: "hi", ts: "1.1", mentioned: false, groupDm: false, fromBot: false },
  });
  const threaded = readSlackEvent({ type: "message", channel: "D1", user: "U1", text: "more", ts: "1.3", thread_ts: "1.1", channel_type: "im" }, BOT);
  expect(threaded).toMatchObject({ ok: true, message: { threadTs: "1.1" } });
});

test("a channel message with <@bot> and the app_mention for it -> the same id, both mentioned, the tag removed", () => {
  const msg = readSlackEvent({ type: "message", channel: "C1", user: "U1", text: "<@UBOT> status?", ts: "2.1", channel_type: "channel" }, BOT);
  const mention = readSlackEvent({ type: "app_mention", channel: "C1", user: "U1", text: "<@UBOT> status?", ts: "2.1" }, BOT);
  expect(msg).toEqual({ ok: true, message: { id: "C1:2.1", channel: "C1", chatType: "group", senderId: "U1", text: "status?", ts: "2.1", mentioned: true, groupDm: false, fromBot: false } });
  expect(mention).toEqual(msg);
  expect(readSlackEvent({ type: "message", channel: "C1", user: "U1", text: "chatter", ts: "2.2", channel_type: "channel" }, BOT)).toMatchObject({ ok: true, message: { mentioned: false } });
});

test("a reply in a channel thread carries the thread root; a group DM is marked", () => {
  expect(readSlackEvent({ type: "message", channel: "C1", user: "U1", text: "<@UBOT> and?", ts: "3.2", thread_ts: "3.1", channel_type: "channel" }, BOT)).toMatchObject({ ok: true, message: { threadTs: "3.1" } });
  expect(readSlackEvent({ type: "message", channel: "G1", user: "U1", text: "hi all", ts: "4.1", channel_type: "mpim" }, BOT)).toMatchObject({ ok: true, message: { chatType: "group", groupDm: true } });
});

test("edits, the bot itself (by user or bot id), other event types -> ignored; a message without ts -> the reason", () => {
  expect(readSlackEvent({ type: "message", subtype: "message_changed", channel: "C1", ts: "1", channel_type: "channel" }, BOT)).toEqual({ ok: false, ignored: true });
  expect(readSlackEvent({ type: "message", bot_id: "BSELF", channel: "C1", text: "x", ts: "1" }, BOT, "BSELF")).toEqual({ ok: false, ignored: true });
  expect(readSlackEvent({ type: "message", user: BOT, channel: "C1", text: "x", ts: "1" }, BOT)).toEqual({ ok: false, ignored: true });
  expect(readSlackEvent({ type: "reaction_added" }, BOT)).toEqual({ ok: false, ignored: true });
  expect(readSlackEvent({ type: "message", user: "U1", channel: "C1", text: "x" }, BOT)).toMatchObject({ ok: false, ignored: false, reason: expect.stringContaining("ts") });
});

test("another bot's post (bot_id, or the legacy bot_message subtype) -> read and marked fromBot, for allowBots to decide", () => {
  expect(readSlackEvent({ type: "message", user: "U9", bot_id: "B9", channel: "C1", text: "beep", ts: "5.1", channel_type: "channel" }, BOT, "BSELF")).toMatchObject({ ok: true, message: { senderId: "U9", fromBot: true } });
  expect(readSlackEvent({ type: "message", subtype: "bot_message", bot_id: "B8", channel: "C1", text: "legacy", ts: "5.2", channel_type: "channel" }, BOT, "BSELF")).toMatchObject({ ok: true, message: { senderId: "B8", fromBot: true } });
  expect(readSlackEvent({ type: "message", user: "U1", channel: "C1", text: "human", ts: "5.3", channel_type: "channel" }, BOT, "BSELF")).toMatchObject({ ok: true, message: { fromBot: false } });
});
