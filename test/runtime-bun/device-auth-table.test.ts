/**
 * The device rows of the §4.2 connect table over real sockets: which
 * credential a paired device may present, and what each refusal tells the
 * client to do next.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { newDevice, signedConnectParams, type TestDevice } from "../harness/device.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { RawSocket, type Frame } from "../harness/raw-socket.ts";

let gw: TestGateway;
let device: TestDevice;
let deviceToken: string;
const open: RawSocket[] = [];

/** One connect of `device` with the given credentials; returns the reply. */
async function connectWith(auth: { token?: string; deviceToken?: string }, scopes = ["operator.read"]): Promise<Frame> {
  const sock = await RawSocket.open(gw.url);
  open.push(sock);
  return sock.request("connect", signedConnectParams(device, { nonce: sock.nonce, scopes, ...auth }), "c1");
}

beforeAll(async () => {
  gw = await startTestGateway({ config: { gateway: { auth: { rateLimit: { exemptLoopback: false } } } } });
  device = newDevice();
  const first = await connectWith({ token: TEST_TOKEN });
  deviceToken = first.payload.auth.deviceToken;
});
afterAll(async () => {
  for (const s of open) s.close();
  await gw.stop();
});

describe("§4.2 with a paired device", () => {
  test("right shared token -> accepted, auth.method token (no new token: the device keeps its own)", async () => {
    const res = await connectWith({ token: TEST_TOKEN });
    expect(res.payload.auth).toEqual({ method: "token", role: "operator", scopes: ["operator.read"] });
  });

  test("its token in auth.deviceToken -> accepted, auth.method device-token", async () => {
    expect((await connectWith({ deviceToken })).payload.auth).toMatchObject({ method: "device-token", scopes: ["operator.read"] });
  });

  test("its token in auth.token -> accepted as a device token too", async () => {
    expect((await connectWith({ token: deviceToken })).payload.auth).toMatchObject({ method: "device-token" });
  });

  test("wrong shared token -> AUTH_TOKEN_MISMATCH telling the client to retry with its device token", async () => {
    const res = await connectWith({ token: "wrong-token" });
    expect(res.error).toEqual({
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token mismatch (provide gateway auth token)",
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" },
    });
  });

  test("wrong shared token with the right device token -> accepted as device-token (the client's bounded retry)", async () => {
    expect((await connectWith({ token: "wrong-token", deviceToken })).payload.auth).toMatchObject({ method: "device-token" });
  });

  test("no credential at all -> AUTH_TOKEN_MISSING, update_auth_configuration", async () => {
    const res = await connectWith({});
    expect(res.error.details).toEqual({ code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" });
  });

  test("asking for more scopes with the shared token -> scope upgrade, approved silently on loopback (§4.4)", async () => {
    const res = await connectWith({ token: TEST_TOKEN }, ["operator.read", "operator.write"]);
    expect(res.payload.auth).toMatchObject({ method: "token", scopes: ["operator.read", "operator.write"] });
    expect(typeof res.payload.auth.deviceToken).toBe("string");
  });

  test("asking for more scopes with only the device token -> AUTH_SCOPE_MISMATCH (a token proves no upgrade)", async () => {
    const narrow = newDevice();
    const sock = await RawSocket.open(gw.url);
    open.push(sock);
    const paired = await sock.request("connect", signedConnectParams(narrow, { nonce: sock.nonce, token: TEST_TOKEN, scopes: ["operator.read"] }), "c1");
    const again = await RawSocket.open(gw.url);
    open.push(again);
    const res = await again.request("connect", signedConnectParams(narrow, { nonce: again.nonce, deviceToken: paired.payload.auth.deviceToken, scopes: ["operator.admin"] }), "c1");
    expect(res.error.details.code).toBe("AUTH_SCOPE_MISMATCH");
  });
});
