/**
 * Transport rules over real sockets (spec §1.4, §1.6, §1.7, §2, §4.7): each
 * violation gets its exact answer and close, and a control client shows the
 * gateway keeps serving everyone else. Every shim passes these: the CLI
 * gateway under Bun and under Node, each with JSON text frames and with
 * MessagePack binary frames (the `openclaw.msgpack` subprotocol,
 * docs/frame-codecs.md): the codec changes the bytes, not the rules.
 */
import { decode, encode } from "@msgpack/msgpack";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect as connectTcp } from "node:net";
import { join } from "node:path";
import { MSGPACK_SUBPROTOCOL } from "../../core/protocol/codec.ts";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { connected as connectedWith, connectParams, RawSocket, WIRE_CODECS, type WireCodec } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";
import { maskedBinary, maskedText, ServerFrames, upgradeRequest } from "../harness/ws-wire.ts";

/** A frame its codec cannot parse: broken JSON text, or 0xc1 (a byte MessagePack never uses). */
const UNPARSABLE: Record<WireCodec, string | Uint8Array> = { json: "{not json", msgpack: new Uint8Array([0xc1]) };

const CASES = RUNTIMES.flatMap((runtime) => WIRE_CODECS.map((codec) => [runtime, codec] as const));

describe.each(CASES)("%s gateway, %s frames", (runtime, codec) => {
  const open = (url: string, headers?: Record<string, string>) => RawSocket.open(url, headers, codec);
  const connected = (url: string, params = connectParams()) => connectedWith(url, params, codec);
  let gw: RuntimeGateway;
  let control: RawSocket;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime, { env: { OPENCLAW_HANDSHAKE_TIMEOUT_MS: "300" } });
    control = (await connected(gw.url)).sock;
  });
  afterAll(async () => {
    control?.close();
    await gw?.stop();
  });

  /** The control client still gets answers: the gateway survived whatever the test did. */
  async function gatewayStillServes(): Promise<void> {
    const res = await control.request("health");
    expect(res.ok).toBe(true);
  }

  describe("before hello-ok", () => {
    test("challenge first: connect.challenge with a uuid nonce and integer ts, no seq", async () => {
      const sock = await open(gw.url);
      const challenge = sock.frames[0]!;
      expect(challenge).toEqual({ type: "event", event: "connect.challenge", payload: { nonce: expect.stringMatching(/^[0-9a-f-]{36}$/), ts: expect.any(Number) } });
      expect(Number.isInteger(challenge.payload.ts)).toBe(true);
      sock.close();
    });

    test("unparsable frame (invalid JSON, malformed MessagePack) -> close 1000 with empty reason", async () => {
      const sock = await open(gw.url);
      sock.send(UNPARSABLE[codec]);
      expect(await sock.waitClose()).toEqual({ code: 1000, reason: "" });
      await gatewayStillServes();
    });

    test("JSON that is not a request frame -> close 1008 invalid request frame", async () => {
      const sock = await open(gw.url);
      sock.send({ type: "event", event: "x" });
      expect(await sock.waitClose()).toEqual({ code: 1008, reason: "invalid request frame" });
    });

    test("first request not connect -> INVALID_REQUEST + 1008", async () => {
      const sock = await open(gw.url);
      const res = await sock.request("health", {}, "h1");
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" });
      expect(await sock.waitClose()).toEqual({ code: 1008, reason: "invalid handshake: first request must be connect" });
    });

    test("connect params with an unknown key -> validator text + 1008", async () => {
      const sock = await open(gw.url);
      const res = await sock.request("connect", connectParams({ bogus: true }));
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid connect params: at root: unexpected property 'bogus'" });
      expect((await sock.waitClose()).code).toBe(1008);
    });

    test("unknown role -> invalid role + 1008", async () => {
      const sock = await open(gw.url);
      const res = await sock.request("connect", connectParams({ role: "root" }));
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid role" });
      expect(await sock.waitClose()).toEqual({ code: 1008, reason: "invalid role" });
    });

    test("frame over 64 KiB before auth -> close 1009", async () => {
      const sock = await open(gw.url);
      sock.send({ type: "req", id: "big", method: "connect", params: { pad: "x".repeat(70_000) } });
      expect((await sock.waitClose()).code).toBe(1009);
      await gatewayStillServes();
    });

    test("no connect within the handshake timeout -> close 1000", async () => {
      const sock = await open(gw.url);
      expect(await sock.waitClose(3000)).toEqual({ code: 1000, reason: "" });
    });

    test("v3-only operator -> PROTOCOL_MISMATCH + 1002; v3 probe and v3 node envelopes pass negotiation", async () => {
      const sock = await open(gw.url);
      const res = await sock.request("connect", connectParams({ minProtocol: 3, maxProtocol: 3 }), "c1");
      expect(res.error).toEqual({
        code: "INVALID_REQUEST",
        message: "protocol mismatch",
        details: { code: "PROTOCOL_MISMATCH", clientMinProtocol: 3, clientMaxProtocol: 3, expectedProtocol: 4, minimumProbeProtocol: 3 },
      });
      expect(await sock.waitClose()).toEqual({ code: 1002, reason: "protocol mismatch" });

      const probe = await connected(gw.url, connectParams({ minProtocol: 3, maxProtocol: 4, client: { id: "cli", version: "1", platform: "linux", mode: "probe" } }));
      expect(probe.hello.ok).toBe(true);
      expect(probe.hello.payload.protocol).toBe(4);
      probe.sock.close();
    });

    test("frames sent while the handshake runs are queued and answered after hello-ok", async () => {
      const sock = await open(gw.url);
      sock.send({ type: "req", id: "c1", method: "connect", params: connectParams() });
      for (let i = 0; i < 15; i++) sock.send({ type: "req", id: `q${i}`, method: "health" });
      await sock.until(() => sock.frames.filter((f) => f.type === "res" && f.id?.startsWith("q")).length === 15);
      const order = sock.frames.filter((f) => f.type === "res").map((f) => f.id);
      expect(order[0]).toBe("c1");
      expect(sock.frames.filter((f) => f.id?.startsWith("q")).every((f) => f.ok)).toBe(true);
      sock.close();
    });

    test("a 16th frame during the handshake -> close 1008 too many pending handshake frames", async () => {
      // connect and 16 requests leave in one write, so they arrive together while the connect is still being checked
      // (a wrong token is answered only after the loopback failure delay, §4.5).
      const frames = new ServerFrames();
      const closed = new Promise<{ code: number; reason: string }>((resolve) => (frames.onClose = resolve));
      let challenged!: () => void;
      const challenge = new Promise<void>((r) => (challenged = r));
      const onFrame = (frame: { event?: string }) => {
        if (frame.event === "connect.challenge") challenged();
      };
      frames.onText = (text) => onFrame(JSON.parse(text));
      frames.onBinary = (bytes) => onFrame(decode(bytes) as { event?: string });
      const socket = await Bun.connect({ hostname: "127.0.0.1", port: gw.port, socket: { data: (_s, data) => frames.push(data) } });
      try {
        socket.write(upgradeRequest(gw.port, codec === "msgpack" ? MSGPACK_SUBPROTOCOL : undefined));
        await challenge;
        const burst = [{ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: "wrong" } }) }, ...Array.from({ length: 16 }, (_, i) => ({ type: "req", id: `q${i}`, method: "health" }))];
        socket.write(Buffer.concat(burst.map((f) => (codec === "msgpack" ? maskedBinary(encode(f)) : maskedText(JSON.stringify(f))))));
        expect(await closed).toEqual({ code: 1008, reason: "too many pending handshake frames" });
      } finally {
        socket.end();
      }
    });
  });

  describe("after hello-ok", () => {
    test("an unparsable frame is ignored; the socket keeps working", async () => {
      const { sock } = await connected(gw.url);
      sock.send(UNPARSABLE[codec]);
      expect((await sock.request("health")).ok).toBe(true);
      expect(sock.closed).toBeUndefined();
      sock.close();
    });

    test("a non-request frame -> res with its id and the validator text", async () => {
      const { sock } = await connected(gw.url);
      sock.send({ type: "res", id: "r9", ok: true });
      await sock.until(() => sock.frames.some((f) => f.id === "r9"));
      expect(sock.frames.find((f) => f.id === "r9")).toEqual({ type: "res", id: "r9", ok: false, error: { code: "INVALID_REQUEST", message: "invalid request frame: at /type: must be equal to constant" } });
      sock.send({ foo: 1 });
      await sock.until(() => sock.frames.some((f) => f.id === "invalid"));
      expect(sock.frames.find((f) => f.id === "invalid")!.error.message).toStartWith("invalid request frame: ");
      sock.close();
    });

    test("a second connect -> connect is only valid as the first request", async () => {
      const { sock } = await connected(gw.url);
      const res = await sock.request("connect", connectParams());
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "connect is only valid as the first request" });
      expect((await sock.request("health")).ok).toBe(true);
      sock.close();
    });

    test("bad method params -> invalid <method> params", async () => {
      const { sock } = await connected(gw.url);
      const res = await sock.request("system-event", { text: 5 });
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid system-event params: at /text: must be string" });
      sock.close();
    });

    test("frames up to maxPayload are accepted after auth (64 KiB is a pre-auth limit only)", async () => {
      const { sock } = await connected(gw.url);
      const res = await sock.request("system-event", { text: "y".repeat(200_000), instanceId: "big-event" });
      expect(res.ok).toBe(true);
      sock.close();
    });

    test("shared-secret clients without a device keep scopes only as local backend or local cli (§4.2)", async () => {
      const probe = await connected(gw.url, connectParams({ client: { id: "cli", version: "1", platform: "linux", mode: "probe" }, scopes: ["operator.read"] }));
      expect(probe.hello.payload.auth.scopes).toEqual([]);
      expect((await probe.sock.request("health")).ok).toBe(true);
      expect((await probe.sock.request("status")).error.details.code).toBe("MISSING_SCOPE");
      probe.sock.close();
      const cli = await connected(gw.url, connectParams({ client: { id: "cli", version: "1", platform: "linux", mode: "cli" }, scopes: ["operator.read"] }));
      expect(cli.hello.payload.auth.scopes).toEqual(["operator.read"]);
      cli.sock.close();
    });

    test("hello-ok carries the §2.4 shape; configPath only for admins", async () => {
      const admin = await connected(gw.url);
      const p = admin.hello.payload;
      expect(Object.keys(p).sort()).toEqual(["auth", "features", "policy", "protocol", "server", "snapshot", "type"]);
      expect(p.policy).toMatchObject({ maxPayload: 26_214_400, maxBufferedBytes: 52_428_800, tickIntervalMs: 30_000 });
      expect(p.snapshot.configPath).toBe(join(gw.stateDir, "openclaw.json"));
      expect(p.snapshot.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
      const reader = await connected(gw.url, connectParams({ scopes: ["operator.read"] }));
      expect(reader.hello.payload.snapshot.configPath).toBeUndefined();
      admin.sock.close();
      reader.sock.close();
    });
  });

  describe("frame codec", () => {
    /** Waits for the presence broadcast that announces `text` (system-event, §6) and returns it. */
    async function presenceFor(sock: RawSocket, text: string) {
      await sock.until(() => sock.events("presence").some((f) => JSON.stringify(f.payload).includes(text)));
      return sock.events("presence").find((f) => JSON.stringify(f.payload).includes(text))!;
    }

    test("the subprotocol is answered and every frame, responses and broadcasts, comes in the socket's codec", async () => {
      const { sock, hello } = await connected(gw.url);
      expect(sock.ws.protocol).toBe(codec === "msgpack" ? "openclaw.msgpack" : "");
      expect(hello.ok).toBe(true);
      expect((await sock.request("system-event", { text: `codec-${codec}`, instanceId: `codec-${codec}` })).ok).toBe(true);
      const presence = await presenceFor(sock, `codec-${codec}`);
      expect(presence.seq).toBeNumber();
      expect(presence.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
      expect(sock.binaryFrames).toBe(codec === "msgpack" ? sock.frames.length : 0);
      sock.close();
    });

    if (codec === "msgpack") test("a text frame on a MessagePack socket is unparsable: ignored after hello-ok, close 1000 before", async () => {
      const { sock } = await connected(gw.url);
      sock.send(JSON.stringify({ type: "req", id: "as-text", method: "health" }));
      expect((await sock.request("health")).ok).toBe(true);
      expect(sock.frames.some((f) => f.id === "as-text")).toBe(false);
      sock.close();
      const fresh = await open(gw.url);
      fresh.send(JSON.stringify({ type: "req", id: "c1", method: "connect", params: connectParams() }));
      expect(await fresh.waitClose()).toEqual({ code: 1000, reason: "" });
      await gatewayStillServes();
    });

    if (codec === "msgpack") test("MessagePack bin or ext values are outside the frame model -> unparsable, close 1000", async () => {
      // @msgpack/msgpack writes a Uint8Array as bin.
      const sock = await open(gw.url);
      sock.send(encode({ type: "req", id: "c1", method: "connect", params: new Uint8Array([1, 2]) }));
      expect(await sock.waitClose()).toEqual({ code: 1000, reason: "" });
      // The same frame with params null is a request, refused by the connect validator.
      const control = await open(gw.url);
      const res = await control.request("connect", null, "c1");
      expect(res.error.code).toBe("INVALID_REQUEST");
    });

    if (codec === "json") test("upgrade answers openclaw.msgpack wherever it is offered, else the first offer (as upstream's ws server)", async () => {
      // Over raw TCP, destroyed once the answer is read: an upgraded socket left open would hold one of
      // the address's two pre-auth read slots until the handshake timeout and stall the next test.
      const answer = async (offer: string) => {
        const socket = connectTcp({ host: "127.0.0.1", port: gw.port });
        let head = "";
        try {
          socket.write(upgradeRequest(gw.port, offer));
          for await (const chunk of socket) {
            head += chunk.toString("latin1");
            if (head.includes("\r\n\r\n")) break;
          }
        } finally {
          socket.destroy();
        }
        expect(head.split("\r\n")[0]).toBe("HTTP/1.1 101 Switching Protocols");
        return /^sec-websocket-protocol: (.*)$/im.exec(head)?.[1]?.trim() ?? null;
      };
      expect(await answer("foo, openclaw.msgpack")).toBe("openclaw.msgpack");
      expect(await answer("foo, bar")).toBe("foo");
    });

    if (codec === "json") test("a binary frame on a JSON socket is read as UTF-8 text, as upstream reads it", async () => {
      const { sock } = await connected(gw.url);
      sock.send(new TextEncoder().encode(JSON.stringify({ type: "req", id: "as-bytes", method: "health" })));
      await sock.until(() => sock.frames.some((f) => f.id === "as-bytes"));
      expect(sock.frames.find((f) => f.id === "as-bytes")!.ok).toBe(true);
      expect(sock.binaryFrames).toBe(0);
      sock.close();
    });

    if (codec === "msgpack") test("a JSON and a MessagePack socket of one view class see the same event with the same seq", async () => {
      const packed = (await connected(gw.url)).sock;
      const text = (await connectedWith(gw.url, connectParams(), "json")).sock;
      expect((await packed.request("system-event", { text: "codec-seq", instanceId: "codec-seq" })).ok).toBe(true);
      const [a, b] = await Promise.all([presenceFor(packed, "codec-seq"), presenceFor(text, "codec-seq")]);
      expect(a).toEqual(b);
      // Each got the event once, in its own codec only.
      expect(packed.binaryFrames).toBe(packed.frames.length);
      expect(text.binaryFrames).toBe(0);
      packed.close();
      text.close();
    });
  });

  describe("auth refusals on the wire", () => {
    test("wrong token: exact error, details and close reason", async () => {
      const sock = await open(gw.url);
      const res = await sock.request("connect", connectParams({ client: { id: "cli", version: "1", platform: "linux", mode: "cli" }, auth: { token: "nope" } }));
      const message = "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)";
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message, details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" } });
      expect(await sock.waitClose()).toEqual({ code: 1008, reason: message });
    });

    test("a browser Origin from a foreign site -> CONTROL_UI_ORIGIN_NOT_ALLOWED", async () => {
      const sock = await open(gw.url, { Origin: "https://evil.example" });
      const res = await sock.request("connect", connectParams());
      expect(res.error.details.code).toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED");
      expect((await sock.waitClose()).code).toBe(1008);
    });

    test("Origin look-alikes of local hosts -> CONTROL_UI_ORIGIN_NOT_ALLOWED; real local origins pass (§4.7)", async () => {
      for (const origin of ["http://127.evil.example", "http://fcbarcelona.com", "https://fdic.gov", "http://10.evil.example:18789", "http://localhost.evil.example"]) {
        const sock = await open(gw.url, { Origin: origin });
        const res = await sock.request("connect", connectParams());
        expect([origin, res.error?.details?.code]).toEqual([origin, "CONTROL_UI_ORIGIN_NOT_ALLOWED"]);
        sock.close();
      }
      for (const origin of ["http://127.0.0.1:5173", "http://[::1]:5173", "http://localhost:5173", "http://192.168.1.20:18789", "http://[::ffff:127.0.0.1]"]) {
        const sock = await open(gw.url, { Origin: origin });
        const res = await sock.request("connect", connectParams({ auth: { token: TEST_TOKEN } }));
        expect([origin, res.ok]).toEqual([origin, true]);
        sock.close();
      }
    });

    test("browser attempts from loopback get no lockout exemption, whatever Origin they rotate through: the 11th wrong token is rate limited (§4.5)", async () => {
      let last: any;
      for (let i = 0; i < 11; i++) {
        const sock = await open(gw.url, { Origin: `http://localhost:${5173 + i}` });
        last = (await sock.request("connect", connectParams({ auth: { token: `wrong-${i}` } }))).error;
        sock.close();
      }
      expect(last).toMatchObject({ message: "unauthorized: too many failed authentication attempts (retry later)", retryable: true, details: { code: "AUTH_RATE_LIMITED", recommendedNextStep: "wait_then_retry" } });
      expect(last.retryAfterMs).toBeGreaterThan(0);
      // The right token from any origin on this address is locked out too; plain loopback clients are not.
      const locked = await open(gw.url, { Origin: "http://127.0.0.1:9999" });
      expect((await locked.request("connect", connectParams({ auth: { token: TEST_TOKEN } }))).error.details.code).toBe("AUTH_RATE_LIMITED");
      await gatewayStillServes();
    });

    test("forwarded headers from an untrusted peer -> HTTP 403 at upgrade (§4.1)", async () => {
      const res = await fetch(`http://127.0.0.1:${gw.port}/`, { headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13", "X-Forwarded-For": "203.0.113.5" } });
      expect(res.status).toBe(403);
      expect((await res.json()).error.type).toBe("proxy_attribution_required");
    });
  });
});
