/**
 * Slack end to end (issue 17 "must show"): a real gateway process connects to the local Slack
 * (test/harness/slack-api.ts) through `SLACK_API_URL`. Socket Mode: an unknown DM sender gets upstream's pairing
 * reply; `clawgate pairing approve slack <code> --notify` -> the next DM gets the agent's reply; channel messages
 * are mention-gated, thread replies stay in their thread and session; after the link drops, the account reconnects;
 * kill -9 with a reply in flight -> after restart it is delivered once, nothing earlier repeated. HTTP Events mode
 * on the gateway port: signed events answered, forged ones refused. A wrong app token leaves a clear status and a
 * serving gateway. Upstream's finer settings: `replyToMode` per channel threads a top-level answer (and keys the
 * session by that thread), `allowBots` admits a bot in a channel only when the channel lists it or an owner from
 * `allowFrom` is a member (`conversations.members`, cached a minute), group DMs stay ignored.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kill9, killWithReplyInFlight, removeGateway, startAdminGateway, untilRecordedSent, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import { channelsStatusLines, runCliIsolated, type ChildGateway } from "../../../harness/process.ts";
import type { RawSocket } from "../../../harness/raw-socket.ts";
import { startSlack, type SlackFake } from "../../../harness/slack-api.ts";
import { signedEvent } from "../../../harness/slack-signing.ts";
import { serveBun } from "../../../harness/serve-bun.ts";

const TOKEN = "slack-e2e-gateway-token-0123456789";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-slack-"));
let fake: SlackFake;
let gw: ChildGateway;
let admin: RawSocket;

function writeConfig(slack: Record<string, unknown>): void {
  writeGatewayConfig(stateDir, TOKEN, { channels: { slack } }, { bind: "loopback" });
}

async function startGateway(): Promise<void> {
  ({ gw, admin } = await startAdminGateway(stateDir, TOKEN, { SLACK_API_URL: fake.apiUrl }));
}

async function restart(slack?: Record<string, unknown>): Promise<void> {
  await settled();
  await kill9(gw, admin);
  if (slack) writeConfig(slack);
  await startGateway();
}

async function status(probe = false): Promise<any> {
  return (await admin.request("channels.status", { probe, channel: "slack" })).payload.channelAccounts.slack[0];
}

const settled = () => untilRecordedSent(async () => (await status()).lastOutboundAt, () => fake.lastPostAt);

beforeAll(async () => {
  fake = startSlack(serveBun);
  writeConfig({ botToken: fake.botToken, appToken: fake.appToken, allowBots: true, channels: { C1: {}, C2: { requireMention: false, replyToMode: "all", users: ["U2", "UROBOT"] } } });
  await startGateway();
  await fake.until(() => fake.connections() === 1);
});
afterAll(() => {
  removeGateway(stateDir, { gw, admin });
  fake?.stop();
});

const cli = (...args: string[]) => runCliIsolated([...args, "--url", gw.url, "--token", TOKEN]);
const statusLines = () => channelsStatusLines(gw.port, TOKEN);
const postsTo = (channel: string) => fake.posts.filter((p) => p.channel === channel);
const bot = () => `<@${fake.botUserId}>`;

test("unknown DM sender -> upstream's pairing reply, no agent turn; approve --notify -> approval text; next DM -> agent reply", async () => {
  const first = fake.message({ channel: "D1", user: "U1", text: "hello bot", channelType: "im" });
  await fake.until(() => postsTo("D1").length === 1);
  expect(fake.acked).toContain(first);
  const reply = postsTo("D1")[0]!.text;
  const code = /Pairing code:\n```\n([A-Z2-9]{8})\n```/.exec(reply)?.[1];
  expect(reply).toBe(["OpenClaw: access not configured.", "", "Your Slack user id: U1", "Pairing code:", "```", code, "```", "", "Ask the bot owner to approve with:", "```", `clawgate pairing approve slack ${code}`, "```"].join("\n"));
  expect((await admin.request("sessions.list", {})).payload.sessions).toEqual([]);

  const approved = await cli("pairing", "approve", "slack", code!, "--notify");
  expect(approved).toEqual({ code: 0, stdout: "Approved slack sender U1.\n", stderr: "" });
  expect(postsTo("U1").map((p) => p.text)).toEqual(["✅ OpenClaw access approved. Send a message to start chatting."]);

  fake.message({ channel: "D1", user: "U1", text: "my name is Ada", channelType: "im" });
  await fake.until(() => postsTo("D1").length === 2);
  expect(postsTo("D1")[1]!.text).toStartWith("Nice to meet you, Ada.");
  const history = (await admin.request("chat.history", { sessionKey: "main" })).payload.messages;
  expect(history[0].content[0].text).toBe("my name is Ada");
});

test("channel: no mention never reaches the agent; a mention does (channel session); a thread reply stays in its thread and session", async () => {
  fake.message({ channel: "C1", user: "U2", text: "chatter, no mention", channelType: "channel" });
  fake.message({ channel: "C9", user: "U2", text: `${bot()} not an allowed channel`, channelType: "channel" });
  fake.message({ channel: "C1", user: "U2", text: `${bot()} my name is Bob`, channelType: "channel", ts: "1800.1" });
  await fake.until(() => postsTo("C1").length === 1);
  expect(postsTo("C1")[0]).toMatchObject({ text: expect.stringMatching(/^Nice to meet you, Bob\./) });
  expect(postsTo("C1")[0]!.threadTs).toBeUndefined();
  const channelHistory = (await admin.request("chat.history", { sessionKey: "agent:main:slack:channel:c1" })).payload.messages;
  expect(channelHistory.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual(["my name is Bob"]);

  fake.message({ channel: "C1", user: "U2", text: `${bot()} my name is Carol`, channelType: "channel", ts: "1800.3", threadTs: "1800.1" });
  await fake.until(() => postsTo("C1").length === 2);
  expect(postsTo("C1")[1]).toMatchObject({ threadTs: "1800.1", text: expect.stringMatching(/^Nice to meet you, Carol\./) });
  const threadHistory = (await admin.request("chat.history", { sessionKey: "agent:main:slack:channel:c1:thread:1800.1" })).payload.messages;
  expect(threadHistory.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual(["my name is Carol"]);
  expect(postsTo("C9")).toEqual([]);
});

test("channel replyToMode all: a top-level answer goes in a thread under it, in that thread's session; only a listed bot is answered; a group DM is ignored", async () => {
  fake.message({ channel: "G7", user: "U2", text: `${bot()} my name is Mallory`, channelType: "mpim" });
  fake.message({ channel: "C2", user: "USPAM", botId: "B7", text: "my name is Spam", channelType: "channel", ts: "1900.1" });
  fake.message({ channel: "C2", user: "U2", text: "my name is Dora", channelType: "channel", ts: "1900.2" });
  await fake.until(() => postsTo("C2").length === 1);
  expect(postsTo("C2")[0]).toMatchObject({ threadTs: "1900.2", text: expect.stringMatching(/^Nice to meet you, Dora\./) });
  const thread = (await admin.request("chat.history", { sessionKey: "agent:main:slack:channel:c2:thread:1900.2" })).payload.messages;
  expect(thread.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual(["my name is Dora"]);
  fake.message({ channel: "C2", user: "UROBOT", botId: "B8", text: "my name is Robo", channelType: "channel", ts: "1900.3" });
  await fake.until(() => postsTo("C2").length === 2);
  expect(postsTo("C2")[1]).toMatchObject({ threadTs: "1900.3", text: expect.stringMatching(/^Nice to meet you, Robo\./) });
  expect(postsTo("G7")).toEqual([]);
  expect(JSON.stringify(fake.posts)).not.toMatch(/Spam|Mallory/);
});

test("the Socket Mode link drops -> the account reconnects, and the next DM is answered", async () => {
  const opens = fake.opens;
  fake.drop();
  await fake.until(() => fake.opens === opens + 1 && fake.connections() === 1, 15_000);
  fake.message({ channel: "D1", user: "U1", text: "what is my name?", channelType: "im" });
  await fake.until(() => postsTo("D1").length === 3);
  expect(postsTo("D1")[2]!.text).toContain("Ada");
  expect(await status()).toMatchObject({ running: true, connected: true, reconnectAttempts: 1 });
});

test("clawgate channels status --probe prints the account in upstream's line", async () => {
  const out = await statusLines();
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/^- Slack default: enabled, configured, running, connected, in:just now, out:just now, mode:socket, dm:pairing, bot:config, app:config, works$/m);
});

test("kill -9 with a reply in flight -> after restart it is delivered once and nothing earlier is repeated", async () => {
  await settled();
  const before = [...fake.posts];
  await killWithReplyInFlight(fake, () => fake.message({ channel: "D1", user: "U1", text: "my name is Grace", channelType: "im" }), async (id) => {
    // Stored before it was acknowledged: Slack will not redeliver it, the outbox owns the reply now.
    expect(fake.acked).toContain(id);
    await kill9(gw, admin);
  });
  await startGateway();
  await fake.until(() => fake.posts.length === before.length + 1, 15_000);
  fake.message({ channel: "D1", user: "U1", text: "what is my name?", channelType: "im" });
  await fake.until(() => fake.posts.length === before.length + 2);
  expect(fake.posts.slice(0, before.length)).toEqual(before);
  const after = fake.posts.slice(before.length).map((p) => p.text);
  expect(after[0]).toStartWith("Nice to meet you, Grace.");
  expect(after[1]).toContain("Grace");
});

test("HTTP Events mode on the gateway port: a signed event is answered, a forged one refused 401 and never stored", async () => {
  await restart({ mode: "http", botToken: fake.botToken, signingSecret: "http-signing-secret" });
  const url = `http://127.0.0.1:${gw.port}/slack/events`;
  const forged = await signedEvent(url, "wrong-secret", fake.eventBody({ channel: "D1", user: "U1", text: "forged", channelType: "im" }));
  expect(forged.status).toBe(401);
  const challenge = await signedEvent(url, "http-signing-secret", JSON.stringify({ type: "url_verification", challenge: "c-123" }));
  expect(await challenge.json()).toEqual({ challenge: "c-123" });
  const posted = fake.posts.length;
  const ok = await signedEvent(url, "http-signing-secret", fake.eventBody({ channel: "D1", user: "U1", text: "what is my name?", channelType: "im" }));
  expect(ok.status).toBe(200);
  await fake.until(() => fake.posts.length === posted + 1);
  expect(fake.posts.at(-1)!.text).toContain("Grace");
  expect(fake.posts.filter((p) => String(p.text).includes("forged"))).toEqual([]);
  expect(await status()).toMatchObject({ running: true, mode: "http", botTokenSource: "config", signingSecretSource: "config" });
});

test("a wrong app token -> status names it, the probe still checks the bot token, and the gateway keeps serving", async () => {
  await restart({ botToken: fake.botToken, appToken: "xapp-wrong" });
  await fake.until(() => fake.unauthorized > 0);
  const account = await status(true);
  expect(account).toMatchObject({ configured: true, connected: false, lastError: "Slack refused the app token (invalid_auth); check channels.slack.appToken", probe: { ok: true } });
  expect((await statusLines()).stdout).toContain("- Slack default: enabled, configured, error:Slack refused the app token (invalid_auth); check channels.slack.appToken, running, disconnected, mode:socket, dm:pairing, bot:config, app:config, works");
  expect((await admin.request("health", {})).ok).toBe(true);
  expect(await fetch(`http://127.0.0.1:${gw.port}/health`).then((r) => r.status)).toBe(200);
});

test("allowBots, a bot the channel does not list: answered where an owner from allowFrom is a member (conversations.members), not elsewhere; each channel's list is looked up once within the cache's minute", async () => {
  await kill9(gw, admin);
  fake.members = { C3: ["U2"], C4: ["U2", "UOWNER"] };
  writeConfig({ botToken: fake.botToken, appToken: fake.appToken, allowBots: true, allowFrom: ["UOWNER"], channels: { C3: { requireMention: false }, C4: { requireMention: false } } });
  await startGateway();
  await fake.until(() => fake.connections() === 1);
  const robot = (channel: string, text: string, ts: string) => fake.message({ channel, user: "UROBOT", botId: "B8", text, channelType: "channel", ts });

  const absent = robot("C3", "my name is Absent", "2000.1");
  robot("C4", "my name is Present", "2000.2");
  await fake.until(() => postsTo("C4").length === 1 && fake.acked.includes(absent));
  expect(postsTo("C4")[0]!.text).toMatch(/^Nice to meet you, Present\./);

  // The owner joins C3, but within the minute the gateway keeps the list Slack gave it.
  fake.members.C3 = ["U2", "UOWNER"];
  const cached = robot("C3", "my name is Cached", "2000.3");
  robot("C4", "my name is Twice", "2000.4");
  await fake.until(() => postsTo("C4").length === 2 && fake.acked.includes(cached));
  expect(postsTo("C3")).toEqual([]);
  expect(fake.memberLookups.toSorted()).toEqual(["C3", "C4"]);

  // People are not subject to the check.
  fake.message({ channel: "C3", user: "U2", text: "my name is Human", channelType: "channel", ts: "2000.5" });
  await fake.until(() => postsTo("C3").length === 1);
  expect(postsTo("C3")[0]!.text).toMatch(/^Nice to meet you, Human\./);
  expect(fake.memberLookups).toHaveLength(2);
});
