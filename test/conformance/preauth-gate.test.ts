/**
 * Unauthenticated sockets are read a few at a time (spec §1.4,
 * core/handshake/preauth-gate.ts), on every shim: the transport's frame limit
 * is the post-auth 25 MiB on every socket, so a socket that has not
 * authenticated is only read from while it holds one of a bounded number of
 * read slots (two per address); the others wait, paused, and get a slot when
 * one frees. Peers from other loopback addresses (127.0.0.x) show what an
 * unblocked socket does meanwhile.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { connectParams } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";
import { Signal } from "../harness/signal.ts";
import { maskedText, ServerFrames, upgradeRequest } from "../harness/ws-wire.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  const open: WirePeer[] = [];
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
  });
  afterEach(() => {
    for (const p of open.splice(0)) p.destroy();
  });
  afterAll(() => gw?.stop());
  const peer = async (localAddress: string) => {
    const p = await WirePeer.open(gw.port, localAddress);
    open.push(p);
    return p;
  };

  test("sockets past an address's read slots are not read until a slot frees; then 1009 for an oversized frame", async () => {
    // Two unfinished fragmented messages, already past the 64 KiB pre-auth limit: the transport holds
    // them (it cannot tell pre-auth from post-auth) and core never sees a frame, so both keep their slots.
    const holders = [await peer("127.0.0.3"), await peer("127.0.0.3")];
    for (const h of holders) h.write(fragment(false, 100 * 1024));
    const waiting = await peer("127.0.0.3");
    waiting.write(fragment(true, 70 * 1024));
    // Control: the same oversized frame from another address, sent after, is read and refused at once.
    const control = await peer("127.0.0.2");
    control.write(fragment(true, 70 * 1024));
    expect(await control.closed()).toBe(1009);
    expect(waiting.closeCode).toBeUndefined();

    holders[0]!.destroy();
    expect(await waiting.closed()).toBe(1009);
  }, 20_000);

  test("a waiting socket completes its handshake once it gets a slot", async () => {
    const holders = [await peer("127.0.0.4"), await peer("127.0.0.4")];
    for (const h of holders) h.write(fragment(false, 1024));
    const waiting = await peer("127.0.0.4");
    waiting.write(maskedText(JSON.stringify({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: TEST_TOKEN } }) })));
    const control = await peer("127.0.0.5");
    control.write(maskedText(JSON.stringify({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: TEST_TOKEN } }) })));
    await control.until(() => control.text.includes("hello-ok"));
    expect(waiting.text).not.toContain("hello-ok");

    holders[1]!.destroy();
    await waiting.until(() => waiting.text.includes("hello-ok"));
    expect(waiting.closeCode).toBeUndefined();
  }, 20_000);

  test("sockets refused before hello-ok give up their slots at once, though their peers never answer the close", async () => {
    // Each holder sends a frame that is not a request: closed 1008 by the gateway. Its peer never sends
    // the closing handshake back, so the transport alone would keep the socket (and its slot) for ws' 30 s.
    const holders = [await peer("127.0.0.6"), await peer("127.0.0.6")];
    for (const h of holders) {
      h.write(maskedText(JSON.stringify({ type: "evt", event: "x" })));
      await h.until(() => h.closeCode !== undefined);
      expect(h.closeCode).toBe(1008);
    }
    const next = await peer("127.0.0.6");
    next.write(maskedText(JSON.stringify({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: TEST_TOKEN } }) })));
    await next.until(() => next.text.includes("hello-ok"));
  }, 20_000);
});

// Node only: ws exposes the raw bytes, so the Node shim bounds what a socket holding a read slot may send
// before hello-ok (MAX_PREAUTH_READ_BYTES, ~1.1 MiB) instead of letting ws assemble up to 25 MiB of it.
// Bun assembles inside uWS, out of reach: its bound is the read slots alone.
describe("node gateway", () => {
  let gw: RuntimeGateway;
  const open: WirePeer[] = [];
  beforeAll(async () => {
    gw = await startRuntimeGateway("node");
  });
  afterEach(() => {
    for (const p of open.splice(0)) p.destroy();
  });
  afterAll(() => gw?.stop());

  test("2 MiB of one unfinished frame before hello-ok -> 1009 while it is still unfinished; after hello-ok the same size is read", async () => {
    const attacker = await WirePeer.open(gw.port, "127.0.0.8");
    open.push(attacker);
    // One 3 MiB frame (FIN, well under the post-auth limit), of which 2 MiB are sent: ws waits for the rest.
    const frame = fragment(true, 3 * 1024 * 1024);
    attacker.write(frame.subarray(0, 2 * 1024 * 1024));
    expect(await attacker.closed()).toBe(1009);

    // Control: an authenticated socket sends a frame of that size and is answered.
    const control = await WirePeer.open(gw.port, "127.0.0.9");
    open.push(control);
    control.write(maskedText(JSON.stringify({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: TEST_TOKEN } }) })));
    await control.until(() => control.text.includes("hello-ok"));
    control.write(maskedText(JSON.stringify({ type: "req", id: "big", method: "health", params: { pad: "a".repeat(2 * 1024 * 1024) } })));
    await control.until(() => control.text.includes('"id":"big"'));
    expect(control.closeCode).toBeUndefined();
  }, 20_000);
});

/** A WebSocket client over raw TCP from a chosen local address: upgrade, challenge, then exact frames. */
class WirePeer {
  /** Every text frame received, concatenated. */
  text = "";
  closeCode?: number;
  private ended = false;
  private readonly frames = new ServerFrames();
  private readonly signal = new Signal();

  private constructor(private readonly socket: Socket) {
    this.frames.onText = (text) => (this.text += text);
    this.frames.onClose = (close) => (this.closeCode = close.code);
    socket.on("data", (chunk: Buffer) => {
      this.frames.push(chunk);
      this.signal.wake();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.ended = true;
      this.signal.wake();
    });
  }

  static async open(port: number, localAddress: string): Promise<WirePeer> {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    const peer = new WirePeer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.write(upgradeRequest(port));
    await peer.until(() => peer.text.includes("connect.challenge"));
    return peer;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  until(cond: () => boolean, ms = 10_000): Promise<void> {
    return this.signal.until(cond, ms);
  }

  /** The close code the server sent, once the socket is gone. */
  async closed(): Promise<number | undefined> {
    await this.until(() => this.ended || this.closeCode !== undefined);
    return this.closeCode;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A masked client text frame of `size` filler bytes, FIN set or not (an unfinished fragmented message). */
function fragment(fin: boolean, size: number): Uint8Array {
  const len = size;
  const header = len < 65536 ? [0x1 | (fin ? 0x80 : 0), 0x80 | 126, len >> 8, len & 255] : [0x1 | (fin ? 0x80 : 0), 0x80 | 127, 0, 0, 0, 0, (len >>> 24) & 255, (len >> 16) & 255, (len >> 8) & 255, len & 255];
  // Zero mask: the payload goes out as is.
  const out = new Uint8Array(header.length + 4 + len).fill(0x61);
  out.set(header, 0);
  out.fill(0, header.length, header.length + 4);
  return out;
}
