/**
 * Sender (DM) pairing: codes, expiry, the per-channel bound, approve into
 * `allowFrom`, deny, and the code-guessing lockout, on a controlled clock
 * over the real SQLite store in a temp dir.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuthRateLimiter, DEFAULT_RATE_LIMIT } from "../../../core/auth/rate-limit.ts";
import { configSchema } from "../../../core/config/schema.ts";
import { CODE_ALPHABET, CODE_LENGTH, normalizeCode, randomCode } from "../../../core/sender-pairing/codes.ts";
import { DEFAULT_SENDER_PAIRING, senderPairingPolicy, type SenderPairingPolicy } from "../../../core/sender-pairing/policy.ts";
import { SenderPairing } from "../../../core/sender-pairing/sender-pairing.ts";
import { GatewayError } from "../../../core/protocol/errors.ts";
import { formatIssues } from "../../../core/protocol/validation.ts";
import { databasePath, SqliteStore } from "../../../runtime-bun/sqlite-store.ts";
import { dumpDatabase } from "../../harness/db-dump.ts";

let dir: string;
let store: SqliteStore;
let now: number;
let policy: SenderPairingPolicy;
let pairing: SenderPairing;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "clawgate-pairing-"));
  store = new SqliteStore(databasePath(dir));
  now = 1_800_000_000_000;
  policy = DEFAULT_SENDER_PAIRING;
  pairing = new SenderPairing({ store, limiter: new AuthRateLimiter(DEFAULT_RATE_LIMIT, () => now), policy: () => policy, now: () => now });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function pendingCode(channel: string, senderId: string): string {
  const r = pairing.request({ channel, senderId });
  if (r.status !== "pending") throw new Error(`expected pending, got ${r.status}`);
  return r.code;
}

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  const error = await p.then(() => undefined, (e) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("codes", () => {
  test("eight characters from an alphabet without 0/O and 1/I, every symbol reachable", () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[01OI]/);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = randomCode();
      expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`));
      for (const c of code) seen.add(c);
    }
    expect(seen.size).toBe(32);
  });

  test("typed codes are normalized: case, spaces, a dash", () => {
    expect(normalizeCode("  abcd-efgh ")).toBe("ABCDEFGH");
  });
});

describe("requests", () => {
  test("an unknown sender gets a code; asking again returns the same code until it expires", () => {
    const first = pairing.request({ channel: "telegram", senderId: "42", meta: { username: "ada" } });
    expect(first).toMatchObject({ status: "pending", created: true, expiresAtMs: now + 3_600_000 });
    now += 60_000;
    const again = pairing.request({ channel: "telegram", senderId: "42" });
    expect(again).toMatchObject({ status: "pending", created: false, code: (first as { code: string }).code });
    expect(pairing.list({ channel: "telegram" })).toEqual([
      expect.objectContaining({ channel: "telegram", accountId: "default", senderId: "42", lastSeenAtMs: now, meta: { username: "ada" } }),
    ]);
  });

  test("codes expire after pairing.codeExpiry (upstream's 1 hour): hidden, unusable, and a fresh code is issued", async () => {
    const code = pendingCode("telegram", "42");
    now += 3_600_000;
    expect(pairing.list()).toHaveLength(1);
    now += 1;
    expect(pairing.list()).toEqual([]);
    expect((await failure(pairing.approveCode("telegram", code))).shape.message).toBe(`no pending pairing request for code "${code}"`);
    const fresh = pairing.request({ channel: "telegram", senderId: "42" });
    expect(fresh).toMatchObject({ status: "pending", created: true });
  });

  test("at most pairing.maxPending (upstream's 3) pending per channel account; other accounts and channels are separate", () => {
    for (let i = 0; i < 3; i++) pendingCode("telegram", `s${i}`);
    expect(pairing.request({ channel: "telegram", senderId: "s10" })).toEqual({ status: "full" });
    expect(pairing.request({ channel: "telegram", senderId: "s2" })).toMatchObject({ status: "pending", created: false });
    expect(pairing.request({ channel: "telegram", accountId: "work", senderId: "s10" })).toMatchObject({ status: "pending", created: true });
    expect(pairing.request({ channel: "signal", senderId: "s10" })).toMatchObject({ status: "pending", created: true });
    now += 3_600_001;
    expect(pairing.request({ channel: "telegram", senderId: "s10" })).toMatchObject({ status: "pending", created: true });
    expect(pairing.list({ channel: "telegram" })).toHaveLength(1);
  });

  test("codes are unique within a channel", () => {
    policy = { ...policy, maxPending: 10 };
    const codes = new Set<string>();
    for (let i = 0; i < 10; i++) codes.add(pendingCode("telegram", `s${i}`));
    expect(codes.size).toBe(10);
  });

  test("config: pairing.codeExpiry / pairing.maxPending apply; bad values fall back to the defaults", () => {
    expect(senderPairingPolicy({ pairing: { codeExpiry: 60, maxPending: 2 } })).toEqual({ codeExpiryMs: 60_000, maxPending: 2 });
    expect(senderPairingPolicy({ pairing: { codeExpiry: -5, maxPending: "many" } })).toEqual(DEFAULT_SENDER_PAIRING);
    expect(senderPairingPolicy({})).toEqual({ codeExpiryMs: 3_600_000, maxPending: 3 });
    // The config loader refuses such values with a clear message before they get here.
    const bad = configSchema.safeParse({ pairing: { codeExpiry: -5 } });
    expect(bad.success ? "" : formatIssues(bad.error.issues)).toBe("at /pairing/codeExpiry: must be >= 1");
    policy = { codeExpiryMs: 60_000, maxPending: 2 };
    pendingCode("telegram", "a");
    pendingCode("telegram", "b");
    expect(pairing.request({ channel: "telegram", senderId: "c" })).toEqual({ status: "full" });
  });
});

describe("approve and deny", () => {
  test("approve by code (any case) adds the sender to allowFrom; it then passes", async () => {
    const code = pendingCode("telegram", "42");
    const { request, allowFrom } = await pairing.approveCode("telegram", code.toLowerCase());
    expect(request.senderId).toBe("42");
    expect(allowFrom).toEqual(["42"]);
    expect(pairing.isAllowed("telegram", "default", "42")).toBe(true);
    expect(pairing.request({ channel: "telegram", senderId: "42" })).toEqual({ status: "allowed" });
    expect(pairing.list()).toEqual([]);
    expect(pairing.isAllowed("signal", "default", "42")).toBe(false);
  });

  test("deny drops the request without allowing; the sender may ask again", async () => {
    const code = pendingCode("telegram", "42");
    await pairing.denyCode("telegram", code);
    expect(pairing.list()).toEqual([]);
    expect(pairing.allowFrom("telegram")).toEqual([]);
    expect(pairing.request({ channel: "telegram", senderId: "42" })).toMatchObject({ status: "pending", created: true });
  });

  test("a code is scoped to its channel", async () => {
    const code = pendingCode("telegram", "42");
    expect((await failure(pairing.approveCode("signal", code))).shape.details).toEqual({ code: "PAIRING_CODE_UNKNOWN", channel: "signal" });
  });

  test("by request id: the channel and account must match", () => {
    const r = pairing.request({ channel: "telegram", accountId: "work", senderId: "42" }) as { requestId: string };
    expect(() => pairing.approveRequest("signal", r.requestId)).toThrow("pending DM access request no longer exists");
    expect(() => pairing.approveRequest("telegram", r.requestId, "home")).toThrow("pending DM access request no longer exists");
    expect(pairing.approveRequest("telegram", r.requestId, "work").allowFrom).toEqual(["42"]);
    expect(pairing.allowFrom("telegram", "work")).toEqual(["42"]);
    expect(pairing.allowFrom("telegram", "default")).toEqual([]);
  });
});

describe("code guessing (rate limit kind pairing-code)", () => {
  test("10 wrong codes lock the channel for 5 min: even the right code is refused, nothing changes", async () => {
    const code = pendingCode("telegram", "42");
    const before = dumpDatabase(databasePath(dir));
    for (let i = 0; i < 10; i++) {
      const e = await failure(pairing.approveCode("telegram", "WRONG" + String(i).padStart(3, "2")));
      expect(e.shape.code).toBe("INVALID_REQUEST");
    }
    const locked = await failure(pairing.approveCode("telegram", code));
    expect(locked.shape).toEqual({ code: "UNAVAILABLE", message: "too many failed pairing code attempts (retry later)", retryable: true, retryAfterMs: 300_000, details: { code: "PAIRING_CODE_RATE_LIMITED" } });
    expect((await failure(pairing.denyCode("telegram", code))).shape.code).toBe("UNAVAILABLE");
    expect(dumpDatabase(databasePath(dir))).toEqual(before);

    // Another channel is unaffected; after the lockout the right code works.
    const other = pendingCode("signal", "7");
    await pairing.approveCode("signal", other);
    now += 300_000;
    policy = { ...policy, codeExpiryMs: 3_600_000 };
    expect((await pairing.approveCode("telegram", code)).allowFrom).toEqual(["42"]);
  });
});
