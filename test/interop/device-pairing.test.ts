/**
 * Device pairing end to end with the published reference client
 * `@openclaw/gateway-client@2026.9.1`, driven by its own device-auth host
 * callbacks over a fresh Ed25519 key (spec §3, §4.2–§4.4, §6, §7), once per
 * runtime: the CLI gateway under Bun and under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GatewayClient } from "@openclaw/gateway-client";
import { newDevice } from "../harness/device.ts";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { connectClient, waitFor, type ConnectedClient, type ConnectRefusal } from "../harness/reference-client.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

/** The operator watching pairing events: a local backend with the shared token (admin, no device). */
async function operatorOf(gw: RuntimeGateway): Promise<ConnectedClient> {
  return connectClient({ url: gw.url, token: TEST_TOKEN });
}

function eventsNamed(c: ConnectedClient, name: string): any[] {
  return c.events.filter((e) => e.event === name).map((e) => e.payload);
}

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  describe("manual pairing: autoApproveLocal false", () => {
    let gw: RuntimeGateway;
    let operator: ConnectedClient;
    beforeAll(async () => {
      gw = await startRuntimeGateway(runtime, { config: { gateway: { nodes: { pairing: { autoApproveLocal: false } } } } });
      operator = await operatorOf(gw);
    });
    afterAll(async () => {
      operator?.client.stop();
      await gw?.stop();
    });

    test("PAIRING_REQUIRED -> operator approves -> device token issued -> token alone works -> revoked token refused", async () => {
      const device = newDevice();
      const { deviceId } = device.identity;
      const asDevice = (extra: Record<string, unknown> = {}) => ({ url: gw.url, deviceIdentity: device.identity, hostDeps: device.hostDeps, ...extra });

      // 1. Not silent: pending request and PAIRING_REQUIRED with its requestId (§4.4).
      const refused = (await connectClient(asDevice({ token: TEST_TOKEN })).catch((e) => e)) as ConnectRefusal;
      expect(refused.error.gatewayCode).toBe("NOT_PAIRED");
      const requestId = refused.error.details.requestId;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(refused.code).toBe(1008);
      expect(refused.reason).toBe(`pairing required: device is not approved yet (requestId: ${requestId})`);
      // The client rewords error.message for people; the wire text is the close reason above.
      expect(refused.error.details).toEqual({
        code: "PAIRING_REQUIRED",
        reason: "not-paired",
        requestId,
        remediationHint: "Approve this device from the pending pairing requests.",
        deviceId,
        requestedRole: "operator",
        requestedScopes: ["operator.admin"],
      });

      // The operator sees the request (§7) and finds it in device.pair.list (§6).
      await waitFor(() => eventsNamed(operator, "device.pair.requested").some((p) => p.requestId === requestId));
      const requested = eventsNamed(operator, "device.pair.requested").find((p) => p.requestId === requestId);
      expect(requested).toMatchObject({ requestId, deviceId, publicKey: device.publicKey, clientId: "gateway-client", clientMode: "backend", role: "operator", roles: ["operator"], scopes: ["operator.admin"], silent: false, isRepair: false });
      expect(typeof requested.ts).toBe("number");
      const list = await operator.client.request<any>("device.pair.list", {});
      expect(list.pending.map((p: any) => p.requestId)).toEqual([requestId]);
      expect(list.paired).toEqual([]);

      // 2. The operator approves over RPC and sees device.pair.resolved.
      const approved = await operator.client.request<any>("device.pair.approve", { requestId });
      expect(approved).toMatchObject({ requestId, device: { deviceId, publicKey: device.publicKey, roles: ["operator"], scopes: ["operator.admin"], approvedVia: "owner" } });
      await waitFor(() => eventsNamed(operator, "device.pair.resolved").some((p) => p.requestId === requestId));
      expect(eventsNamed(operator, "device.pair.resolved").find((p) => p.requestId === requestId)).toMatchObject({ deviceId, decision: "approved" });

      // 3. Reconnect: hello-ok carries a 43-char device token, which the client stores (§4.3).
      const paired = await connectClient(asDevice({ token: TEST_TOKEN }));
      const deviceToken = paired.hello.auth.deviceToken;
      paired.client.stop();
      expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(paired.hello.auth).toMatchObject({ method: "token", role: "operator", scopes: ["operator.admin"], recoveryMigrationAllowed: true });
      expect(device.tokens.get("operator")).toEqual({ token: deviceToken, scopes: ["operator.admin"] });

      // 4. The device token alone (no shared secret) is enough.
      const byToken = await connectClient(asDevice());
      expect(byToken.hello.auth).toMatchObject({ method: "device-token", role: "operator", scopes: ["operator.admin"] });
      expect(byToken.hello.auth.deviceToken).toBeUndefined();
      const status = await byToken.client.request<any>("status", {});
      expect(typeof status.uptimeMs).toBe("number");

      // 5. Revoke: the live session ends (4001) and the token is refused from then on.
      const revoked = await operator.client.request<any>("device.token.revoke", { deviceId, role: "operator" });
      expect(revoked).toEqual({ deviceId, role: "operator", revokedAtMs: expect.any(Number) });
      await waitFor(() => byToken.closes.length > 0);
      byToken.client.stop();
      expect(byToken.closes[0]).toEqual({ code: 4001, reason: "device removed" });

      device.tokens.set("operator", { token: deviceToken, scopes: ["operator.admin"] });
      const stale = (await connectClient(asDevice()).catch((e) => e)) as ConnectRefusal;
      expect(stale.code).toBe(1008);
      expect(stale.reason).toBe("unauthorized: device token mismatch (rotate/reissue device token)");
      expect(stale.error.details).toEqual({ code: "AUTH_DEVICE_TOKEN_MISMATCH", authReason: "device_token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" });
      // The client drops the stale token it was holding.
      expect(device.tokens.has("operator")).toBe(false);
    }, 20_000);

    test("an identical retry keeps the same requestId; a wider one supersedes it", async () => {
      const device = newDevice();
      const opts = { url: gw.url, token: TEST_TOKEN, deviceIdentity: device.identity, hostDeps: device.hostDeps, scopes: ["operator.read"] };
      const first = (await connectClient(opts).catch((e) => e)) as ConnectRefusal;
      const second = (await connectClient(opts).catch((e) => e)) as ConnectRefusal;
      expect(second.error.details.requestId).toBe(first.error.details.requestId);
      const wider = (await connectClient({ ...opts, scopes: ["operator.read", "operator.write"] }).catch((e) => e)) as ConnectRefusal;
      const replacement = wider.error.details.requestId;
      expect(replacement).not.toBe(first.error.details.requestId);
      await waitFor(() => eventsNamed(operator, "device.pair.resolved").some((p) => p.requestId === first.error.details.requestId));
      expect(eventsNamed(operator, "device.pair.resolved").find((p) => p.requestId === first.error.details.requestId)).toMatchObject({ decision: "rejected" });
      expect(eventsNamed(operator, "device.pair.requested").filter((p) => p.deviceId === device.identity.deviceId).map((p) => p.requestId)).toEqual([first.error.details.requestId, replacement]);
      const list = await operator.client.request<any>("device.pair.list", {});
      const mine = list.pending.filter((p: any) => p.deviceId === device.identity.deviceId);
      expect(mine.map((p: any) => [p.requestId, p.scopes])).toEqual([[replacement, ["operator.read", "operator.write"]]]);
      await operator.client.request("device.pair.reject", { requestId: replacement });
    });

    test("approve and reject of an unknown request -> unknown requestId", async () => {
      await expect(operator.client.request("device.pair.approve", { requestId: "nope" })).rejects.toMatchObject({ gatewayCode: "INVALID_REQUEST", message: "unknown requestId" });
      await expect(operator.client.request("device.pair.reject", { requestId: "nope" })).rejects.toMatchObject({ gatewayCode: "INVALID_REQUEST", message: "unknown requestId" });
    });
  });

  describe("browser Origin on a client that is no UI: never silent, even on loopback (§4.4)", () => {
    let gw: RuntimeGateway;
    let operator: ConnectedClient;
    beforeAll(async () => {
      gw = await startRuntimeGateway(runtime);
      operator = await operatorOf(gw);
    });
    afterAll(async () => {
      operator?.client.stop();
      await gw?.stop();
    });

    test("Origin: http://127.0.0.1:P -> PAIRING_REQUIRED; approved -> the same Origin connects", async () => {
      const device = newDevice();
      const opts = { url: gw.url, origin: `http://127.0.0.1:${gw.port}`, token: TEST_TOKEN, deviceIdentity: device.identity, hostDeps: device.hostDeps, scopes: ["operator.read"] };
      const refused = (await connectClient(opts).catch((e) => e)) as ConnectRefusal;
      expect(refused.error.details).toMatchObject({ code: "PAIRING_REQUIRED", reason: "not-paired", requestedScopes: ["operator.read"] });
      await operator.client.request("device.pair.approve", { requestId: refused.error.details.requestId });
      const ok = await connectClient(opts);
      ok.client.stop();
      expect(ok.hello.auth).toMatchObject({ method: "token", scopes: ["operator.read"] });
      expect(typeof ok.hello.auth.deviceToken).toBe("string");
    });

    test("without Origin the same loopback connect is approved silently: only device.pair.resolved is broadcast", async () => {
      const device = newDevice();
      const ok = await connectClient({ url: gw.url, token: TEST_TOKEN, deviceIdentity: device.identity, hostDeps: device.hostDeps });
      ok.client.stop();
      expect(typeof ok.hello.auth.deviceToken).toBe("string");
      await waitFor(() => eventsNamed(operator, "device.pair.resolved").some((p) => p.deviceId === device.identity.deviceId));
      expect(eventsNamed(operator, "device.pair.resolved").find((p) => p.deviceId === device.identity.deviceId)).toMatchObject({ decision: "approved" });
      expect(eventsNamed(operator, "device.pair.requested").some((p) => p.deviceId === device.identity.deviceId)).toBe(false);
      const list = await operator.client.request<any>("device.pair.list", {});
      expect(list.paired.find((d: any) => d.deviceId === device.identity.deviceId)).toMatchObject({ approvedVia: "silent", tokens: [{ role: "operator", scopes: ["operator.admin"] }] });
    });

    test("wrong shared token: the client's one retry with its stored device token gets in (§4.2)", async () => {
      const device = newDevice();
      const first = await connectClient({ url: gw.url, token: TEST_TOKEN, deviceIdentity: device.identity, hostDeps: device.hostDeps });
      first.client.stop();
      expect(device.tokens.has("operator")).toBe(true);

      const closes: { code: number; reason: string }[] = [];
      let client: GatewayClient | undefined;
      try {
        const hello = await new Promise<any>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no hello-ok; closes: ${JSON.stringify(closes)}`)), 10_000);
          client = new GatewayClient({
            url: gw.url,
            token: "not-the-token",
            deviceIdentity: device.identity,
            hostDeps: device.hostDeps,
            onClose: (code, reason) => void closes.push({ code, reason }),
            onHelloOk: (h) => {
              clearTimeout(timer);
              resolve(h);
            },
          });
          client.start();
        });
        expect(closes).toEqual([{ code: 1008, reason: "unauthorized: gateway token mismatch (provide gateway auth token)" }]);
        expect(hello.auth).toMatchObject({ method: "device-token", role: "operator" });
      } finally {
        client?.stop();
      }
    });
  });
});
