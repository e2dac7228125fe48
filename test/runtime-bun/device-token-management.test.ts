/**
 * Device management as a device-token session (spec §6 `device.token.*`):
 * the gateway knows how the caller authenticated from the caller itself, and
 * limits a device-token session to its own device, while a shared-token
 * session of the same device acts as the owner.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { newDevice, signedConnectParams, type TestDevice } from "../harness/device.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { RawSocket } from "../harness/raw-socket.ts";

const SCOPES = ["operator.pairing"];
let gw: TestGateway;
const open: RawSocket[] = [];

/** A connected socket of `device` with the given credential, and its hello-ok auth block. */
async function session(device: TestDevice, auth: { token?: string; deviceToken?: string }): Promise<{ sock: RawSocket; auth: Record<string, any> }> {
  const sock = await RawSocket.open(gw.url);
  open.push(sock);
  const hello = await sock.request("connect", signedConnectParams(device, { nonce: sock.nonce, scopes: SCOPES, ...auth }), "c1");
  expect(hello.ok).toBe(true);
  return { sock, auth: hello.payload.auth };
}

/** Pairs a new device (silently, on loopback) and returns it with its device token. */
async function pairedDevice(): Promise<{ device: TestDevice; deviceToken: string }> {
  const device = newDevice();
  const { auth } = await session(device, { token: TEST_TOKEN });
  return { device, deviceToken: auth.deviceToken };
}

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  for (const s of open) s.close();
  await gw.stop();
});

describe("device.token.revoke by who the caller is", () => {
  test("device-token session -> another device's token is refused and kept; its own is revoked", async () => {
    const a = await pairedDevice();
    const b = await pairedDevice();
    const { sock, auth } = await session(a.device, { deviceToken: a.deviceToken });
    expect(auth.method).toBe("device-token");

    const other = await sock.request("device.token.revoke", { deviceId: b.device.identity.deviceId, role: "operator" });
    expect(other.error).toEqual({ code: "INVALID_REQUEST", message: "device token revocation denied" });
    // b's token still works.
    expect((await session(b.device, { deviceToken: b.deviceToken })).auth.method).toBe("device-token");

    const own = await sock.request("device.token.revoke", { deviceId: a.device.identity.deviceId, role: "operator" });
    expect(own.payload).toEqual({ deviceId: a.device.identity.deviceId, role: "operator", revokedAtMs: expect.any(Number) });
  });

  test("shared-token session of the same device (control) -> another device's token is revoked", async () => {
    const a = await pairedDevice();
    const b = await pairedDevice();
    const { sock, auth } = await session(a.device, { token: TEST_TOKEN });
    expect(auth.method).toBe("token");
    const res = await sock.request("device.token.revoke", { deviceId: b.device.identity.deviceId, role: "operator" });
    expect(res.payload).toEqual({ deviceId: b.device.identity.deviceId, role: "operator", revokedAtMs: expect.any(Number) });
  });
});
