/**
 * Sender pairing limits from `openclaw.json`: `pairing.codeExpiry` (seconds)
 * and `pairing.maxPending` (per channel account). Runtime-agnostic.
 */
import { z } from "../zod.ts";

export interface SenderPairingPolicy {
  codeExpiryMs: number;
  maxPending: number;
}

/** Upstream's defaults (docs/channels/pairing.md): a code lives one hour; a channel account holds at most three unanswered senders. */
export const DEFAULT_SENDER_PAIRING: SenderPairingPolicy = { codeExpiryMs: 3_600_000, maxPending: 3 };

const positiveInt = z.int().check(z.gte(1));

/**
 * The policy a config asks for. The config file's own validation owns error
 * reporting; a value it let through that is not a positive integer falls
 * back to the default here rather than disabling pairing.
 */
export function senderPairingPolicy(config: Readonly<Record<string, unknown>>): SenderPairingPolicy {
  const raw = typeof config.pairing === "object" && config.pairing !== null ? (config.pairing as Record<string, unknown>) : {};
  const expiry = positiveInt.safeParse(raw.codeExpiry);
  const pending = positiveInt.safeParse(raw.maxPending);
  return {
    codeExpiryMs: expiry.success ? expiry.data * 1000 : DEFAULT_SENDER_PAIRING.codeExpiryMs,
    maxPending: pending.success ? pending.data : DEFAULT_SENDER_PAIRING.maxPending,
  };
}
