/**
 * Protocol negotiation (spec §1.6). Runtime-agnostic.
 */
import { Close, GatewayError } from "./errors.ts";

/** The OpenClaw release whose protocol clawgate speaks, reported as `server.version`. */
export const OPENCLAW_COMPAT_VERSION = "2026.9.6";

export const PROTOCOL_VERSION = 4;
export const MIN_NODE_PROTOCOL_VERSION = 3;
export const MIN_PROBE_PROTOCOL_VERSION = 3;

/** What negotiation needs to know about the connecting client. */
export interface VersionClaim {
  minProtocol: number;
  maxProtocol: number;
  mode: string;
  role: string;
}

/**
 * Throws the exact PROTOCOL_MISMATCH error + close 1002 unless the client can
 * speak v4, or is a probe / an exact node identity that can speak v3 (§1.6).
 */
export function negotiateProtocol(claim: VersionClaim): void {
  const { minProtocol: min, maxProtocol: max } = claim;
  if (min <= PROTOCOL_VERSION && PROTOCOL_VERSION <= max) return;
  if (claim.mode === "probe" && max >= MIN_PROBE_PROTOCOL_VERSION && min <= PROTOCOL_VERSION) return;
  if (claim.role === "node" && claim.mode === "node" && min <= MIN_NODE_PROTOCOL_VERSION && MIN_NODE_PROTOCOL_VERSION <= max) return;
  throw new GatewayError(
    {
      code: "INVALID_REQUEST",
      message: "protocol mismatch",
      details: {
        code: "PROTOCOL_MISMATCH",
        clientMinProtocol: min,
        clientMaxProtocol: max,
        expectedProtocol: PROTOCOL_VERSION,
        minimumProbeProtocol: MIN_PROBE_PROTOCOL_VERSION,
      },
    },
    { code: Close.protocolError, reason: "protocol mismatch" },
  );
}
