/**
 * The stale-connection watchdog, as upstream's WhatsApp connection controller runs it: two signals tracked apart,
 * WhatsApp Web transport frames and application messages. A quiet but live session is left alone; it is reconnected
 * when no frame arrived for 5 minutes, or no message for 4x the 30-minute message timeout (2 hours); right after a
 * reconnect of a session that had just been busy, that second window is the plain message timeout. Checked once a
 * minute. The windows are upstream's fixed internals, not config keys. Runtime-agnostic.
 */

/** Upstream's timings (extensions/whatsapp: DEFAULT_TRANSPORT_TIMEOUT_MS, messageTimeoutMs, watchdogCheckMs). */
export interface WatchdogTiming {
  transportTimeoutMs: number;
  messageTimeoutMs: number;
  checkEveryMs: number;
}

export const WATCHDOG_TIMING: WatchdogTiming = { transportTimeoutMs: 5 * 60_000, messageTimeoutMs: 30 * 60_000, checkEveryMs: 60_000 };

/** What the watchdog knows of one live connection (ms timestamps). */
export interface ConnectionActivity {
  startedAt: number;
  lastFrameAt: number;
  lastInboundAt: number | null;
  /** Opened by a reconnect while the account had handled a message within the app-silence window. */
  openedAfterRecentInbound: boolean;
}

/** Application silence that forces a reconnect: 4x the message timeout, or 1x right after a busy session reconnected. */
export const appSilenceLimit = (timing: WatchdogTiming, openedAfterRecentInbound: boolean): number => (openedAfterRecentInbound ? timing.messageTimeoutMs : 4 * timing.messageTimeoutMs);

/** Why the connection must be replaced at `now`, or undefined while it is healthy. */
export function watchdogVerdict(activity: ConnectionActivity, now: number, timing: WatchdogTiming = WATCHDOG_TIMING): string | undefined {
  const frameSilence = now - activity.lastFrameAt;
  if (frameSilence > timing.transportTimeoutMs) return `no WhatsApp Web frames for ${Math.round(frameSilence / 1000)} s`;
  const appSilence = now - (activity.lastInboundAt ?? activity.startedAt);
  if (appSilence > appSilenceLimit(timing, activity.openedAfterRecentInbound)) return `no WhatsApp messages for ${Math.round(appSilence / 60_000)} min`;
  return undefined;
}
