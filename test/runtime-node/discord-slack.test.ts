/**
 * The Node gateway runs Discord and Slack as the Bun one does: with both configured against the local services,
 * an unknown DM sender on each gets upstream's pairing reply, and a dropped link comes back.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeGatewayConfig } from "../harness/channel-gateway.ts";
import { startDiscord, type DiscordFake } from "../harness/discord-api.ts";
import { serveBun } from "../harness/serve-bun.ts";
import { spawnGateway, type ChildGateway } from "../harness/process.ts";
import { RESTART_TIMEOUT_MS, runtimeCommand } from "../harness/runtimes.ts";
import { startSlack, type SlackFake } from "../harness/slack-api.ts";

const TOKEN = "node-channels-gateway-token-0123456789";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-node-channels-"));
let discord: DiscordFake;
let slack: SlackFake;
let gw: ChildGateway;

beforeAll(async () => {
  discord = startDiscord(serveBun);
  slack = startSlack(serveBun);
  writeGatewayConfig(stateDir, TOKEN, { channels: { discord: { token: discord.token }, slack: { botToken: slack.botToken, appToken: slack.appToken } } }, { bind: "loopback" });
  gw = await spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir, DISCORD_API_URL: discord.apiUrl, SLACK_API_URL: slack.apiUrl }, await runtimeCommand("node"));
  await discord.until(() => discord.identifies.length === 1, 15_000).catch((error) => {
    throw new Error(`${error}; gateway stderr:\n${gw.stderr()}`);
  });
  await slack.until(() => slack.connections() === 1, 15_000);
}, RESTART_TIMEOUT_MS);
afterAll(() => {
  gw?.proc.kill("SIGKILL");
  discord?.stop();
  slack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

test("an unknown DM sender on Discord and on Slack gets upstream's pairing reply", async () => {
  discord.message({ channelId: "dm-ada", author: { id: "4200", username: "ada" }, content: "hello" });
  slack.message({ channel: "D1", user: "U1", text: "hello", channelType: "im" });
  await discord.until(() => discord.posted.length === 1);
  await slack.until(() => slack.posts.length === 1);
  expect(discord.posted[0]!.content).toStartWith("OpenClaw: access not configured.\n\nYour Discord user id: 4200\nPairing code:");
  expect(slack.posts[0]!.text).toStartWith("OpenClaw: access not configured.\n\nYour Slack user id: U1\nPairing code:");
});

test("dropped links come back: Discord resumes, Slack reconnects", async () => {
  discord.drop();
  slack.drop();
  await discord.until(() => discord.resumes.length === 1 && discord.connections() === 1, 15_000);
  await slack.until(() => slack.opens === 2 && slack.connections() === 1, 15_000);
  expect(discord.identifies).toHaveLength(1);
}, RESTART_TIMEOUT_MS);
