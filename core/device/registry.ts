/**
 * Device pairing and device tokens (spec §4.3, §4.4, §6 `device.*`): who is
 * paired with which roles and scopes, pending requests, and token issue,
 * rotation and revocation. Tokens are stored only as hashes.
 * Runtime-agnostic.
 */
import nacl from "tweetnacl";
import { Close, GatewayError, invalidRequest } from "../protocol/errors.ts";
import { effectiveScopes, scopesWithin } from "../scopes/scopes.ts";
import type { DeviceStore, DeviceTokenRecord, PairedDevice, PendingPairing } from "../store.ts";
import { randomToken, toHex } from "./encoding.ts";

/** Pending requests expire after five minutes (§4.4). */
export const PENDING_TTL_MS = 5 * 60_000;
/** At most this many pending requests are kept; the oldest goes first. */
export const MAX_PENDING = 64;

/** What a connecting device brings to the pairing step. */
export interface AdmitRequest {
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: string[];
  client: { id: string; mode: string; platform: string; deviceFamily?: string; displayName?: string };
  method: string;
  /** Direct loopback, no proxy headers, no browser Origin. */
  silentAllowed: boolean;
  now: number;
}

/** The device side of an admitted connect. */
export interface DeviceAdmission {
  deviceId: string;
  /** A freshly minted token for `hello-ok.auth.deviceToken`, when one was issued now. */
  issued?: { token: string; role: string; scopes: string[]; issuedAtMs: number };
}

/** Where pairing events go (§7: `device.pair.requested` / `resolved`). */
export type PairingEventSink = (event: "device.pair.requested" | "device.pair.resolved", payload: Record<string, unknown>) => void;

/** Result of checking a presented device token. */
export type TokenCheck = "ok" | "mismatch" | "scope-mismatch";

function hashToken(token: string): string {
  return toHex(nacl.hash(new TextEncoder().encode(token)));
}

/** Constant-time equality of two equal-length hex digests. */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function normalized(value: string | undefined): string {
  return (value ?? "").trim().toLowerCase();
}

export class DeviceRegistry {
  constructor(
    private readonly store: DeviceStore,
    private readonly emit: PairingEventSink,
    private readonly options: { autoApproveLocal: () => boolean },
  ) {}

  /** Checks a presented device token against the stored hash and its grant (§4.3). */
  verifyToken(deviceId: string, role: string, token: string, scopes: readonly string[]): TokenCheck {
    const record = this.store.getToken(deviceId, role);
    if (!record || !this.store.getPaired(deviceId) || !sameDigest(hashToken(token), record.tokenHash)) return "mismatch";
    return scopesWithin(scopes, record.scopes) ? "ok" : "scope-mismatch";
  }

  /**
   * The pairing step of connect (§4.4): a paired device within its grant
   * passes; anything else becomes a pending request (approved at once when the
   * silent local rule allows) or the PAIRING_REQUIRED refusal.
   */
  admit(req: AdmitRequest): DeviceAdmission {
    const paired = this.store.getPaired(req.deviceId);
    const reason = this.upgradeReason(paired, req);
    if (reason === null) return { deviceId: req.deviceId, issued: this.ensureToken(req.deviceId, req.role, paired!.scopes, req.now) };

    if (req.silentAllowed && this.options.autoApproveLocal() && this.silentFor(reason, req)) {
      const requestId = crypto.randomUUID();
      const device = this.store.transaction(() => {
        this.supersede(req.deviceId, req.now);
        return this.approveInto(paired, this.pendingFrom(req, requestId, reason, paired), "silent", req.now);
      });
      this.emit("device.pair.resolved", { requestId, deviceId: req.deviceId, decision: "approved", ts: req.now });
      return { deviceId: req.deviceId, issued: this.ensureToken(device.deviceId, req.role, device.scopes, req.now) };
    }

    const pending = this.pendingFrom(req, crypto.randomUUID(), reason, paired);
    this.store.transaction(() => {
      this.supersede(req.deviceId, req.now);
      this.prune(req.now);
      this.store.putPending(pending);
    });
    this.emit("device.pair.requested", this.pendingView(pending));
    const message = "pairing required: device is not approved yet";
    throw new GatewayError(
      {
        code: "NOT_PAIRED",
        message,
        retryable: true,
        details: {
          code: "PAIRING_REQUIRED",
          reason,
          requestId: pending.requestId,
          remediationHint: "Approve this device from the pending pairing requests.",
          deviceId: req.deviceId,
          requestedRole: req.role,
          requestedScopes: req.scopes,
          recommendedNextStep: "wait_then_retry",
          pauseReconnect: false,
          ...(paired ? { approvedRoles: paired.roles, approvedScopes: paired.scopes } : {}),
        },
      },
      { code: Close.policy, reason: `${message} (requestId: ${pending.requestId})` },
    );
  }

  private upgradeReason(paired: PairedDevice | undefined, req: AdmitRequest): PendingPairing["reason"] | null {
    if (!paired || paired.publicKey !== req.publicKey) return "not-paired";
    if (!paired.roles.includes(req.role)) return "role-upgrade";
    if (!scopesWithin(req.scopes, paired.scopes)) return "scope-upgrade";
    if (normalized(paired.platform) !== normalized(req.client.platform) || normalized(paired.deviceFamily) !== normalized(req.client.deviceFamily)) return "metadata-upgrade";
    return null;
  }

  /** Silent local approval never grants a non-operator role to an existing device, nor unproven scopes (§4.4). */
  private silentFor(reason: PendingPairing["reason"], req: AdmitRequest): boolean {
    if (reason === "role-upgrade") return req.role === "operator";
    if (reason === "scope-upgrade") return req.method === "none" || req.method === "token" || req.method === "password";
    return true;
  }

  private pendingFrom(req: AdmitRequest, requestId: string, reason: PendingPairing["reason"], paired: PairedDevice | undefined): PendingPairing {
    const roles = [...new Set([...(paired?.publicKey === req.publicKey ? paired.roles : []), req.role])];
    return {
      requestId,
      deviceId: req.deviceId,
      publicKey: req.publicKey,
      displayName: req.client.displayName,
      platform: req.client.platform,
      deviceFamily: req.client.deviceFamily,
      clientId: req.client.id,
      clientMode: req.client.mode,
      role: req.role,
      roles,
      scopes: [...req.scopes],
      silent: false,
      isRepair: Boolean(paired),
      reason,
      ts: req.now,
    };
  }

  /** Writes the paired record for an approved request; scopes accumulate over approvals. */
  private approveInto(paired: PairedDevice | undefined, pending: PendingPairing, via: "silent" | "owner", now: number): PairedDevice {
    const keep = paired && paired.publicKey === pending.publicKey;
    const device: PairedDevice = {
      deviceId: pending.deviceId,
      publicKey: pending.publicKey,
      displayName: (keep ? paired.displayName : undefined) ?? pending.displayName,
      platform: pending.platform,
      deviceFamily: pending.deviceFamily,
      clientId: pending.clientId,
      clientMode: pending.clientMode,
      roles: [...new Set([...(keep ? paired.roles : []), ...pending.roles])],
      scopes: [...new Set([...(keep ? paired.scopes : []), ...pending.scopes])],
      approvedVia: via,
      approvedAtMs: now,
    };
    if (!keep) for (const token of this.store.listTokens(pending.deviceId)) this.store.deleteToken(token.deviceId, token.role);
    this.store.putPaired(device);
    this.store.deletePending(pending.requestId);
    return device;
  }

  /** Mints a token for (device, role) unless one exists; the plain token leaves only through hello-ok. */
  private ensureToken(deviceId: string, role: string, scopes: string[], now: number): DeviceAdmission["issued"] {
    const existing = this.store.getToken(deviceId, role);
    if (existing && scopesWithin(scopes, existing.scopes)) return undefined;
    return this.mint(deviceId, role, scopes, now);
  }

  private mint(deviceId: string, role: string, scopes: string[], now: number) {
    const token = randomToken(32);
    this.store.putToken({ deviceId, role, tokenHash: hashToken(token), scopes: [...scopes], createdAtMs: now });
    return { token, role, scopes: [...scopes], issuedAtMs: now };
  }

  /** A changed retry replaces the device's older pending request, which resolves as rejected (§4.4). */
  private supersede(deviceId: string, now: number): void {
    for (const old of this.store.listPending()) {
      if (old.deviceId !== deviceId) continue;
      this.store.deletePending(old.requestId);
      this.emit("device.pair.resolved", { requestId: old.requestId, deviceId, decision: "rejected", ts: now });
    }
  }

  /** Drops expired requests and keeps the list bounded. */
  private prune(now: number): void {
    const pending = this.store.listPending().sort((a, b) => a.ts - b.ts);
    let excess = pending.length + 1 - MAX_PENDING;
    for (const p of pending) {
      if (now - p.ts > PENDING_TTL_MS || excess-- > 0) this.store.deletePending(p.requestId);
    }
  }

  private pendingView(p: PendingPairing): Record<string, unknown> {
    const { reason: _reason, ...view } = p;
    return view;
  }

  private pairedView(d: PairedDevice, connected: (deviceId: string) => boolean): Record<string, unknown> {
    return {
      ...d,
      role: d.roles[0],
      connected: connected(d.deviceId),
      tokens: this.store.listTokens(d.deviceId).map((t: DeviceTokenRecord) => ({ role: t.role, scopes: t.scopes, createdAtMs: t.createdAtMs })),
    };
  }

  /** `device.pair.list` (§6); expired requests are dropped first. */
  list(now: number, connected: (deviceId: string) => boolean): { pending: Record<string, unknown>[]; paired: Record<string, unknown>[] } {
    this.store.transaction(() => this.prune(now + 1));
    return {
      pending: this.store.listPending().sort((a, b) => a.ts - b.ts).map((p) => this.pendingView(p)),
      paired: this.store.listPaired().map((d) => this.pairedView(d, connected)),
    };
  }

  private takePending(requestId: string, now: number): PendingPairing {
    const pending = this.store.getPending(requestId);
    if (!pending || now - pending.ts > PENDING_TTL_MS) throw invalidRequest("unknown requestId");
    return pending;
  }

  /** `device.pair.approve` (§6). Approving a non-operator role needs admin (§5). */
  approve(requestId: string, callerScopes: readonly string[], now: number): { requestId: string; device: Record<string, unknown> } {
    const pending = this.takePending(requestId, now);
    if (pending.roles.some((r) => r !== "operator") && !effectiveScopes(callerScopes).has("operator.admin")) {
      throw new GatewayError({ code: "FORBIDDEN", message: "missing scope: operator.admin", details: { code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.admin"] } });
    }
    const device = this.store.transaction(() => this.approveInto(this.store.getPaired(pending.deviceId), pending, "owner", now));
    this.emit("device.pair.resolved", { requestId, deviceId: pending.deviceId, decision: "approved", ts: now });
    return { requestId, device: this.pairedView(device, () => false) };
  }

  /** `device.pair.reject` (§6). */
  reject(requestId: string, now: number): { requestId: string; deviceId: string } {
    const pending = this.takePending(requestId, now);
    this.store.deletePending(requestId);
    this.emit("device.pair.resolved", { requestId, deviceId: pending.deviceId, decision: "rejected", ts: now });
    return { requestId, deviceId: pending.deviceId };
  }

  /** `device.pair.remove` (§6): forgets the device and every token it holds. */
  remove(deviceId: string): { deviceId: string } {
    const removed = this.store.transaction(() => {
      for (const t of this.store.listTokens(deviceId)) this.store.deleteToken(deviceId, t.role);
      return this.store.deletePaired(deviceId);
    });
    if (!removed) throw invalidRequest("unknown deviceId");
    return { deviceId };
  }

  /** `device.pair.rename`. */
  rename(deviceId: string, displayName: string): { deviceId: string; displayName: string } {
    const device = this.store.getPaired(deviceId);
    if (!device) throw invalidRequest("unknown deviceId");
    this.store.putPaired({ ...device, displayName });
    return { deviceId, displayName };
  }

  /**
   * `device.token.rotate` (§6): a new token for an approved role, delivered
   * in-band only to the device itself.
   */
  rotate(deviceId: string, role: string, scopes: string[] | undefined, self: boolean, now: number): Record<string, unknown> {
    const device = this.store.getPaired(deviceId);
    if (!device || !device.roles.includes(role)) throw invalidRequest("device token rotation denied");
    const granted = scopes ?? this.store.getToken(deviceId, role)?.scopes ?? device.scopes;
    if (!scopesWithin(granted, device.scopes)) throw invalidRequest("device token rotation denied");
    const issued = this.mint(deviceId, role, granted, now);
    const base = { deviceId, role, scopes: issued.scopes, rotatedAtMs: now };
    return self ? { ...base, token: issued.token, tokenDelivery: "in-band" } : { ...base, tokenDelivery: "withheld-cross-device" };
  }

  /** `device.token.revoke` (§6). */
  revoke(deviceId: string, role: string, now: number): { deviceId: string; role: string; revokedAtMs: number } {
    if (!this.store.deleteToken(deviceId, role)) throw invalidRequest("unknown device token");
    return { deviceId, role, revokedAtMs: now };
  }
}
