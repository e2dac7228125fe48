/**
 * Failed-auth rate limiting per (peer address, credential kind) (spec §4.5):
 * a sliding window of failures leads to a lockout; loopback is never locked
 * out, but each failure there is answered after a doubling delay. Every
 * credential check (WebSocket connect, the bridge, `/v1` Bearer, and the
 * hooks and `/tools/invoke` endpoints) counts against the one limiter, keyed
 * by `attemptKey`, never by anything the client chooses. Runtime-agnostic.
 */
import { isLoopbackIp, normalizeIp } from "../net/address.ts";
import type { PeerInfo } from "../runtime.ts";

export interface RateLimitPolicy {
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
  exemptLoopback: boolean;
}

/** `gateway.auth.rateLimit` defaults. */
export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: true };

const LOOPBACK_DELAY_BASE_MS = 250;
const LOOPBACK_DELAY_MAX_MS = 5_000;
const LOOPBACK_HISTORY = 32;
const MAX_ENTRIES = 10_000;

/** Credential kinds counted separately, as upstream does. */
export type CredentialKind = "shared-secret" | "device-token" | "pairing-code" | "hook-token";

interface Entry {
  attempts: number[];
  lockedUntil?: number;
}

export type RateCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Outcome of one guarded credential check; `retryAfterMs` only when the peer is locked out. */
export type AttemptOutcome = { ok: true } | { ok: false; retryAfterMs?: number };

/**
 * The key a peer's failures count under: its socket address, which it cannot
 * choose (not its Origin, which it can). Browser attempts from loopback count
 * under the address too, apart and without the loopback exemption (§4.5).
 */
export function attemptKey(peer: Pick<PeerInfo, "remoteAddress" | "origin">): string {
  const ip = normalizeIp(peer.remoteAddress);
  return peer.origin?.trim() && isLoopbackIp(ip) ? `browser:${ip}` : ip;
}

export class AuthRateLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private policy: RateLimitPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Applies a hot-reloaded policy; counts so far are kept. */
  setPolicy(policy: RateLimitPolicy): void {
    this.policy = policy;
  }

  private exempt(ip: string): boolean {
    return this.policy.exemptLoopback && isLoopbackIp(ip);
  }

  private refresh(entry: Entry, now: number): void {
    if (entry.lockedUntil !== undefined && now >= entry.lockedUntil) {
      entry.lockedUntil = undefined;
      entry.attempts = [];
    }
    const cutoff = now - this.policy.windowMs;
    while (entry.attempts.length > 0 && entry.attempts[0]! <= cutoff) entry.attempts.shift();
  }

  /** Whether another attempt from `ip` with this credential kind may be checked at all. */
  check(ip: string, kind: CredentialKind): RateCheck {
    if (this.exempt(ip)) return { allowed: true };
    const entry = this.entries.get(`${kind}:${ip}`);
    if (!entry) return { allowed: true };
    const now = this.now();
    this.refresh(entry, now);
    if (entry.lockedUntil === undefined && entry.attempts.length >= this.policy.maxAttempts) entry.lockedUntil = now + this.policy.lockoutMs;
    if (entry.lockedUntil !== undefined) return { allowed: false, retryAfterMs: entry.lockedUntil - now };
    return { allowed: true };
  }

  /**
   * One credential check under the limiter, for every entry point that takes
   * a credential: refused unchecked while locked out, a mismatch recorded (and
   * answered after the loopback back-off), a match resetting the count.
   */
  async attempt(key: string, kind: CredentialKind, matches: () => boolean): Promise<AttemptOutcome> {
    const gate = this.check(key, kind);
    if (!gate.allowed) return { ok: false, retryAfterMs: gate.retryAfterMs };
    if (!matches()) {
      await this.recordFailure(key, kind);
      return { ok: false };
    }
    this.reset(key, kind);
    return { ok: true };
  }

  /**
   * Records one failure; resolves when the answer may be sent. Loopback callers
   * wait 250 ms doubling to 5 s per failure in the window.
   */
  recordFailure(ip: string, kind: CredentialKind): Promise<void> {
    const key = `${kind}:${ip}`;
    const now = this.now();
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= MAX_ENTRIES) this.prune(now);
      // Still full (a flood of distinct addresses): forget the oldest so memory stays bounded.
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      entry = { attempts: [] };
      this.entries.set(key, entry);
    }
    this.refresh(entry, now);
    entry.attempts.push(now);
    if (!this.exempt(ip)) {
      if (entry.attempts.length >= this.policy.maxAttempts) entry.lockedUntil = now + this.policy.lockoutMs;
      return Promise.resolve();
    }
    if (entry.attempts.length > LOOPBACK_HISTORY) entry.attempts.splice(0, entry.attempts.length - LOOPBACK_HISTORY);
    const delay = Math.min(LOOPBACK_DELAY_BASE_MS * 2 ** (entry.attempts.length - 1), LOOPBACK_DELAY_MAX_MS);
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  /** Forgets failures after a success. */
  reset(ip: string, kind: CredentialKind): void {
    this.entries.delete(`${kind}:${ip}`);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      this.refresh(entry, now);
      if (entry.lockedUntil === undefined && entry.attempts.length === 0) this.entries.delete(key);
    }
  }
}
