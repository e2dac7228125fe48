/**
 * A client that is not on loopback (spec §4.2, §4.4, §4.5, §4.7): the
 * gateway runs inside a network namespace of the test's own and the test
 * connects over a veth pair, so the gateway sees a real private (10/8),
 * CGNAT (100.64/10) or public address. Such a client keeps no scopes without
 * a device, is never paired silently (the local CLI approves it), is locked
 * out after repeated failures, and may act as a trusted proxy. Every shim.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import { rmSync } from "node:fs";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { IN_CI, testNeeding } from "../harness/capability.ts";
import { newDevice, signedConnectParams } from "../harness/device.ts";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { createNetns, NETNS_UNAVAILABLE, type Netns } from "../harness/netns.ts";
import { childEnv, CLI, freshHome } from "../harness/process.ts";
import { connected, connectParams, RawSocket } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

const missing = NETNS_UNAVAILABLE;
const test = testNeeding("network namespaces (root and iproute2)", missing);
/** Skipped here: the suites' hooks make nothing (under CI they run, and fail with ip's reason). */
const skipped = Boolean(missing) && !IN_CI;

const inside = (ns: Netns) => ["ip", "netns", "exec", ns.name];

// Every namespace made here and not yet removed: a setup hook that gave up never handed its one back.
const made = new Set<Netns>();
async function dispose(ns: Netns | undefined): Promise<void> {
  if (!ns || !made.delete(ns)) return;
  await ns.destroy();
}
afterAll(async () => {
  for (const ns of made) await dispose(ns);
});

/**
 * The gateway in a fresh namespace (a free 10.213.N/30, or `subnet`), listening on every address of it; `url`
 * reaches it over the veth pair, so the gateway sees the test as `ns.hostAddress`.
 */
async function gatewayBehindVeth(runtime: (typeof RUNTIMES)[number], subnet?: string, config: (ns: Netns) => OpenClawConfig = () => ({})) {
  const ns = await createNetns(subnet);
  made.add(ns);
  const c = config(ns);
  const gw = await startRuntimeGateway(runtime, { wrap: inside(ns), config: { ...c, gateway: { bind: "lan", ...c.gateway } } });
  return { ns, gw, url: `ws://${ns.address}:${gw.port}` };
}

/** `clawgate <args>` run inside the namespace: a client on the gateway's own loopback, i.e. its owner. */
async function localCli(ns: Netns, gw: RuntimeGateway, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = freshHome();
  try {
    const proc = Bun.spawn([...inside(ns), process.execPath, CLI, ...args, "--url", `ws://127.0.0.1:${gw.port}`, "--token", TEST_TOKEN], { env: childEnv(home), stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// A free private /30 is picked by the harness; the CGNAT and public ones are fixed (third octet drawn once per run).
const PEERS = [
  { kind: "private 10/8", subnet: undefined },
  { kind: "CGNAT 100.64/10", subnet: `100.78.${1 + Math.floor(Math.random() * 250)}` },
  { kind: "public", subnet: "203.0.113" },
] as const;

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  describe.each(PEERS)("peer from a $kind address", ({ subnet }) => {
    let ns: Netns;
    let gw: RuntimeGateway;
    let url: string;
    beforeAll(async () => {
      if (skipped) return;
      ({ ns, gw, url } = await gatewayBehindVeth(runtime, subnet));
    }, 30_000);
    afterAll(async () => {
      await gw?.stop();
      await dispose(ns);
    });

    test("device-less backend with the right token -> accepted, but its scopes are cleared (not a local client)", async () => {
      const { sock, hello } = await connected(url, connectParams({ scopes: ["operator.admin"] }));
      try {
        expect(hello.payload.auth).toEqual({ method: "token", role: "operator", scopes: [] });
        expect((await sock.request("health")).ok).toBe(true);
        expect((await sock.request("status")).error).toEqual({ code: "FORBIDDEN", message: "missing scope: operator.read", details: { code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"] } });
      } finally {
        sock.close();
      }
    });

    test("new device with the right token -> PAIRING_REQUIRED, no silent approval; the local CLI approves it; then it connects", async () => {
      const device = newDevice();
      const scopes = ["operator.read"];
      const first = await RawSocket.open(url);
      const refusal = await first.request("connect", signedConnectParams(device, { nonce: first.nonce, token: TEST_TOKEN, scopes }), "c1");
      expect(refusal.error).toMatchObject({ code: "NOT_PAIRED", message: "pairing required: device is not approved yet", details: { code: "PAIRING_REQUIRED", reason: "not-paired", deviceId: device.identity.deviceId, requestedRole: "operator", requestedScopes: scopes } });
      const requestId = refusal.error.details.requestId;
      expect(await first.waitClose()).toEqual({ code: 1008, reason: `pairing required: device is not approved yet (requestId: ${requestId})` });

      const listed = await localCli(ns, gw, ["devices", "list", "--json"]);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout).pending).toEqual([expect.objectContaining({ requestId, deviceId: device.identity.deviceId, remoteIp: ns.hostAddress })]);
      expect(await localCli(ns, gw, ["devices", "approve", requestId])).toEqual({ code: 0, stdout: `Approved ${device.identity.deviceId} (${requestId})\n`, stderr: "" });

      const again = await RawSocket.open(url);
      try {
        const hello = await again.request("connect", signedConnectParams(device, { nonce: again.nonce, token: TEST_TOKEN, scopes }), "c1");
        expect(hello.payload.auth).toMatchObject({ method: "token", role: "operator", scopes, deviceToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
        expect((await again.request("status")).ok).toBe(true);
      } finally {
        again.close();
      }
    }, 20_000);
  });

  describe("LAN rules from a private peer", () => {
    let ns: Netns;
    let gw: RuntimeGateway;
    let url: string;
    beforeAll(async () => {
      if (skipped) return;
      ({ ns, gw, url } = await gatewayBehindVeth(runtime));
    }, 30_000);
    afterAll(async () => {
      await gw?.stop();
      await dispose(ns);
    });

    test("Origin on the gateway's LAN address -> allowed; a public Origin -> CONTROL_UI_ORIGIN_NOT_ALLOWED, 1008", async () => {
      const lan = await RawSocket.open(url, { Origin: `http://${ns.address}:${gw.port}` });
      try {
        expect((await lan.request("connect", connectParams(), "c1")).ok).toBe(true);
      } finally {
        lan.close();
      }
      const foreign = await RawSocket.open(url, { Origin: "https://evil.example.com" });
      const message = "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)";
      expect((await foreign.request("connect", connectParams(), "c1")).error).toEqual({ code: "INVALID_REQUEST", message, details: { code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" } });
      expect(await foreign.waitClose()).toEqual({ code: 1008, reason: message });
    });

    // Loopback is never locked out (§4.5); a LAN peer is, after 10 failures, even with the right token.
    test("10 wrong tokens -> the 11th attempt, with the right token, is AUTH_RATE_LIMITED with retryAfterMs", async () => {
      for (let i = 0; i < 10; i++) {
        const sock = await RawSocket.open(url);
        const res = await sock.request("connect", connectParams({ auth: { token: `wrong-token-${i}-abcdefgh` } }), "c1");
        expect(res.error.details.code).toBe("AUTH_TOKEN_MISMATCH");
        await sock.waitClose();
      }
      const locked = await RawSocket.open(url);
      const res = await locked.request("connect", connectParams(), "c1");
      expect(res.error).toMatchObject({ code: "INVALID_REQUEST", message: "unauthorized: too many failed authentication attempts (retry later)", retryable: true, details: { code: "AUTH_RATE_LIMITED", authReason: "rate_limited" } });
      expect(res.error.retryAfterMs).toBeGreaterThan(0);
      expect(await locked.waitClose()).toEqual({ code: 1008, reason: "unauthorized: too many failed authentication attempts (retry later)" });
    }, 20_000);
  });

  describe("gateway.auth.mode: trusted-proxy, the proxy on the LAN", () => {
    let ns: Netns;
    let gw: RuntimeGateway;
    let url: string;
    beforeAll(async () => {
      if (skipped) return;
      ({ ns, gw, url } = await gatewayBehindVeth(runtime, undefined, (n) => ({ gateway: { trustedProxies: [n.hostAddress], auth: { mode: "trusted-proxy", trustedProxy: { userHeader: "x-forwarded-user" } } } })));
    }, 30_000);
    afterAll(async () => {
      await gw?.stop();
      await dispose(ns);
    });

    test("the trusted proxy with the user header -> hello-ok with auth.method trusted-proxy", async () => {
      const sock = await RawSocket.open(url, { "X-Forwarded-User": "alice", "X-Forwarded-For": "192.168.50.7" });
      const hello = await sock.request("connect", connectParams({ auth: undefined }), "c1");
      sock.close();
      expect(hello.ok).toBe(true);
      expect(hello.payload.auth).toMatchObject({ method: "trusted-proxy", role: "operator" });
    });

    test("the trusted proxy without the user header -> AUTH_IDENTITY_HEADER_REQUIRED, 1008; a token is no substitute", async () => {
      const sock = await RawSocket.open(url, { "X-Forwarded-For": "192.168.50.7" });
      const res = await sock.request("connect", connectParams(), "c1");
      expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "unauthorized", details: { code: "AUTH_IDENTITY_HEADER_REQUIRED", authReason: "trusted_proxy_user_missing", canRetryWithDeviceToken: false, recommendedNextStep: "review_auth_configuration" } });
      expect(await sock.waitClose()).toEqual({ code: 1008, reason: "unauthorized" });
    });
  });
});
