/**
 * The three frame kinds and their codec (spec §1.2). Decoding is the hot path,
 * so the request frame is checked by hand rather than by a schema.
 * Runtime-agnostic.
 */
import type { ErrorShape } from "./errors.ts";

/** A client request. `params` may be absent, `null` or an object (§0.8). */
export interface RequestFrame {
  type: "req";
  id: string;
  method: string;
  params?: unknown;
  traceparent?: string;
}

/** `stateVersion` carried by presence/health events and the hello snapshot (§1.3). */
export interface StateVersion {
  presence: number;
  health: number;
}

/** Result of decoding one frame; `invalid-json` is any frame its codec cannot parse. */
export type Decoded =
  | { kind: "request"; frame: RequestFrame }
  | { kind: "invalid-json" }
  | { kind: "not-request"; id: string; problem: string };

const REQUEST_KEYS = new Set(["type", "id", "method", "params", "traceparent", "expectedProfileId"]);

/** Why `value` is not a request frame, in validator words, or null when it is one. */
function requestFrameProblem(value: Record<string, unknown>): string | null {
  if (value.type !== "req") return "at /type: must be equal to constant";
  if (typeof value.id !== "string") return value.id === undefined ? "at root: must have required property 'id'" : "at /id: must be string";
  if (value.id.length === 0) return "at /id: must NOT have fewer than 1 characters";
  if (typeof value.method !== "string") return value.method === undefined ? "at root: must have required property 'method'" : "at /method: must be string";
  if (value.method.length === 0) return "at /method: must NOT have fewer than 1 characters";
  if (value.traceparent !== undefined && (typeof value.traceparent !== "string" || value.traceparent.length > 128)) {
    return "at /traceparent: must be string of at most 128 characters";
  }
  for (const key in value) if (!REQUEST_KEYS.has(key)) return `at root: unexpected property '${key}'`;
  return null;
}

/** Parses one text frame; never throws. */
export function decodeFrame(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "invalid-json" };
  }
  return requestOf(value);
}

/** Checks an already parsed frame value (any codec's) against the request frame shape. */
export function requestOf(value: unknown): Decoded {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "not-request", id: "invalid", problem: "at root: must be object" };
  }
  const record = value as Record<string, unknown>;
  const problem = requestFrameProblem(record);
  if (problem !== null) {
    const id = typeof record.id === "string" && record.id.length > 0 ? record.id : "invalid";
    return { kind: "not-request", id, problem };
  }
  return { kind: "request", frame: record as unknown as RequestFrame };
}

/** A successful response frame as text. */
export function encodeResult(id: string, payload: unknown): string {
  return JSON.stringify({ type: "res", id, ok: true, payload });
}

/** A failed response frame as text; `payload` rides along where a method defines one (§6 `agent`). */
export function encodeError(id: string, error: ErrorShape, payload?: unknown): string {
  return JSON.stringify(payload === undefined ? { type: "res", id, ok: false, error } : { type: "res", id, ok: false, payload, error });
}

function eventFields(event: string, payload: unknown): string {
  return `{"type":"event","event":${JSON.stringify(event)},"payload":${JSON.stringify(payload ?? null)}`;
}

/**
 * A broadcast event frame as text up to its `seq` value, key order `type,
 * event, payload, stateVersion?, seq` (seq last, as the MessagePack codec
 * appends it): a broadcast serializes this once and adds only the seq per
 * view class (§1.3).
 */
export function broadcastFrameHead(event: string, payload: unknown, stateVersion?: StateVersion): string {
  return eventFields(event, payload) + (stateVersion ? `,"stateVersion":${JSON.stringify(stateVersion)}` : "") + `,"seq":`;
}

/** An event frame as text; `seq` (and `stateVersion`) only on broadcasts (§1.3). */
export function encodeEvent(event: string, payload: unknown, seq?: number, stateVersion?: StateVersion): string {
  return seq === undefined ? `${eventFields(event, payload)}}` : `${broadcastFrameHead(event, payload, stateVersion)}${seq}}`;
}

const encoder = new TextEncoder();

/** UTF-8 size of a frame, computed only when the cheap bound cannot decide. */
export function exceedsBytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return encoder.encode(text).byteLength > limit;
}
