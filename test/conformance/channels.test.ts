/**
 * The channel path on every shim: the CLI gateway under Bun and under Node
 * (node:sqlite behind the durable inbound store and outbox) polls the local
 * Bot API; an unknown DM sender gets the pairing code, the owner approves it
 * over `channels.pairing.approve` with notify, and the sender's next message
 * gets the agent's reply. `channels.status` reports the account the same way.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";
import { RESTART_TIMEOUT_MS, RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";
import { startTelegramApi, type FakeTelegram } from "../harness/telegram-api.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let tg: FakeTelegram;
  let gw: RuntimeGateway;
  let admin: RawSocket;
  beforeAll(async () => {
    tg = startTelegramApi();
    gw = await startRuntimeGateway(runtime, { config: { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } } } });
    admin = (await connected(gw.url, connectParams({ auth: { token: TEST_TOKEN } }))).sock;
    await tg.until(() => tg.polling() > 0);
  }, RESTART_TIMEOUT_MS);
  afterAll(async () => {
    admin?.close();
    await gw?.stop();
    tg?.stop();
  });

  test("pairing code -> approve with notify -> agent reply, threaded", async () => {
    tg.message({ from: 9001, text: "hi" });
    await tg.until(() => tg.sent.length === 1);
    const code = /<pre>([A-Z2-9]{8})<\/pre>/.exec(tg.sent[0]!.text)![1]!;
    const approved = await admin.request("channels.pairing.approve", { channel: "telegram", code, notify: true });
    expect(approved.payload).toMatchObject({ senderId: "9001", notification: "sent" });
    expect(tg.sent[1]!.text).toBe("✅ OpenClaw access approved. Send a message to start chatting.");
    const asked = tg.message({ from: 9001, text: "my name is Grace" });
    await tg.until(() => tg.sent.length === 3);
    expect(tg.sent[2]!.text).toStartWith("Nice to meet you, Grace.");
    expect(tg.sent[2]!.reply_to).toBe(tg.messageIdOf(asked));
  });

  test("channels.status: the account running and connected, with the bot's name", async () => {
    const s = (await admin.request("channels.status", { probe: true })).payload;
    expect(s.channelOrder).toEqual(["telegram"]);
    expect(s.channelAccounts.telegram[0]).toMatchObject({ accountId: "default", running: true, connected: true, bot: { username: tg.bot.username }, probe: { ok: true } });
  });
});
