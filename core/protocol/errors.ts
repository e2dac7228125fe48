/**
 * Gateway errors as data: one type carrying the wire error object and, when the
 * rule demands it, the close that follows (spec §1.2, §4.6, §4.7).
 * Runtime-agnostic.
 */

/** Top-level `error.code` values the reference client understands (§1.2). */
export type ErrorCode = "INVALID_REQUEST" | "FORBIDDEN" | "NOT_PAIRED" | "UNAVAILABLE" | "APPROVAL_NOT_FOUND";

/** The wire error object. `code`/`message` must be non-empty or the client drops the frame (§1.2). */
export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
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
export function invalidRequest(message: string, details?: Record<string, unknown>): GatewayError {
  return new GatewayError(details ? { code: "INVALID_REQUEST", message, details } : { code: "INVALID_REQUEST", message });
}

/** `UNAVAILABLE`, the code for transient failures. */
export function unavailable(message: string, extra: Omit<ErrorShape, "code" | "message"> = {}): GatewayError {
  return new GatewayError({ code: "UNAVAILABLE", message, ...extra });
}
