/**
 * Gateway errors as data: one type carrying the wire error object and, when the
 * rule demands it, the close that follows (spec §1.2, §4.6, §4.7).
 * Runtime-agnostic.
 */

/** Top-level `error.code` values the reference client understands (§1.2). */
export type ErrorCode = "INVALID_REQUEST" | "FORBIDDEN" | "NOT_PAIRED" | "UNAVAILABLE" | "APPROVAL_NOT_FOUND";

/**
 * Every `error.details.code` clawgate sends, in upstream's words (§4.6): the
 * connect refusals, then the method-level ones. `details` takes only these, so
 * a new code is written here first.
 */
export type DetailCode =
  | "AUTH_UNAUTHORIZED" | "AUTH_RATE_LIMITED" | "AUTH_SCOPE_MISMATCH" | "AUTH_DEVICE_TOKEN_MISMATCH" | "AUTH_IDENTITY_HEADER_REQUIRED"
  | "AUTH_TOKEN_MISSING" | "AUTH_TOKEN_MISMATCH" | "AUTH_TOKEN_NOT_CONFIGURED"
  | "AUTH_PASSWORD_MISSING" | "AUTH_PASSWORD_MISMATCH" | "AUTH_PASSWORD_NOT_CONFIGURED"
  | "CONTROL_UI_ORIGIN_NOT_ALLOWED" | "CONTROL_UI_DEVICE_IDENTITY_REQUIRED"
  | "PROTOCOL_MISMATCH" | "DEVICE_IDENTITY_REQUIRED"
  | "DEVICE_AUTH_DEVICE_ID_MISMATCH" | "DEVICE_AUTH_SIGNATURE_EXPIRED" | "DEVICE_AUTH_NONCE_REQUIRED" | "DEVICE_AUTH_NONCE_MISMATCH"
  | "DEVICE_AUTH_SIGNATURE_INVALID" | "DEVICE_AUTH_PUBLIC_KEY_INVALID"
  | "PAIRING_REQUIRED"
  | "MISSING_SCOPE" | "CRON_JOB_NOT_FOUND" | "UNKNOWN_AGENT_ID" | "PAIRING_CHANGED"
  | "PAIRING_CODE_UNKNOWN" | "PAIRING_CODE_RATE_LIMITED";

/** `error.details`: a code from the table above and the fields that go with it. */
export interface ErrorDetails {
  code?: DetailCode;
  [field: string]: unknown;
}

/** The wire error object. `code`/`message` must be non-empty or the client drops the frame (§1.2). */
export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** WebSocket close codes the gateway uses (§4.7). */
export const Close = {
  normal: 1000,
  protocolError: 1002,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  restart: 1012,
  tryAgainLater: 1013,
  authChanged: 4001,
} as const;

/** An error reply, optionally followed by closing the socket. */
export class GatewayError extends Error {
  readonly shape: ErrorShape;
  readonly close?: { code: number; reason: string };

  constructor(shape: ErrorShape, close?: { code: number; reason: string }) {
    super(shape.message);
    this.shape = shape;
    this.close = close;
  }
}

/** `INVALID_REQUEST` with an optional `details` object. */
export function invalidRequest(message: string, details?: ErrorDetails): GatewayError {
  return new GatewayError(details ? { code: "INVALID_REQUEST", message, details } : { code: "INVALID_REQUEST", message });
}

/** `UNAVAILABLE`, the code for transient failures. */
export function unavailable(message: string, extra: Omit<ErrorShape, "code" | "message"> = {}): GatewayError {
  return new GatewayError({ code: "UNAVAILABLE", message, ...extra });
}

/**
 * The refusal for a caller lacking `missing` (§5). `requiredScopes` lists what
 * the call needs in all: the one scope for a method, the pairing scope first
 * for approving a node's request.
 */
export function missingScope(missing: string, requiredScopes: readonly string[] = [missing]): GatewayError {
  return new GatewayError({
    code: "FORBIDDEN",
    message: `missing scope: ${missing}`,
    details: { code: "MISSING_SCOPE", missingScope: missing, requiredScopes },
  });
}
