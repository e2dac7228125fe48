/**
 * The `PAIRING_REQUIRED` connect refusal, worded per reason as upstream words
 * it (spec §4.4). Runtime-agnostic.
 */
import { Close, GatewayError } from "../protocol/errors.ts";
import type { PendingPairing } from "../store.ts";

type Reason = PendingPairing["reason"];

const REQUIREMENT: Record<Reason, { requirement: string; remediationHint: string }> = {
  "not-paired": { requirement: "device is not approved yet", remediationHint: "Approve this device from the pending pairing requests." },
  "role-upgrade": { requirement: "device is asking for a higher role than currently approved", remediationHint: "Review the requested role upgrade, then approve the pending request." },
  "scope-upgrade": { requirement: "device is asking for more scopes than currently approved", remediationHint: "Review the requested scopes, then approve the pending upgrade." },
  "metadata-upgrade": { requirement: "device identity changed and must be re-approved", remediationHint: "Review the refreshed device details, then approve the pending request." },
};

export interface PairingRequiredInput {
  reason: Reason;
  requestId: string;
  deviceId: string;
  requestedRole: string;
  requestedScopes: readonly string[];
  approvedRoles?: readonly string[];
  approvedScopes?: readonly string[];
  /** The Control UI keeps retrying while its request waits; other clients pause (§4.4). */
  waitThenRetry: boolean;
}

/** `NOT_PAIRED` + `details.code: PAIRING_REQUIRED`, closing 1008 with the request id in the reason (§4.4). */
export function pairingRequired(input: PairingRequiredInput): GatewayError {
  const { requirement, remediationHint } = REQUIREMENT[input.reason];
  const message = `pairing required: ${requirement}`;
  // Empty lists are left out, as upstream's detail builder does.
  const list = (values: readonly string[] | undefined) => (values && values.length > 0 ? [...values] : undefined);
  const details: Record<string, unknown> = {
    code: "PAIRING_REQUIRED",
    reason: input.reason,
    requestId: input.requestId,
    remediationHint,
    ...(input.waitThenRetry ? { recommendedNextStep: "wait_then_retry", retryable: true, pauseReconnect: false } : {}),
    deviceId: input.deviceId,
    requestedRole: input.requestedRole,
    requestedScopes: list(input.requestedScopes),
    approvedRoles: list(input.approvedRoles),
    approvedScopes: list(input.approvedScopes),
  };
  for (const key of Object.keys(details)) if (details[key] === undefined) delete details[key];
  return new GatewayError({ code: "NOT_PAIRED", message, details }, { code: Close.policy, reason: `${message} (requestId: ${input.requestId})` });
}
