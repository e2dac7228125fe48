/**
 * Slow consumers (spec §1.4) on every shim: a client that stops reading is
 * closed 1008 once more than maxBufferedBytes wait for it, while everyone
 * else keeps receiving. Bun's backpressure limit and the Node shim's
 * bufferedAmount check must give the gateway the same picture.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import type { Socket } from "bun";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { connected, connectParams } from "../harness/raw-socket.ts";
import { waitFor } from "../harness/reference-client.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
  });
  afterAll(() => gw?.stop());

  test("a client that stops reading is closed 1008 slow consumer; others keep receiving", async () => {
    const healthy = await connected(gw.url);
    // A raw TCP client completes the upgrade and hello-ok, then never reads again.
    const stalled = await stalledClient(gw.port);
    try {
      // Presence snapshots grow with each announced entry; ~64 MB in total passes maxBufferedBytes (50 MiB).
      const text = "z".repeat(100_000);
      for (let i = 0; i < 36; i++) await healthy.sock.request("system-event", { text, instanceId: `flood-${i}` });
      // The log line only says when to look: the verdict is the close frame the stalled client reads once it drains.
      const log = () => (existsSync(gw.logFile) ? readFileSync(gw.logFile, "utf8") : "");
      await waitFor(() => log().includes('"message":"closing slow consumer"'), 10_000);
      expect(await stalled.drainUntilClose(15_000)).toEqual({ code: 1008, reason: "slow consumer" });

      const presences = healthy.sock.events("presence").filter((e) => e.payload.presence.some((p: any) => p.instanceId === "flood-35"));
      expect(presences.length).toBeGreaterThan(0);
      // Still served after the close: a new broadcast and a request.
      await healthy.sock.request("system-event", { text: "after", instanceId: "after-close" });
      await healthy.sock.until(() => healthy.sock.events("presence").some((e) => e.payload.presence.some((p: any) => p.instanceId === "after-close")));
      expect(healthy.sock.closed).toBeUndefined();
      expect((await healthy.sock.request("health")).ok).toBe(true);
    } finally {
      healthy.sock.close();
      stalled.destroy();
    }
  }, 40_000);
});

interface StalledClient {
  /** Resumes reading; resolves with the server's close frame (code, reason), rejects if the socket ends without one or after `ms`. */
  drainUntilClose(ms: number): Promise<{ code: number; reason: string }>;
  destroy(): void;
}

/** A WebSocket client over raw TCP that stops reading right after hello-ok. */
async function stalledClient(port: number): Promise<StalledClient> {
  const frames = new ServerFrames();
  let upgraded = false;
  let helloSeen = false;
  let head = "";
  let resolveHello!: () => void;
  const hello = new Promise<void>((r) => (resolveHello = r));
  let settle: ((close?: { code: number; reason: string }) => void) | undefined;
  frames.onText = (text, sock) => {
    if (helloSeen) return;
    const frame = JSON.parse(text);
    if (frame.event === "connect.challenge") {
      sock.write(maskedText(JSON.stringify({ type: "req", id: "c", method: "connect", params: connectParams({ auth: { token: TEST_TOKEN }, scopes: ["operator.read"] }) })));
    } else if (frame.payload?.type === "hello-ok") {
      helloSeen = true;
      resolveHello();
      sock.pause();
    }
  };
  frames.onClose = (close) => settle?.(close);
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(sock, data) {
        if (upgraded) return frames.push(data, sock);
        head += data.toString("latin1");
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        upgraded = true;
        frames.push(Buffer.from(head.slice(end + 4), "latin1"), sock);
      },
      close: () => settle?.(),
    },
  });
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await hello;
  return {
    drainUntilClose(ms) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no close frame within ${ms} ms`)), ms);
        settle = (close) => {
          clearTimeout(timer);
          if (close) resolve(close);
          else reject(new Error("socket ended without a close frame"));
        };
        if (frames.close) settle(frames.close);
        socket.resume();
      });
    },
    destroy: () => socket.end(),
  };
}

/** Incremental parser of unmasked server frames (RFC 6455 §5.2): text frames are decoded, other payloads skipped. */
class ServerFrames {
  onText: (text: string, sock: Socket) => void = () => {};
  onClose: (close: { code: number; reason: string }) => void = () => {};
  close?: { code: number; reason: string };
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, sock: Socket): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.buf.length < 2) return;
      const opcode = this.buf[0]! & 0x0f;
      let len = this.buf[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buf.length < offset + len) return;
      const payload = this.buf.subarray(offset, offset + len);
      this.buf = this.buf.subarray(offset + len);
      if (opcode === 0x1) this.onText(payload.toString("utf8"), sock);
      else if (opcode === 0x8) {
        this.close = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString("utf8") };
        this.onClose(this.close);
      }
    }
  }
}
/** One masked client text frame (RFC 6455 §5.3). */
function maskedText(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const len = payload.length;
  const header = len < 126 ? [0x81, 0x80 | len] : len < 65536 ? [0x81, 0x80 | 126, len >> 8, len & 255] : [0x81, 0x80 | 127, 0, 0, 0, 0, (len >>> 24) & 255, (len >> 16) & 255, (len >> 8) & 255, len & 255];
  const out = new Uint8Array(header.length + 4 + len);
  out.set(header, 0);
  out.set(mask, header.length);
  for (let i = 0; i < len; i++) out[header.length + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}
