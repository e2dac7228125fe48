/**
 * Discord and Slack under Deno, unchanged adapters on their official clients (@discordjs/rest + @discordjs/ws,
 * @slack/web-api + @slack/socket-mode, running on Deno's Node compatibility) against the same local services the
 * Bun tests use (test/harness/discord-api.ts, slack-api.ts), served by Deno.serve over real sockets: Discord's
 * HELLO -> IDENTIFY -> READY and a DM dispatched to the inbound path with the session stored as the cursor; Slack's
 * Socket Mode envelope acknowledged after it was stored; replies posted over REST / the Web API; and the whole
 * gateway answering an unknown DM sender on each service with upstream's pairing reply.
 */
import { discordAdapter } from "../../core/channels/discord/adapter.ts";
import { discordAccounts } from "../../core/channels/discord/config.ts";
import { discordOrigin } from "../../core/channels/discord/origin.ts";
import { discordPlugin } from "../../core/channels/discord/plugin.ts";
import { slackAdapter } from "../../core/channels/slack/adapter.ts";
import { slackAccounts } from "../../core/channels/slack/config.ts";
import { slackPlugin } from "../../core/channels/slack/plugin.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { startDiscord } from "../harness/discord-api.ts";
import { startSlack } from "../harness/slack-api.ts";
import * as assert from "./assert.ts";
import { denoServer, memoryAccount, withAdapter, withGateway } from "./gateway-host.ts";

const ALICE = { id: "4200", username: "alice" };

Deno.test("Discord on Deno: IDENTIFY -> READY; a DM reaches the inbound path with the Gateway session as cursor; a reply and typing over REST", async () => {
  const { serve, stopped } = denoServer();
  const discord = startDiscord(serve);
  const { ctx, accepted } = memoryAccount("discord", { token: discord.token });
  const adapter = discordAdapter(ctx, discordOrigin(discord.apiUrl), () => discordAccounts(ctx.config(), {})[0]);
  await withAdapter(adapter, { stop: () => discord.stop(), stopped }, async () => {
    assert.equal([adapter.status().connected, (adapter.status().bot as { username: string }).username], [true, discord.bot.username]);
    assert.equal(discord.identifies.map((i) => i.token), [discord.token]);
    const id = discord.message({ channelId: "dm1", author: ALICE, content: "hello from deno" });
    await discord.until(() => accepted.length === 1);
    assert.equal(accepted.map((m) => [m.id, m.chatId, m.chatType, m.senderId, m.text]), [[id, "dm1", "direct", "4200", "hello from deno"]]);
    const cursor = JSON.parse(ctx.inbound.cursor()!);
    assert.ok(typeof cursor.sessionId === "string" && cursor.sequence === 2, JSON.stringify(cursor));
    const sent = await adapter.send({ to: "dm1", text: "hi alice", replyToId: id });
    assert.equal(discord.posted.map((p) => [p.channelId, p.content, p.replyTo]), [["dm1", "hi alice", id]]);
    assert.equal(sent, { messageId: discord.posted[0]!.id, chatId: "dm1" });
    await adapter.typing("dm1");
    assert.equal(discord.typing, ["dm1"]);
  });
});

Deno.test("Slack on Deno, Socket Mode: hello; a DM envelope is stored, then acknowledged; a reply over chat.postMessage", async () => {
  const { serve, stopped } = denoServer();
  const slack = startSlack(serve);
  const { ctx, accepted } = memoryAccount("slack", { botToken: slack.botToken, appToken: slack.appToken });
  const adapter = slackAdapter(ctx, slack.apiUrl, () => slackAccounts(ctx.config(), {})[0]);
  await withAdapter(adapter, { stop: () => slack.stop(), stopped }, async () => {
    assert.equal([adapter.status().connected, slack.opens], [true, 1]);
    const envelope = slack.message({ channel: "D1", user: "U1", text: "hello from deno", channelType: "im" });
    await slack.until(() => slack.acked.includes(envelope));
    assert.equal(accepted.map((m) => [m.chatId, m.chatType, m.senderId, m.text]), [["D1", "direct", "U1", "hello from deno"]]);
    const sent = await adapter.send({ to: "D1", text: "hi U1" });
    assert.equal(slack.posts.map((p) => [p.channel, p.text]), [["D1", "hi U1"]]);
    assert.equal(sent, { messageId: slack.posts[0]!.ts, chatId: "D1" });
  });
});

Deno.test("gateway on Deno with Discord and Slack: an unknown DM sender on each gets upstream's pairing reply through the store and the outbox", async () => {
  const { serve, stopped } = denoServer();
  const discord = startDiscord(serve);
  const slack = startSlack(serve);
  const env = { DISCORD_API_URL: discord.apiUrl, SLACK_API_URL: slack.apiUrl };
  const config = { channels: { discord: { token: discord.token }, slack: { botToken: slack.botToken, appToken: slack.appToken } } } as OpenClawConfig;
  const fakes = { stop: () => (discord.stop(), slack.stop()), stopped };
  await withGateway(config, [discordPlugin(env), slackPlugin(env)], fakes, async () => {
    await discord.until(() => discord.identifies.length === 1 && discord.connections() === 1);
    await slack.until(() => slack.connections() === 1);
    discord.message({ channelId: "dm1", author: ALICE, content: "hello bot" });
    slack.message({ channel: "D7", user: "U7", text: "hello bot", channelType: "im" });
    await discord.until(() => discord.posted.length === 1);
    await slack.until(() => slack.posts.length === 1);
    for (const [text, idLine] of [[discord.posted[0]!.content, "Your Discord user id: 4200"], [slack.posts[0]!.text, "Your Slack user id: U7"]]) {
      assert.ok(text!.startsWith(`OpenClaw: access not configured.\n\n${idLine}\nPairing code:\n`), text);
      assert.ok(/clawgate pairing approve (discord|slack) [A-Z2-9]{8}/.test(text!), text);
    }
    assert.equal([discord.posted[0]!.channelId, slack.posts[0]!.channel], ["dm1", "D7"]);
  });
});
