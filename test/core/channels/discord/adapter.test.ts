/**
 * The Discord adapter on the official clients against the local Discord (real sockets): what reaches the inbound
 * path (DMs, mention-gated guild messages), resume after a drop and after a restart from the stored cursor, sends
 * to channels and users, and a wrong token reported in status without retrying.
 */
import { afterEach, expect, test } from "bun:test";
import { discordAdapter } from "../../../../core/channels/discord/adapter.ts";
import { discordAccounts } from "../../../../core/channels/discord/config.ts";
import { discordOrigin } from "../../../../core/channels/discord/origin.ts";
import type { ChannelAccountContext, ChannelAdapter, InboundMessage } from "../../../../core/channels/contract.ts";
import type { OpenClawConfig } from "../../../../core/config/schema.ts";
import { startDiscord, type DiscordFake } from "../../../harness/discord-api.ts";
import { serveBun } from "../../../harness/serve-bun.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const ALICE = { id: "4200", username: "alice" };

/** An inbound path that keeps what it is given, as the framework's store would (duplicates by id ignored). */
function memorySink(initialCursor?: string) {
  const accepted: InboundMessage[] = [];
  const malformed: string[] = [];
  let cursor = initialCursor;
  return {
    accepted,
    malformed,
    cursor: () => cursor,
    sink: {
      accept(messages: readonly InboundMessage[], next?: string) {
        const fresh = messages.filter((m) => !accepted.some((a) => a.id === m.id));
        accepted.push(...fresh);
        if (next !== undefined) cursor = next;
        return fresh.length;
      },
      cursor: () => cursor,
      sentByAccount: () => false,
      malformed: (reason: string) => void malformed.push(reason),
    },
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function adapterFor(fake: DiscordFake, discord: Record<string, unknown>, mem = memorySink()): { adapter: ChannelAdapter; mem: ReturnType<typeof memorySink> } {
  const config = { channels: { discord } } as unknown as OpenClawConfig;
  const ctx: ChannelAccountContext = { channel: "discord", accountId: "default", config: () => config, inbound: mem.sink, logger: silent, now: Date.now };
  const adapter = discordAdapter(ctx, discordOrigin(fake.apiUrl), () => discordAccounts(config, {})[0]);
  cleanups.push(() => adapter.stop());
  return { adapter, mem };
}

function fakeDiscord(): DiscordFake {
  const fake = startDiscord(serveBun);
  cleanups.push(() => fake.stop());
  return fake;
}

test("a DM reaches the inbound path; a guild message only when the guild is allowed and the bot mentioned", async () => {
  const fake = fakeDiscord();
  const { adapter, mem } = adapterFor(fake, { token: fake.token, guilds: { G1: {} } });
  await adapter.start();
  expect(adapter.status()).toMatchObject({ running: true, connected: true, lastError: null, bot: { username: "clawbot" } });

  fake.message({ channelId: "dm1", author: ALICE, content: "hello" });
  fake.message({ channelId: "g1c", guildId: "G1", author: ALICE, content: "chatter without a mention" });
  fake.message({ channelId: "g9c", guildId: "G9", author: ALICE, content: `<@${fake.bot.id}> other guild` });
  const mentioned = fake.message({ channelId: "g1c", guildId: "G1", author: ALICE, content: `<@${fake.bot.id}> ping`, mentions: [fake.bot] });
  await fake.until(() => mem.accepted.length === 2);
  expect(mem.accepted).toEqual([
    { id: expect.any(String), chatId: "dm1", chatType: "direct", senderId: "4200", senderName: "alice", senderUsername: "alice", text: "hello", mentioned: false, ts: expect.any(Number) },
    { id: mentioned, chatId: "g1c", chatType: "group", senderId: "4200", senderName: "alice", senderUsername: "alice", text: "ping", mentioned: true, ts: expect.any(Number), groupKind: "channel" },
  ]);
  expect(JSON.parse(mem.cursor()!)).toMatchObject({ sessionId: expect.any(String), sequence: 5 });
});

test("after the gateway drops, the adapter resumes and what was sent meanwhile arrives once", async () => {
  const fake = fakeDiscord();
  const { adapter, mem } = adapterFor(fake, { token: fake.token });
  await adapter.start();
  fake.message({ channelId: "dm1", author: ALICE, content: "one" });
  await fake.until(() => mem.accepted.length === 1);
  fake.drop();
  await fake.until(() => !adapter.status().connected);
  fake.message({ channelId: "dm1", author: ALICE, content: "two" });
  await fake.until(() => mem.accepted.length === 2 && adapter.status().connected === true, 10_000);
  expect(mem.accepted.map((m) => m.text)).toEqual(["one", "two"]);
  expect(fake.resumes).toHaveLength(1);
  expect(fake.identifies).toHaveLength(1);
  expect(adapter.status()).toMatchObject({ reconnectAttempts: 1 });
});

test("a new adapter started from the stored cursor RESUMEs the session and gets what arrived while it was down", async () => {
  const fake = fakeDiscord();
  const first = adapterFor(fake, { token: fake.token });
  await first.adapter.start();
  fake.message({ channelId: "dm1", author: ALICE, content: "before" });
  await fake.until(() => first.mem.accepted.length === 1);
  const stored = first.mem.cursor();
  await first.adapter.stop();
  fake.message({ channelId: "dm1", author: ALICE, content: "while down" });

  const second = adapterFor(fake, { token: fake.token }, memorySink(stored));
  await second.adapter.start();
  await fake.until(() => second.mem.accepted.length === 1);
  expect(second.mem.accepted.map((m) => m.text)).toEqual(["while down"]);
  expect(fake.identifies).toHaveLength(1);
  expect(fake.resumes).toEqual([{ sessionId: JSON.parse(stored!).sessionId, seq: 2 }]);
});

test("sends: to a channel, to user:<id> and to a bare user id open the DM; typing recorded", async () => {
  const fake = fakeDiscord();
  const { adapter } = adapterFor(fake, { token: fake.token });
  await adapter.start();
  fake.addChannel("c1");
  expect(await adapter.send({ to: "c1", text: "to the channel" })).toEqual({ messageId: expect.any(String), chatId: "c1" });
  expect(await adapter.send({ to: "user:77", text: "to a user" })).toMatchObject({ chatId: "dm-77" });
  expect(await adapter.send({ to: "88", text: "to a bare user id" })).toMatchObject({ chatId: "dm-88" });
  await adapter.typing("c1");
  expect(fake.posted.map((p) => [p.channelId, p.content])).toEqual([["c1", "to the channel"], ["dm-77", "to a user"], ["dm-88", "to a bare user id"]]);
  expect(fake.typing).toEqual(["c1"]);
});

test("a wrong token: start returns, status says why, nothing retried; probe fails; the right token probes ok", async () => {
  const fake = fakeDiscord();
  const { adapter } = adapterFor(fake, { token: "wrong" });
  await adapter.start();
  expect(adapter.status()).toMatchObject({ running: true, connected: false, lastError: "Discord rejected the bot token (401 Unauthorized); check channels.discord.token" });
  expect(await adapter.probe(2000)).toMatchObject({ ok: false, status: 401, error: "401 Unauthorized (bad token)" });
  expect(fake.connections()).toBe(0);
  const unauthorized = fake.unauthorized;
  const good = adapterFor(fake, { token: fake.token }).adapter;
  expect(await good.probe(2000)).toMatchObject({ ok: true, bot: { id: fake.bot.id, username: "clawbot" } });
  expect(fake.unauthorized).toBe(unauthorized);
});
