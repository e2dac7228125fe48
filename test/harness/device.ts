/**
 * A device identity for tests: a fresh Ed25519 key in node:crypto, the
 * reference client's host callbacks (sign, export key, token store), and
 * signed connect params for raw-socket tests (spec §3, §4.3).
 */
import { createHash, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import type { DeviceIdentity, GatewayClientHostDeps } from "@openclaw/gateway-client";
import { buildDeviceAuthPayloadV3 } from "@openclaw/gateway-client";
import { RawSocket } from "./raw-socket.ts";

/** Raw 32-byte key of a PEM SPKI Ed25519 public key, as unpadded base64url. */
export function rawPublicKeyBase64Url(publicKeyPem: string): string {
  return createPublicKey(publicKeyPem).export({ format: "der", type: "spki" }).subarray(12).toString("base64url");
}

export interface TestDevice {
  identity: DeviceIdentity;
  publicKey: string;
  /** What the client stored via storeDeviceAuthToken, by role. */
  tokens: Map<string, { token: string; scopes: string[] }>;
  hostDeps: GatewayClientHostDeps;
}

/** A new device with an empty token store. */
export function newDevice(): TestDevice {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ format: "pem", type: "spki" }).toString();
  const privateKeyPem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const raw = rawPublicKeyBase64Url(publicKeyPem);
  const deviceId = createHash("sha256").update(Buffer.from(raw, "base64url")).digest("hex");
  const tokens = new Map<string, { token: string; scopes: string[] }>();
  return {
    identity: { deviceId, publicKeyPem, privateKeyPem },
    publicKey: raw,
    tokens,
    hostDeps: {
      signDevicePayload: (pem, payload) => sign(null, Buffer.from(payload, "utf8"), pem).toString("base64url"),
      publicKeyRawBase64UrlFromPem: rawPublicKeyBase64Url,
      loadDeviceAuthToken: ({ role }) => tokens.get(role) ?? null,
      storeDeviceAuthToken: ({ role, token, scopes }) => void tokens.set(role, { token, scopes }),
      clearDeviceAuthToken: ({ role }) => void tokens.delete(role),
    },
  };
}

export interface SignOptions {
  nonce: string;
  signedAt?: number;
  role?: string;
  scopes?: string[];
  token?: string;
  deviceToken?: string;
  client?: { id: string; mode: string; platform: string; version?: string; deviceFamily?: string };
}

/** Connect params carrying a device block signed the way the reference client signs (§2.2, §3). */
export function signedConnectParams(device: TestDevice, o: SignOptions): Record<string, unknown> {
  const client = { id: "gateway-client", mode: "backend", platform: "linux", version: "0.0.0", ...o.client };
  const role = o.role ?? "operator";
  const scopes = o.scopes ?? ["operator.admin"];
  const signedAt = o.signedAt ?? Date.now();
  const auth: Record<string, string> = {};
  if (o.token !== undefined) auth.token = o.token;
  if (o.deviceToken !== undefined) auth.deviceToken = o.deviceToken;
  const payload = buildDeviceAuthPayloadV3({
    deviceId: device.identity.deviceId,
    clientId: client.id,
    clientMode: client.mode,
    role,
    scopes,
    signedAtMs: signedAt,
    token: o.token ?? o.deviceToken ?? null,
    nonce: o.nonce,
    platform: client.platform,
    deviceFamily: client.deviceFamily,
  });
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client,
    caps: [],
    auth,
    role,
    scopes,
    device: {
      id: device.identity.deviceId,
      publicKey: device.publicKey,
      signature: device.hostDeps.signDevicePayload!(device.identity.privateKeyPem, payload),
      signedAt,
      nonce: o.nonce,
    },
  };
}

/**
 * Connects `device` with a browser Origin, which is never approved silently
 * (§4.4), and resolves with the pending request's id.
 */
export async function requestPairing(url: string, device: TestDevice, o: Omit<SignOptions, "nonce"> & { token: string }): Promise<string> {
  const sock = await RawSocket.open(url, { Origin: "http://127.0.0.1" });
  try {
    sock.send({ type: "req", id: "c1", method: "connect", params: signedConnectParams(device, { ...o, nonce: sock.nonce }) });
    // A gateway that dies mid-handshake closes the socket: fail at once rather than time out.
    await sock.until(() => sock.frames.some((f) => f.id === "c1") || sock.closed !== undefined);
    const res = sock.frames.find((f) => f.id === "c1");
    if (res?.error?.details?.code !== "PAIRING_REQUIRED") throw new Error(`expected PAIRING_REQUIRED, got ${JSON.stringify(res?.error ?? res?.payload ?? sock.closed)}`);
    return res.error.details.requestId;
  } finally {
    sock.close();
  }
}
