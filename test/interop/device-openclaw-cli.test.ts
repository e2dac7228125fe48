/**
 * The real `openclaw devices` CLI (2026.9.6) managing clawgate's device
 * pairing (issue 3 "must show", spec §6, §12): it lists a pending request,
 * previews and approves it, and the device then connects. Skips, saying so,
 * when the CLI cache from `npm run test:openclaw-cli` is absent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newDevice, requestPairing, signedConnectParams } from "../harness/device.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { CLI_CALL_TIMEOUT_MS, openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { skipWithout } from "../harness/capability.ts";
import { RawSocket } from "../harness/raw-socket.ts";

const skip = skipWithout(openclawCliAvailable(), "openclaw devices interop", SKIP_MESSAGE);

describe.skipIf(skip)("openclaw devices against clawgate", () => {
  let gw: TestGateway;
  let home: string;
  let conn: string[];
  beforeAll(async () => {
    gw = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), "openclaw-home-"));
    conn = ["--url", gw.url, "--token", TEST_TOKEN];
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("list -> approve --latest (preview, exit 1) -> approve <id> -> the device connects", async () => {
    const device = newDevice();
    const scopes = ["operator.read", "operator.write"];
    const requestId = await requestPairing(gw.url, device, { token: TEST_TOKEN, scopes });

    const listed = await openclaw(["devices", "list", ...conn, "--json"], home);
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout);
    expect(list.paired).toEqual([]);
    expect(list.pending).toEqual([expect.objectContaining({ requestId, deviceId: device.identity.deviceId, roles: ["operator"], scopes, silent: false })]);

    const preview = await openclaw(["devices", "approve", "--latest", ...conn, "--json"], home);
    expect(preview.code).toBe(1);
    expect(JSON.parse(preview.stdout)).toMatchObject({ selected: { requestId }, approvalState: { kind: "new-pairing" } });

    const approved = await openclaw(["devices", "approve", requestId, ...conn, "--json"], home);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ requestId, device: { deviceId: device.identity.deviceId, roles: ["operator"], scopes, approvedVia: "owner" } });

    const sock = await RawSocket.open(gw.url, { Origin: "http://127.0.0.1" });
    try {
      const hello = await sock.request("connect", signedConnectParams(device, { nonce: sock.nonce, token: TEST_TOKEN, scopes }), "c1");
      expect(hello.ok).toBe(true);
      expect(hello.payload.auth.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      sock.close();
    }

    const human = await openclaw(["devices", "list", ...conn], home);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Paired (1)");
    expect(human.stdout).toContain(device.identity.deviceId);
  }, 4 * CLI_CALL_TIMEOUT_MS);

  test("revoke through the CLI -> the device token is refused with AUTH_DEVICE_TOKEN_MISMATCH", async () => {
    const device = newDevice();
    await openclaw(["devices", "approve", await requestPairing(gw.url, device, { token: TEST_TOKEN, scopes: ["operator.read"] }), ...conn, "--json"], home);
    const first = await RawSocket.open(gw.url);
    const hello = await first.request("connect", signedConnectParams(device, { nonce: first.nonce, token: TEST_TOKEN, scopes: ["operator.read"] }), "c1");
    first.close();
    const token = hello.payload.auth.deviceToken;

    const revoked = await openclaw(["devices", "revoke", "--device", device.identity.deviceId, "--role", "operator", ...conn], home);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ deviceId: device.identity.deviceId, role: "operator", revokedAtMs: expect.any(Number) });

    const sock = await RawSocket.open(gw.url);
    const res = await sock.request("connect", signedConnectParams(device, { nonce: sock.nonce, deviceToken: token, scopes: ["operator.read"] }), "c1");
    sock.close();
    expect(res.error.details.code).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
  }, 2 * CLI_CALL_TIMEOUT_MS);
});
