/**
 * Long polling against the local Bot API over real sockets, with grammY's
 * client: offsets confirmed only after a batch is stored, 409 (another poller,
 * a webhook set elsewhere) logged with upstream's explanation and recovered,
 * 429 retry_after, the stall watchdog, a refused token, an unreachable API
 * root. Back-off and watchdog periods are shortened through the tuning the
 * adapter takes; every wait is on a condition.
 */
import { afterEach, expect, test } from "bun:test";
import { Api } from "grammy/web";
import type { Logger } from "../../../../core/runtime.ts";
import { CONFLICT_HINT, TelegramPolling, type PollingApi, type PollingTuning } from "../../../../core/channels/telegram/polling.ts";
import { CONFLICT_POLLER, CONFLICT_WEBHOOK, startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

const FAST: Partial<PollingTuning> = { pollTimeoutS: 1, stallThresholdMs: 300, watchdogIntervalMs: 50, backoff: { initialMs: 20, factor: 2, maxMs: 100 } };

const open: { tg?: FakeTelegram; polling?: TelegramPolling }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.polling?.stop();
    o.tg?.stop();
  }
});

function memoryLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (_s: string, message: string) => void lines.push({ level, message });
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { logger, lines, has: (re: RegExp) => lines.some((l) => re.test(l.message)) };
}

function pollingApi(api: Api): PollingApi {
  return {
    deleteWebhook: (other, signal) => api.deleteWebhook(other, signal as never),
    getUpdates: (other, signal) => api.getUpdates(other as never, signal as never),
  };
}

function start(opts: { apiRoot?: string; token?: string; deliver?: (u: readonly { update_id: number }[]) => number; initialOffset?: number } = {}) {
  const tg = startTelegramApi();
  const log = memoryLogger();
  const delivered: number[] = [];
  const api = new Api(opts.token ?? tg.token, { apiRoot: opts.apiRoot ?? tg.apiRoot, timeoutSeconds: 10 });
  const polling = new TelegramPolling({
    api: pollingApi(api), accountId: "default", logger: log.logger, now: Date.now, tuning: FAST,
    initialOffset: () => opts.initialOffset,
    deliver: opts.deliver ?? ((updates) => {
      for (const u of updates) delivered.push(u.update_id);
      return updates.at(-1)!.update_id + 1;
    }),
  });
  open.push({ tg, polling });
  polling.start();
  return { tg, log, delivered, polling };
}

test("updates -> delivered in order; the next getUpdates confirms them (offset = last + 1)", async () => {
  const { tg, delivered } = start();
  const a = tg.message({ from: 1, text: "a" });
  const b = tg.message({ from: 1, text: "b" });
  await tg.until(() => delivered.length === 2);
  expect(delivered).toEqual([a, b]);
  await tg.until(() => tg.confirmedOffset === b + 1);
  expect(tg.pending()).toEqual([]);
});

test("a batch that cannot be stored is not confirmed: Telegram keeps it and it is delivered again", async () => {
  let failing = true;
  const stored: number[] = [];
  const { tg, log } = start({
    deliver: (updates) => {
      if (failing) throw new Error("disk I/O error");
      for (const u of updates) stored.push(u.update_id);
      return updates.at(-1)!.update_id + 1;
    },
  });
  const id = tg.message({ from: 1, text: "keep me" });
  await tg.until(() => log.has(/disk I\/O error/));
  expect(tg.confirmedOffset).toBe(0);
  expect(tg.pending()).toEqual([id]);
  failing = false;
  await tg.until(() => stored.length === 1);
  expect(stored).toEqual([id]);
});

test("409 from another poller -> upstream's explanation in the log and status, back-off, recovery by itself", async () => {
  const { tg, log, delivered, polling } = start();
  await tg.until(() => tg.polling() > 0);
  tg.conflictNext(3);
  // A second poller on the same token ends the first one's request with 409.
  void fetch(`${tg.apiRoot}/bot${tg.token}/getUpdates?timeout=0`);
  await tg.until(() => log.has(/getUpdates conflict/));
  const line = log.lines.find((l) => /getUpdates conflict/.test(l.message))!;
  expect(line).toEqual({ level: "warn", message: `Telegram getUpdates conflict: ${CONFLICT_POLLER}.${CONFLICT_HINT}` });
  expect(polling.state).toMatchObject({ healthState: "conflict", connected: false });
  expect(polling.state.lastError).toContain("may be using this bot token");
  const id = tg.message({ from: 2, text: "after the conflict" });
  await tg.until(() => delivered.includes(id));
  expect(polling.state).toMatchObject({ connected: true, healthState: "healthy", lastError: null });
  expect(polling.state.reconnectAttempts).toBeGreaterThanOrEqual(2);
  expect(log.has(/Telegram polling recovered/)).toBe(true);
});

test("409 because a webhook is set elsewhere -> deleteWebhook again (pending updates kept), then polling resumes", async () => {
  const { tg, log, delivered } = start();
  await tg.until(() => tg.polling() > 0);
  const id = tg.message({ from: 3, text: "first" });
  await tg.until(() => delivered.includes(id));
  tg.setWebhookElsewhere("https://elsewhere.example/hook");
  // The poll in flight ends at its 1 s window; the next one meets the webhook.
  await tg.until(() => log.lines.some((l) => l.message === `Telegram getUpdates conflict: ${CONFLICT_WEBHOOK}.${CONFLICT_HINT}`));
  const queued = tg.message({ from: 3, text: "while hooked" });
  await tg.until(() => delivered.includes(queued));
  expect(tg.webhookUrl).toBe("");
  expect(tg.calls.filter((c) => c === "deleteWebhook").length).toBeGreaterThanOrEqual(1);
});

test("429 on getUpdates -> waits retry_after, then polls again", async () => {
  const { tg, log, delivered } = start();
  await tg.until(() => tg.polling() > 0);
  tg.rateLimitNext("getUpdates", 1);
  tg.message({ from: 4, text: "x" });
  await tg.until(() => delivered.length === 1);
  tg.message({ from: 4, text: "y" });
  await tg.until(() => delivered.length === 2, 15_000);
  expect(log.has(/rate limited; retrying after 1s/)).toBe(true);
});

test("a getUpdates that never answers -> the watchdog logs the stall, aborts it and polling restarts", async () => {
  const { tg, log, delivered, polling } = start();
  await tg.until(() => tg.polling() > 0);
  tg.stallPolls(true);
  await tg.until(() => log.has(/Polling stall detected \(active getUpdates stuck for \d+s\); forcing restart\./), 15_000);
  expect(polling.state.healthState).not.toBe("healthy");
  tg.stallPolls(false);
  const id = tg.message({ from: 5, text: "after the stall" });
  await tg.until(() => delivered.includes(id), 15_000);
  expect(polling.state.connected).toBe(true);
});

test("a refused token (401) -> polling stops with a clear status and log line", async () => {
  const { tg, log, polling } = start({ token: "999:wrong" });
  await tg.until(() => !polling.state.running);
  expect(polling.state).toMatchObject({ healthState: "unauthorized", connected: false });
  expect(polling.state.lastError).toBe("Telegram rejected the bot token (401 Unauthorized); polling stopped. Check channels.telegram.botToken / tokenFile / TELEGRAM_BOT_TOKEN.");
  expect(log.lines.find((l) => l.level === "error")?.message).toBe(polling.state.lastError!);
  expect(tg.calls).toEqual(["deleteWebhook"]);
});

test("an unreachable API root -> network errors in status, retried with back-off, never a crash", async () => {
  const closed = startTelegramApi();
  const deadRoot = closed.apiRoot;
  closed.stop();
  const { polling, log, tg } = start({ apiRoot: deadRoot });
  await tg.until(() => polling.state.reconnectAttempts >= 3);
  expect(polling.state).toMatchObject({ running: true, connected: false, healthState: "reconnecting" });
  expect(polling.state.lastError).toStartWith("Telegram polling failed: network error");
  expect(log.has(/Telegram polling failed; restarting in/)).toBe(true);
});
