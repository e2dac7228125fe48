/** Failed-auth rate limiting (spec §4.5), on a controlled clock. */
import { describe, expect, test } from "bun:test";
import { attemptKey, AuthRateLimiter, DEFAULT_RATE_LIMIT } from "../../../core/auth/rate-limit.ts";

describe("AuthRateLimiter", () => {
  test("remote: 10 failures in 60 s lock out for 5 min, then the window clears", async () => {
    let now = 1_000_000;
    const rl = new AuthRateLimiter(DEFAULT_RATE_LIMIT, () => now);
    for (let i = 0; i < 9; i++) await rl.recordFailure("203.0.113.9", "shared-secret");
    expect(rl.check("203.0.113.9", "shared-secret")).toEqual({ allowed: true });
    await rl.recordFailure("203.0.113.9", "shared-secret");
    expect(rl.check("203.0.113.9", "shared-secret")).toEqual({ allowed: false, retryAfterMs: 300_000 });
    expect(rl.check("203.0.113.9", "device-token")).toEqual({ allowed: true });
    expect(rl.check("203.0.113.10", "shared-secret")).toEqual({ allowed: true });
    now += 300_000;
    expect(rl.check("203.0.113.9", "shared-secret")).toEqual({ allowed: true });
  });

  test("failures older than the window do not count", async () => {
    let now = 0;
    const rl = new AuthRateLimiter(DEFAULT_RATE_LIMIT, () => now);
    for (let i = 0; i < 9; i++) await rl.recordFailure("198.51.100.1", "shared-secret");
    now += 61_000;
    await rl.recordFailure("198.51.100.1", "shared-secret");
    expect(rl.check("198.51.100.1", "shared-secret").allowed).toBe(true);
  });

  test("a success resets the count", async () => {
    const rl = new AuthRateLimiter(DEFAULT_RATE_LIMIT);
    for (let i = 0; i < 9; i++) await rl.recordFailure("198.51.100.2", "shared-secret");
    rl.reset("198.51.100.2", "shared-secret");
    await rl.recordFailure("198.51.100.2", "shared-secret");
    expect(rl.check("198.51.100.2", "shared-secret").allowed).toBe(true);
  });

  test("loopback is never locked out; each failure is answered after a delay", async () => {
    const rl = new AuthRateLimiter(DEFAULT_RATE_LIMIT);
    const started = performance.now();
    await rl.recordFailure("127.0.0.1", "shared-secret");
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    for (let i = 0; i < 20; i++) void rl.recordFailure("::1", "shared-secret");
    expect(rl.check("::1", "shared-secret")).toEqual({ allowed: true });
  });

  test("attempt: a mismatch counts, a locked-out peer is refused unchecked with retryAfterMs, a match resets", async () => {
    let now = 0;
    const rl = new AuthRateLimiter(DEFAULT_RATE_LIMIT, () => now);
    let checked = 0;
    const wrong = () => (checked++, false);
    for (let i = 0; i < 10; i++) expect(await rl.attempt("203.0.113.7", "shared-secret", wrong)).toEqual({ ok: false });
    expect(await rl.attempt("203.0.113.7", "shared-secret", () => (checked++, true))).toEqual({ ok: false, retryAfterMs: 300_000 });
    expect(checked).toBe(10);
    now += 300_000;
    expect(await rl.attempt("203.0.113.7", "shared-secret", () => true)).toEqual({ ok: true });
    expect(await rl.attempt("203.0.113.7", "shared-secret", wrong)).toEqual({ ok: false });
    expect(rl.check("203.0.113.7", "shared-secret")).toEqual({ allowed: true });
  });
});

describe("attemptKey", () => {
  test("keyed by the socket address, never by the Origin; mapped IPv4 is IPv4", () => {
    expect(attemptKey({ remoteAddress: "203.0.113.7", origin: "https://a.example" })).toBe(attemptKey({ remoteAddress: "::ffff:203.0.113.7", origin: "https://b.example" }));
    expect(attemptKey({ remoteAddress: "203.0.113.7" })).toBe("203.0.113.7");
  });

  test("browser attempts from loopback: one key per address, not exempt from lockout (§4.5)", async () => {
    const a = attemptKey({ remoteAddress: "127.0.0.1", origin: "http://localhost:1" });
    expect(a).toBe(attemptKey({ remoteAddress: "::ffff:127.0.0.1", origin: "http://localhost:2" }));
    const rl = new AuthRateLimiter(DEFAULT_RATE_LIMIT);
    for (let i = 0; i < 10; i++) await rl.recordFailure(a, "shared-secret");
    expect(rl.check(a, "shared-secret").allowed).toBe(false);
  });
});
