/**
 * The device registry's rules (spec §4.3, §4.4, §6) on a controlled clock
 * over the real SQLite store: silent approval, refresh vs supersede, expiry
 * and bound of pending requests, who may approve what, tokens.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_PENDING, PENDING_TTL_MS, DeviceRegistry, type AdmitRequest } from "../../../core/device/registry.ts";
import { GatewayError } from "../../../core/protocol/errors.ts";
import { databasePath, SqliteStore } from "../../../runtime-bun/sqlite-store.ts";

let dir: string;
let store: SqliteStore;
let registry: DeviceRegistry;
let events: { event: string; payload: Record<string, unknown> }[];
let autoApproveLocal: boolean;
const T0 = 1_800_000_000_000;
const owner = { scopes: ["operator.admin"] };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "clawgate-registry-"));
  store = new SqliteStore(databasePath(dir));
  events = [];
  autoApproveLocal = true;
  registry = new DeviceRegistry(store, (event, payload) => void events.push({ event, payload }), { autoApproveLocal: () => autoApproveLocal });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function req(deviceId: string, over: Partial<AdmitRequest> = {}): AdmitRequest {
  return {
    deviceId,
    publicKey: `key-${deviceId}`,
    role: "operator",
    scopes: ["operator.read"],
    client: { id: "cli", mode: "cli", platform: "linux" },
    method: "token",
    silentAllowed: false,
    now: T0,
    ...over,
  };
}

/** Runs admit and returns the PAIRING_REQUIRED details it throws. */
function pairingRequired(r: AdmitRequest): Record<string, any> {
  try {
    registry.admit(r);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const e = error as GatewayError;
    expect(e.shape.code).toBe("NOT_PAIRED");
    return e.shape.details!;
  }
  throw new Error("admitted");
}

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error("did not throw");
}

describe("admit (§4.4)", () => {
  test("silent local approval pairs at once, mints a token and broadcasts only resolved", () => {
    const admitted = registry.admit(req("d1", { silentAllowed: true }));
    expect(admitted.issued).toMatchObject({ role: "operator", scopes: ["operator.read"], issuedAtMs: T0 });
    expect(admitted.issued!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.getPaired("d1")).toMatchObject({ approvedVia: "silent", roles: ["operator"], scopes: ["operator.read"] });
    expect(events.map((e) => [e.event, e.payload.decision])).toEqual([["device.pair.resolved", "approved"]]);
    expect(store.listPending()).toEqual([]);
    // Next connect within the grant: no request, no new token.
    expect(registry.admit(req("d1")).issued).toBeUndefined();
  });

  test("autoApproveLocal false -> manual even on loopback", () => {
    autoApproveLocal = false;
    expect(pairingRequired(req("d1", { silentAllowed: true })).reason).toBe("not-paired");
  });

  test("never silent: a paired operator device asking for the node role, or a device-token scope upgrade", () => {
    registry.admit(req("d1", { silentAllowed: true }));
    expect(pairingRequired(req("d1", { silentAllowed: true, role: "node", scopes: [] }))).toMatchObject({ reason: "role-upgrade", approvedRoles: ["operator"], approvedScopes: ["operator.read"] });
    expect(pairingRequired(req("d2", { silentAllowed: false }))).toMatchObject({ reason: "not-paired" });
    registry.admit(req("d3", { silentAllowed: true }));
    expect(pairingRequired(req("d3", { silentAllowed: true, method: "device-token", scopes: ["operator.write"] })).reason).toBe("scope-upgrade");
  });

  test("each reason has its own wording; changed platform -> metadata-upgrade", () => {
    registry.admit(req("d1", { silentAllowed: true }));
    const refusal = thrown(() => registry.admit(req("d1", { client: { id: "cli", mode: "cli", platform: "darwin" } })));
    expect(refusal.shape.message).toBe("pairing required: device identity changed and must be re-approved");
    expect(refusal.shape.details!.remediationHint).toBe("Review the refreshed device details, then approve the pending request.");
    expect(refusal.close!.reason).toBe(`pairing required: device identity changed and must be re-approved (requestId: ${refusal.shape.details!.requestId})`);
  });

  test("the Control UI is told to wait and retry; other clients are not", () => {
    expect(pairingRequired(req("ui", { client: { id: "openclaw-control-ui", mode: "webchat", platform: "web" } }))).toMatchObject({ recommendedNextStep: "wait_then_retry", retryable: true, pauseReconnect: false });
    expect(pairingRequired(req("cli")).recommendedNextStep).toBeUndefined();
  });

  test("an identical or narrower retry refreshes the same request and extends its expiry", () => {
    const first = pairingRequired(req("d1", { scopes: ["operator.read", "operator.write"] }));
    const second = pairingRequired(req("d1", { scopes: ["operator.read"], now: T0 + 240_000 }));
    expect(second.requestId).toBe(first.requestId);
    expect(events.filter((e) => e.event === "device.pair.requested")).toHaveLength(1);
    // 5 min after the first ask but only 1 min after the retry: still pending.
    expect(registry.list(owner, T0 + 300_001, () => false).pending).toHaveLength(1);
    expect(registry.list(owner, T0 + 240_000 + PENDING_TTL_MS + 1, () => false).pending).toEqual([]);
  });

  test("a wider retry supersedes: old one resolved rejected, new one asks for the union", () => {
    const first = pairingRequired(req("d1", { scopes: ["operator.read"] }));
    const second = pairingRequired(req("d1", { scopes: ["operator.write"] }));
    expect(second.requestId).not.toBe(first.requestId);
    expect(events.map((e) => [e.event, e.payload.requestId, e.payload.decision])).toEqual([
      ["device.pair.requested", first.requestId, undefined],
      ["device.pair.resolved", first.requestId, "rejected"],
      ["device.pair.requested", second.requestId, undefined],
    ]);
    expect(store.listPending().map((p) => [p.requestId, p.scopes])).toEqual([[second.requestId, ["operator.read", "operator.write"]]]);
  });

  test("pending requests are bounded: the oldest goes first", () => {
    for (let i = 0; i <= MAX_PENDING; i++) pairingRequired(req(`d${i}`, { now: T0 + i }));
    const pending = store.listPending();
    expect(pending).toHaveLength(MAX_PENDING);
    expect(pending.some((p) => p.deviceId === "d0")).toBe(false);
  });

  test("an expired request cannot be approved", () => {
    const { requestId } = pairingRequired(req("d1"));
    expect(thrown(() => registry.approve(requestId, owner, T0 + PENDING_TTL_MS + 1)).shape.message).toBe("unknown requestId");
  });
});

describe("approve / reject (§6)", () => {
  test("approval accumulates scopes; the first connect afterwards gets a token bound to them", () => {
    registry.admit(req("d1", { silentAllowed: true }));
    const { requestId } = pairingRequired(req("d1", { scopes: ["operator.write"], method: "device-token" }));
    const { device } = registry.approve(requestId, owner, T0);
    expect(device).toMatchObject({ roles: ["operator"], scopes: ["operator.read", "operator.write"], approvedVia: "owner" });
    const issued = registry.admit(req("d1", { scopes: ["operator.write"] })).issued!;
    expect(issued.scopes).toEqual(["operator.read", "operator.write"]);
    expect(registry.verifyToken("d1", "operator", issued.token, ["operator.write"])).toBe("ok");
    expect(registry.verifyToken("d1", "operator", issued.token, ["operator.admin"])).toBe("scope-mismatch");
    expect(registry.verifyToken("d1", "node", issued.token, [])).toBe("mismatch");
  });

  test("nobody approves scopes beyond their own; non-admins never approve the node role", () => {
    const { requestId } = pairingRequired(req("d1", { scopes: ["operator.admin"] }));
    expect(thrown(() => registry.approve(requestId, { scopes: ["operator.pairing"] }, T0)).shape).toEqual({ code: "INVALID_REQUEST", message: "missing scope: operator.admin" });
    const node = pairingRequired(req("n1", { role: "node", scopes: [] }));
    expect(thrown(() => registry.approve(node.requestId, { scopes: ["operator.pairing"] }, T0)).shape.message).toBe("device pairing approval denied");
    expect(registry.approve(node.requestId, owner, T0).device).toMatchObject({ roles: ["node"] });
    expect(thrown(() => registry.approve("nope", { scopes: ["operator.pairing"] }, T0)).shape.message).toBe("device pairing approval denied");
  });

  test("a device-token session manages only its own device", () => {
    registry.admit(req("d1", { silentAllowed: true }));
    const other = pairingRequired(req("d2"));
    const self = { scopes: ["operator.pairing", "operator.read"], deviceTokenDeviceId: "d1" };
    expect(thrown(() => registry.reject(other.requestId, self, T0)).shape.message).toBe("device pairing rejection denied");
    expect(thrown(() => registry.remove("d2", self)).shape.message).toBe("device pairing removal denied");
    expect(thrown(() => registry.rename("d2", "x", self)).shape.message).toBe("device pairing rename denied");
    expect(registry.list(self, T0, () => false).pending).toEqual([]);
    expect(registry.rename("d1", "  Mine ", self)).toEqual({ deviceId: "d1", label: "Mine" });
  });

  test("reject drops the request; the device stays unpaired", () => {
    const { requestId } = pairingRequired(req("d1"));
    expect(registry.reject(requestId, owner, T0)).toEqual({ requestId, deviceId: "d1" });
    expect(store.getPaired("d1")).toBeUndefined();
    expect(thrown(() => registry.reject(requestId, owner, T0)).shape.message).toBe("unknown requestId");
  });
});

describe("tokens and removal (§4.3, §6)", () => {
  test("rotate: a new token within the grant, withheld from other callers, in-band for the device itself", () => {
    const old = registry.admit(req("d1", { silentAllowed: true })).issued!.token;
    const cross = registry.rotate("d1", "operator", undefined, owner, T0 + 1);
    expect(cross).toEqual({ deviceId: "d1", role: "operator", scopes: ["operator.read"], rotatedAtMs: T0 + 1, tokenDelivery: "withheld-cross-device" });
    expect(registry.verifyToken("d1", "operator", old, ["operator.read"])).toBe("mismatch");
    const own = registry.rotate("d1", "operator", undefined, { scopes: ["operator.read"], deviceTokenDeviceId: "d1" }, T0 + 2);
    const ownToken = own.token as string;
    expect(own.tokenDelivery).toBe("in-band");
    expect(ownToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(registry.verifyToken("d1", "operator", ownToken, ["operator.read"])).toBe("ok");
    expect(thrown(() => registry.rotate("d1", "operator", ["operator.admin"], owner, T0)).shape.message).toBe("device token rotation denied");
    expect(thrown(() => registry.rotate("d1", "node", undefined, owner, T0)).shape.message).toBe("device token rotation denied");
    expect(thrown(() => registry.rotate("d1", "node", undefined, { scopes: ["operator.pairing"] }, T0)).shape.message).toBe("device token rotation denied");
  });

  test("revoke: the token stops working; revoking it again is denied; caller must cover its scopes", () => {
    const token = registry.admit(req("d1", { silentAllowed: true, scopes: ["operator.admin"] })).issued!.token;
    expect(thrown(() => registry.revoke("d1", "operator", { scopes: ["operator.pairing"] }, T0)).shape.message).toBe("device token revocation denied");
    expect(registry.revoke("d1", "operator", owner, T0)).toEqual({ deviceId: "d1", role: "operator", revokedAtMs: T0 });
    expect(registry.verifyToken("d1", "operator", token, [])).toBe("mismatch");
    expect(thrown(() => registry.revoke("d1", "operator", owner, T0)).shape.message).toBe("device token revocation denied");
  });

  test("remove forgets the device, its tokens and its pending requests; a new key starts over", () => {
    const token = registry.admit(req("d1", { silentAllowed: true })).issued!.token;
    pairingRequired(req("d1", { scopes: ["operator.write"], method: "device-token" }));
    expect(registry.remove("d1", owner)).toEqual({ deviceId: "d1" });
    expect(store.getPaired("d1")).toBeUndefined();
    expect(store.listTokens("d1")).toEqual([]);
    expect(store.listPending()).toEqual([]);
    expect(registry.verifyToken("d1", "operator", token, [])).toBe("mismatch");
    expect(thrown(() => registry.remove("d1", owner)).shape.message).toBe("unknown deviceId");
  });

  test("tokens of an old key die when the same device id is approved with a new key", () => {
    const token = registry.admit(req("d1", { silentAllowed: true })).issued!.token;
    registry.admit(req("d1", { silentAllowed: true, publicKey: "another-key" }));
    expect(registry.verifyToken("d1", "operator", token, [])).toBe("mismatch");
  });
});
