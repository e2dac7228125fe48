/**
 * Slow consumers (spec §1.4) on every shim: a client that stops reading is
 * closed 1008 once more than maxBufferedBytes wait for it, while everyone
 * else keeps receiving. Bun's backpressure limit and the Node shim's
 * bufferedAmount check must give the gateway the same picture.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
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
      const log = () => (existsSync(gw.logFile) ? readFileSync(gw.logFile, "utf8") : "");
      await waitFor(() => log().includes('"message":"closing slow consumer"'), 10_000);
      const presences = healthy.sock.events("presence").filter((e) => e.payload.presence.some((p: any) => p.instanceId === "flood-35"));
      expect(presences.length).toBeGreaterThan(0);
      expect((await healthy.sock.request("health")).ok).toBe(true);
    } finally {
      healthy.sock.close();
      stalled.destroy();
    }
  }, 30_000);
});

/** A WebSocket client over raw TCP that stops reading right after hello-ok. */
async function stalledClient(port: number): Promise<{ destroy(): void }> {
  let received = "";
  let resolveHello!: () => void;
  const hello = new Promise<void>((r) => (resolveHello = r));
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(sock, data) {
        received += data.toString("latin1");
        if (received.includes("connect.challenge") && !received.includes("__sent")) {
          received += "__sent";
          sock.write(maskedText(JSON.stringify({ type: "req", id: "c", method: "connect", params: connectParams({ auth: { token: TEST_TOKEN }, scopes: ["operator.read"] }) })));
        }
        if (received.includes("hello-ok")) {
          resolveHello();
          sock.pause();
        }
      },
    },
  });
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await hello;
  return { destroy: () => socket.end() };
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
