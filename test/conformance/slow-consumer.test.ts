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
import { maskedText, ServerFrames, upgradeRequest } from "../harness/ws-wire.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
  });
  afterAll(() => gw?.stop(), 20_000);

  test("a client that stops reading is closed 1008 slow consumer; others keep receiving", async () => {
    const healthy = await connected(gw.url);
    // A raw TCP client completes the upgrade and hello-ok, then never reads again.
    const stalled = await stalledClient(gw.port);
    try {
      // Presence snapshots grow with each announced entry; ~64 MB in total passes maxBufferedBytes (50 MiB).
      // Snapshots are paced, latest state wins (core/events/pacer.ts): each change is awaited, so each is sent.
      const text = "z".repeat(100_000);
      const lists = (id: string) => healthy.sock.events("presence").some((e) => e.payload.presence.some((p: any) => p.instanceId === id));
      for (let i = 0; i < 36; i++) {
        await healthy.sock.request("system-event", { text, instanceId: `flood-${i}` });
        await healthy.sock.until(() => lists(`flood-${i}`));
      }
      // The log line only says when to look: the verdict is the close frame the stalled client reads once it drains.
      const log = () => (existsSync(gw.logFile) ? readFileSync(gw.logFile, "utf8") : "");
      await waitFor(() => log().includes('"message":"closing slow consumer"'), 20_000);
      expect(await stalled.drainUntilClose(20_000)).toEqual({ code: 1008, reason: "slow consumer" });

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
  }, 60_000);

  test("many slow clients under maxBufferedBytes each, past the global backlog bound together -> the largest closed 1008", async () => {
    // A gateway of its own: the presence entries announced above would make every answer bigger.
    const gw = await startRuntimeGateway(runtime);
    const healthy = await connected(gw.url);
    const stalled = await Promise.all(Array.from({ length: 4 }, () => stalledClient(gw.port)));
    const closings = () => (existsSync(gw.logFile) ? readFileSync(gw.logFile, "utf8").split('"message":"closing slow consumer"').length - 1 : 0);
    try {
      // 20 announced entries of 100 KB: every system-presence answer is ~2 MB.
      const text = "y".repeat(100_000);
      for (let i = 0; i < 20; i++) await healthy.sock.request("system-event", { text, instanceId: `bulk-${i}` });
      // Each stalled client asks for 22 of them (~44 MB, under the 50 MiB per-socket bound); 4 of them pass 128 MiB.
      for (const s of stalled) for (let i = 0; i < 22; i++) s.send({ type: "req", id: `p${i}`, method: "system-presence", params: {} });
      // A broadcast arms the next sweep.
      healthy.sock.send({ type: "req", id: "sweep", method: "system-event", params: { text: "sweep", instanceId: "sweep" } });
      await waitFor(() => closings() > 0, 40_000);
      const closed = closings();
      expect(closed).toBeGreaterThanOrEqual(1);
      expect(closed).toBeLessThan(4);
      await healthy.sock.until(() => healthy.sock.frames.some((f) => f.id === "sweep" && f.ok), 20_000);
    } finally {
      healthy.sock.close();
      for (const s of stalled) s.destroy();
      await gw.stop();
    }
  }, 90_000);
});

interface StalledClient {
  /** Resumes reading; resolves with the server's close frame (code, reason), rejects if the socket ends without one or after `ms`. */
  drainUntilClose(ms: number): Promise<{ code: number; reason: string }>;
  /** Sends one frame (the client still writes; it only stopped reading). */
  send(frame: unknown): void;
  destroy(): void;
}

/** A WebSocket client over raw TCP that stops reading right after hello-ok. */
async function stalledClient(port: number): Promise<StalledClient> {
  const frames = new ServerFrames();
  let helloSeen = false;
  let resolveHello!: () => void;
  const hello = new Promise<void>((r) => (resolveHello = r));
  let settle: ((close?: { code: number; reason: string }) => void) | undefined;
  let sock!: Socket;
  frames.onText = (text) => {
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
      open(s) {
        sock = s;
      },
      data: (_sock, data) => frames.push(data),
      close: () => settle?.(),
    },
  });
  socket.write(upgradeRequest(port));
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
    send: (frame) => void socket.write(maskedText(JSON.stringify(frame))),
    destroy: () => socket.end(),
  };
}
