/**
 * Device identity proof: Ed25519 keys, device ids and the v3/v2 signed
 * payloads (spec §3). Runtime-agnostic (Web Crypto).
 */
import { Close, GatewayError, type DetailCode } from "../protocol/errors.ts";
import { decodeBase64, encodeBase64Url, sha256Hex } from "./encoding.ts";

/** The gateway's own device identity (`gateway.identity.get`). */
export interface GatewayIdentity {
  deviceId: string;
  publicKey: string;
}

/** Accepted clock skew between `signedAt` and the gateway's clock (§3). */
export const SIGNATURE_SKEW_MS = 120_000;

const SPKI_ED25519_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** Raw 32-byte Ed25519 key from base64url, base64 or PEM SPKI; null when none of those (§3). */
export function decodePublicKey(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) {
    const der = decodeBase64(trimmed.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, ""));
    if (!der || der.length !== 44 || !SPKI_ED25519_PREFIX.every((b, i) => der[i] === b)) return null;
    return der.slice(12);
  }
  const raw = decodeBase64(trimmed);
  return raw && raw.length === 32 ? raw : null;
}

/** The device id for a raw key: lowercase hex SHA-256 (§3). */
export function deviceIdFor(publicKey: Uint8Array): Promise<string> {
  return sha256Hex(publicKey);
}

/** Canonical base64url form of a raw key, as stored and reported. */
export function publicKeyBase64Url(publicKey: Uint8Array): string {
  return encodeBase64Url(publicKey);
}

/** Fields that go into the signed payload. */
export interface SignedFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAt: number;
  token: string;
  nonce: string;
  platform?: string;
  deviceFamily?: string;
}

/** Trim and lower-case ASCII A-Z only, as the client does before signing (§3). */
function normalizeMetadata(value: string | undefined): string {
  return (value ?? "").trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** `v3|id|client|mode|role|scopes|signedAt|token|nonce|platform|family` (§3). */
export function payloadV3(f: SignedFields): string {
  return ["v3", f.deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(","), String(f.signedAt), f.token, f.nonce, normalizeMetadata(f.platform), normalizeMetadata(f.deviceFamily)].join("|");
}

/** `v2|id|client|mode|role|scopes|signedAt|token|nonce` (§3). */
export function payloadV2(f: SignedFields): string {
  return ["v2", f.deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(","), String(f.signedAt), f.token, f.nonce].join("|");
}

/** The refusal for a failed proof: INVALID_REQUEST, `details{code, reason}`, close 1008 (§3). */
export function deviceAuthError(code: DetailCode, reason: string, message: string): GatewayError {
  return new GatewayError({ code: "INVALID_REQUEST", message, details: { code, reason } }, { code: Close.policy, reason: message });
}

/** The `device` block of connect params. */
export interface DeviceClaim {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

const encoder = new TextEncoder();
const SIGNATURE_BYTES = 64;

/**
 * Native Ed25519 through Web Crypto: about 60 µs per check where pure-JS
 * tweetnacl takes milliseconds, which matters because every connect, forged
 * or not, pays for it before any credential is known. Null for bytes that are
 * not a usable key (then no signature can verify).
 */
async function importVerifyKey(raw: Uint8Array): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return null;
  }
}

async function verify(key: CryptoKey, signature: Uint8Array, payload: string): Promise<boolean> {
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature as Uint8Array<ArrayBuffer>, encoder.encode(payload));
  } catch {
    return false;
  }
}

/**
 * Checks a device proof in upstream's order: key, id, clock, nonce, then the
 * v3 payload and the v2 one. Returns the raw key and payload version; throws
 * the specific DEVICE_AUTH_* refusal otherwise. Touches no state.
 */
export async function verifyDeviceProof(
  claim: DeviceClaim,
  fields: Omit<SignedFields, "deviceId" | "signedAt" | "nonce">,
  challengeNonce: string,
  now: number,
): Promise<{ publicKey: Uint8Array; version: "v3" | "v2" }> {
  const publicKey = decodePublicKey(claim.publicKey);
  if (!publicKey) throw deviceAuthError("DEVICE_AUTH_PUBLIC_KEY_INVALID", "device-public-key", "device public key invalid");
  if ((await deviceIdFor(publicKey)) !== claim.id) throw deviceAuthError("DEVICE_AUTH_DEVICE_ID_MISMATCH", "device-id-mismatch", "device identity mismatch");
  if (Math.abs(now - claim.signedAt) > SIGNATURE_SKEW_MS) throw deviceAuthError("DEVICE_AUTH_SIGNATURE_EXPIRED", "device-signature-stale", "device signature expired");
  const nonce = claim.nonce.trim();
  if (!nonce) throw deviceAuthError("DEVICE_AUTH_NONCE_REQUIRED", "device-nonce-missing", "device nonce required");
  if (nonce !== challengeNonce) throw deviceAuthError("DEVICE_AUTH_NONCE_MISMATCH", "device-nonce-mismatch", "device nonce mismatch");
  const signature = decodeBase64(claim.signature);
  if (signature && signature.length === SIGNATURE_BYTES) {
    const signed = { ...fields, deviceId: claim.id, signedAt: claim.signedAt, nonce };
    const key = await importVerifyKey(publicKey);
    if (key && (await verify(key, signature, payloadV3(signed)))) return { publicKey, version: "v3" };
    if (key && (await verify(key, signature, payloadV2(signed)))) return { publicKey, version: "v2" };
  }
  throw deviceAuthError("DEVICE_AUTH_SIGNATURE_INVALID", "device-signature", "device signature invalid");
}
