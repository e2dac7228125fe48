/**
 * The local Slack speaks the wire the official clients expect: `@slack/socket-mode` and `@slack/web-api`, pointed
 * at it by `slackApiUrl` alone, open a Socket Mode link, acknowledge `events_api` envelopes by `envelope_id`, post
 * messages, and reconnect after a drop; a signed HTTP event verifies with the secret it was signed with.
 */
import { afterEach, expect, test } from "bun:test";
import { SocketModeClient } from "@slack/socket-mode";
import { WebClient } from "@slack/web-api";
import { abandonThenRelease } from "./held-requests-case.ts";
import { startSlack } from "./slack-api.ts";
import { signedEvent, slackSignature } from "./slack-signing.ts";
import { serveBun } from "./serve-bun.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

test("Web API: auth.test and chat.postMessage in a thread are answered and recorded; a wrong token gets invalid_auth", async () => {
  const fake = startSlack(serveBun);
  cleanups.push(() => fake.stop());
  const web = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl });
  expect(await web.auth.test()).toMatchObject({ ok: true, user_id: fake.botUserId, team_id: fake.teamId });
  const sent = await web.chat.postMessage({ channel: "C1", text: "hello", thread_ts: "1.2" });
  expect(fake.posts).toEqual([{ ts: sent.ts!, channel: "C1", text: "hello", threadTs: "1.2" }]);

  const wrong = new WebClient("xoxb-wrong", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  await expect(wrong.auth.test()).rejects.toThrow("invalid_auth");
  expect(fake.unauthorized).toBe(1);
});

test("Socket Mode: hello, an events_api envelope delivered and acknowledged by envelope_id, reconnect after a drop", async () => {
  const fake = startSlack(serveBun);
  cleanups.push(() => fake.stop());
  // clientPingTimeout also paces the SDK's reconnect delay: short here so the reconnect is quick.
  const client = new SocketModeClient({ appToken: fake.appToken, clientPingTimeout: 300, clientOptions: { slackApiUrl: fake.apiUrl } });
  cleanups.push(() => client.disconnect());
  const events: { text: string; channel_type: string }[] = [];
  client.on("message", async ({ ack, event }) => {
    events.push(event);
    await ack();
  });
  await client.start();
  const first = fake.message({ channel: "D1", user: "U1", text: "hi", channelType: "im" });
  await fake.until(() => fake.acked.includes(first));
  expect(events).toMatchObject([{ text: "hi", channel_type: "im" }]);

  fake.drop();
  await fake.until(() => fake.opens === 2 && fake.connections() === 1, 10_000);
  const second = fake.message({ channel: "D1", user: "U1", text: "again", channelType: "im" });
  await fake.until(() => fake.acked.includes(second));
  expect(events.map((e) => e.text)).toEqual(["hi", "again"]);
});

test("Socket Mode: an unacknowledged envelope is redelivered with retry_attempt until acknowledged", async () => {
  const fake = startSlack(serveBun);
  cleanups.push(() => fake.stop());
  const client = new SocketModeClient({ appToken: fake.appToken, clientOptions: { slackApiUrl: fake.apiUrl } });
  cleanups.push(() => client.disconnect());
  const retries: number[] = [];
  let ackNow = false;
  client.on("message", async ({ ack, retry_num }) => {
    retries.push(retry_num);
    if (ackNow) await ack();
  });
  await client.start();
  const id = fake.message({ channel: "C1", user: "U1", text: "hi", channelType: "channel" });
  await fake.until(() => retries.length === 1);
  expect(fake.acked).toEqual([]);
  ackNow = true;
  fake.redeliver(id);
  await fake.until(() => fake.acked.includes(id));
  expect(retries).toEqual([0, 1]);
});

test("Socket Mode: a wrong app token is refused with invalid_auth, which the client treats as unrecoverable", async () => {
  const fake = startSlack(serveBun);
  cleanups.push(() => fake.stop());
  const client = new SocketModeClient({ appToken: "xapp-wrong", clientOptions: { slackApiUrl: fake.apiUrl } });
  await expect(client.start()).rejects.toThrow("invalid_auth");
  expect(fake.opens).toBe(0);
  expect(fake.unauthorized).toBe(1);
});

test("signed HTTP events: the signature matches Slack's documented example, and signedEvent sends it with the timestamp", async () => {
  // The worked example in Slack's "Verifying requests from Slack" guide.
  const example =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  expect(slackSignature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, example)).toBe("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");

  const fake = startSlack(serveBun);
  cleanups.push(() => fake.stop());
  const body = fake.eventBody({ channel: "C1", user: "U1", text: "hi", channelType: "channel" });
  const seen: { signature: string | null; timestamp: string | null; body: string }[] = [];
  const receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => {
      seen.push({ signature: req.headers.get("x-slack-signature"), timestamp: req.headers.get("x-slack-request-timestamp"), body: await req.text() });
      return new Response("ok");
    },
  });
  cleanups.push(() => receiver.stop(true));
  await signedEvent(`http://127.0.0.1:${receiver.port}/slack/events`, "s3cret", body, 1_700_000_000);
  expect(seen).toEqual([{ signature: slackSignature("s3cret", 1_700_000_000, body), timestamp: "1700000000", body }]);
  expect(JSON.parse(body)).toMatchObject({ type: "event_callback", event: { type: "message", channel: "C1", user: "U1", text: "hi", channel_type: "channel" } });
});

test("hold: chat.postMessage waits until released; one whose client went away meanwhile is dropped unrecorded", async () => {
  const fake = startSlack(serveBun);
  cleanups.push(() => fake.stop());
  const post = (text: string, signal?: AbortSignal) =>
    fetch(`${fake.apiUrl}chat.postMessage`, { method: "POST", headers: { Authorization: `Bearer ${fake.botToken}`, "Content-Type": "application/json" }, body: JSON.stringify({ channel: "C1", text }), signal });
  expect(await (await abandonThenRelease(fake, post)).json()).toMatchObject({ ok: true });
  expect(fake.posts.map((p) => p.text)).toEqual(["kept"]);
});
