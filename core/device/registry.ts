/**
 * Device pairing and device tokens (spec §4.3, §4.4, §6 `device.*`): who is
 * paired with which roles and scopes, pending requests, and token issue,
 * rotation and revocation. Tokens are stored only as hashes.
 * Runtime-agnostic.
 */
import nacl from "tweetnacl";
import { invalidRequest } from "../protocol/errors.ts";
import { scopesWithin } from "../scopes/scopes.ts";
import type { DeviceStore, DeviceTokenRecord, PairedDevice, PendingPairing } from "../store.ts";
import { randomToken, toHex } from "./encoding.ts";
import { deniesCrossDevice, isAdminCaller, missingCallerScope, type ManagementCaller } from "./management.ts";
import { pairingRequired } from "./pairing-required.ts";

/** Pending requests expire five minutes after they were made or last retried (§4.4). */
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
  /** Direct loopback, no proxy headers, and no browser Origin unless the client is an operator UI or WebChat. */
  silentAllowed: boolean;
  /** The client is an operator UI (Control UI, TUI) or WebChat, whose changed metadata is never approved silently. */
  uiClient?: boolean;
  remoteIp?: string;
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

/** SHA-512 of the token: only this is stored (§4.3). */
export function hashToken(token: string): string {
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

function union(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/** Result of filing a pairing request: the live record and what it replaced. */
interface Filed {
  pending: PendingPairing;
  created: boolean;
  superseded: PendingPairing[];
}

export class DeviceRegistry {
  constructor(
    private readonly store: DeviceStore,
    private readonly emit: PairingEventSink,
    private readonly options: { autoApproveLocal: () => boolean },
  ) {}

  /**
   * The paired device whose `role` token is `token`, if any: an HTTP caller
   * presents the token alone (the Control UI's `Authorization: Bearer`), so
   * every paired device's token is compared, in constant time each.
   */
  holderOfToken(token: string, role: string): string | undefined {
    const digest = hashToken(token);
    let holder: string | undefined;
    for (const d of this.store.listPaired()) {
      const record = this.store.getToken(d.deviceId, role);
      if (record && sameDigest(digest, record.tokenHash)) holder = d.deviceId;
    }
    return holder;
  }

  /** Checks a presented device token against the stored hash and its grant (§4.3). */
  verifyToken(deviceId: string, role: string, token: string, scopes: readonly string[]): TokenCheck {
    const record = this.store.getToken(deviceId, role);
    if (!record || !this.store.getPaired(deviceId) || !sameDigest(hashToken(token), record.tokenHash)) return "mismatch";
    return scopesWithin(scopes, record.scopes) ? "ok" : "scope-mismatch";
  }

  /**
   * The pairing step of connect (§4.4): a paired device within its grant
   * passes; anything else files a pending request, which is approved at once
   * when the silent local rule allows, else refused with PAIRING_REQUIRED.
   */
  admit(req: AdmitRequest): DeviceAdmission {
    const paired = this.store.getPaired(req.deviceId);
    const reason = this.upgradeReason(paired, req);
    if (reason === null) return { deviceId: req.deviceId, issued: this.ensureToken(req.deviceId, req.role, paired!.scopes, req.now) };

    const silent = req.silentAllowed && this.options.autoApproveLocal() && this.silentFor(reason, req);
    const outcome = this.store.transaction(() => {
      const filed = this.file(req, reason, paired, silent);
      // A pending manual request stays manual: silence needs every record involved to be silent.
      const device = filed.pending.silent ? this.approveInto(paired, filed.pending, "silent", req.now) : undefined;
      return { filed, device };
    });
    const { filed, device } = outcome;
    for (const old of filed.superseded) this.emit("device.pair.resolved", { requestId: old.requestId, deviceId: old.deviceId, decision: "rejected", ts: req.now });
    if (device) {
      this.emit("device.pair.resolved", { requestId: filed.pending.requestId, deviceId: req.deviceId, decision: "approved", ts: req.now });
      return { deviceId: req.deviceId, issued: this.ensureToken(device.deviceId, req.role, device.scopes, req.now) };
    }
    if (filed.created) this.emit("device.pair.requested", this.pendingView(filed.pending));
    const sameKey = paired?.publicKey === req.publicKey;
    throw pairingRequired({
      reason,
      requestId: filed.pending.requestId,
      deviceId: req.deviceId,
      requestedRole: req.role,
      requestedScopes: req.scopes,
      approvedRoles: sameKey ? paired.roles : undefined,
      approvedScopes: sameKey ? paired.scopes : undefined,
      waitThenRetry: req.client.id === "openclaw-control-ui" && req.role === "operator",
    });
  }

  private upgradeReason(paired: PairedDevice | undefined, req: AdmitRequest): PendingPairing["reason"] | null {
    if (!paired || paired.publicKey !== req.publicKey) return "not-paired";
    if (!paired.roles.includes(req.role)) return "role-upgrade";
    if (!scopesWithin(req.scopes, paired.scopes)) return "scope-upgrade";
    if (normalized(paired.platform) !== normalized(req.client.platform) || normalized(paired.deviceFamily) !== normalized(req.client.deviceFamily)) return "metadata-upgrade";
    return null;
  }

  /** Silent local approval never grants a non-operator role to an existing device, nor unproven scopes, nor a UI's new metadata (§4.4). */
  private silentFor(reason: PendingPairing["reason"], req: AdmitRequest): boolean {
    if (reason === "role-upgrade") return req.role === "operator";
    if (reason === "metadata-upgrade") return !req.uiClient;
    if (reason === "scope-upgrade") return req.method === "none" || req.method === "token" || req.method === "password";
    return true;
  }

  /**
   * Files a request: an identical or narrower retry refreshes the device's one
   * pending request (same requestId, expiry extended); anything else
   * supersedes the device's older requests, merging what they asked for (§4.4).
   */
  private file(req: AdmitRequest, reason: PendingPairing["reason"], paired: PairedDevice | undefined, silent: boolean): Filed {
    this.prune(req.now);
    const existing = this.store.listPending().filter((p) => p.deviceId === req.deviceId);
    const only = existing.length === 1 ? existing[0]! : undefined;
    if (only && only.publicKey === req.publicKey && only.role === req.role && scopesWithin(req.scopes, only.scopes)) {
      const refreshed: PendingPairing = {
        ...only,
        displayName: req.client.displayName ?? only.displayName,
        platform: req.client.platform,
        deviceFamily: req.client.deviceFamily ?? only.deviceFamily,
        remoteIp: req.remoteIp ?? only.remoteIp,
        silent: only.silent && silent,
        refreshedAtMs: req.now,
      };
      this.store.putPending(refreshed);
      return { pending: refreshed, created: false, superseded: [] };
    }
    for (const old of existing) this.store.deletePending(old.requestId);
    const pending: PendingPairing = {
      requestId: crypto.randomUUID(),
      deviceId: req.deviceId,
      publicKey: req.publicKey,
      displayName: req.client.displayName,
      platform: req.client.platform,
      deviceFamily: req.client.deviceFamily,
      clientId: req.client.id,
      clientMode: req.client.mode,
      role: req.role,
      roles: union(...existing.map((p) => p.roles), [req.role]),
      scopes: union(...existing.map((p) => p.scopes), req.scopes),
      remoteIp: req.remoteIp,
      silent: silent && existing.every((p) => p.silent),
      isRepair: Boolean(paired),
      reason,
      ts: req.now,
    };
    this.store.putPending(pending);
    return { pending, created: true, superseded: existing };
  }

  /** Writes the paired record for an approved request; roles and scopes accumulate over approvals. */
  private approveInto(paired: PairedDevice | undefined, pending: PendingPairing, via: "silent" | "owner", now: number): PairedDevice {
    const keep = paired && paired.publicKey === pending.publicKey ? paired : undefined;
    const device: PairedDevice = {
      deviceId: pending.deviceId,
      publicKey: pending.publicKey,
      displayName: keep?.displayName ?? pending.displayName,
      operatorLabel: paired?.operatorLabel,
      platform: pending.platform,
      deviceFamily: pending.deviceFamily,
      clientId: pending.clientId,
      clientMode: pending.clientMode,
      remoteIp: pending.remoteIp,
      roles: union(keep?.roles ?? [], pending.roles),
      scopes: union(keep?.scopes ?? [], pending.scopes),
      approvedVia: via,
      approvedAtMs: now,
    };
    // A new key is a new installation: tokens of the old one must stop working.
    if (!keep) for (const token of this.store.listTokens(pending.deviceId)) this.store.deleteToken(token.deviceId, token.role);
    this.store.putPaired(device);
    this.store.deletePending(pending.requestId);
    return device;
  }

  /** Mints a token for (device, role) unless one covering the grant exists; the plain token leaves only through hello-ok. */
  private ensureToken(deviceId: string, role: string, scopes: string[], now: number): DeviceAdmission["issued"] {
    const existing = this.store.getToken(deviceId, role);
    if (existing && scopesWithin(scopes, existing.scopes)) return undefined;
    return this.mint(deviceId, role, scopes, now);
  }

  private mint(deviceId: string, role: string, scopes: readonly string[], now: number) {
    const token = randomToken(32);
    this.store.putToken({ deviceId, role, tokenHash: hashToken(token), scopes: [...scopes], createdAtMs: now });
    return { token, role, scopes: [...scopes], issuedAtMs: now };
  }

  private expired(p: PendingPairing, now: number): boolean {
    return now - (p.refreshedAtMs ?? p.ts) > PENDING_TTL_MS;
  }

  /** Drops expired requests and leaves room for one more within MAX_PENDING. */
  private prune(now: number): void {
    const pending = this.store.listPending().sort((a, b) => a.ts - b.ts);
    let excess = pending.length + 1 - MAX_PENDING;
    for (const p of pending) {
      if (this.expired(p, now) || excess-- > 0) this.store.deletePending(p.requestId);
    }
  }

  private pendingView(p: PendingPairing): Record<string, unknown> {
    const { reason: _reason, refreshedAtMs: _refreshed, ...view } = p;
    return view;
  }

  private pairedView(d: PairedDevice, connected: (deviceId: string) => boolean): Record<string, unknown> {
    const tokens = this.store.listTokens(d.deviceId).map((t: DeviceTokenRecord) => ({ role: t.role, scopes: t.scopes, createdAtMs: t.createdAtMs }));
    return { ...d, role: d.roles[0], connected: connected(d.deviceId), ...(tokens.length > 0 ? { tokens } : {}) };
  }

  /** `device.pair.list` (§6); a device-token session without admin sees only its own device. */
  list(caller: ManagementCaller, now: number, connected: (deviceId: string) => boolean): { pending: Record<string, unknown>[]; paired: Record<string, unknown>[] } {
    const visible = (deviceId: string) => !caller.deviceTokenDeviceId || isAdminCaller(caller) || caller.deviceTokenDeviceId === deviceId;
    return {
      pending: this.store.listPending().filter((p) => !this.expired(p, now) && visible(p.deviceId)).sort((a, b) => a.ts - b.ts).map((p) => this.pendingView(p)),
      paired: this.store.listPaired().filter((d) => visible(d.deviceId)).map((d) => this.pairedView(d, connected)),
    };
  }

  private livePending(requestId: string, now: number): PendingPairing | undefined {
    const pending = this.store.getPending(requestId);
    return pending && !this.expired(pending, now) ? pending : undefined;
  }

  /**
   * `device.pair.approve` (§6). Non-admins approve only operator requests
   * (§5), and nobody approves scopes beyond their own.
   */
  approve(requestId: string, caller: ManagementCaller, now: number): { requestId: string; device: Record<string, unknown> } {
    const pending = this.livePending(requestId, now);
    if (!isAdminCaller(caller) && (!pending || deniesCrossDevice(caller, pending.deviceId) || pending.roles.some((r) => r !== "operator"))) {
      throw invalidRequest("device pairing approval denied");
    }
    if (!pending) throw invalidRequest("unknown requestId");
    const missing = pending.roles.includes("operator") ? missingCallerScope(pending.scopes, caller) : undefined;
    if (missing) throw invalidRequest(`missing scope: ${missing}`);
    const device = this.store.transaction(() => this.approveInto(this.store.getPaired(pending.deviceId), pending, "owner", now));
    this.emit("device.pair.resolved", { requestId, deviceId: pending.deviceId, decision: "approved", ts: now });
    return { requestId, device: this.pairedView(device, () => false) };
  }

  /** `device.pair.reject` (§6). */
  reject(requestId: string, caller: ManagementCaller, now: number): { requestId: string; deviceId: string } {
    const pending = this.livePending(requestId, now);
    if (caller.deviceTokenDeviceId && !isAdminCaller(caller) && (!pending || deniesCrossDevice(caller, pending.deviceId))) {
      throw invalidRequest("device pairing rejection denied");
    }
    if (!pending || !this.store.deletePending(requestId)) throw invalidRequest("unknown requestId");
    this.emit("device.pair.resolved", { requestId, deviceId: pending.deviceId, decision: "rejected", ts: now });
    return { requestId, deviceId: pending.deviceId };
  }

  /** Device-token sessions manage only their own operator-only device unless admin. */
  private assertManages(caller: ManagementCaller, deviceId: string, denied: string): void {
    if (deniesCrossDevice(caller, deviceId)) throw invalidRequest(denied);
    if (caller.deviceTokenDeviceId && !isAdminCaller(caller) && this.store.getPaired(deviceId)?.roles.some((r) => r !== "operator")) throw invalidRequest(denied);
  }

  /** `device.pair.remove` (§6): forgets the device, its tokens and its pending requests. */
  remove(deviceId: string, caller: ManagementCaller): { deviceId: string } {
    this.assertManages(caller, deviceId, "device pairing removal denied");
    const removed = this.store.transaction(() => {
      if (!this.store.deletePaired(deviceId)) return false;
      for (const t of this.store.listTokens(deviceId)) this.store.deleteToken(deviceId, t.role);
      for (const p of this.store.listPending()) if (p.deviceId === deviceId) this.store.deletePending(p.requestId);
      return true;
    });
    if (!removed) throw invalidRequest("unknown deviceId");
    return { deviceId };
  }

  /**
   * Takes one role and its token off a paired device, forgetting the device
   * when no role is left (`node.pair.remove`, §6). False when it lacked the role.
   */
  removeRole(deviceId: string, role: string): boolean {
    return this.store.transaction(() => {
      const device = this.store.getPaired(deviceId);
      if (!device?.roles.includes(role)) return false;
      this.store.deleteToken(deviceId, role);
      const roles = device.roles.filter((r) => r !== role);
      if (roles.length === 0) this.store.deletePaired(deviceId);
      else this.store.putPaired({ ...device, roles });
      return true;
    });
  }

  /** `device.pair.rename`: the owner's label for a device, kept apart from what the client reports. */
  rename(deviceId: string, label: string, caller: ManagementCaller): { deviceId: string; label: string } {
    const trimmed = label.trim();
    if (!trimmed) throw invalidRequest("label required");
    this.assertManages(caller, deviceId, "device pairing rename denied");
    const device = this.store.getPaired(deviceId);
    if (!device) throw invalidRequest("unknown deviceId");
    this.store.putPaired({ ...device, operatorLabel: trimmed });
    return { deviceId, label: trimmed };
  }

  /**
   * `device.token.rotate` (§6): a new token for an approved role within the
   * approved scopes, delivered in-band only to the device itself.
   */
  rotate(deviceId: string, role: string, scopes: string[] | undefined, caller: ManagementCaller, now: number): Record<string, unknown> {
    const denied = () => invalidRequest("device token rotation denied");
    // Tokens for non-operator roles are admin business (§4.3).
    if (deniesCrossDevice(caller, deviceId) || (role !== "operator" && !isAdminCaller(caller))) throw denied();
    const device = this.store.getPaired(deviceId);
    if (!device || !device.roles.includes(role)) throw denied();
    const granted = scopes ?? this.store.getToken(deviceId, role)?.scopes ?? device.scopes;
    if (!scopesWithin(granted, device.scopes)) throw denied();
    if (role === "operator" && missingCallerScope(granted, caller)) throw denied();
    const issued = this.mint(deviceId, role, granted, now);
    const base = { deviceId, role, scopes: issued.scopes, rotatedAtMs: now };
    return caller.deviceTokenDeviceId === deviceId ? { ...base, token: issued.token, tokenDelivery: "in-band" } : { ...base, tokenDelivery: "withheld-cross-device" };
  }

  /** `device.token.revoke` (§6); the revoked token fails with AUTH_DEVICE_TOKEN_MISMATCH from then on. */
  revoke(deviceId: string, role: string, caller: ManagementCaller, now: number): { deviceId: string; role: string; revokedAtMs: number } {
    const denied = () => invalidRequest("device token revocation denied");
    if (deniesCrossDevice(caller, deviceId) || (role !== "operator" && !isAdminCaller(caller))) throw denied();
    const token = this.store.getToken(deviceId, role);
    if (!token) throw denied();
    if (role === "operator" && missingCallerScope(token.scopes, caller)) throw denied();
    this.store.deleteToken(deviceId, role);
    return { deviceId, role, revokedAtMs: now };
  }
}
