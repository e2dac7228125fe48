/** Frame codecs: JSON text and MessagePack carry the same frames (spec §1.2; docs/frame-codecs.md). */
import { decode, encode } from "@msgpack/msgpack";
import { describe, expect, test } from "bun:test";
import { Broadcaster } from "../../../core/events/broadcaster.ts";
import { frameExceeds, jsonCodec, loadMsgpack, msgpackCodec, negotiateCodec, offeredSubprotocols, type WireFrame } from "../../../core/protocol/codec.ts";
import type { Connection } from "../../../core/runtime.ts";

const parse = (frame: WireFrame) => (typeof frame === "string" ? JSON.parse(frame) : decode(frame));

// The library loads on the first MessagePack upgrade; these call the codec directly.
await loadMsgpack();

describe("both codecs", () => {
  for (const codec of [jsonCodec, msgpackCodec]) {
    const name = codec === jsonCodec ? "json" : "msgpack";
    const wire = (value: unknown): WireFrame => (codec === jsonCodec ? JSON.stringify(value) : encode(value));

    test(`${name}: encoders write the §1.2 shapes; undefined members are left out as JSON leaves them`, () => {
      expect(parse(codec.encodeResult("1", { a: 1, gone: undefined }))).toEqual({ type: "res", id: "1", ok: true, payload: { a: 1 } });
      expect(parse(codec.encodeError("1", { code: "FORBIDDEN", message: "m" }))).toEqual({ type: "res", id: "1", ok: false, error: { code: "FORBIDDEN", message: "m" } });
      expect(parse(codec.encodeError("1", { code: "UNAVAILABLE", message: "m" }, { runId: "r" }))).toEqual({ type: "res", id: "1", ok: false, payload: { runId: "r" }, error: { code: "UNAVAILABLE", message: "m" } });
      expect(parse(codec.encodeEvent("connect.challenge", { nonce: "n" }))).toEqual({ type: "event", event: "connect.challenge", payload: { nonce: "n" } });
    });

    test(`${name}: a broadcast frame keeps key order and appends seq`, () => {
      const frame = codec.broadcastFrame("presence", { presence: [] }, { presence: 2, health: 1 });
      const value = parse(frame(7));
      expect(value).toEqual({ type: "event", event: "presence", payload: { presence: [] }, stateVersion: { presence: 2, health: 1 }, seq: 7 });
      expect(Object.keys(value)).toEqual(["type", "event", "payload", "stateVersion", "seq"]);
      expect(parse(codec.broadcastFrame("tick", { ts: 1 })(1))).toEqual({ type: "event", event: "tick", payload: { ts: 1 }, seq: 1 });
    });

    test(`${name}: decode gives the same verdicts as for JSON text`, () => {
      expect(codec.decode(wire({ type: "req", id: "2:x", method: "health" }))).toEqual({ kind: "request", frame: { type: "req", id: "2:x", method: "health" } });
      expect(codec.decode(wire({ type: "event", id: "e1", event: "x" }))).toEqual({ kind: "not-request", id: "e1", problem: "at /type: must be equal to constant" });
      expect(codec.decode(wire([1]))).toEqual({ kind: "not-request", id: "invalid", problem: "at root: must be object" });
    });
  }
});

describe("MessagePack", () => {
  test("seq past uint32 is written as a float64 and reads back exactly", () => {
    for (const seq of [1, 127, 128, 65_536, 0xffff_ffff, 0x1_0000_0000, Number.MAX_SAFE_INTEGER]) {
      expect((decode(msgpackCodec.broadcastFrame("tick", { ts: 1 })(seq) as Uint8Array) as { seq: number }).seq).toBe(seq);
    }
  });

  test("unparsable -> invalid-json: text frames, unused bytes, truncated or trailing bytes, bin and ext values", () => {
    const good = encode({ type: "req", id: "1", method: "health" });
    expect(msgpackCodec.decode(good).kind).toBe("request");
    const refused: WireFrame[] = [
      '{"type":"req","id":"1","method":"health"}',
      new Uint8Array([0xc1]),
      good.subarray(0, good.length - 1),
      new Uint8Array([...good, 0x00]),
      encode({ type: "req", id: "1", method: "health", params: new Uint8Array(0) }),
      encode({ type: "req", id: "1", method: "health", params: { at: new Date(0) } }),
      new Uint8Array([0xd4, 0x01, 0x00]),
    ];
    for (const frame of refused) expect(msgpackCodec.decode(frame)).toEqual({ kind: "invalid-json" });
  });

  test("a __proto__ key is refused, not merged", () => {
    const frame = new Uint8Array([0x81, 0xa9, ...new TextEncoder().encode("__proto__"), 0x80]);
    expect(msgpackCodec.decode(frame)).toEqual({ kind: "invalid-json" });
  });
});

describe("negotiation", () => {
  test("openclaw.msgpack anywhere in the offer -> MessagePack, answered by name", () => {
    expect(negotiateCodec(offeredSubprotocols("foo, openclaw.msgpack"))).toEqual({ codec: msgpackCodec, subprotocol: "openclaw.msgpack" });
  });
  test("no offer -> JSON and no answer; other offers -> JSON answering the first, as upstream's ws server does", () => {
    expect(negotiateCodec(offeredSubprotocols(null))).toEqual({ codec: jsonCodec, subprotocol: undefined });
    expect(negotiateCodec(offeredSubprotocols(" foo ,bar"))).toEqual({ codec: jsonCodec, subprotocol: "foo" });
  });
});

test("frameExceeds measures bytes for text and binary frames", () => {
  expect(frameExceeds("é".repeat(40), 64)).toBe(true);
  expect(frameExceeds("e".repeat(64), 64)).toBe(false);
  expect(frameExceeds(new Uint8Array(65), 64)).toBe(true);
  expect(frameExceeds(new Uint8Array(64), 64)).toBe(false);
});

describe("Broadcaster over codecs", () => {
  function member(codec?: typeof msgpackCodec): Connection & { topics: string[] } {
    const topics: string[] = [];
    return { codec, topics, subscribe: (t: string) => topics.push(t), unsubscribe: (t: string) => topics.splice(topics.indexOf(t), 1) } as unknown as Connection & { topics: string[] };
  }

  test("one topic per view class per codec; one seq per class whatever the codec; nothing for a codec no one speaks", () => {
    const published: [string, WireFrame][] = [];
    const b = new Broadcaster({ publish: (topic, frame) => published.push([topic, frame]) });
    const json = member();
    const packed = member(msgpackCodec);
    const reader = member();
    b.join(json, 1);
    b.join(packed, 1);
    b.join(reader, 0);
    expect([json.topics, packed.topics, reader.topics]).toEqual([["view:1"], ["view:1:msgpack"], ["view:0"]]);

    b.broadcast("tick", { ts: 1 });
    expect(published.map(([t]) => t)).toEqual(["view:1", "view:1:msgpack", "view:0"]);
    expect(typeof published[0]![1]).toBe("string");
    expect(published[1]![1]).toBeInstanceOf(Uint8Array);
    expect(parse(published[1]![1])).toEqual(JSON.parse(published[0]![1] as string));

    b.leave(json, 1);
    b.leave(packed, 1);
    published.length = 0;
    b.broadcast("tick", { ts: 2 });
    expect(published.map(([t, f]) => [t, parse(f).seq])).toEqual([["view:0", 2]]);
    b.join(packed, 1);
    b.broadcast("tick", { ts: 3 });
    expect(published.map(([t, f]) => [t, parse(f).seq])).toEqual([["view:0", 2], ["view:1:msgpack", 2], ["view:0", 3]]);
  });
});
