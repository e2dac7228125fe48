/** Failed-auth rate limiting (spec §4.5), on a controlled clock. */
import { describe, expect, test } from "bun:test";
import { AuthRateLimiter, DEFAULT_RATE_LIMIT } from "../../../core/auth/rate-limit.ts";

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
});
