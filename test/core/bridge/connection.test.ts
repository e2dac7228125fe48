/**
 * Bridge error lines count against the outbound bound (spec §1.4, issue 11):
 * a peer that sends malformed lines and never reads the answers is closed
 * 1008 "slow consumer" once more than MAX_PREAUTH_BUFFERED_BYTES wait for it
 * (before login), instead of the gateway queueing an answer per line. The
 * transport here is a socket whose peer reads nothing: every byte stays queued.
 */
import { expect, test } from "bun:test";
import { BridgeConnection, type BridgeTransport } from "../../../core/bridge/connection.ts";
import { TopicFanout } from "../../../core/bridge/topics.ts";
import { MAX_PREAUTH_BUFFERED_BYTES } from "../../../core/protocol/limits.ts";

/** Queues everything, as a socket whose peer stopped reading. */
class UnreadTransport implements BridgeTransport {
  readonly lines: string[] = [];
  ended = false;
  private bytes = 0;
  write(text: string): void {
    if (this.ended) return;
    this.lines.push(text);
    this.bytes += text.length;
  }
  end(): void {
    this.ended = true;
  }
  buffered(): number {
    return this.bytes;
  }
}

const peer = { remoteAddress: "192.0.2.7", isLoopback: false, forwarded: false, headers: new Headers() };

test("malformed lines before login, answers unread -> closed 1008 slow consumer past the pre-auth bound", () => {
  const transport = new UnreadTransport();
  const conn = new BridgeConnection(peer, transport, new TopicFanout(), () => 0);
  const lines = 10_000;
  conn.onData(new TextEncoder().encode("not json\n".repeat(lines)));
  expect(transport.ended).toBe(true);
  expect(JSON.parse(transport.lines.at(-1)!)).toEqual({ type: "close", code: 1008, reason: "slow consumer" });
  const errors = transport.lines.filter((l) => l.startsWith('{"type":"error"'));
  // Every error line but the last fit under the bound; nothing more was queued.
  expect(errors.length).toBeLessThan(lines);
  expect(errors.slice(0, -1).join("").length).toBeLessThanOrEqual(MAX_PREAUTH_BUFFERED_BYTES);
});

test("control: a few malformed lines -> an error line each, connection open", () => {
  const transport = new UnreadTransport();
  const conn = new BridgeConnection(peer, transport, new TopicFanout(), () => 0);
  conn.onData(new TextEncoder().encode("not json\n".repeat(3)));
  expect(transport.ended).toBe(false);
  expect(transport.lines.map((l) => JSON.parse(l))).toEqual(Array(3).fill({ type: "error", error: { code: "INVALID_REQUEST", message: "malformed line: invalid JSON" } }));
});
