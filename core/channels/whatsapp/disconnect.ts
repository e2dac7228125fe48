/**
 * What a closed WhatsApp Web connection means, by Baileys' DisconnectReason status code, as upstream's connection
 * controller decides it: 401 loggedOut stops (the session must be linked again), 440 connectionReplaced stops (a
 * session conflict: another WhatsApp Web client took over), 403 forbidden and 411 multideviceMismatch stop too
 * (nothing a retry fixes), 515 restartRequired reconnects at once (WhatsApp asks for it after pairing), anything
 * else (408 timed out / connection lost, 428 closed, 500 bad session, 503 unavailable, no code) reconnects with
 * back-off. Runtime-agnostic.
 */

/** Baileys' DisconnectReason codes clawgate tells apart. */
export const CLOSE = { loggedOut: 401, forbidden: 403, timedOut: 408, multideviceMismatch: 411, connectionClosed: 428, connectionReplaced: 440, badSession: 500, unavailableService: 503, restartRequired: 515 } as const;
/** The status upstream closes a stale connection with (its watchdog's forced close); reconnects with back-off. */
export const WATCHDOG_CLOSE_STATUS = 499;

/** Reconnect delays, growing to a minute, as upstream's reconnect policy. */
export const RECONNECT_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 30_000, 60_000];

export type CloseDecision =
  | { action: "stop"; healthState: "logged-out" | "conflict"; error: string }
  | { action: "reconnect"; delayMs: number; healthState: "reconnecting"; error: string };

const LOGIN = "clawgate channels login --channel whatsapp";

/** The decision for a close with `status` (undefined: no code), the `attempt`-th reconnect in a row (0-based). */
export function decideClose(status: number | undefined, attempt: number, detail = ""): CloseDecision {
  const label = status ?? "unknown";
  const why = detail ? `: ${detail}` : "";
  switch (status) {
    case CLOSE.loggedOut:
      return { action: "stop", healthState: "logged-out", error: `WhatsApp logged this session out (401 loggedOut); run ${LOGIN}` };
    case CLOSE.connectionReplaced:
      return { action: "stop", healthState: "conflict", error: `Another WhatsApp Web session replaced this one (440 connectionReplaced); stopped. Close the other session, then restart the account (clawgate channels start) or relink with ${LOGIN}` };
    case CLOSE.forbidden:
      return { action: "stop", healthState: "conflict", error: `WhatsApp refused this session (403 forbidden); relink with ${LOGIN}` };
    case CLOSE.multideviceMismatch:
      return { action: "stop", healthState: "conflict", error: `WhatsApp multi-device mismatch (411); relink with ${LOGIN}` };
    case CLOSE.restartRequired:
      return { action: "reconnect", delayMs: 0, healthState: "reconnecting", error: "WhatsApp asked for a restart (515 restartRequired)" };
    default:
      return { action: "reconnect", delayMs: RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)]!, healthState: "reconnecting", error: `WhatsApp Web connection closed (status ${label})${why}` };
  }
}
