/**
 * Upgrade admission in memory: the one place both shims learn whether a
 * request becomes a WebSocket, is refused, or goes to the HTTP app.
 */
import { describe, expect, test } from "bun:test";
import { admitUpgrade, peerFrom } from "../../../core/http/upgrade.ts";
import { jsonCodec, msgpackCodec } from "../../../core/protocol/codec.ts";

const ws = (extra: Record<string, string> = {}) => new Headers({ upgrade: "websocket", host: "127.0.0.1:18789", ...extra });

describe("admitUpgrade", () => {
  test("WebSocket upgrade to / -> accept with the socket's peer and JSON", () => {
    const d = admitUpgrade({ remoteAddress: "127.0.0.1", url: "/", headers: ws({ origin: "http://localhost", "user-agent": "ua/1" }) }, []);
    expect(d.kind).toBe("accept");
    if (d.kind !== "accept") return;
    expect(d.codec).toBe(jsonCodec);
    expect(d.subprotocol).toBeUndefined();
    expect({ ...d.peer, headers: undefined }).toEqual({ remoteAddress: "127.0.0.1", isLoopback: true, origin: "http://localhost", host: "127.0.0.1:18789", forwarded: false, userAgent: "ua/1", headers: undefined });
  });

  test("Upgrade header in any case, absolute target, a query -> accept", () => {
    expect(admitUpgrade({ remoteAddress: "127.0.0.1", url: "/", headers: new Headers({ upgrade: "WebSocket" }) }, []).kind).toBe("accept");
    expect(admitUpgrade({ remoteAddress: "127.0.0.1", url: "http://127.0.0.1:18789/?x=1", headers: ws() }, []).kind).toBe("accept");
  });

  test("openclaw.msgpack offered -> accept with MessagePack, answering that subprotocol", () => {
    const d = admitUpgrade({ remoteAddress: "::1", url: "/", headers: ws({ "sec-websocket-protocol": "x, openclaw.msgpack" }) }, []);
    expect(d.kind === "accept" && [d.codec, d.subprotocol, d.peer.isLoopback]).toEqual([msgpackCodec, "openclaw.msgpack", true]);
  });

  for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
    test(`${header} from an untrusted peer -> refuse 403 proxy_attribution_required (§4.1)`, async () => {
      const d = admitUpgrade({ remoteAddress: "127.0.0.1", url: "/", headers: ws({ [header]: "203.0.113.7" }) }, ["10.0.0.1"]);
      expect(d.kind).toBe("refuse");
      if (d.kind !== "refuse") return;
      expect(d.response.status).toBe(403);
      expect(((await d.response.json()) as { error: { type: string } }).error.type).toBe("proxy_attribution_required");
    });
  }

  test("proxy headers from a trusted proxy -> accept, the peer marked forwarded", () => {
    const d = admitUpgrade({ remoteAddress: "10.0.0.1", url: "/", headers: ws({ "x-forwarded-for": "203.0.113.7" }) }, ["10.0.0.1"]);
    expect(d.kind === "accept" && [d.peer.remoteAddress, d.peer.forwarded, d.peer.isLoopback]).toEqual(["10.0.0.1", true, false]);
  });

  test("plain GET, or an upgrade to another path -> http, even with proxy headers (the app answers)", () => {
    const get = admitUpgrade({ remoteAddress: "127.0.0.1", url: "/health", headers: new Headers({ "x-forwarded-for": "1.2.3.4" }) }, []);
    expect(get.kind === "http" && get.peer.forwarded).toBe(true);
    expect(admitUpgrade({ remoteAddress: "127.0.0.1", url: "http://127.0.0.1:18789/other", headers: ws() }, []).kind).toBe("http");
  });
});

describe("peerFrom", () => {
  test("no headers -> only the socket's facts", () => {
    const headers = new Headers();
    expect(peerFrom("192.0.2.4", headers)).toEqual({ remoteAddress: "192.0.2.4", isLoopback: false, origin: undefined, host: undefined, forwarded: false, userAgent: undefined, headers });
  });
});
