/**
 * The local Discord speaks the wire the official clients expect: `@discordjs/rest` and `@discordjs/ws`, pointed at
 * it by their own origin options, identify, heartbeat, receive MESSAGE_CREATE, post, and RESUME after a drop.
 */
import { afterEach, expect, test } from "bun:test";
import { REST } from "@discordjs/rest";
import { WebSocketManager, WebSocketShardEvents, type SessionInfo } from "@discordjs/ws";
import { GatewayIntentBits, Routes, type GatewayDispatchPayload } from "discord-api-types/v10";
import { startDiscord, type DiscordFake } from "./discord-api.ts";
import { abandonThenRelease } from "./held-requests-case.ts";
import { serveBun } from "./serve-bun.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function client(fake: DiscordFake, token = fake.token) {
  const rest = new REST({ api: fake.apiUrl.replace(/\/v10$/, ""), version: "10" }).setToken(token);
  let session: SessionInfo | null = null;
  const manager = new WebSocketManager({
    token,
    rest,
    intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages | GatewayIntentBits.MessageContent,
    retrieveSessionInfo: () => session,
    updateSessionInfo: (_id, info) => {
      session = info;
    },
  });
  const dispatches: GatewayDispatchPayload[] = [];
  manager.on(WebSocketShardEvents.Dispatch, (payload) => dispatches.push(payload));
  cleanups.push(() => manager.destroy());
  return { rest, manager, dispatches };
}

test("REST: /users/@me and a posted message are answered and recorded; a wrong token gets Discord's 401", async () => {
  const fake = startDiscord(serveBun);
  cleanups.push(() => fake.stop());
  const { rest } = client(fake);
  fake.addChannel("123");
  const me = (await rest.get(Routes.user("@me"))) as { id: string; username: string };
  expect(me).toMatchObject({ id: fake.bot.id, username: "clawbot" });
  await rest.post(Routes.channelMessages("123"), { body: { content: "hello", message_reference: { message_id: "77" } } });
  await rest.post(Routes.channelTyping("123"));
  expect(fake.posted).toEqual([{ id: expect.any(String), channelId: "123", content: "hello", replyTo: "77" }]);
  expect(fake.typing).toEqual(["123"]);
  await expect(rest.post(Routes.channelMessages("999"), { body: { content: "x" } })).rejects.toThrow("Unknown Channel");

  const wrong = new REST({ api: fake.apiUrl.replace(/\/v10$/, ""), version: "10" }).setToken("nope");
  await expect(wrong.get(Routes.user("@me"))).rejects.toThrow("401: Unauthorized");
  expect(fake.unauthorized).toBe(1);
});

test("gateway: HELLO -> IDENTIFY -> READY, heartbeats ACKed, MESSAGE_CREATE delivered", async () => {
  const fake = startDiscord(serveBun, { heartbeatIntervalMs: 100 });
  cleanups.push(() => fake.stop());
  const { manager, dispatches } = client(fake);
  await manager.connect();
  expect(fake.identifies).toEqual([{ token: fake.token, intents: expect.any(Number) }]);
  expect(dispatches.map((d) => d.t as string)).toEqual(["READY"]);
  await fake.until(() => fake.heartbeats >= 2);
  fake.message({ channelId: "555", author: { id: "42", username: "alice" }, content: "hi bot" });
  await fake.until(() => dispatches.length === 2);
  expect(dispatches[1]).toMatchObject({ t: "MESSAGE_CREATE", s: 2, d: { channel_id: "555", content: "hi bot", author: { id: "42" } } });
});

test("gateway: after a drop the client RESUMEs with its last seq and gets what it missed, once", async () => {
  const fake = startDiscord(serveBun);
  cleanups.push(() => fake.stop());
  const { manager, dispatches } = client(fake);
  await manager.connect();
  fake.message({ channelId: "1", author: { id: "42", username: "alice" }, content: "before" });
  await fake.until(() => dispatches.length === 2);
  fake.drop();
  await fake.until(() => fake.connections() === 0);
  fake.message({ channelId: "1", author: { id: "42", username: "alice" }, content: "while down" });
  await fake.until(() => fake.resumes.length === 1 && dispatches.some((d) => d.t === "RESUMED"), 10_000);
  expect(fake.resumes[0]!.seq).toBe(2);
  expect(fake.identifies).toHaveLength(1);
  const contents = dispatches.filter((d) => d.t === "MESSAGE_CREATE").map((d) => (d.d as { content: string }).content);
  expect(contents).toEqual(["before", "while down"]);
});

test("gateway: a wrong token is closed 4004 and the client reports authentication failed", async () => {
  const fake = startDiscord(serveBun);
  cleanups.push(() => fake.stop());
  // /gateway/bot needs a valid token too, so point the REST client at the right one and IDENTIFY with a wrong one.
  const rest = new REST({ api: fake.apiUrl.replace(/\/v10$/, ""), version: "10" }).setToken(fake.token);
  const manager = new WebSocketManager({ token: "wrong", rest, intents: 0 });
  cleanups.push(() => manager.destroy());
  const errors: string[] = [];
  manager.on(WebSocketShardEvents.Error, (error) => errors.push(error.message));
  void manager.connect().catch(() => {});
  await fake.until(() => errors.length > 0);
  expect(errors).toEqual(["Authentication failed"]);
  expect(fake.unauthorized).toBe(1);
});

test("hold: a post waits until released; one whose client went away meanwhile is dropped unrecorded", async () => {
  const fake = startDiscord(serveBun);
  cleanups.push(() => fake.stop());
  fake.addChannel("1");
  const url = `${fake.apiUrl}/channels/1/messages`;
  const post = (content: string, signal?: AbortSignal) =>
    fetch(url, { method: "POST", headers: { Authorization: `Bot ${fake.token}`, "Content-Type": "application/json" }, body: JSON.stringify({ content }), signal });
  expect((await abandonThenRelease(fake, post)).status).toBe(200);
  expect(fake.posted.map((p) => p.content)).toEqual(["kept"]);
});
