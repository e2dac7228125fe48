/**
 * Answers beyond "one payload or one error": a method may reply twice to
 * the same request id (an acknowledgement, then the final result, §6
 * `agent`), and an error reply may carry a payload too (§1.2).
 * Runtime-agnostic.
 */
import { GatewayError, type ErrorShape } from "../protocol/errors.ts";

/**
 * Returned by a handler that answers in two `res` frames with the request's
 * id: `accepted` at once, then whatever `final` settles to (a payload, or a
 * GatewayError for an `ok:false` frame).
 */
export class TwoPhaseReply {
  constructor(readonly accepted: unknown, readonly final: Promise<unknown>) {}
}

/** An `ok:false` reply whose frame also carries `payload` (e.g. `{runId, status:"error", summary}`). */
export class ErrorWithPayload extends GatewayError {
  constructor(shape: ErrorShape, readonly payload: unknown) {
    super(shape);
  }
}
