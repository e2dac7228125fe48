/**
 * Exactly once across kill -9 (issue 14): a gateway process that has
 * acknowledged an update to Telegram (the next getUpdates confirmed its
 * offset) is killed with SIGKILL while the reply is in flight, first while
 * the agent is still answering, then while the finished reply is on its way
 * to Telegram (held by the local Bot API, which never accepted it).
 * Restarted on the same state, the gateway answers each update exactly once
 * and repeats nothing it had answered before.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { kill9 } from "../../../harness/channel-gateway.ts";
import type { FakeUpstream } from "../../../harness/openai-upstream.ts";
import type { FakeTelegram } from "../../../harness/telegram-api.ts";
import { startGatedTelegram, type GatedTelegram } from "../../../harness/telegram-gated-agent.ts";

const TOKEN = "telegram-crash-token-0123456789abcdef";
const USER = 4711;
let rig: GatedTelegram;
let tg: FakeTelegram;
let upstream: FakeUpstream;

beforeAll(() => {
  ({ tg, upstream } = rig = startGatedTelegram("clawgate-telegram-crash-", TOKEN));
});
afterAll(() => rig?.stop());

const startGateway = () => rig.start();

const repliesTo = (messageId: number) => tg.sent.filter((m) => m.reply_to === messageId);

test("kill -9 with a reply in flight (agent answering, then sending) -> each update answered exactly once after restart, nothing repeated", async () => {
  let gw = await startGateway();
  await tg.until(() => tg.polling() > 0);

  // 1. An update answered normally.
  upstream.release("slow");
  tg.message({ from: USER, text: "first" });
  await tg.until(() => tg.sent.length === 1);
  const first = tg.sent[0]!.reply_to!;

  // 2. Acknowledged to Telegram, agent still answering (the model holds its reply): kill -9.
  const asked = upstream.requests.length;
  const second = tg.message({ from: USER, text: "second" });
  await tg.until(() => upstream.requests.length === asked + 1 && tg.confirmedOffset > second);
  expect(await kill9(gw)).toBe("SIGKILL");
  expect(tg.sent).toHaveLength(1);

  gw = await startGateway();
  // Telegram does not redeliver it (its offset was confirmed); the stored update is answered now.
  await tg.until(() => upstream.requests.length === asked + 2);
  // The first release goes to the killed process's stream, still queued at the model; the second to the rerun.
  upstream.release("slow");
  upstream.release("slow");
  await tg.until(() => tg.sent.length === 2);
  const secondReply = tg.sent[1]!.reply_to!;
  expect(secondReply).not.toBe(first);

  // 3. The reply is written and on its way to Telegram, which has not accepted it: kill -9.
  tg.hold("sendMessage");
  const sendsBefore = tg.calls.filter((c) => c === "sendMessage").length;
  upstream.release("slow");
  const third = tg.message({ from: USER, text: "third" });
  await tg.until(() => tg.calls.filter((c) => c === "sendMessage").length === sendsBefore + 1 && tg.confirmedOffset > third);
  expect(await kill9(gw)).toBe("SIGKILL");
  // The held request died with the process; Telegram never accepted it.
  tg.hold(undefined);

  gw = await startGateway();
  await tg.until(() => tg.sent.length === 3);
  // Give a wrong duplicate every chance to show: a later update is answered after it.
  upstream.release("slow");
  tg.message({ from: USER, text: "fourth" });
  await tg.until(() => tg.sent.length === 4);

  const threads = tg.sent.map((m) => m.reply_to);
  expect(new Set(threads).size).toBe(4);
  expect(repliesTo(first)).toHaveLength(1);
  expect(repliesTo(secondReply)).toHaveLength(1);
  for (const m of tg.sent) expect(m.text).toBe("answer from the model");
});
