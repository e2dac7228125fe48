/**
 * The Slack adapter on the official clients against the local Slack (real sockets): Socket Mode envelopes stored
 * before they are acknowledged, duplicates stored once, threads, reconnect after a drop, HTTP Events mode with and
 * without a valid signature, and wrong credentials reported in status without retrying.
 */
import { afterEach, expect, test } from "bun:test";
import type { ChannelAccountContext, InboundMessage } from "../../../../core/channels/contract.ts";
import { slackAdapter } from "../../../../core/channels/slack/adapter.ts";
import { slackAccounts } from "../../../../core/channels/slack/config.ts";
import type { OpenClawConfig } from "../../../../core/config/schema.ts";
import { startSlack, type SlackFake } from "../../../harness/slack-api.ts";
import { signedEvent } from "../../../harness/slack-signing.ts";
import { serveBun } from "../../../harness/serve-bun.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** An inbound path that keeps what it is given (duplicates by id ignored); the first `refusals` calls throw. */
function memorySink(refusals = 0) {
  const accepted: InboundMessage[] = [];
  const malformed: string[] = [];
  let attempts = 0;
  return {
    accepted,
    malformed,
    attempts: () => attempts,
    sink: {
      accept(messages: readonly InboundMessage[]) {
        if (++attempts <= refusals) throw new Error("database is locked");
        const fresh = messages.filter((m) => !accepted.some((a) => a.id === m.id));
        accepted.push(...fresh);
        return fresh.length;
      },
      cursor: () => undefined,
      sentByAccount: () => false,
      malformed: (reason: string) => void malformed.push(reason),
    },
  };
}

function adapterFor(fake: SlackFake, slack: Record<string, unknown>, mem = memorySink()) {
  const config = { channels: { slack } } as unknown as OpenClawConfig;
  const ctx: ChannelAccountContext = { channel: "slack", accountId: "default", config: () => config, inbound: mem.sink, logger: silent, now: Date.now };
  const adapter = slackAdapter(ctx, fake.apiUrl, () => slackAccounts(config, {})[0]);
  cleanups.push(() => adapter.stop());
  return { adapter, mem };
}

function fakeSlack(): SlackFake {
  const fake = startSlack(serveBun);
  cleanups.push(() => fake.stop());
  return fake;
}

test("Socket Mode: a DM and a channel mention are stored, then acknowledged; the app_mention twin is stored once", async () => {
  const fake = fakeSlack();
  const { adapter, mem } = adapterFor(fake, { botToken: fake.botToken, appToken: fake.appToken });
  await adapter.start();
  expect(adapter.status()).toMatchObject({ running: true, connected: true, lastError: null, bot: { id: fake.botUserId, name: "clawbot" } });
  const dm = fake.message({ channel: "D1", user: "U1", text: "hi", channelType: "im" });
  const msg = fake.message({ channel: "C1", user: "U1", text: `<@${fake.botUserId}> status?`, channelType: "channel", ts: "1700.1" });
  const twin = fake.message({ channel: "C1", user: "U1", text: `<@${fake.botUserId}> status?`, channelType: "channel", ts: "1700.1", type: "app_mention" });
  await fake.until(() => [dm, msg, twin].every((id) => fake.acked.includes(id)));
  expect(mem.accepted).toEqual([
    { id: expect.stringMatching(/^D1:/), chatId: "D1", chatType: "direct", senderId: "U1", text: "hi", mentioned: false, ts: expect.any(Number) },
    { id: "C1:1700.1", chatId: "C1", chatType: "group", senderId: "U1", text: "status?", mentioned: true, ts: 1_700_100, groupKind: "channel", threadKind: "thread" },
  ]);
});

test("Socket Mode: an envelope the store refused is not acknowledged; Slack's redelivery is stored and acknowledged", async () => {
  const fake = fakeSlack();
  const { adapter, mem } = adapterFor(fake, { botToken: fake.botToken, appToken: fake.appToken }, memorySink(1));
  await adapter.start();
  const id = fake.message({ channel: "D1", user: "U1", text: "hi", channelType: "im" });
  await fake.until(() => mem.attempts() === 1);
  expect(fake.acked).toEqual([]);
  expect(mem.accepted).toEqual([]);
  fake.redeliver(id);
  await fake.until(() => fake.acked.includes(id));
  expect(mem.accepted.map((m) => m.text)).toEqual(["hi"]);
});

test("threads: a reply inside a channel thread keeps it; replyToMode all threads top-level answers, in DMs too (upstream: the DM session stays one)", async () => {
  const fake = fakeSlack();
  const { adapter, mem } = adapterFor(fake, { botToken: fake.botToken, appToken: fake.appToken, replyToMode: "all" });
  await adapter.start();
  fake.message({ channel: "C1", user: "U1", text: `<@${fake.botUserId}> in thread`, channelType: "channel", ts: "5.2", threadTs: "5.1" });
  fake.message({ channel: "C1", user: "U1", text: `<@${fake.botUserId}> top level`, channelType: "channel", ts: "6.1" });
  fake.message({ channel: "D1", user: "U1", text: "dm top level", channelType: "im", ts: "7.1" });
  await fake.until(() => mem.accepted.length === 3);
  expect(mem.accepted.map((m) => [m.text, m.threadId])).toEqual([["in thread", "5.1"], ["top level", "6.1"], ["dm top level", "7.1"]]);
  const sent = await adapter.send({ to: "C1", text: "answer", threadId: "5.1" });
  expect(fake.posts).toEqual([{ ts: sent.messageId, channel: "C1", text: "answer", threadTs: "5.1" }]);
});

test("Socket Mode: after a drop the adapter reconnects and the next envelope is stored", async () => {
  const fake = fakeSlack();
  const { adapter, mem } = adapterFor(fake, { botToken: fake.botToken, appToken: fake.appToken });
  await adapter.start();
  fake.drop();
  await fake.until(() => adapter.status().connected === false);
  await fake.until(() => fake.opens === 2 && adapter.status().connected === true, 10_000);
  const id = fake.message({ channel: "D1", user: "U1", text: "after", channelType: "im" });
  await fake.until(() => fake.acked.includes(id));
  expect(mem.accepted.map((m) => m.text)).toEqual(["after"]);
  expect(adapter.status()).toMatchObject({ reconnectAttempts: 1, lastError: null });
});

test("wrong app token / wrong bot token: start returns, status names the credential, nothing retried", async () => {
  const fake = fakeSlack();
  const app = adapterFor(fake, { botToken: fake.botToken, appToken: "xapp-wrong" }).adapter;
  await app.start();
  expect(app.status()).toMatchObject({ running: true, connected: false, lastError: "Slack refused the app token (invalid_auth); check channels.slack.appToken" });
  const bot = adapterFor(fake, { botToken: "xoxb-wrong", appToken: fake.appToken }).adapter;
  await bot.start();
  expect(bot.status()).toMatchObject({ lastError: "Slack refused the bot token (invalid_auth); check channels.slack.botToken" });
  expect(await bot.probe(2000)).toMatchObject({ ok: false, error: "invalid_auth" });
  expect(await app.probe(2000)).toMatchObject({ ok: true, bot: { id: fake.botUserId }, team: { id: fake.teamId } });
  expect(fake.opens).toBe(0);
});

test("HTTP Events mode: a signed event is stored and answered 200; a bad signature 401 and nothing stored; url_verification echoed", async () => {
  const fake = fakeSlack();
  const { adapter, mem } = adapterFor(fake, { mode: "http", botToken: fake.botToken, signingSecret: "s3cret" });
  await adapter.start();
  expect(adapter.webhook?.path).toBe("/slack/events");
  const receiver = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => adapter.webhook!.handle(req) });
  cleanups.push(() => receiver.stop(true));
  const url = `http://127.0.0.1:${receiver.port}/slack/events`;
  const body = fake.eventBody({ channel: "D1", user: "U1", text: "over http", channelType: "im" });

  const forged = await signedEvent(url, "wrong-secret", body);
  expect(forged.status).toBe(401);
  const stale = await signedEvent(url, "s3cret", body, Math.floor(Date.now() / 1000) - 600);
  expect(stale.status).toBe(401);
  expect(mem.accepted).toEqual([]);

  const ok = await signedEvent(url, "s3cret", body);
  expect(ok.status).toBe(200);
  const retry = await signedEvent(url, "s3cret", body);
  expect(retry.status).toBe(200);
  expect(mem.accepted.map((m) => m.text)).toEqual(["over http"]);

  const challenge = await signedEvent(url, "s3cret", JSON.stringify({ type: "url_verification", challenge: "abc123" }));
  expect(await challenge.json()).toEqual({ challenge: "abc123" });
  expect(adapter.status()).not.toHaveProperty("connected");
});
