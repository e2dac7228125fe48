/**
 * Broadcast delivery (spec §1.3, §1.4, §1.5, §7): tick to everyone, scoped
 * events only to those allowed, consecutive seq per socket, and a slow
 * consumer closed 1008 while everyone else keeps receiving.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { connected, connectParams } from "../harness/raw-socket.ts";

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

describe("audiences and seq", () => {
  test("tick reaches every client; presence only operator.read holders; seq rises by one per socket", async () => {
    gw = await startTestGateway({ tickIntervalMs: 50 });
    const reader = await connected(gw.url, connectParams({ scopes: ["operator.read"] }));
    const none = await connected(gw.url, connectParams({ client: { id: "cli", version: "1", platform: "linux", mode: "probe" }, scopes: [] }));
    const admin = await connected(gw.url);
    await admin.sock.request("system-event", { text: "hello", instanceId: "evt-1" });
    await reader.sock.until(() => reader.sock.events("tick").length >= 3 && reader.sock.events("presence").some((e) => e.payload.presence.some((p: any) => p.instanceId === "evt-1")));
    await none.sock.until(() => none.sock.events("tick").length >= 3);
    expect(none.sock.events("presence")).toEqual([]);
    for (const s of [reader.sock, none.sock, admin.sock]) {
      const seqs = s.frames.filter((f) => f.type === "event" && f.seq !== undefined).map((f) => f.seq!);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    }
    const presence = reader.sock.events("presence").at(-1)!;
    expect(presence.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
    for (const c of [reader, none, admin]) c.sock.close();
  });
});

describe("slow consumer (§1.4)", () => {
  test("a client that stops reading is closed 1008 slow consumer; others keep receiving", async () => {
    gw = await startTestGateway();
    const healthy = await connected(gw.url);
    // A raw TCP client completes the upgrade and hello-ok, then never reads again.
    const stalled = await stalledClient(gw.port);
    // Presence snapshots grow with each announced entry; ~64 MB in total passes maxBufferedBytes (50 MiB).
    const text = "z".repeat(100_000);
    for (let i = 0; i < 36; i++) await healthy.sock.request("system-event", { text, instanceId: `flood-${i}` });
    await stalled.closedByServer(10_000);
    const log = await Bun.file(gw.logger.file).text();
    expect(log).toContain('"message":"closing slow consumer"');
    const presences = healthy.sock.events("presence").filter((e) => e.payload.presence.some((p: any) => p.instanceId === "flood-35"));
    expect(presences.length).toBeGreaterThan(0);
    expect((await healthy.sock.request("health")).ok).toBe(true);
    const gwClients = [...gw.running.gateway.clients].filter((c) => c.state === "ready");
    expect(gwClients.length).toBe(1);
    healthy.sock.close();
    stalled.destroy();
  }, 30_000);
});

/** A WebSocket client over raw TCP that stops reading right after hello-ok. */
async function stalledClient(port: number): Promise<{ closedByServer(ms: number): Promise<void>; destroy(): void }> {
  let received = "";
  let closed = false;
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
      close() {
        closed = true;
      },
    },
  });
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await hello;
  return {
    async closedByServer(ms) {
      const deadline = Date.now() + ms;
      // The gateway side must have dropped it; the paused client may not notice, so ask the gateway.
      while (Date.now() < deadline) {
        if (closed) return;
        await Bun.sleep(50);
        const states = [...gw!.running.gateway.clients].map((c) => c.state);
        if (!states.includes("ready") || states.filter((s) => s === "ready").length === 1) return;
      }
      throw new Error("slow consumer was not closed");
    },
    destroy: () => socket.end(),
  };
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
