/**
 * Frame codecs (spec §1.2): JSON text, the default and what every upstream
 * client speaks, and MessagePack binary frames for a client that asks for
 * them with the `openclaw.msgpack` WebSocket subprotocol
 * (docs/frame-codecs.md). Both carry the same frames over JSON's data model;
 * limits, errors and close codes do not depend on the codec. Runtime-agnostic.
 */
import type { Decoder, Encoder } from "@msgpack/msgpack";
import type { ErrorShape } from "./errors.ts";
import {
  broadcastFrameHead,
  decodeFrame,
  encodeError,
  encodeEvent,
  encodeResult,
  exceedsBytes,
  requestOf,
  type Decoded,
  type StateVersion,
} from "./frames.ts";

/** One frame on the wire: text for JSON, bytes for MessagePack. */
export type WireFrame = string | Uint8Array;

/** Builds one broadcast's frame for a `seq`; the shared part is serialized once per broadcast. */
export type SeqFrame = (seq: number) => WireFrame;

/** Reads and writes the frames of one connection. */
export interface FrameCodec {
  /** Appended to broadcast topic names: each codec's sockets get frames in their own encoding. */
  readonly topicSuffix: string;
  /** Parses one inbound frame; never throws. A frame it cannot parse is `invalid-json`, whatever the codec. */
  decode(frame: WireFrame): Decoded;
  encodeResult(id: string, payload: unknown): WireFrame;
  encodeError(id: string, error: ErrorShape, payload?: unknown): WireFrame;
  /** A single-recipient event; `seq` only on broadcasts (§1.3). */
  encodeEvent(event: string, payload: unknown): WireFrame;
  /** A broadcast event frame, key order `type, event, payload, stateVersion?, seq`. */
  broadcastFrame(event: string, payload: unknown, stateVersion?: StateVersion): SeqFrame;
}

/** The subprotocol a client offers to speak MessagePack. */
export const MSGPACK_SUBPROTOCOL = "openclaw.msgpack";

const utf8 = new TextDecoder();

/** JSON text frames. A binary frame is read as UTF-8 text, as upstream's gateway reads it. */
export const jsonCodec: FrameCodec = {
  topicSuffix: "",
  decode: (frame) => decodeFrame(typeof frame === "string" ? frame : utf8.decode(frame)),
  encodeResult,
  encodeError,
  encodeEvent: (event, payload) => encodeEvent(event, payload),
  broadcastFrame(event, payload, stateVersion) {
    const head = broadcastFrameHead(event, payload, stateVersion);
    return (seq) => head + seq + "}";
  },
};

let encoder: Encoder;
let decoder: Decoder;
let loading: Promise<void> | undefined;

/**
 * Loads the MessagePack library, once: a gateway that no client asks for
 * MessagePack never loads it (about 0.5 MB of idle RSS). The upgrade of the
 * first MessagePack socket waits for it (`admitUpgrade`'s `ready`); msgpackCodec
 * must not be used before it resolved.
 */
export function loadMsgpack(): Promise<void> {
  return (loading ??= import("@msgpack/msgpack").then(({ Decoder, Encoder }) => {
    // `undefined` members are left out, as JSON.stringify leaves them out.
    encoder = new Encoder({ ignoreUndefined: true });
    // A limit of -1 refuses every bin and ext value: the frames carry JSON's data model, nothing else.
    decoder = new Decoder({ maxBinLength: -1, maxExtLength: -1 });
  }));
}

/** `"seq"` as a MessagePack fixstr. */
const SEQ_KEY = new Uint8Array([0xa3, 0x73, 0x65, 0x71]);

/** Appends `seq` to an encoded map of at most 14 members (a fixmap: its first byte holds the count). */
function withSeq(head: Uint8Array, seq: number): Uint8Array {
  // uint32 while it fits; past that a float64, which holds every integer JSON can carry exactly.
  const wide = seq > 0xffff_ffff;
  const at = head.length + SEQ_KEY.length;
  const out = new Uint8Array(at + (wide ? 9 : 5));
  out.set(head);
  out[0] = head[0]! + 1;
  out.set(SEQ_KEY, head.length);
  const view = new DataView(out.buffer);
  if (wide) {
    out[at] = 0xcb;
    view.setFloat64(at + 1, seq);
  } else {
    out[at] = 0xce;
    view.setUint32(at + 1, seq);
  }
  return out;
}

/** MessagePack binary frames. A text frame on such a connection is refused as unparsable. */
export const msgpackCodec: FrameCodec = {
  topicSuffix: ":msgpack",
  decode(frame) {
    if (typeof frame === "string") return { kind: "invalid-json" };
    let value: unknown;
    try {
      value = decoder.decode(frame);
    } catch {
      return { kind: "invalid-json" };
    }
    return requestOf(value);
  },
  encodeResult: (id, payload) => encoder.encode({ type: "res", id, ok: true, payload }),
  encodeError: (id, error, payload) =>
    encoder.encode(payload === undefined ? { type: "res", id, ok: false, error } : { type: "res", id, ok: false, payload, error }),
  encodeEvent: (event, payload) => encoder.encode({ type: "event", event, payload }),
  broadcastFrame(event, payload, stateVersion) {
    const head = encoder.encode(stateVersion ? { type: "event", event, payload, stateVersion } : { type: "event", event, payload });
    return (seq) => withSeq(head, seq);
  },
};

/** Every codec a connection can speak; a Connection's `codec` is one of these. */
export const CODECS: readonly FrameCodec[] = [jsonCodec, msgpackCodec];

/**
 * The codec for the subprotocols a client offered at upgrade, and the one to
 * answer: MessagePack when `openclaw.msgpack` is among them (with `ready` while
 * its library is still loading); otherwise JSON, answering the first offered,
 * as upstream's `ws` server does.
 */
export function negotiateCodec(offered: readonly string[]): { codec: FrameCodec; subprotocol?: string; ready?: Promise<void> } {
  if (offered.includes(MSGPACK_SUBPROTOCOL)) return { codec: msgpackCodec, subprotocol: MSGPACK_SUBPROTOCOL, ready: encoder ? undefined : loadMsgpack() };
  return { codec: jsonCodec, subprotocol: offered[0] };
}

/** The tokens of a `Sec-WebSocket-Protocol` request header. */
export function offeredSubprotocols(header: string | null): string[] {
  if (!header) return [];
  return header.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Whether an inbound frame is over `limit` bytes (the cheap bound first for text). */
export function frameExceeds(frame: WireFrame, limit: number): boolean {
  return typeof frame === "string" ? exceedsBytes(frame, limit) : frame.byteLength > limit;
}
