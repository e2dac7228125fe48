/**
 * The real `openclaw channels status --probe` (2026.9.6) renders clawgate's answer for a Discord and a Slack
 * account, both connected to their local services, in upstream's lines.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipWithout } from "../harness/capability.ts";
import { writeGatewayConfig } from "../harness/channel-gateway.ts";
import { startDiscord, type DiscordFake } from "../harness/discord-api.ts";
import { serveBun } from "../harness/serve-bun.ts";
import { CLI_CALL_TIMEOUT_MS, openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { freshHome, spawnGateway, type ChildGateway } from "../harness/process.ts";
import { startSlack, type SlackFake } from "../harness/slack-api.ts";

const TOKEN = "channels-cli-gateway-token-0123456789";
const skip = skipWithout(openclawCliAvailable(), "openclaw channels status --probe (Discord, Slack)", SKIP_MESSAGE);
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-channels-cli-"));
const home = freshHome();
let discord: DiscordFake;
let slack: SlackFake;
let gw: ChildGateway;

beforeAll(async () => {
  if (skip) return;
  discord = startDiscord(serveBun);
  slack = startSlack(serveBun);
  writeGatewayConfig(stateDir, TOKEN, { channels: { discord: { token: discord.token }, slack: { botToken: slack.botToken, appToken: slack.appToken } } }, { bind: "loopback" });
  gw = await spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir, DISCORD_API_URL: discord.apiUrl, SLACK_API_URL: slack.apiUrl });
  await discord.until(() => discord.connections() === 1);
  await slack.until(() => slack.connections() === 1);
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TOKEN } } }), { mode: 0o600 });
});
afterAll(() => {
  gw?.proc.kill("SIGKILL");
  discord?.stop();
  slack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

test.skipIf(skip)("channels status --probe: one line per account in upstream's format, probes working", async () => {
  const out = await openclaw(["channels", "status", "--probe"], home);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
  // The CLI prints a tokenSource value as *** (its secret masking); botTokenSource and appTokenSource as they are.
  expect(out.stdout).toContain("- Discord default: enabled, configured, running, connected, bot:@clawbot, dm:pairing, token:***, works\n");
  expect(out.stdout).toContain("- Slack default: enabled, configured, running, connected, mode:socket, dm:pairing, bot:config, app:config, works\n");
}, CLI_CALL_TIMEOUT_MS);
