/** One encoder for JSON event frames (spec §1.3): a broadcast is encodeEvent's text, seq last as in MessagePack frames. */
import { describe, expect, test } from "bun:test";
import { Broadcaster } from "../../../core/events/broadcaster.ts";
import { encodeEvent } from "../../../core/protocol/frames.ts";
import type { Connection, SendStatus } from "../../../core/runtime.ts";

/** A socket that only joins topics; the publisher below records what reaches each topic. */
function member(): Connection {
  const topics = new Set<string>();
  return {
    peer: { remoteAddress: "127.0.0.1", isLoopback: true, forwarded: false, headers: new Headers() },
    send: (): SendStatus => "sent",
    close: () => {},
    subscribe: (topic) => void topics.add(topic),
    unsubscribe: (topic) => void topics.delete(topic),
    bufferedAmount: () => 0,
  };
}

describe("event frames", () => {
  test("broadcast frames equal encodeEvent byte for byte; keys type, event, payload, stateVersion, seq", () => {
    const published: unknown[] = [];
    const broadcaster = new Broadcaster({ publish: (_topic, text) => void published.push(text) });
    broadcaster.join(member(), 1);
    const stateVersion = { presence: 3, health: 2 };
    broadcaster.broadcast("presence", { presence: [] }, stateVersion);
    broadcaster.broadcast("tick", { ts: 5 });
    expect(published).toEqual([encodeEvent("presence", { presence: [] }, 1, stateVersion), encodeEvent("tick", { ts: 5 }, 2)]);
    expect(published[0]).toBe('{"type":"event","event":"presence","payload":{"presence":[]},"stateVersion":{"presence":3,"health":2},"seq":1}');
    expect(published[1]).toBe('{"type":"event","event":"tick","payload":{"ts":5},"seq":2}');
  });

  test("a single-recipient event has no seq; an absent payload is null, as in a broadcast", () => {
    expect(encodeEvent("connect.challenge", { nonce: "n", ts: 1 })).toBe('{"type":"event","event":"connect.challenge","payload":{"nonce":"n","ts":1}}');
    expect(encodeEvent("tick", undefined)).toBe('{"type":"event","event":"tick","payload":null}');
  });
});
