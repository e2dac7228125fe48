/**
 * One TCP bridge socket as a core Connection (docs/bridge-protocol.md): lines
 * in, the gateway's own Client state machine in the middle, lines out. The
 * bridge adds only what a byte stream lacks: framing with a line cap, a line
 * budget against floods, an error line for malformed input, `bridge.hello`
 * in place of `connect`, and a close line in place of a close frame.
 * Runtime-agnostic.
 */
import type { Client } from "../client.ts";
import { Close } from "../protocol/errors.ts";
import { formatIssues } from "../protocol/validation.ts";
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, MAX_PREAUTH_BUFFERED_BYTES, MAX_PREAUTH_PAYLOAD_BYTES } from "../protocol/limits.ts";
import type { Connection, PeerInfo, SendStatus } from "../runtime.ts";
import { LineBudget, LineFramer } from "./framing.ts";
import { bridgeHelloSchema, connectRequestFor } from "./hello.ts";
import type { TopicFanout } from "./topics.ts";

/** Lines a peer may send at once before the steady rate applies. */
export const BRIDGE_LINE_BURST = 20_000;
/**
 * Sustained lines per second; a peer above it is closed as a flood. A busy
 * node answers invokes at several thousand per second (one result line each,
 * ~0.2 ms round trips), so the bar sits well above that and far below a flood.
 */
export const BRIDGE_LINES_PER_SECOND = 10_000;

/** The byte stream under a bridge connection; the shim owns buffering and backpressure. */
export interface BridgeTransport {
  /** Queues bytes for the socket; never blocks. */
  write(text: string): void;
  /** Flushes what is queued, then closes the socket. */
  end(): void;
  /** Bytes accepted but not yet written to the socket. */
  buffered(): number;
}

/** The line that stands for a close frame: `{"type":"close","code":…,"reason":…}`. */
export function closeLine(code: number, reason: string): string {
  return JSON.stringify({ type: "close", code, reason });
}

/** A protocol error not tied to a request: `{"type":"error","error":{code,message}}`. */
export function errorLine(message: string): string {
  return JSON.stringify({ type: "error", error: { code: "INVALID_REQUEST", message } });
}

export class BridgeConnection implements Connection {
  private client?: Client;
  private closed = false;
  private ended = false;
  private readonly framer: LineFramer;
  private readonly budget: LineBudget;

  constructor(
    readonly peer: PeerInfo,
    private readonly transport: BridgeTransport,
    private readonly topics: TopicFanout,
    now: () => number,
  ) {
    // Same frame limits as the WebSocket: 64 KiB before hello-ok, maxPayload after (§1.4).
    this.framer = new LineFramer(() => (this.client?.state === "ready" ? MAX_PAYLOAD_BYTES : MAX_PREAUTH_PAYLOAD_BYTES));
    this.budget = new LineBudget(BRIDGE_LINE_BURST, BRIDGE_LINES_PER_SECOND, now);
  }

  /** Binds the Client the gateway created for this connection. */
  attach(client: Client): void {
    this.client = client;
  }

  send(text: string): SendStatus {
    if (this.closed) return "dropped";
    // Past maxBufferedBytes this peer is a slow consumer, as on the WebSocket (§1.4).
    if (this.transport.buffered() > MAX_BUFFERED_BYTES) return "dropped";
    this.transport.write(text + "\n");
    return this.transport.buffered() > 0 ? "queued" : "sent";
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.transport.write(closeLine(code, reason) + "\n");
    this.closed = true;
    this.transport.end();
  }

  subscribe(topic: string): void {
    this.topics.subscribe(topic, this);
  }

  unsubscribe(topic: string): void {
    this.topics.unsubscribe(topic, this);
  }

  bufferedAmount(): number {
    return this.transport.buffered();
  }

  /** Bytes arrived from the peer. */
  onData(chunk: Uint8Array): void {
    if (this.closed) return;
    const { lines, tooLong } = this.framer.push(chunk);
    for (const line of lines) {
      if (this.closed) return;
      this.onLine(line);
    }
    if (tooLong && !this.closed) {
      const limit = this.client?.state === "ready" ? MAX_PAYLOAD_BYTES : MAX_PREAUTH_PAYLOAD_BYTES;
      if (this.sendError(`line too long (limit ${limit} bytes)`)) this.close(Close.tooBig, "frame too large");
    }
  }

  /** The peer's socket is gone. */
  onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.closed = true;
    this.topics.drop(this);
    this.client?.onClosed();
  }

  /**
   * An error line, counted against the outbound bound like any frame: a peer
   * that sends bad lines without reading the answers is a slow consumer
   * (§1.4), and one that has not logged in may leave only
   * MAX_PREAUTH_BUFFERED_BYTES unread. False when the peer was closed instead.
   */
  private sendError(message: string): boolean {
    const limit = this.client?.state === "ready" ? MAX_BUFFERED_BYTES : MAX_PREAUTH_BUFFERED_BYTES;
    if (this.transport.buffered() > limit) {
      this.close(Close.policy, "slow consumer");
      return false;
    }
    this.transport.write(errorLine(message) + "\n");
    return true;
  }

  private onLine(line: string): void {
    if (!this.budget.take()) return this.close(Close.policy, "flood: too many lines");
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.sendError("malformed line: invalid JSON");
      return;
    }
    const client = this.client!;
    const isHello = typeof value === "object" && value !== null && (value as { type?: unknown }).type === "bridge.hello";
    if (client.state === "awaiting-connect") {
      if (!isHello) {
        const message = "invalid handshake: first line must be bridge.hello";
        if (this.sendError(message)) this.close(Close.policy, message);
        return;
      }
      const parsed = bridgeHelloSchema.safeParse(value, { reportInput: true });
      if (!parsed.success) {
        const id = typeof (value as { id?: unknown }).id === "string" ? (value as { id: string }).id : "bridge.hello";
        const message = `invalid bridge.hello: ${formatIssues(parsed.error.issues)}`;
        this.send(JSON.stringify({ type: "res", id, ok: false, error: { code: "INVALID_REQUEST", message } }));
        return this.close(Close.policy, message);
      }
      return client.onMessage(JSON.stringify(connectRequestFor(parsed.data)));
    }
    if (isHello) {
      this.sendError("bridge.hello is only valid as the first line");
      return;
    }
    client.onMessage(line);
  }
}
