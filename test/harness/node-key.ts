/**
 * A fresh Ed25519 device key for node tests and benches (spec §3): the id and
 * raw public key, a signer, and the reference client's device identity and
 * host callbacks built on it.
 */
import type { DeviceIdentity, GatewayClientHostDeps } from "@openclaw/gateway-client";
import nacl from "tweetnacl";
import { encodeBase64Url } from "../../core/device/encoding.ts";
import { payloadV3 } from "../../core/device/identity.ts";

export interface NodeKey {
  deviceId: string;
  /** Raw key, unpadded base64url. */
  publicKey: string;
  /** Ed25519 signature of `payload`, unpadded base64url. */
  sign(payload: string): string;
  identity: DeviceIdentity;
  /** Signing, key export and an in-memory device-token store for the reference client. */
  hostDeps: GatewayClientHostDeps;
  /** Device tokens the reference client stored, by role. */
  tokens: Map<string, { token: string; scopes: string[] }>;
}

function pem(label: string, der: Uint8Array): string {
  const b64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

export function newNodeKey(): NodeKey {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const pair = nacl.sign.keyPair.fromSeed(seed);
  const publicKey = encodeBase64Url(pair.publicKey);
  const deviceId = sha256Hex(pair.publicKey);
  const sign = (payload: string) => encodeBase64Url(nacl.sign.detached(new TextEncoder().encode(payload), pair.secretKey));
  const tokens = new Map<string, { token: string; scopes: string[] }>();
  return {
    deviceId,
    publicKey,
    sign,
    identity: {
      deviceId,
      privateKeyPem: pem("PRIVATE KEY", new Uint8Array([...PKCS8_PREFIX, ...seed])),
      publicKeyPem: pem("PUBLIC KEY", new Uint8Array([...SPKI_PREFIX, ...pair.publicKey])),
    },
    tokens,
    hostDeps: {
      signDevicePayload: (_pem, payload) => sign(payload),
      publicKeyRawBase64UrlFromPem: () => publicKey,
      loadDeviceAuthToken: ({ role }) => tokens.get(role) ?? null,
      storeDeviceAuthToken: ({ role, token, scopes }) => void tokens.set(role, { token, scopes }),
      clearDeviceAuthToken: ({ role }) => void tokens.delete(role),
    },
  };
}

function sha256Hex(data: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

/** The `device` block a node presents for `nonce` (v3 payload, role node, no scopes; §3). */
export function nodeDeviceProof(key: NodeKey, o: { nonce: string; token: string; clientId?: string; platform: string; deviceFamily?: string; signedAt?: number }) {
  const signedAt = o.signedAt ?? Date.now();
  const payload = payloadV3({
    deviceId: key.deviceId, clientId: o.clientId ?? "node-host", clientMode: "node", role: "node", scopes: [],
    signedAt, token: o.token, nonce: o.nonce, platform: o.platform, deviceFamily: o.deviceFamily,
  });
  return { id: key.deviceId, publicKey: key.publicKey, signature: key.sign(payload), signedAt, nonce: o.nonce };
}
