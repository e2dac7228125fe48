/**
 * A raw TCP peer for the JSONL node bridge (docs/bridge-protocol.md): sends
 * exact bytes, records every line and the close, and speaks the node side of
 * bridge.hello, invoke requests and results.
 */
import type { Socket } from "bun";
import { TEST_TOKEN } from "./gateway.ts";
import { nodeDeviceProof, type NodeKey } from "./node-key.ts";
import { Signal } from "./signal.ts";

export class BridgePeer {
  /** Every line received, parsed. */
  readonly lines: any[] = [];
  ended = false;
  private buffer = "";
  private readonly signal = new Signal();
  private readonly listeners: ((line: any) => void)[] = [];
  private socket!: Socket<undefined>;
  /** Bytes the kernel did not take yet; written on drain, in order. */
  private outbox: Uint8Array[] = [];

  /** Connects and waits for the challenge line. */
  static async connect(port: number): Promise<BridgePeer> {
    const peer = new BridgePeer();
    peer.socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data: (_s, chunk) => peer.onData(new TextDecoder().decode(chunk)),
        drain: () => peer.flush(),
        close: () => peer.onEnd(),
        error: () => peer.onEnd(),
      },
    });
    await peer.until(() => peer.lines.some((l) => l.event === "connect.challenge"));
    return peer;
  }

  private onData(text: string): void {
    this.buffer += text;
    let i;
    while ((i = this.buffer.indexOf("\n")) !== -1) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 1);
      const value = JSON.parse(line);
      this.lines.push(value);
      for (const fn of this.listeners) fn(value);
    }
    this.wake();
  }

  private onEnd(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    this.signal.wake();
  }

  /** Resolves when `cond` holds; rejects after `ms`. */
  until(cond: () => boolean, ms = 5000): Promise<void> {
    return this.signal.until(cond, ms);
  }

  get nonce(): string {
    return this.lines.find((l) => l.event === "connect.challenge")!.payload.nonce;
  }

  /** Writes raw bytes or text exactly as given, all of it, in order. */
  write(data: string | Uint8Array): void {
    this.outbox.push(typeof data === "string" ? new TextEncoder().encode(data) : data);
    if (this.outbox.length === 1) this.flush();
  }

  private flush(): void {
    while (this.outbox.length > 0) {
      const head = this.outbox[0]!;
      const n = Math.max(0, this.socket.write(head));
      if (n < head.length) {
        this.outbox[0] = head.subarray(n);
        return;
      }
      this.outbox.shift();
    }
  }

  /** Writes one JSON value as a line. */
  send(value: unknown): void {
    this.write(JSON.stringify(value) + "\n");
  }

  /** Sends a request line and waits for its response line. */
  async request(method: string, params?: unknown, id: string = crypto.randomUUID()): Promise<any> {
    this.send({ type: "req", id, method, ...(params === undefined ? {} : { params }) });
    await this.until(() => this.lines.some((l) => l.type === "res" && l.id === id));
    return this.lines.find((l) => l.type === "res" && l.id === id);
  }

  /** The `bridge.hello` a node sends for this socket's challenge, signed with `key` (§3). */
  helloFor(key: NodeKey, o: { commands?: string[]; capabilities?: string[]; platform?: string; deviceFamily?: string; token?: string; displayName?: string } = {}): Record<string, unknown> {
    const platform = o.platform ?? "linux";
    const token = o.token ?? TEST_TOKEN;
    const device = nodeDeviceProof(key, { nonce: this.nonce, token, platform, deviceFamily: o.deviceFamily });
    return {
      type: "bridge.hello",
      id: "h1",
      nodeId: key.deviceId,
      displayName: o.displayName ?? "bridge-node",
      version: "1.0.0",
      platform,
      ...(o.deviceFamily ? { deviceFamily: o.deviceFamily } : {}),
      capabilities: o.capabilities ?? ["system"],
      commands: o.commands ?? ["system.notify"],
      auth: { token },
      device: { publicKey: device.publicKey, signature: device.signature, signedAt: device.signedAt, nonce: device.nonce },
    };
  }

  /** Sends bridge.hello and waits for its answer. */
  async hello(key: NodeKey, o: Parameters<BridgePeer["helloFor"]>[1] = {}): Promise<any> {
    this.send(this.helloFor(key, o));
    await this.until(() => this.lines.some((l) => l.type === "res" && l.id === "h1"));
    return this.lines.find((l) => l.type === "res" && l.id === "h1");
  }

  events(name: string): any[] {
    return this.lines.filter((l) => l.type === "event" && l.event === name);
  }

  /** Answers every invoke request from now on by echoing its params (the node side of §8). */
  echoInvokes(): void {
    this.listeners.push((line) => {
      if (line.type !== "event" || line.event !== "node.invoke.request") return;
      const p = line.payload;
      this.send({ type: "req", id: `r-${p.id}`, method: "node.invoke.result", params: { id: p.id, nodeId: p.nodeId, ok: true, payload: { echoed: JSON.parse(p.paramsJSON ?? "null") } } });
    });
  }

  /** Stops reading: the gateway's lines pile up in the kernel buffers, then in its own queue. */
  pauseReading(): void {
    this.socket.pause();
  }

  /** Reads again, starting with whatever the kernel held meanwhile. */
  resumeReading(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.end();
  }
}
