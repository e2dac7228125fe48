/**
 * Device identity proof (spec §3): the published test vector byte for byte,
 * the lenient public key encodings, and every DEVICE_AUTH_* refusal.
 */
import { describe, expect, test } from "bun:test";
import nacl from "tweetnacl";
import { decodeBase64, encodeBase64Url, toHex } from "../../../core/device/encoding.ts";
import { decodePublicKey, deviceIdFor, payloadV2, payloadV3, SIGNATURE_SKEW_MS, verifyDeviceProof, type SignedFields } from "../../../core/device/identity.ts";
import { GatewayError, type DetailCode } from "../../../core/protocol/errors.ts";

// §3 test vector.
const SEED_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const PUBLIC_KEY_HEX = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const PUBLIC_KEY_B64URL = "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg";
const DEVICE_ID = "56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c";
const SIGNED_AT = 1737264000000;
const NONCE = "00000000-0000-4000-8000-000000000000";
const V3_PAYLOAD = `v3|${DEVICE_ID}|cli|cli|operator|operator.admin,operator.read|1737264000000|example-token|${NONCE}|linux|linux`;
const V2_PAYLOAD = `v2|${DEVICE_ID}|cli|cli|operator|operator.admin,operator.read|1737264000000|example-token|${NONCE}`;
const V3_SIGNATURE = "CnwCcnRdB44jRz2sJD7kdIObBkR2qlnFF2MvaOb5iKjwcFMVjJPpqG47NeaMCVgMBLACvZEDiScQ9I0yfZ1vBA";
const V2_SIGNATURE = "1ntXQPu40KcrfCB-8VD78gTu1uFNz6Yfn_1sChmSY_76ePWAsqto8J8mhoPgDFXD5q7CVi23y3wZB2BL6Mz1Cw";

const seed = Uint8Array.from(SEED_HEX.match(/../g)!.map((h) => parseInt(h, 16)));
const keys = nacl.sign.keyPair.fromSeed(seed);
const encoder = new TextEncoder();

const fields: SignedFields = {
  deviceId: DEVICE_ID,
  clientId: "cli",
  clientMode: "cli",
  role: "operator",
  scopes: ["operator.admin", "operator.read"],
  signedAt: SIGNED_AT,
  token: "example-token",
  nonce: NONCE,
  platform: "Linux",
  deviceFamily: "Linux",
};
const { deviceId: _d, signedAt: _s, nonce: _n, ...connectFields } = fields;

function sign(payload: string): string {
  return encodeBase64Url(nacl.sign.detached(encoder.encode(payload), keys.secretKey));
}

function spkiPem(raw: Uint8Array): string {
  const der = new Uint8Array([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, ...raw]);
  const b64 = btoa(String.fromCharCode(...der));
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

/** Runs the proof and returns the refusal it throws. */
async function refusal(claim: Partial<Parameters<typeof verifyDeviceProof>[0]>, overrides: { fields?: Partial<typeof connectFields>; nonce?: string; now?: number } = {}): Promise<GatewayError> {
  const full = { id: DEVICE_ID, publicKey: PUBLIC_KEY_B64URL, signature: V3_SIGNATURE, signedAt: SIGNED_AT, nonce: NONCE, ...claim };
  try {
    await verifyDeviceProof(full, { ...connectFields, ...overrides.fields }, overrides.nonce ?? NONCE, overrides.now ?? SIGNED_AT);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("proof was accepted");
}

/** Every DEVICE_AUTH_* refusal: INVALID_REQUEST, details {code, reason}, close 1008 with the message (§3). */
function expectRefusal(error: GatewayError, code: DetailCode, reason: string, message: string): void {
  expect(error.shape).toEqual({ code: "INVALID_REQUEST", message, details: { code, reason } });
  expect(error.close).toEqual({ code: 1008, reason: message });
}

describe("§3 test vector", () => {
  test("seed -> public key hex and base64url", () => {
    expect(toHex(keys.publicKey)).toBe(PUBLIC_KEY_HEX);
    expect(encodeBase64Url(keys.publicKey)).toBe(PUBLIC_KEY_B64URL);
  });

  test("device id = hex SHA-256 of the raw key", async () => {
    expect(await deviceIdFor(keys.publicKey)).toBe(DEVICE_ID);
  });

  test("v3 and v2 payload strings are byte exact (platform/family lower-cased)", () => {
    expect(payloadV3(fields)).toBe(V3_PAYLOAD);
    expect(payloadV2(fields)).toBe(V2_PAYLOAD);
  });

  test("signatures over the payloads are byte exact", () => {
    expect(sign(V3_PAYLOAD)).toBe(V3_SIGNATURE);
    expect(sign(V2_PAYLOAD)).toBe(V2_SIGNATURE);
  });

  test("the vector's v3 signature verifies as v3, the v2 one as v2", async () => {
    const claim = { id: DEVICE_ID, publicKey: PUBLIC_KEY_B64URL, signedAt: SIGNED_AT, nonce: NONCE };
    expect((await verifyDeviceProof({ ...claim, signature: V3_SIGNATURE }, connectFields, NONCE, SIGNED_AT)).version).toBe("v3");
    expect((await verifyDeviceProof({ ...claim, signature: V2_SIGNATURE }, connectFields, NONCE, SIGNED_AT)).version).toBe("v2");
  });

  test("metadata is normalized before checking: only ASCII A-Z lower-cased, trimmed", () => {
    expect(payloadV3({ ...fields, platform: "  LiNUX ", deviceFamily: undefined })).toBe(`v3|${DEVICE_ID}|cli|cli|operator|operator.admin,operator.read|1737264000000|example-token|${NONCE}|linux|`);
    expect(payloadV3({ ...fields, platform: "ÄNDROID" })).toEndWith("|Ändroid|linux");
  });

  test("empty scopes sign as an empty field; order is kept as sent", () => {
    expect(payloadV2({ ...fields, scopes: [] })).toBe(`v2|${DEVICE_ID}|cli|cli|operator||1737264000000|example-token|${NONCE}`);
    expect(payloadV2({ ...fields, scopes: ["b", "a", "a"] })).toContain("|b,a,a|");
  });
});

describe("public key encodings (§3)", () => {
  const padded = btoa(String.fromCharCode(...keys.publicKey));
  test.each([
    ["base64url, unpadded", PUBLIC_KEY_B64URL],
    ["standard base64, padded", padded],
    ["standard base64, unpadded", padded.replace(/=+$/, "")],
    ["PEM SPKI", spkiPem(keys.publicKey)],
    ["surrounding whitespace", `  ${PUBLIC_KEY_B64URL}\n`],
  ])("%s decodes to the raw key", (_name, text) => {
    expect(toHex(decodePublicKey(text)!)).toBe(PUBLIC_KEY_HEX);
  });

  test.each([
    ["31 bytes", encodeBase64Url(keys.publicKey.slice(1))],
    ["33 bytes", encodeBase64Url(new Uint8Array([...keys.publicKey, 0]))],
    ["not base64", "not*a*key"],
    ["empty", ""],
    ["PEM with a non-Ed25519 prefix", spkiPem(keys.publicKey).replace("MCowBQYDK2VwAyEA", "MCowBQYDK2VxAyEA")],
  ])("%s -> null", (_name, text) => {
    expect(decodePublicKey(text)).toBeNull();
  });

  test("a PEM key passes the proof with the same device id", async () => {
    const proof = await verifyDeviceProof({ id: DEVICE_ID, publicKey: spkiPem(keys.publicKey), signature: V3_SIGNATURE, signedAt: SIGNED_AT, nonce: NONCE }, connectFields, NONCE, SIGNED_AT);
    expect(toHex(proof.publicKey)).toBe(PUBLIC_KEY_HEX);
  });

  test("signatures decode leniently: padded standard base64 also verifies", async () => {
    const std = btoa(String.fromCharCode(...decodeBase64(V3_SIGNATURE)!));
    expect((await verifyDeviceProof({ id: DEVICE_ID, publicKey: PUBLIC_KEY_B64URL, signature: std, signedAt: SIGNED_AT, nonce: NONCE }, connectFields, NONCE, SIGNED_AT)).version).toBe("v3");
  });
});

describe("DEVICE_AUTH_* refusals (§3)", () => {
  test("undecodable key -> DEVICE_AUTH_PUBLIC_KEY_INVALID", async () => {
    expectRefusal(await refusal({ publicKey: "garbage" }), "DEVICE_AUTH_PUBLIC_KEY_INVALID", "device-public-key", "device public key invalid");
  });

  test("key that does not hash to the id -> DEVICE_AUTH_DEVICE_ID_MISMATCH", async () => {
    const other = nacl.sign.keyPair().publicKey;
    expectRefusal(await refusal({ publicKey: encodeBase64Url(other) }), "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device-id-mismatch", "device identity mismatch");
    expectRefusal(await refusal({ id: DEVICE_ID.toUpperCase() }), "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device-id-mismatch", "device identity mismatch");
  });

  test("signedAt exactly 120 s off passes; one ms more -> DEVICE_AUTH_SIGNATURE_EXPIRED either way", async () => {
    const claim = { id: DEVICE_ID, publicKey: PUBLIC_KEY_B64URL, signature: V3_SIGNATURE, signedAt: SIGNED_AT, nonce: NONCE };
    await verifyDeviceProof(claim, connectFields, NONCE, SIGNED_AT + SIGNATURE_SKEW_MS);
    await verifyDeviceProof(claim, connectFields, NONCE, SIGNED_AT - SIGNATURE_SKEW_MS);
    for (const now of [SIGNED_AT + SIGNATURE_SKEW_MS + 1, SIGNED_AT - SIGNATURE_SKEW_MS - 1]) {
      expectRefusal(await refusal({}, { now }), "DEVICE_AUTH_SIGNATURE_EXPIRED", "device-signature-stale", "device signature expired");
    }
  });

  test("blank nonce -> DEVICE_AUTH_NONCE_REQUIRED", async () => {
    expectRefusal(await refusal({ nonce: "   " }), "DEVICE_AUTH_NONCE_REQUIRED", "device-nonce-missing", "device nonce required");
  });

  test("another socket's nonce -> DEVICE_AUTH_NONCE_MISMATCH", async () => {
    expectRefusal(await refusal({}, { nonce: crypto.randomUUID() }), "DEVICE_AUTH_NONCE_MISMATCH", "device-nonce-mismatch", "device nonce mismatch");
  });

  test.each([
    ["a forged signature", { claim: { signature: encodeBase64Url(nacl.sign.detached(encoder.encode(V3_PAYLOAD), nacl.sign.keyPair().secretKey)) } }],
    ["a signature of the wrong length", { claim: { signature: V3_SIGNATURE.slice(0, 40) } }],
    ["a signature that is not base64", { claim: { signature: "!!!" } }],
    ["scopes in another order than signed", { fields: { scopes: ["operator.read", "operator.admin"] } }],
    ["another role than signed", { fields: { role: "node" } }],
    ["another token than signed", { fields: { token: "other-token" } }],
    ["another platform than signed (v3 covers it)", { fields: { platform: "darwin" } }],
  ])("%s -> DEVICE_AUTH_SIGNATURE_INVALID", async (_name, c: { claim?: Record<string, string>; fields?: Partial<typeof connectFields> }) => {
    expectRefusal(await refusal(c.claim ?? {}, { fields: c.fields }), "DEVICE_AUTH_SIGNATURE_INVALID", "device-signature", "device signature invalid");
  });

  test("checks run in upstream's order: id before clock before nonce before signature", async () => {
    const other = encodeBase64Url(nacl.sign.keyPair().publicKey);
    expect((await refusal({ publicKey: other, signature: "x" }, { now: 0, nonce: "other" })).shape.details!.code).toBe("DEVICE_AUTH_DEVICE_ID_MISMATCH");
    expect((await refusal({ signature: "x" }, { now: 0, nonce: "other" })).shape.details!.code).toBe("DEVICE_AUTH_SIGNATURE_EXPIRED");
    expect((await refusal({ signature: "x" }, { nonce: "other" })).shape.details!.code).toBe("DEVICE_AUTH_NONCE_MISMATCH");
  });
});
