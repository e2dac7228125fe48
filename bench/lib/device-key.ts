/**
 * A bench device: an Ed25519 key made with tweetnacl and the v3 proof built
 * from the spec text (§3), independently of core's own payload code.
 * Signing goes through node:crypto (as OpenClaw's own clients sign) so the
 * client side of a measured handshake stays cheap; the key is checked once
 * to sign exactly as tweetnacl does.
 */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import nacl from "tweetnacl";

/** PKCS#8 DER prefix of a raw Ed25519 seed (§3). */
const PKCS8_SEED_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Unpadded base64url (§3). */
export function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

export interface DeviceKey {
  /** Lowercase hex SHA-256 of the raw public key (§3). */
  id: string;
  /** Raw public key, base64url. */
  publicKey: string;
  /** Ed25519 signature of `payload`, base64url. */
  sign(payload: string): string;
  /** The private key as PEM, for the reference client's host callbacks. */
  privateKeyPem: string;
}

/** A fresh key pair from a random seed. */
export function newDeviceKey(seed: Uint8Array = crypto.getRandomValues(new Uint8Array(32))): DeviceKey {
  const kp = nacl.sign.keyPair.fromSeed(seed);
  const keyObject: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, seed]), format: "der", type: "pkcs8" });
  const signWith = (payload: string) => base64Url(sign(null, Buffer.from(payload), keyObject));
  const probe = "clawgate-bench";
  if (signWith(probe) !== base64Url(nacl.sign.detached(new TextEncoder().encode(probe), kp.secretKey))) {
    throw new Error("node:crypto and tweetnacl disagree on an Ed25519 signature");
  }
  return {
    id: new Bun.CryptoHasher("sha256").update(kp.publicKey).digest("hex"),
    publicKey: base64Url(kp.publicKey),
    sign: signWith,
    privateKeyPem: keyObject.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

/** Trim, ASCII A-Z lower-cased only, absent -> "" (§3). */
function norm(value: string | undefined): string {
  return (value ?? "").trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** What of the connect params goes into the signed payload. */
export interface SignedParams {
  client: { id: string; mode: string; platform?: string; deviceFamily?: string; [other: string]: unknown };
  role?: string;
  scopes?: string[];
  auth?: { token?: string; deviceToken?: string; bootstrapToken?: string };
}

/** `v3|id|client.id|client.mode|role|scopes|signedAt|token|nonce|platform|deviceFamily` (§3). */
export function payloadV3(deviceId: string, params: SignedParams, signedAt: number, nonce: string): string {
  const token = params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken ?? "";
  return ["v3", deviceId, params.client.id, params.client.mode, params.role ?? "operator", (params.scopes ?? []).join(","), String(signedAt), token, nonce, norm(params.client.platform), norm(params.client.deviceFamily)].join("|");
}

/** The `device` block of connect params; `signedAt` is the challenge `ts`, as clients do (§3). */
export function signedDevice(key: DeviceKey, params: SignedParams, challenge: { nonce: string; ts: number }) {
  return {
    id: key.id,
    publicKey: key.publicKey,
    signature: key.sign(payloadV3(key.id, params, challenge.ts, challenge.nonce)),
    signedAt: challenge.ts,
    nonce: challenge.nonce,
  };
}
