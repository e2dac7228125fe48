/**
 * The connect steps in memory (spec §2.3): each refusal in the real gateway's
 * order, with upstream's codes, shown by a request that is also wrong for
 * every later step; a refusal before the shared-secret step records nothing
 * in the rate limiter. Admissions as control cases.
 */
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { AuthRateLimiter, type CredentialKind } from "../../../core/auth/rate-limit.ts";
import type { ResolvedAuth } from "../../../core/auth/secrets.ts";
import { DeviceRegistry } from "../../../core/device/registry.ts";
import { authenticateConnect, connectSteps, type Admission } from "../../../core/handshake/connect.ts";
import { GatewayError } from "../../../core/protocol/errors.ts";
import type { PeerInfo } from "../../../core/runtime.ts";
import { SqlStore } from "../../../core/storage/sql-store.ts";
import { bunDriver } from "../../../runtime-bun/sqlite-store.ts";
import { newDevice, signedConnectParams, type TestDevice } from "../../harness/device.ts";
import { loopbackPeer } from "../../harness/memory-connection.ts";

const TOKEN = "connect-steps-token-0123456789";
const NONCE = "nonce-of-the-challenge";
const REMOTE = loopbackPeer({ remoteAddress: "10.0.0.5", isLoopback: false });
const backend = { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" };

/** One gateway's connect inputs: a fresh store, registry and limiter (one failure locks, loopback not exempt). */
function harness(auth: ResolvedAuth = { mode: "token", token: TOKEN }) {
  const store = new SqlStore(bunDriver(new Database(":memory:", { strict: true })));
  const events: string[] = [];
  const devices = new DeviceRegistry(store, (event) => void events.push(event), { autoApproveLocal: () => true });
  const limiter = new AuthRateLimiter({ maxAttempts: 1, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false });
  const connect = (rawParams: unknown, peer: PeerInfo = loopbackPeer(), allowedOrigins: string[] = []): Promise<Admission> =>
    authenticateConnect({ rawParams, peer, challengeNonce: NONCE, auth, trustedProxies: [], allowedOrigins, limiter, devices, now: Date.now() });
  /** Whether a failure of `kind` was recorded for `peer` (one locks it out). */
  const recorded = (kind: CredentialKind, peer: PeerInfo = REMOTE) => !limiter.check(peer.remoteAddress, kind).allowed;
  return { store, events, connect, recorded };
}

/** The refusal `promise` rejects with: error code, details.code and close code. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; detail?: unknown; message: string; close?: number }> {
  const error = await promise.then(
    () => {
      throw new Error("connect was admitted");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof GatewayError)) throw error;
  return { code: error.shape.code, detail: error.shape.details?.code, message: error.shape.message, close: error.close?.code };
}

function params(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { minProtocol: 4, maxProtocol: 4, client: backend, caps: [], auth: { token: TOKEN }, role: "operator", scopes: ["operator.admin"], ...extra };
}

function deviceParams(device: TestDevice, o: Partial<Parameters<typeof signedConnectParams>[1]> = {}): Record<string, unknown> {
  return signedConnectParams(device, { nonce: NONCE, token: TOKEN, ...o });
}

describe("connect steps in §2.3 order", () => {
  test("the steps are listed in the order of §2.3", () => {
    expect(connectSteps.map(([name]) => name)).toEqual(["schema", "protocol", "role", "origin", "shared secret", "missing device", "device proof", "device token", "pairing"]);
  });

  test("schema: an unknown field (with a wrong protocol, role, Origin and token) -> INVALID_REQUEST invalid connect params, close 1008, nothing recorded", async () => {
    const h = harness();
    const peer = { ...REMOTE, origin: "https://evil.example" };
    const r = await refusal(h.connect(params({ bogus: 1, maxProtocol: 3, role: "root", auth: { token: "wrong" } }), peer));
    expect(r).toMatchObject({ code: "INVALID_REQUEST", close: 1008 });
    expect(r.message).toStartWith("invalid connect params: ");
    expect(h.recorded("shared-secret", peer)).toBe(false);
  });

  test("protocol: maxProtocol 3 (with a wrong role, Origin and token) -> PROTOCOL_MISMATCH, close 1002", async () => {
    const h = harness();
    const r = await refusal(h.connect(params({ minProtocol: 3, maxProtocol: 3, role: "root", auth: { token: "wrong" } }), { ...REMOTE, origin: "https://evil.example" }));
    expect(r).toEqual({ code: "INVALID_REQUEST", detail: "PROTOCOL_MISMATCH", message: "protocol mismatch", close: 1002 });
  });

  test("role: role 'root' (with a wrong Origin and token) -> invalid role, close 1008", async () => {
    const h = harness();
    const r = await refusal(h.connect(params({ role: "root", auth: { token: "wrong" } }), { ...REMOTE, origin: "https://evil.example" }));
    expect(r).toEqual({ code: "INVALID_REQUEST", detail: undefined, message: "invalid role", close: 1008 });
  });

  test("origin: a foreign browser Origin (with a wrong token) -> CONTROL_UI_ORIGIN_NOT_ALLOWED, nothing recorded; allowed by gateway.controlUi.allowedOrigins", async () => {
    const h = harness();
    const peer = { ...REMOTE, origin: "https://evil.example" };
    const r = await refusal(h.connect(params({ auth: { token: "wrong" } }), peer));
    expect(r).toMatchObject({ code: "INVALID_REQUEST", detail: "CONTROL_UI_ORIGIN_NOT_ALLOWED", close: 1008 });
    expect(h.recorded("shared-secret", peer)).toBe(false);
    const allowed = await h.connect(params(), peer, ["https://evil.example"]);
    expect(allowed.method).toBe("token");
  });

  test("shared secret: a wrong token without a device -> AUTH_TOKEN_MISMATCH, the failure recorded; then locked out -> AUTH_RATE_LIMITED", async () => {
    const h = harness();
    const r = await refusal(h.connect(params({ auth: { token: "wrong" } }), REMOTE));
    expect(r).toMatchObject({ code: "INVALID_REQUEST", detail: "AUTH_TOKEN_MISMATCH", close: 1008 });
    expect(h.recorded("shared-secret")).toBe(true);
    const locked = await refusal(h.connect(params(), REMOTE));
    expect(locked.detail).toBe("AUTH_RATE_LIMITED");
  });

  test("missing device: the Control UI without a device (right token) -> CONTROL_UI_DEVICE_IDENTITY_REQUIRED", async () => {
    const h = harness();
    const ui = { id: "openclaw-control-ui", version: "0.0.0", platform: "web", mode: "webchat" };
    const r = await refusal(h.connect(params({ client: ui })));
    expect(r).toMatchObject({ code: "INVALID_REQUEST", detail: "CONTROL_UI_DEVICE_IDENTITY_REQUIRED", close: 1008 });
  });

  test("missing device: a node without a device (right token) -> NOT_PAIRED DEVICE_IDENTITY_REQUIRED", async () => {
    const h = harness();
    const node = { id: "node-host", version: "0.0.0", platform: "linux", mode: "node" };
    const r = await refusal(h.connect(params({ client: node, role: "node", scopes: [] })));
    expect(r).toEqual({ code: "NOT_PAIRED", detail: "DEVICE_IDENTITY_REQUIRED", message: "device identity required", close: 1008 });
  });

  test("device proof: a signature over another nonce (with a wrong token) -> DEVICE_AUTH_NONCE_MISMATCH; the shared-secret failure it deferred is recorded", async () => {
    const h = harness();
    const device = newDevice();
    const r = await refusal(h.connect(deviceParams(device, { nonce: "another-nonce", token: "wrong" }), REMOTE));
    expect(r).toMatchObject({ code: "INVALID_REQUEST", detail: "DEVICE_AUTH_NONCE_MISMATCH", close: 1008 });
    expect(h.recorded("shared-secret")).toBe(true);
  });

  test("device token: an unknown device token and no shared secret -> AUTH_DEVICE_TOKEN_MISMATCH, recorded as a device-token failure", async () => {
    const h = harness();
    const device = newDevice();
    const r = await refusal(h.connect(deviceParams(device, { token: undefined, deviceToken: "not-a-token" }), REMOTE));
    expect(r).toMatchObject({ code: "INVALID_REQUEST", detail: "AUTH_DEVICE_TOKEN_MISMATCH", close: 1008 });
    expect(h.recorded("device-token")).toBe(true);
    expect(h.recorded("shared-secret")).toBe(false);
  });

  test("pairing: a new device from another machine (right token) -> NOT_PAIRED PAIRING_REQUIRED, a pending request filed and announced", async () => {
    const h = harness();
    const device = newDevice();
    const r = await refusal(h.connect(deviceParams(device), REMOTE));
    expect(r).toMatchObject({ code: "NOT_PAIRED", detail: "PAIRING_REQUIRED", close: 1008 });
    expect(h.store.getPaired(device.identity.deviceId)).toBeUndefined();
    expect(h.events).toEqual(["device.pair.requested"]);
  });
});

describe("connect steps admit (control cases)", () => {
  test("local backend without a device, right token -> token method, scopes kept, no device", async () => {
    const admission = await harness().connect(params());
    expect([admission.method, admission.role, admission.scopes, admission.isLocalClient, admission.device]).toEqual(["token", "operator", ["operator.admin"], true, undefined]);
  });

  test("backend from another machine without a device, right token -> admitted with its scopes cleared (§4.2)", async () => {
    const admission = await harness().connect(params(), REMOTE);
    expect([admission.method, admission.scopes, admission.isLocalClient]).toEqual(["token", [], false]);
  });

  test("auth mode none, local backend without a device -> method none", async () => {
    const admission = await harness({ mode: "none" }).connect(params({ auth: {} }));
    expect(admission.method).toBe("none");
  });

  test("a local device pairs silently and gets a token; the device token alone then admits it as device-token", async () => {
    const h = harness();
    const device = newDevice();
    const first = await h.connect(deviceParams(device));
    expect(first.method).toBe("token");
    expect(first.device?.deviceId).toBe(device.identity.deviceId);
    const token = first.device!.issued!.token;
    expect(h.store.getPaired(device.identity.deviceId)?.approvedVia).toBe("silent");
    const again = await h.connect(deviceParams(device, { token: undefined, deviceToken: token }), REMOTE);
    expect([again.method, again.device?.deviceId]).toEqual(["device-token", device.identity.deviceId]);
  });

  // §4.4, upstream's shouldAllowSilentLocalPairing: a browser Origin blocks silence unless the client is an operator UI or WebChat.
  const controlUi = { id: "openclaw-control-ui", version: "2026.9.6", platform: "Linux x86_64", mode: "webchat" };
  const loopbackBrowser = loopbackPeer({ origin: "http://127.0.0.1:5173" });

  test("Control UI with a loopback browser Origin -> paired silently, token issued, no pending request", async () => {
    const h = harness();
    const device = newDevice();
    const admission = await h.connect(deviceParams(device, { client: controlUi }), loopbackBrowser);
    expect(typeof admission.device?.issued?.token).toBe("string");
    expect(h.store.getPaired(device.identity.deviceId)?.approvedVia).toBe("silent");
    expect(h.events).toEqual(["device.pair.resolved"]);
  });

  test("a backend client with the same loopback browser Origin -> PAIRING_REQUIRED (only UIs and WebChat pair silently)", async () => {
    const h = harness();
    const r = await refusal(h.connect(deviceParams(newDevice()), loopbackBrowser));
    expect([r.code, r.detail]).toEqual(["NOT_PAIRED", "PAIRING_REQUIRED"]);
    expect(h.events).toEqual(["device.pair.requested"]);
  });

  test("Control UI from a non-loopback address with an allowed Origin -> PAIRING_REQUIRED, filed for the owner", async () => {
    const h = harness();
    const device = newDevice();
    const r = await refusal(h.connect(deviceParams(device, { client: controlUi }), { ...REMOTE, origin: "http://10.0.0.5:5173" }));
    expect([r.code, r.detail]).toEqual(["NOT_PAIRED", "PAIRING_REQUIRED"]);
    expect(h.store.listPending().map((p) => p.deviceId)).toEqual([device.identity.deviceId]);
  });

  test("a silently paired Control UI reporting a new platform -> metadata-upgrade waits for the owner", async () => {
    const h = harness();
    const device = newDevice();
    await h.connect(deviceParams(device, { client: controlUi }), loopbackBrowser);
    const r = await refusal(h.connect(deviceParams(device, { client: { ...controlUi, platform: "MacIntel" } }), loopbackBrowser));
    expect([r.code, r.detail]).toEqual(["NOT_PAIRED", "PAIRING_REQUIRED"]);
    expect(h.store.listPending()[0]?.reason).toBe("metadata-upgrade");
  });
});
