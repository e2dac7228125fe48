/**
 * An in-memory Connection for driving core without sockets (core takes
 * connections, not sockets): frames the gateway sends land decoded in
 * `frames`, close ends the client as a socket close would, and topics fan out
 * through core's TopicFanout. Runtime-agnostic, so Bun and Deno tests share it.
 */
import { decode } from "@msgpack/msgpack";
import type { TopicFanout } from "../../core/bridge/topics.ts";
import type { Client } from "../../core/client.ts";
import type { FrameCodec, WireFrame } from "../../core/protocol/codec.ts";
import type { Connection, PeerInfo, SendStatus } from "../../core/runtime.ts";

/** A loopback peer with no proxy headers and no Origin: the "direct_local" locality (§4.4). */
export function loopbackPeer(overrides: Partial<PeerInfo> = {}): PeerInfo {
  return { remoteAddress: "127.0.0.1", isLoopback: true, forwarded: false, headers: new Headers(), ...overrides };
}

/** How long `next` waits before failing with the frames it got. */
const WAIT_LIMIT_MS = 2_000;

export class MemoryConnection implements Connection {
  /** Every frame sent, decoded (JSON text or MessagePack bytes). */
  readonly frames: any[] = [];
  closed?: { code: number; reason: string };
  /** Set after `gateway.open(conn)`; told when the connection closes. */
  client?: Client;
  private waiters: (() => void)[] = [];

  constructor(
    readonly peer: PeerInfo = loopbackPeer(),
    private readonly topics?: TopicFanout,
    readonly codec?: FrameCodec,
  ) {}

  send(frame: WireFrame): SendStatus {
    if (this.closed) return "dropped";
    this.frames.push(typeof frame === "string" ? JSON.parse(frame) : decode(frame));
    this.wake();
    return "sent";
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    this.topics?.drop(this);
    this.wake();
    queueMicrotask(() => this.client?.onClosed());
  }

  subscribe(topic: string): void {
    this.topics?.subscribe(topic, this);
  }

  unsubscribe(topic: string): void {
    this.topics?.unsubscribe(topic, this);
  }

  bufferedAmount(): number {
    return 0;
  }

  /** Resolves with the first frame matching `pred`, waiting for it if need be. */
  next(pred: (f: any) => boolean): Promise<any> {
    return this.until(() => this.frames.find(pred), () => `no matching frame; got ${JSON.stringify(this.frames)}`);
  }

  /** Resolves once the connection is closed, with the code and reason. */
  closedWith(): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closed, () => `still open; frames ${JSON.stringify(this.frames)}`);
  }

  private until<T>(found: () => T | undefined, describe: () => string): Promise<T> {
    const now = found();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(describe()));
      }, WAIT_LIMIT_MS);
      const check = () => {
        const value = found();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(value);
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
