/**
 * Device auth refusals over real sockets against a real gateway and its
 * SQLite file (spec §3, §4.2, §4.3): each bad proof or token is refused with
 * its own code, closes 1008, and leaves every table exactly as it was.
 * Each attacker is an unpaired device that a silent local approval would
 * otherwise have written to the database, so "unchanged" means something.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync, sign } from "node:crypto";
import { databasePath } from "../../runtime-bun/sqlite-store.ts";
import { dumpDatabase } from "../harness/db-dump.ts";
import { newDevice, signedConnectParams, type TestDevice } from "../harness/device.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { connected, connectParams, RawSocket, type Frame } from "../harness/raw-socket.ts";

let gw: TestGateway;
let operator: RawSocket;
const open: RawSocket[] = [];

async function socket(): Promise<RawSocket> {
  const sock = await RawSocket.open(gw.url);
  open.push(sock);
  return sock;
}

/** Sends `params` as the connect request and returns the reply and the close that follows. */
async function refused(sock: RawSocket, params: Record<string, unknown>): Promise<{ res: Frame; close: { code: number; reason: string } }> {
  const res = await sock.request("connect", params, "c1");
  expect(res.ok).toBe(false);
  return { res, close: await sock.waitClose() };
}

function expectRefusal(r: { res: Frame; close: { code: number; reason: string } }, code: string, detailCode: string, message: string): void {
  expect(r.res.error.code).toBe(code);
  expect(r.res.error.message).toBe(message);
  expect(r.res.error.details.code).toBe(detailCode);
  expect(r.close).toEqual({ code: 1008, reason: message });
}

/** Pairs a device silently over loopback and returns its device token (§4.4). */
async function pairSilently(device: TestDevice, scopes: string[]): Promise<string> {
  const sock = await socket();
  const res = await sock.request("connect", signedConnectParams(device, { nonce: sock.nonce, token: TEST_TOKEN, scopes }), "c1");
  expect(res.ok).toBe(true);
  sock.close();
  return res.payload.auth.deviceToken;
}

const db = () => dumpDatabase(databasePath(gw.dir));

beforeAll(async () => {
  // Loopback failures are delayed, not locked out (§4.5); turning the exemption off keeps this suite quick.
  gw = await startTestGateway({ config: { gateway: { auth: { rateLimit: { exemptLoopback: false } } } } });
  operator = (await connected(gw.url, connectParams())).sock;
});
afterAll(async () => {
  operator.close();
  for (const s of open) s.close();
  await gw.stop();
});

describe("device proof refusals change nothing (§3)", () => {
  test("control: the same unpaired device with a valid proof is paired silently (a write)", async () => {
    const before = db();
    await pairSilently(newDevice(), ["operator.read"]);
    expect(db()).not.toEqual(before);
  });

  test("forged signature -> DEVICE_AUTH_SIGNATURE_INVALID", async () => {
    const attacker = newDevice();
    const sock = await socket();
    const params = signedConnectParams(attacker, { nonce: sock.nonce, token: TEST_TOKEN });
    const forger = generateKeyPairSync("ed25519").privateKey;
    (params.device as Record<string, unknown>).signature = sign(null, Buffer.from("v3|forged"), forger).toString("base64url");
    const before = db();
    expectRefusal(await refused(sock, params), "INVALID_REQUEST", "DEVICE_AUTH_SIGNATURE_INVALID", "device signature invalid");
    expect(db()).toEqual(before);
  });

  test("public key that does not hash to the device id -> DEVICE_AUTH_DEVICE_ID_MISMATCH", async () => {
    const claimed = newDevice();
    const holder = newDevice();
    const sock = await socket();
    const params = signedConnectParams(holder, { nonce: sock.nonce, token: TEST_TOKEN });
    (params.device as Record<string, unknown>).id = claimed.identity.deviceId;
    const before = db();
    expectRefusal(await refused(sock, params), "INVALID_REQUEST", "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device identity mismatch");
    expect(db()).toEqual(before);
  });

  test("signedAt 121 s old -> DEVICE_AUTH_SIGNATURE_EXPIRED", async () => {
    const sock = await socket();
    const params = signedConnectParams(newDevice(), { nonce: sock.nonce, token: TEST_TOKEN, signedAt: Date.now() - 121_000 });
    const before = db();
    expectRefusal(await refused(sock, params), "INVALID_REQUEST", "DEVICE_AUTH_SIGNATURE_EXPIRED", "device signature expired");
    expect(db()).toEqual(before);
  });

  test("nonce of another open socket -> DEVICE_AUTH_NONCE_MISMATCH", async () => {
    const issuer = await socket();
    const sock = await socket();
    const params = signedConnectParams(newDevice(), { nonce: issuer.nonce, token: TEST_TOKEN });
    const before = db();
    expectRefusal(await refused(sock, params), "INVALID_REQUEST", "DEVICE_AUTH_NONCE_MISMATCH", "device nonce mismatch");
    expect(db()).toEqual(before);
  });

  test("blank nonce -> DEVICE_AUTH_NONCE_REQUIRED", async () => {
    const sock = await socket();
    const params = signedConnectParams(newDevice(), { nonce: " ", token: TEST_TOKEN });
    const before = db();
    expectRefusal(await refused(sock, params), "INVALID_REQUEST", "DEVICE_AUTH_NONCE_REQUIRED", "device nonce required");
    expect(db()).toEqual(before);
  });

  test("replayed connect frame: refused on a new socket (NONCE_MISMATCH) and on its own socket (one use)", async () => {
    const device = newDevice();
    const first = await socket();
    const frame = { type: "req", id: "c1", method: "connect", params: signedConnectParams(device, { nonce: first.nonce, token: TEST_TOKEN }) };
    first.send(frame);
    await first.until(() => first.frames.some((f) => f.id === "c1"));
    expect(first.frames.find((f) => f.id === "c1")!.ok).toBe(true);
    const before = db();

    const again = await first.request("connect", frame.params, "c2");
    expect(again.error).toEqual({ code: "INVALID_REQUEST", message: "connect is only valid as the first request" });
    const replay = await socket();
    replay.send(frame);
    await replay.until(() => replay.frames.some((f) => f.id === "c1"));
    const res = replay.frames.find((f) => f.id === "c1")!;
    expectRefusal({ res, close: await replay.waitClose() }, "INVALID_REQUEST", "DEVICE_AUTH_NONCE_MISMATCH", "device nonce mismatch");
    expect(db()).toEqual(before);
  });
});

describe("device token refusals change nothing (§4.2, §4.3)", () => {
  test("revoked token -> AUTH_DEVICE_TOKEN_MISMATCH", async () => {
    const device = newDevice();
    const token = await pairSilently(device, ["operator.read"]);
    const revoke = await operator.request("device.token.revoke", { deviceId: device.identity.deviceId, role: "operator" });
    expect(revoke.ok).toBe(true);
    const sock = await socket();
    const before = db();
    const r = await refused(sock, signedConnectParams(device, { nonce: sock.nonce, deviceToken: token, scopes: ["operator.read"] }));
    expectRefusal(r, "INVALID_REQUEST", "AUTH_DEVICE_TOKEN_MISMATCH", "unauthorized: device token mismatch (rotate/reissue device token)");
    expect(r.res.error.details).toEqual({ code: "AUTH_DEVICE_TOKEN_MISMATCH", authReason: "device_token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" });
    expect(db()).toEqual(before);
  });

  test("scopes beyond the token's grant -> AUTH_SCOPE_MISMATCH", async () => {
    const device = newDevice();
    const token = await pairSilently(device, ["operator.read"]);
    const sock = await socket();
    const before = db();
    const r = await refused(sock, signedConnectParams(device, { nonce: sock.nonce, deviceToken: token, scopes: ["operator.read", "operator.admin"] }));
    expectRefusal(r, "INVALID_REQUEST", "AUTH_SCOPE_MISMATCH", "unauthorized: device token scope mismatch (re-pair or approve scope upgrade)");
    expect(r.res.error.details.recommendedNextStep).toBe("review_auth_configuration");
    expect(db()).toEqual(before);

    // Control: within the grant the same token is accepted.
    const ok = await socket();
    const hello = await ok.request("connect", signedConnectParams(device, { nonce: ok.nonce, deviceToken: token, scopes: ["operator.read"] }), "c1");
    expect(hello.payload.auth).toMatchObject({ method: "device-token", scopes: ["operator.read"] });
  });

  test("another device's token -> AUTH_DEVICE_TOKEN_MISMATCH (tokens are bound to their device)", async () => {
    const owner = newDevice();
    const token = await pairSilently(owner, ["operator.read"]);
    const thief = newDevice();
    const sock = await socket();
    const before = db();
    expectRefusal(await refused(sock, signedConnectParams(thief, { nonce: sock.nonce, deviceToken: token, scopes: ["operator.read"] })), "INVALID_REQUEST", "AUTH_DEVICE_TOKEN_MISMATCH", "unauthorized: device token mismatch (rotate/reissue device token)");
    expect(db()).toEqual(before);
  });

  test("device tokens are stored hashed: the database never holds the token text", async () => {
    const device = newDevice();
    const token = await pairSilently(device, ["operator.read"]);
    expect(JSON.stringify(db())).not.toContain(token);
  });
});
