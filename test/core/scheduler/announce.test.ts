/**
 * Cron `announce` delivery end to end: a gateway child process with a
 * Telegram account (a local Bot API, test/harness/telegram-api.ts) runs
 * agent-turn jobs and sends their replies to a chat, as upstream's scheduler
 * does: to `delivery.channel` + `delivery.to`, or for `channel: "last"` to the
 * conversation that last reached the agent. What happened is in the run log
 * (`deliveryStatus`, `delivered`, `deliveryError`, `deliverySuppressionReason`).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startUpstream, type FakeUpstream } from "../../harness/openai-upstream.ts";
import { spawnGatewayOn, type ChildGateway } from "../../harness/process.ts";
import { connected, connectParams, type RawSocket } from "../../harness/raw-socket.ts";
import { startTelegramApi, type FakeTelegram } from "../../harness/telegram-api.ts";

const TOKEN = "cron-announce-token-0123456789abcdef";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-announce-"));
let tg: FakeTelegram;
let up: FakeUpstream;
let gw: ChildGateway;
let admin: RawSocket;

beforeAll(async () => {
  tg = startTelegramApi();
  up = startUpstream({ reminder: { pieces: ["Time ", "to stretch."] }, quiet: { pieces: ["NO_REPLY"] } });
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({
    gateway: { mode: "local", auth: { mode: "token", token: TOKEN } },
    channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"] } },
    models: { providers: { up: { baseUrl: up.baseUrl, models: ["reminder", "quiet"] } } },
    agents: { defaults: { model: "up/reminder", heartbeat: { every: "0m" } } },
  }), { mode: 0o600 });
  gw = await spawnGatewayOn(stateDir);
  admin = (await connected(gw.url, connectParams({ auth: { token: TOKEN } }))).sock;
  await tg.until(() => tg.polling() > 0);
}, 30_000);

afterAll(() => {
  admin?.close();
  gw?.proc.kill("SIGKILL");
  tg?.stop();
  up?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Adds an hourly isolated agent-turn job with `delivery`, forces one run and resolves with its run-log entry. */
async function runOnce(name: string, delivery: Record<string, unknown>, model?: string): Promise<Record<string, any>> {
  const job = (await admin.request("cron.add", {
    name, schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", wakeMode: "now",
    payload: { kind: "agentTurn", message: "Remind me to stretch", ...(model ? { model } : {}) }, delivery,
  })).payload;
  const { runId } = (await admin.request("cron.run", { id: job.id })).payload;
  await admin.until(() => admin.events("cron").some((e) => e.payload.jobId === job.id && e.payload.action === "finished" && e.payload.runId === runId), 10_000);
  return (await admin.request("cron.runs", { id: job.id })).payload.entries[0];
}

test("channel last before any chat reached the agent -> not delivered, saying why; the run itself is ok; nothing sent", async () => {
  const entry = await runOnce("too early", { mode: "announce", channel: "last" });
  expect(entry).toMatchObject({ status: "ok", summary: "Time to stretch.", deliveryStatus: "not-delivered", delivered: false, deliveryError: "no delivery route: no chat has reached this agent yet; set delivery.channel and delivery.to" });
  expect(tg.sent).toHaveLength(0);
});

test("channel last -> the conversation that last reached the agent gets the reply; the session records that route; the run log says delivered", async () => {
  tg.message({ from: 4711, text: "hello" });
  await tg.until(() => tg.sent.length === 1);
  const entry = await runOnce("stretch", { mode: "announce", channel: "last" });
  expect(entry).toMatchObject({ status: "ok", deliveryStatus: "delivered", delivered: true });
  expect(tg.sent).toHaveLength(2);
  expect(tg.sent[1]).toMatchObject({ chat_id: "4711", text: "Time to stretch." });
  // Upstream's session fields for the route, on the agent's main session (where DMs go by default).
  const main = (await admin.request("sessions.list", {})).payload.sessions.find((s: any) => s.key === "agent:main:main");
  expect(main).toMatchObject({ lastChannel: "telegram", lastTo: "4711", lastAccountId: "default" });
});

test("an explicit channel and to -> sent to that chat; a channel without to, or an unknown account -> not delivered with the reason", async () => {
  const sent = await runOnce("to a group", { mode: "announce", channel: "telegram", to: "-100123" });
  expect(sent).toMatchObject({ deliveryStatus: "delivered", delivered: true });
  expect(tg.sent.at(-1)).toMatchObject({ chat_id: "-100123", text: "Time to stretch." });
  const before = tg.sent.length;
  expect(await runOnce("no to", { mode: "announce", channel: "telegram" })).toMatchObject({ deliveryStatus: "not-delivered", delivered: false, deliveryError: "announce delivery to telegram needs delivery.to" });
  expect(await runOnce("bad account", { mode: "announce", channel: "telegram", to: "4711", accountId: "nope" })).toMatchObject({ deliveryStatus: "not-delivered", deliveryError: 'Unknown account "nope" for channel telegram.' });
  expect(tg.sent).toHaveLength(before);
});

test("a silent reply (NO_REPLY) is not announced; delivery none is not requested", async () => {
  const before = tg.sent.length;
  const quiet = await runOnce("quiet", { mode: "announce", channel: "last" }, "up/quiet");
  expect(quiet).toMatchObject({ status: "ok", deliveryStatus: "not-delivered", deliverySuppressionReason: "silent" });
  expect(quiet.deliveryError).toBeUndefined();
  expect(await runOnce("none", { mode: "none" })).toMatchObject({ status: "ok", deliveryStatus: "not-requested" });
  expect(tg.sent).toHaveLength(before);
});
