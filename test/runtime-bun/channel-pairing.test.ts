/**
 * `channels.pairing.*` over real sockets against a real gateway and its
 * SQLite file: upstream's shapes, clawgate's code-based approve/deny, the
 * scope gate, and code guessing locked out with the database unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { databasePath } from "../../runtime-bun/sqlite-store.ts";
import { dumpDatabase } from "../harness/db-dump.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";

let gw: TestGateway;
let owner: RawSocket;

beforeAll(async () => {
  gw = await startTestGateway({ config: { pairing: { codeExpiry: 600, maxPending: 5 } } });
  owner = (await connected(gw.url, connectParams({ scopes: ["operator.pairing"] }))).sock;
});
afterAll(async () => {
  owner.close();
  await gw.stop();
});

/** What a channel does when an unknown sender writes in: the core API channels will call. */
function senderWritesIn(channel: string, senderId: string, accountId?: string): { code: string; requestId: string } {
  const r = gw.running.gateway.senders.request({ channel, senderId, accountId, meta: { username: `user-${senderId}` } });
  if (r.status !== "pending") throw new Error(`expected pending, got ${r.status}`);
  return r;
}

describe("channels.pairing.list", () => {
  test("upstream's shape plus each request's code; limits come from pairing.* config", async () => {
    const { code, requestId } = senderWritesIn("telegram", "1001");
    const res = await owner.request("channels.pairing.list", { channel: "telegram" });
    expect(res.ok).toBe(true);
    const { accounts, requests, commandOwnerConfigured, limits } = res.payload;
    expect(accounts).toEqual([{ channel: "telegram", channelLabel: "telegram", accountId: "default", notifySupported: false }]);
    expect(commandOwnerConfigured).toBe(false);
    expect(limits).toEqual({ pendingPerAccount: 5, ttlMs: 600_000 });
    const mine = requests.find((r: any) => r.requestId === requestId);
    expect(mine).toEqual({
      requestId, channel: "telegram", channelLabel: "telegram", accountId: "default", senderId: "1001", metadata: { username: "user-1001" },
      createdAt: expect.any(String), lastSeenAt: expect.any(String), expiresAt: expect.any(String), notifySupported: false, code,
    });
    expect(Date.parse(mine.expiresAt) - Date.parse(mine.createdAt)).toBe(600_000);
  });

  test("bad params -> INVALID_REQUEST with the validator's text", async () => {
    const res = await owner.request("channels.pairing.list", { channel: "Tele gram" });
    expect(res.error.code).toBe("INVALID_REQUEST");
    expect(res.error.message).toStartWith("invalid channels.pairing.list params:");
    const extra = await owner.request("channels.pairing.approve", { channel: "telegram", code: "ABCDEFGH", requestId: "x" });
    expect(extra.error.message).toContain("pass exactly one of requestId or code");
  });

  test("needs operator.pairing: a read-only operator gets MISSING_SCOPE", async () => {
    const { sock } = await connected(gw.url, connectParams({ scopes: ["operator.read"] }));
    try {
      const res = await sock.request("channels.pairing.list", {});
      expect(res.error).toEqual({ code: "FORBIDDEN", message: "missing scope: operator.pairing", details: { code: "MISSING_SCOPE", missingScope: "operator.pairing", requiredScopes: ["operator.pairing"] } });
    } finally {
      sock.close();
    }
  });
});

describe("approve and dismiss", () => {
  test("approve by code -> allowFrom holds the sender; result in upstream's shape", async () => {
    const { code, requestId } = senderWritesIn("telegram", "2002");
    const res = await owner.request("channels.pairing.approve", { channel: "telegram", code: code.toLowerCase() });
    expect(res.payload).toEqual({ requestId, senderId: "2002", notification: "not-requested", commandOwnerBootstrap: "not-requested" });
    expect(gw.running.gateway.senders.isAllowed("telegram", "default", "2002")).toBe(true);
  });

  test("approve by requestId and accountId, as the Control UI does; notify is reported unsupported", async () => {
    const { requestId } = senderWritesIn("signal", "3003", "work");
    const res = await owner.request("channels.pairing.approve", { channel: "signal", accountId: "work", requestId, notify: true });
    expect(res.payload).toMatchObject({ requestId, senderId: "3003", notification: "unsupported" });
    expect(gw.running.gateway.senders.allowFrom("signal", "work")).toEqual(["3003"]);
    const again = await owner.request("channels.pairing.approve", { channel: "signal", accountId: "work", requestId });
    expect(again.error).toEqual({ code: "INVALID_REQUEST", message: "pending DM access request no longer exists" });
  });

  test("bootstrapCommandOwner needs operator.admin", async () => {
    const { requestId } = senderWritesIn("telegram", "4004");
    const res = await owner.request("channels.pairing.approve", { channel: "telegram", requestId, bootstrapCommandOwner: true });
    expect(res.error.details).toMatchObject({ code: "MISSING_SCOPE", missingScope: "operator.admin" });
    expect(gw.running.gateway.senders.isAllowed("telegram", "default", "4004")).toBe(false);
  });

  test("dismiss by code drops the request and allows nobody", async () => {
    const { code, requestId } = senderWritesIn("telegram", "5005");
    const res = await owner.request("channels.pairing.dismiss", { channel: "telegram", code });
    expect(res.payload).toEqual({ requestId, senderId: "5005" });
    expect(gw.running.gateway.senders.isAllowed("telegram", "default", "5005")).toBe(false);
    expect(gw.running.gateway.senders.list({ channel: "telegram" }).some((r) => r.senderId === "5005")).toBe(false);
  });
});

describe("code guessing", () => {
  test("wrong codes are refused, then the channel locks (even the right code); the database never changes", async () => {
    const { code } = senderWritesIn("discord", "6006");
    const before = dumpDatabase(databasePath(gw.dir));
    for (let i = 0; i < 10; i++) {
      const res = await owner.request("channels.pairing.approve", { channel: "discord", code: `ZZZZZZ${i}${i}` });
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message: `no pending pairing request for code "ZZZZZZ${i}${i}"`, details: { code: "PAIRING_CODE_UNKNOWN", channel: "discord" } });
    }
    const locked = await owner.request("channels.pairing.approve", { channel: "discord", code });
    expect(locked.error).toMatchObject({ code: "UNAVAILABLE", message: "too many failed pairing code attempts (retry later)", retryable: true, details: { code: "PAIRING_CODE_RATE_LIMITED" } });
    expect(locked.error.retryAfterMs).toBeGreaterThan(299_000);
    expect(dumpDatabase(databasePath(gw.dir))).toEqual(before);
    expect(gw.running.gateway.senders.isAllowed("discord", "default", "6006")).toBe(false);
  });
});
