import { expect, test } from "bun:test";
import { catchUpWindow, isPairingHistory, isStaleAppend } from "../../../../core/channels/whatsapp/append-window.ts";
import { WATCHDOG_TIMING, watchdogVerdict } from "../../../../core/channels/whatsapp/watchdog.ts";

const MIN = 60_000;
const T0 = 1_800_000_000_000;

test("watchdog: a quiet connection whose frames still arrive is left alone for 2 hours (4x the 30-min message timeout)", () => {
  const activity = { startedAt: T0, lastFrameAt: T0 + 119 * MIN, lastInboundAt: null, openedAfterRecentInbound: false };
  expect(watchdogVerdict(activity, T0 + 120 * MIN)).toBeUndefined();
  expect(watchdogVerdict({ ...activity, lastFrameAt: T0 + 120 * MIN }, T0 + 121 * MIN)).toBe("no WhatsApp messages for 121 min");
  expect(watchdogVerdict({ ...activity, lastInboundAt: T0 + 60 * MIN, lastFrameAt: T0 + 170 * MIN }, T0 + 171 * MIN)).toBeUndefined();
});

test("watchdog: no frames for over 5 minutes -> replaced, whatever the messages", () => {
  const activity = { startedAt: T0, lastFrameAt: T0, lastInboundAt: T0, openedAfterRecentInbound: false };
  expect(watchdogVerdict(activity, T0 + 5 * MIN)).toBeUndefined();
  expect(watchdogVerdict(activity, T0 + 5 * MIN + 1_000)).toBe("no WhatsApp Web frames for 301 s");
});

test("watchdog: right after a busy session reconnected, 30 minutes of message silence is enough", () => {
  const activity = { startedAt: T0, lastFrameAt: T0 + 31 * MIN, lastInboundAt: null, openedAfterRecentInbound: true };
  expect(watchdogVerdict(activity, T0 + 30 * MIN)).toBeUndefined();
  expect(watchdogVerdict(activity, T0 + 31 * MIN)).toBe("no WhatsApp messages for 31 min");
});

test("append at start: sent up to a minute before connecting -> answered; older -> history", () => {
  const start = { connectedAt: T0, openedAfterRecentInbound: false };
  expect(isStaleAppend(T0 - 59_000, T0 + 1_000, start, WATCHDOG_TIMING)).toBe(false);
  expect(isStaleAppend(T0 - 61_000, T0 + 1_000, start, WATCHDOG_TIMING)).toBe(true);
  expect(isStaleAppend(0, T0 + 1_000, start, WATCHDOG_TIMING)).toBe(true);
});

test("append after a busy session reconnected: the 20-minute catch-up window, while it lasts", () => {
  expect(catchUpWindow(WATCHDOG_TIMING)).toBe(20 * MIN);
  const reconnect = { connectedAt: T0, openedAfterRecentInbound: true };
  expect(isStaleAppend(T0 - 19 * MIN, T0 + 1_000, reconnect, WATCHDOG_TIMING)).toBe(false);
  expect(isStaleAppend(T0 - 21 * MIN, T0 + 1_000, reconnect, WATCHDOG_TIMING)).toBe(true);
  // Past the window the start rule applies again.
  expect(isStaleAppend(T0 - 5 * MIN, T0 + 21 * MIN, reconnect, WATCHDOG_TIMING)).toBe(true);
});

test("pairing code: sent up to 30 s before the connection opened -> offered; older -> history; unknown time -> offered", () => {
  expect(isPairingHistory(T0 - 30_000, T0)).toBe(false);
  expect(isPairingHistory(T0 - 30_001, T0)).toBe(true);
  expect(isPairingHistory(T0 + 5_000, T0)).toBe(false);
  expect(isPairingHistory(0, T0)).toBe(false);
});
