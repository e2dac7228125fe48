/**
 * Which `append` messages are answered. Baileys hands over the messages that arrived while the account was offline
 * (and history) as `messages.upsert` of type `append`; upstream answers only recent ones: on a first connection (a
 * gateway start) those sent at most a minute before it connected, and after a reconnect of a session that had just
 * handled a message, those of the catch-up window (the message timeout, at most 20 minutes) while that window
 * lasts. Older ones are history, never answered. An unknown sender gets a pairing code only for a message sent at most
 * 30 s before the connection opened (upstream's suppressPairingReply). Runtime-agnostic.
 */
import type { WatchdogTiming } from "./watchdog.ts";

/** How far before the connection a message may be and still be answered at start (upstream's APPEND_RECENT_GRACE_MS). */
export const APPEND_RECENT_GRACE_MS = 60_000;
/** The longest reconnect catch-up window (upstream's WHATSAPP_RECONNECT_CATCH_UP_MAX_MS). */
export const RECONNECT_CATCH_UP_MAX_MS = 20 * 60_000;

/** The reconnect catch-up window: the message timeout, between a minute and 20 minutes. */
export const catchUpWindow = (timing: WatchdogTiming): number => Math.min(Math.max(timing.messageTimeoutMs, 60_000), RECONNECT_CATCH_UP_MAX_MS);

/** One connection as the rule needs it (ms). */
export interface AppendContext {
  connectedAt: number;
  /** See ./watchdog.ts ConnectionActivity. */
  openedAfterRecentInbound: boolean;
}

/** True when an `append` message sent at `sentAt` (ms; 0 when unknown) is history, not to be answered. */
export function isStaleAppend(sentAt: number, now: number, connection: AppendContext, timing: WatchdogTiming): boolean {
  const window = catchUpWindow(timing);
  if (connection.openedAfterRecentInbound && now <= connection.connectedAt + window) return sentAt < Math.max(connection.connectedAt - window, now - window);
  return sentAt < connection.connectedAt - APPEND_RECENT_GRACE_MS;
}

/** How far before the connection a message may be and still get a pairing code (upstream's PAIRING_REPLY_HISTORY_GRACE_MS). */
export const PAIRING_REPLY_GRACE_MS = 30_000;

/** True when a message sent at `sentAt` (ms; 0 when unknown) is too old for a pairing code on a connection opened at `connectedAt`. */
export const isPairingHistory = (sentAt: number, connectedAt: number): boolean => sentAt > 0 && sentAt < connectedAt - PAIRING_REPLY_GRACE_MS;
