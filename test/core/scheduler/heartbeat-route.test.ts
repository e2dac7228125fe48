/**
 * Heartbeat alerts delivered to a chat (upstream's `heartbeat.target`): a
 * gateway child process with a Telegram account on a local Bot API
 * (test/harness/telegram-api.ts); `wake` starts a heartbeat whose alert is
 * the woken event's text. `owner` (the default) finds the owner in
 * `commands.ownerAllowFrom`, else in the channel's `allowFrom`; `last`
 * follows the conversation that last reached the main session; `none` and a
 * target without a route send nothing, and the event says why.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connected, type RawSocket } from "../../harness/raw-socket.ts";
import { startRuntimeGateway, type RuntimeGateway } from "../../harness/runtimes.ts";
import { startTelegramApi, type FakeTelegram } from "../../harness/telegram-api.ts";

let tg: FakeTelegram;
beforeAll(() => {
  tg = startTelegramApi();
});
afterAll(() => tg.stop());

/** A gateway with Telegram (`telegram` merged in) and `rest` of the config; stopped by the returned function. */
async function gatewayWith(telegram: Record<string, unknown>, rest: Record<string, unknown> = {}): Promise<{ sock: RawSocket; stop: () => Promise<void> }> {
  const gw: RuntimeGateway = await startRuntimeGateway("bun", {
    config: { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, ...telegram } }, ...rest } as never,
  });
  const { sock } = await connected(gw.url);
  await tg.until(() => tg.polling() > 0);
  return { sock, stop: async () => { sock.close(); await gw.stop(); } };
}

/** Wakes a heartbeat carrying `text`; resolves with its event. */
async function alert(sock: RawSocket, text: string): Promise<Record<string, any>> {
  const before = sock.events("heartbeat").length;
  await sock.request("wake", { mode: "now", text });
  await sock.until(() => sock.events("heartbeat").length > before, 10_000);
  return sock.events("heartbeat").at(-1)!.payload;
}

describe("owner (the default)", () => {
  test("the first concrete allowFrom entry's DM gets the alert; the event names where it went", async () => {
    const gw = await gatewayWith({ dmPolicy: "allowlist", allowFrom: ["*", "4711"] });
    try {
      const before = tg.sent.length;
      const event = await alert(gw.sock, "The oven timer rang");
      expect(event).toMatchObject({ status: "sent", preview: "The oven timer rang", channel: "telegram", to: "4711", accountId: "default" });
      expect(tg.sent.slice(before)).toEqual([expect.objectContaining({ chat_id: "4711", text: "The oven timer rang" })]);
    } finally {
      await gw.stop();
    }
  }, 30_000);

  test("commands.ownerAllowFrom comes first; no owner anywhere -> nothing sent, deliveryError says no-route", async () => {
    const named = await gatewayWith({ dmPolicy: "allowlist", allowFrom: ["4711"] }, { commands: { ownerAllowFrom: ["discord:1", "telegram:999"] } });
    try {
      const before = tg.sent.length;
      expect(await alert(named.sock, "Laundry is done")).toMatchObject({ status: "sent", channel: "telegram", to: "999" });
      expect(tg.sent.slice(before).map((m) => m.chat_id)).toEqual(["999"]);
    } finally {
      await named.stop();
    }
    const nobody = await gatewayWith({ dmPolicy: "open", allowFrom: ["*"] });
    try {
      const before = tg.sent.length;
      const event = await alert(nobody.sock, "Nobody to tell");
      expect(event).toMatchObject({ status: "sent", deliveryError: "no-route: no owner to deliver to (set commands.ownerAllowFrom or a channel's allowFrom)" });
      expect(event.channel).toBeUndefined();
      expect(tg.sent.length).toBe(before);
    } finally {
      await nobody.stop();
    }
  }, 30_000);
});

test("last: no chat yet -> no-route; after a DM -> that chat; none -> kept in the session", async () => {
  const gw = await gatewayWith({ dmPolicy: "open", allowFrom: ["*"] }, { agents: { defaults: { heartbeat: { target: "last" } } } });
  try {
    const before = tg.sent.length;
    expect(await alert(gw.sock, "Too early")).toMatchObject({ status: "sent", deliveryError: "no-route: no chat has reached this session yet" });
    tg.message({ from: 5150, text: "hi" });
    await tg.until(() => tg.sent.length === before + 1);
    expect(await alert(gw.sock, "Now you hear me")).toMatchObject({ status: "sent", channel: "telegram", to: "5150" });
    expect(tg.sent.at(-1)).toMatchObject({ chat_id: "5150", text: "Now you hear me" });
  } finally {
    await gw.stop();
  }
  const quiet = await gatewayWith({ dmPolicy: "allowlist", allowFrom: ["4711"] }, { agents: { defaults: { heartbeat: { target: "none" } } } });
  try {
    const before = tg.sent.length;
    const event = await alert(quiet.sock, "Just for the log");
    expect(event.status).toBe("sent");
    expect(event.channel).toBeUndefined();
    expect(event.deliveryError).toBeUndefined();
    expect(tg.sent.length).toBe(before);
  } finally {
    await quiet.stop();
  }
}, 30_000);
