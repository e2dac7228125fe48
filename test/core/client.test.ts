/**
 * One client's life in memory (spec §1.4, §1.7, §2): the challenge, the
 * first-frame rules, frames queued while the connect is checked, the
 * handshake timeout, and after hello-ok who the client is (from the
 * gateway's welcome) and the per-socket request rules. A real Gateway over
 * MemoryConnections; the wire suites prove the same over sockets.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { MAX_PENDING_HANDSHAKE_FRAMES, MAX_PREAUTH_PAYLOAD_BYTES } from "../../core/protocol/limits.ts";
import { viewClass } from "../../core/events/audience.ts";
import { MEMORY_TOKEN, memoryGateway, type MemoryGateway } from "../harness/memory-gateway.ts";

const backend = { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" };
const connectParams = (scopes = ["operator.admin"], extra: Record<string, unknown> = {}) => ({
  minProtocol: 4, maxProtocol: 4, client: backend, caps: [], auth: { token: MEMORY_TOKEN }, role: "operator", scopes, ...extra,
});
const frame = (id: string, method: string, params: unknown = {}) => JSON.stringify({ type: "req", id, method, params });

let gw: MemoryGateway | undefined;
afterEach(() => {
  gw?.stop();
  gw = undefined;
});

describe("client before hello-ok", () => {
  test("open -> connect.challenge with a nonce and ts, nothing else", async () => {
    gw = memoryGateway({ now: () => 1_700_000_000_000 });
    const conn = await gw.open();
    expect(conn.frames).toEqual([{ type: "event", event: "connect.challenge", payload: { nonce: conn.client!.nonce, ts: 1_700_000_000_000 } }]);
  });

  test("a first request other than connect -> INVALID_REQUEST invalid handshake, close 1008", async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    const res = await gw.request(conn, "h", "health");
    expect(res).toEqual({ type: "res", id: "h", ok: false, error: { code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" } });
    expect(await conn.closedWith()).toEqual({ code: 1008, reason: "invalid handshake: first request must be connect" });
  });

  test("a first frame that is not JSON -> closed 1000 without an answer; one that is not a request -> closed 1008 invalid request frame", async () => {
    gw = memoryGateway();
    const garbage = await gw.open();
    garbage.client!.onMessage("{not json");
    expect(await garbage.closedWith()).toEqual({ code: 1000, reason: "" });
    const event = await gw.open();
    event.client!.onMessage(JSON.stringify({ type: "event", event: "tick" }));
    expect(await event.closedWith()).toEqual({ code: 1008, reason: "invalid request frame" });
    expect([garbage.frames.length, event.frames.length]).toEqual([1, 1]);
  });

  test("a frame past the pre-auth limit -> closed 1009 frame too large; one byte less is read", async () => {
    gw = memoryGateway();
    const big = await gw.open();
    big.client!.onMessage(" ".repeat(MAX_PREAUTH_PAYLOAD_BYTES + 1));
    expect(await big.closedWith()).toEqual({ code: 1009, reason: "frame too large" });
    const control = await gw.open();
    const text = frame("c", "connect", connectParams());
    control.client!.onMessage(text + " ".repeat(MAX_PREAUTH_PAYLOAD_BYTES - text.length));
    expect((await control.next((f) => f.id === "c")).ok).toBe(true);
  });

  test("requests sent while connect is checked -> queued, answered after hello-ok in order", async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    conn.client!.onMessage(frame("c", "connect", connectParams()));
    conn.client!.onMessage(frame("1", "health"));
    conn.client!.onMessage(frame("2", "status"));
    await conn.next((f) => f.id === "2");
    expect(conn.frames.filter((f) => f.type === "res").map((f) => [f.id, f.ok])).toEqual([["c", true], ["1", true], ["2", true]]);
  });

  test(`more than ${MAX_PENDING_HANDSHAKE_FRAMES} frames while connect is checked -> closed 1008`, async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    conn.client!.onMessage(frame("c", "connect", connectParams()));
    for (let i = 0; i <= MAX_PENDING_HANDSHAKE_FRAMES; i++) conn.client!.onMessage(frame(String(i), "health"));
    expect(await conn.closedWith()).toEqual({ code: 1008, reason: "too many pending handshake frames" });
    expect(conn.frames.some((f) => f.type === "res")).toBe(false);
  });

  test("no connect within the handshake timeout -> closed 1000", async () => {
    gw = memoryGateway({ handshakeTimeoutMs: 20 });
    const conn = await gw.open();
    expect(await conn.closedWith()).toEqual({ code: 1000, reason: "" });
  });

  test("a refused connect -> its error, then the close it names (PROTOCOL_MISMATCH: 1002)", async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    const res = await gw.request(conn, "c", "connect", connectParams(undefined, { minProtocol: 3, maxProtocol: 3 }));
    expect(res.error.details.code).toBe("PROTOCOL_MISMATCH");
    expect(await conn.closedWith()).toEqual({ code: 1002, reason: "protocol mismatch" });
  });
});

describe("client after hello-ok", () => {
  test("the welcome fixes the caller and view class: hello-ok names the connId; a read-only caller is refused a write", async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    const hello = await gw.request(conn, "c", "connect", connectParams(["operator.read"]));
    const client = conn.client!;
    expect(hello.payload.server.connId).toBe(client.connId);
    expect([client.caller?.connId, client.caller?.role, client.caller?.scopes, client.admission?.method]).toEqual([client.connId, "operator", ["operator.read"], "token"]);
    expect(client.view).toBe(viewClass("operator", client.caller!.effective));
    expect((await gw.request(conn, "s", "status")).ok).toBe(true);
    expect((await gw.request(conn, "w", "wake", { mode: "now", text: "x" })).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.write" });
  });

  test("connect again -> INVALID_REQUEST, the socket stays open; a malformed frame -> invalid request frame", async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    await gw.request(conn, "c", "connect", connectParams());
    expect((await gw.request(conn, "c2", "connect", connectParams())).error).toEqual({ code: "INVALID_REQUEST", message: "connect is only valid as the first request" });
    conn.client!.onMessage(JSON.stringify({ type: "req", id: "bad" }));
    expect((await conn.next((f) => f.id === "bad")).error.message).toStartWith("invalid request frame: ");
    expect(conn.closed).toBeUndefined();
    expect((await gw.request(conn, "h", "health")).ok).toBe(true);
  });

  test("more than 10 unauthorized-role calls in a row -> closed 1008 repeated unauthorized calls", async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    await gw.request(conn, "c", "connect", connectParams());
    for (let i = 0; i < 10; i++) expect((await gw.request(conn, `r${i}`, "node.event", { event: "x" })).error.message).toBe("unauthorized role: operator");
    expect(conn.closed).toBeUndefined();
    await gw.request(conn, "r10", "node.event", { event: "x" });
    expect(await conn.closedWith()).toEqual({ code: 1008, reason: "repeated unauthorized calls" });
  });

  test("the socket closes -> the gateway forgets the client", async () => {
    gw = memoryGateway();
    const conn = await gw.open();
    await gw.request(conn, "c", "connect", connectParams());
    expect(gw.gateway.clients.size).toBe(1);
    conn.close(1000, "");
    // The transport's close report was queued before this await resumes.
    await conn.closedWith();
    expect(gw.gateway.clients.size).toBe(0);
  });
});
