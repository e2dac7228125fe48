/**
 * Sender (DM) pairing for chat channels: an unknown sender gets a short code,
 * the owner approves it and the sender joins the channel account's allowlist
 * (`allowFrom`), or denies it and the request is dropped. Codes expire, each
 * channel account holds a bounded number, and wrong codes are rate-limited per
 * channel so they cannot be guessed. Channels call `request` and `isAllowed`;
 * the owner reaches the rest through `channels.pairing.*` and the CLI.
 * Runtime-agnostic.
 */
import type { AuthRateLimiter } from "../auth/rate-limit.ts";
import { GatewayError, invalidRequest } from "../protocol/errors.ts";
import type { SenderPairingRequest, SenderPairingStore } from "../store.ts";
import { normalizeCode, uniqueCode } from "./codes.ts";
import type { SenderPairingPolicy } from "./policy.ts";

/** The account a channel uses when it has only one. */
export const DEFAULT_ACCOUNT_ID = "default";

/** What a channel learns when a sender writes in. */
export type SenderStatus =
  | { status: "allowed" }
  | { status: "pending"; code: string; requestId: string; created: boolean; expiresAtMs: number }
  /** The channel already holds `maxPending` live codes: tell the sender to try later. */
  | { status: "full" };

/** A resolved request and the account's allowlist afterwards. */
export interface Resolution {
  request: SenderPairingRequest;
  allowFrom: string[];
}

export interface SenderPairingDeps {
  store: SenderPairingStore;
  limiter: AuthRateLimiter;
  policy: () => SenderPairingPolicy;
  now: () => number;
}

/** Guesses are counted per channel, not per address, so spreading them over hosts does not help. */
function guessKey(channel: string): string {
  return `channel:${channel}`;
}

export class SenderPairing {
  constructor(private readonly deps: SenderPairingDeps) {}

  private live(r: SenderPairingRequest, now: number): boolean {
    return now - r.createdAtMs <= this.deps.policy().codeExpiryMs;
  }

  /** Deletes the channel's expired codes; returns the live ones. */
  private prune(channel: string, now: number): SenderPairingRequest[] {
    const kept: SenderPairingRequest[] = [];
    for (const r of this.deps.store.listSenderRequests(channel)) {
      if (this.live(r, now)) kept.push(r);
      else this.deps.store.deleteSenderRequest(r.channel, r.accountId, r.senderId);
    }
    return kept;
  }

  /**
   * A message from `senderId` arrived: allowed senders pass; others get their
   * live code (the same one on every retry until it expires) or a new one.
   */
  request(input: { channel: string; accountId?: string; senderId: string; meta?: Record<string, string> }): SenderStatus {
    const { channel, senderId } = input;
    const accountId = input.accountId ?? DEFAULT_ACCOUNT_ID;
    const now = this.deps.now();
    const { codeExpiryMs, maxPending } = this.deps.policy();
    return this.deps.store.transaction((): SenderStatus => {
      if (this.deps.store.listAllowFrom(channel, accountId).includes(senderId)) return { status: "allowed" };
      const live = this.prune(channel, now);
      const existing = live.find((r) => r.accountId === accountId && r.senderId === senderId);
      if (existing) {
        this.deps.store.putSenderRequest({ ...existing, lastSeenAtMs: now, meta: input.meta ?? existing.meta });
        return { status: "pending", code: existing.code, requestId: existing.requestId, created: false, expiresAtMs: existing.createdAtMs + codeExpiryMs };
      }
      // As upstream, the bound is per channel account (docs/channels/pairing.md).
      if (live.filter((r) => r.accountId === accountId).length >= maxPending) return { status: "full" };
      const request: SenderPairingRequest = {
        channel,
        accountId,
        senderId,
        code: uniqueCode(new Set(live.map((r) => r.code))),
        requestId: crypto.randomUUID(),
        createdAtMs: now,
        lastSeenAtMs: now,
        ...(input.meta ? { meta: input.meta } : {}),
      };
      this.deps.store.putSenderRequest(request);
      return { status: "pending", code: request.code, requestId: request.requestId, created: true, expiresAtMs: now + codeExpiryMs };
    });
  }

  /** Whether a sender is on the channel account's allowlist. */
  isAllowed(channel: string, accountId: string, senderId: string): boolean {
    return this.deps.store.listAllowFrom(channel, accountId).includes(senderId);
  }

  /** Live requests, oldest first; expired ones are hidden (and removed on the next write). */
  list(filter: { channel?: string; accountId?: string } = {}): SenderPairingRequest[] {
    const now = this.deps.now();
    return this.deps.store.listSenderRequests(filter.channel).filter((r) => this.live(r, now) && (filter.accountId === undefined || r.accountId === filter.accountId));
  }

  /** The channel account's allowlist. */
  allowFrom(channel: string, accountId: string = DEFAULT_ACCOUNT_ID): string[] {
    return this.deps.store.listAllowFrom(channel, accountId);
  }

  /** Approves by code: the sender joins `allowFrom`. Wrong codes count toward the lockout. */
  approveCode(channel: string, code: string): Promise<Resolution> {
    return this.byCode(channel, code, true);
  }

  /** Denies by code: the request is dropped; the sender may ask again later. */
  denyCode(channel: string, code: string): Promise<Resolution> {
    return this.byCode(channel, code, false);
  }

  /** Approves by opaque request id (`channels.pairing.approve`). */
  approveRequest(channel: string, requestId: string, accountId?: string): Resolution {
    return this.resolve(this.byId(channel, requestId, accountId), true);
  }

  /** Dismisses by opaque request id (`channels.pairing.dismiss`). */
  dismissRequest(channel: string, requestId: string, accountId?: string): Resolution {
    return this.resolve(this.byId(channel, requestId, accountId), false);
  }

  private async byCode(channel: string, code: string, approve: boolean): Promise<Resolution> {
    const { limiter } = this.deps;
    const gate = limiter.check(guessKey(channel), "pairing-code");
    // While locked out even the right code is refused, or guessing could go on (§4.5 applied to codes).
    if (!gate.allowed) {
      throw new GatewayError({ code: "UNAVAILABLE", message: "too many failed pairing code attempts (retry later)", retryable: true, retryAfterMs: gate.retryAfterMs, details: { code: "PAIRING_CODE_RATE_LIMITED" } });
    }
    const wanted = normalizeCode(code);
    const now = this.deps.now();
    const request = this.deps.store.getSenderRequestByCode(channel, wanted);
    if (!request || !this.live(request, now)) {
      await limiter.recordFailure(guessKey(channel), "pairing-code");
      throw invalidRequest(`no pending pairing request for code "${code}"`, { code: "PAIRING_CODE_UNKNOWN", channel });
    }
    return this.resolve(request, approve);
  }

  private byId(channel: string, requestId: string, accountId: string | undefined): SenderPairingRequest {
    const request = this.deps.store.getSenderRequestById(requestId);
    if (!request || request.channel !== channel || (accountId !== undefined && request.accountId !== accountId) || !this.live(request, this.deps.now())) {
      throw invalidRequest("pending DM access request no longer exists");
    }
    return request;
  }

  private resolve(request: SenderPairingRequest, approve: boolean): Resolution {
    const { store } = this.deps;
    const now = this.deps.now();
    return store.transaction(() => {
      store.deleteSenderRequest(request.channel, request.accountId, request.senderId);
      if (approve) store.addAllowFrom(request.channel, request.accountId, request.senderId, now);
      return { request, allowFrom: store.listAllowFrom(request.channel, request.accountId) };
    });
  }
}
