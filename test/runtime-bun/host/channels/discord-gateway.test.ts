/**
 * Discord end to end (issue 17 "must show"): a real gateway process connects to the local Discord
 * (test/harness/discord-api.ts) through `DISCORD_API_URL`. An unknown DM sender gets upstream's pairing reply;
 * `clawgate pairing approve discord <code> --notify` -> the sender's next DM gets the agent's reply; guild messages
 * are mention-gated; after the Gateway drops, the account resumes and what was sent meanwhile is answered; kill -9
 * with a reply in flight -> after restart the reply is delivered once and nothing earlier is repeated; a wrong token
 * leaves a clear status and a serving gateway. Upstream's finer settings: `maxLinesPerMessage` (17) splits a
 * many-line text, a thread takes its parent channel's guild rules, `allowBots: "mentions"` admits only bots that
 * mention this one. (test/interop/channels-openclaw-cli.test.ts: the real CLI's lines.)
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kill9, killWithReplyInFlight, removeGateway, startAdminGateway, untilRecordedSent, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import { startDiscord, type DiscordFake } from "../../../harness/discord-api.ts";
import { serveBun } from "../../../harness/serve-bun.ts";
import { channelsStatusLines, runCliIsolated, type ChildGateway } from "../../../harness/process.ts";
import type { RawSocket } from "../../../harness/raw-socket.ts";

const TOKEN = "discord-e2e-gateway-token-0123456789";
const ADA = { id: "4200", username: "ada" };
const BOB = { id: "4300", username: "bob" };
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-discord-"));
let fake: DiscordFake;
let gw: ChildGateway;
let admin: RawSocket;

function writeConfig(discord: Record<string, unknown>): void {
  writeGatewayConfig(stateDir, TOKEN, { channels: { discord } }, { bind: "loopback" });
}

async function startGateway(): Promise<void> {
  ({ gw, admin } = await startAdminGateway(stateDir, TOKEN, { DISCORD_API_URL: fake.apiUrl }));
}

async function status(probe = false): Promise<any> {
  return (await admin.request("channels.status", { probe, channel: "discord" })).payload.channelAccounts.discord[0];
}

const settled = () => untilRecordedSent(async () => (await status()).lastOutboundAt, () => fake.lastPostAt);

beforeAll(async () => {
  fake = startDiscord(serveBun);
  writeConfig({ token: fake.token, allowBots: "mentions", guilds: { G1: {}, G2: { channels: { parent: { requireMention: false } } } } });
  await startGateway();
  await fake.until(() => fake.identifies.length === 1 && fake.connections() === 1);
});
afterAll(() => {
  removeGateway(stateDir, { gw, admin });
  fake?.stop();
});

const cli = (...args: string[]) => runCliIsolated([...args, "--url", gw.url, "--token", TOKEN]);
const statusLines = () => channelsStatusLines(gw.port, TOKEN);
const postsTo = (channelId: string) => fake.posted.filter((p) => p.channelId === channelId).map((p) => p.content);

test("unknown DM sender -> upstream's pairing reply, no agent turn; approve --notify -> approval text; next DM -> agent reply", async () => {
  fake.message({ channelId: "dm-ada", author: ADA, content: "hello bot" });
  await fake.until(() => postsTo("dm-ada").length === 1);
  const reply = postsTo("dm-ada")[0]!;
  const code = /Pairing code:\n```\n([A-Z2-9]{8})\n```/.exec(reply)?.[1];
  expect(code).toBeDefined();
  expect(reply).toBe(["OpenClaw: access not configured.", "", "Your Discord user id: 4200", "Pairing code:", "```", code, "```", "", "Ask the bot owner to approve with:", "```", `clawgate pairing approve discord ${code}`, "```"].join("\n"));
  expect((await admin.request("sessions.list", {})).payload.sessions).toEqual([]);

  const approved = await cli("pairing", "approve", "discord", code!, "--notify");
  expect(approved).toEqual({ code: 0, stdout: "Approved discord sender 4200.\n", stderr: "" });
  expect(postsTo("dm-ada").at(-1)).toBe("✅ OpenClaw access approved. Send a message to start chatting.");

  fake.message({ channelId: "dm-ada", author: ADA, content: "my name is Ada" });
  await fake.until(() => postsTo("dm-ada").length === 3);
  expect(postsTo("dm-ada")[2]).toStartWith("Nice to meet you, Ada.");
  expect(fake.typing).toContain("dm-ada");
  const history = (await admin.request("chat.history", { sessionKey: "main" })).payload.messages;
  expect(history[0].content[0].text).toBe("my name is Ada");
});

test("guild channel: a message without a mention never reaches the agent; a mention does, in the channel's own session", async () => {
  fake.message({ channelId: "g1c", guildId: "G1", author: BOB, content: "chatter, no mention" });
  fake.message({ channelId: "g1c", guildId: "G1", author: BOB, content: `<@${fake.bot.id}> my name is Bob`, mentions: [fake.bot] });
  await fake.until(() => postsTo("g1c").length === 1);
  expect(postsTo("g1c")[0]).toStartWith("Nice to meet you, Bob.");
  const history = (await admin.request("chat.history", { sessionKey: "agent:main:discord:channel:g1c" })).payload.messages;
  expect(history.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual(["my name is Bob"]);
});

test("the Gateway drops -> the account resumes its session, and a DM sent meanwhile is answered", async () => {
  fake.drop();
  await fake.until(() => fake.connections() === 0);
  fake.message({ channelId: "dm-ada", author: ADA, content: "what is my name?" });
  await fake.until(() => fake.resumes.length === 1 && postsTo("dm-ada").length === 4, 15_000);
  expect(postsTo("dm-ada")[3]).toContain("Ada");
  expect(fake.identifies).toHaveLength(1);
  expect(await status()).toMatchObject({ running: true, connected: true, reconnectAttempts: 1 });
});

test("kill -9 with a reply in flight -> after restart it is delivered once and nothing earlier is repeated", async () => {
  await settled();
  const before = [...fake.posted];
  await killWithReplyInFlight(fake, () => fake.message({ channelId: "dm-ada", author: ADA, content: "my name is Grace" }), () => kill9(gw, admin));

  await startGateway();
  await fake.until(() => fake.posted.length === before.length + 1, 15_000);
  // The restarted gateway resumed the stored Gateway session instead of identifying anew.
  expect(fake.identifies).toHaveLength(1);
  fake.message({ channelId: "dm-ada", author: ADA, content: "what is my name?" });
  await fake.until(() => fake.posted.length === before.length + 2);
  expect(fake.posted.slice(0, before.length)).toEqual(before);
  const after = fake.posted.slice(before.length).map((p) => p.content);
  expect(after[0]).toStartWith("Nice to meet you, Grace.");
  expect(after[1]).toContain("Grace");
});

test("clawgate channels status --probe prints the account in upstream's line", async () => {
  const out = await statusLines();
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/^- Discord default: enabled, configured, running, connected, in:just now, out:just now, bot:@clawbot, dm:pairing, token:config, works$/m);
});

test("a 40-line send -> messages of at most 17 lines (upstream's maxLinesPerMessage), in order, nothing lost", async () => {
  fake.addChannel("lines");
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
  const sent = await admin.request("send", { channel: "discord", to: "lines", message: lines.join("\n"), idempotencyKey: "forty-lines" });
  expect(sent.ok).toBe(true);
  expect(postsTo("lines").map((c) => c.split("\n").length)).toEqual([17, 17, 6]);
  expect(postsTo("lines").join("\n")).toBe(lines.join("\n"));
});

test("a thread takes its parent channel's rules (requireMention false there) and has its own session; an unlisted channel stays closed", async () => {
  // Not announced: the parent comes from GET /channels/:id, once.
  fake.addThread("T1", "parent", "G2");
  fake.message({ channelId: "elsewhere", guildId: "G2", author: BOB, content: "not listed" });
  fake.message({ channelId: "T1", guildId: "G2", author: BOB, content: "my name is Theo" });
  fake.message({ channelId: "T1", guildId: "G2", author: BOB, content: "what is my name?" });
  await fake.until(() => postsTo("T1").length === 2);
  expect(postsTo("T1")[0]).toStartWith("Nice to meet you, Theo.");
  expect(postsTo("T1")[1]).toStartWith("Your name is Theo.");
  expect(fake.channelLookups.filter((id) => id === "T1")).toEqual(["T1"]);
  expect(postsTo("elsewhere")).toEqual([]);
  const history = (await admin.request("chat.history", { sessionKey: "agent:main:discord:channel:T1" })).payload.messages;
  expect(history.filter((m: any) => m.role === "user")).toHaveLength(2);
  // Announced by THREAD_CREATE: no lookup needed.
  fake.addThread("T2", "parent", "G2", true);
  fake.message({ channelId: "T2", guildId: "G2", author: BOB, content: "my name is Tess" });
  await fake.until(() => postsTo("T2").length === 1);
  expect(fake.channelLookups).not.toContain("T2");
});

test('allowBots "mentions" -> another bot is answered only when it mentions this bot', async () => {
  const robot = { id: "4400", username: "robot", bot: true };
  fake.message({ channelId: "parent", guildId: "G2", author: robot, content: "my name is Quiet" });
  fake.message({ channelId: "parent", guildId: "G2", author: robot, content: `<@${fake.bot.id}> my name is Robo`, mentions: [fake.bot] });
  await fake.until(() => postsTo("parent").length === 1);
  expect(postsTo("parent")).toEqual([expect.stringMatching(/^Nice to meet you, Robo\./)]);
  const history = (await admin.request("chat.history", { sessionKey: "agent:main:discord:channel:parent" })).payload.messages;
  expect(history.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual(["my name is Robo"]);
});

test("a wrong token -> status says Discord refused it, the probe fails, and the gateway keeps serving", async () => {
  await settled();
  await kill9(gw, admin);
  writeConfig({ token: "not-the-token" });
  await startGateway();
  await fake.until(() => fake.unauthorized > 0);
  const account = await status(true);
  expect(account).toMatchObject({
    configured: true,
    connected: false,
    lastError: "Discord rejected the bot token (401 Unauthorized); check channels.discord.token",
    probe: { ok: false, error: "401 Unauthorized (bad token)" },
  });
  const line = (await statusLines()).stdout;
  expect(line).toContain("- Discord default: enabled, configured, error:Discord rejected the bot token (401 Unauthorized); check channels.discord.token, running, disconnected, dm:pairing, token:config, probe failed");
  expect((await admin.request("health", {})).ok).toBe(true);
  expect(await fetch(`http://127.0.0.1:${gw.port}/health`).then((r) => r.status)).toBe(200);
});
