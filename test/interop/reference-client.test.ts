/**
 * The published reference client `@openclaw/gateway-client@2026.9.1` against
 * a real clawgate over real sockets (spec §0, §2, §4.2, §5), once per
 * runtime: the CLI gateway under Bun and under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { connectClient, waitFor } from "../harness/reference-client.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
  });
  afterAll(() => gw?.stop());

  describe("reference client with a shared token", () => {
    test("connect -> hello-ok v4 with the requested admin scope and policy", async () => {
      const { client, hello } = await connectClient({ url: gw.url, token: TEST_TOKEN });
      try {
        expect(hello.protocol).toBe(4);
        expect(hello.auth).toMatchObject({ method: "token", role: "operator", scopes: ["operator.admin"] });
        expect(hello.policy.tickIntervalMs).toBe(30_000);
        expect(hello.snapshot.presence[0]).toMatchObject({ mode: "gateway", reason: "self" });
        expect(hello.features.methods).toContain("system-presence");
      } finally {
        client.stop();
      }
    });

    test("health, status and system-presence round trips", async () => {
      const { client } = await connectClient({ url: gw.url, token: TEST_TOKEN });
      try {
        const health = await client.request<any>("health");
        expect(health.ok).toBe(true);
        expect(typeof health.ts).toBe("number");
        const status = await client.request<any>("status", {});
        expect(status.pid).toBe(gw.pid);
        expect(status.server.runtime).toStartWith(`${runtime} `);
        const presence = await client.request<any[]>("system-presence", {});
        expect(presence[0].reason).toBe("self");
        // Backend, CLI and probe connections are tools, not presences (upstream's rule).
        expect(presence.some((p) => p.mode === "backend")).toBe(false);
      } finally {
        client.stop();
      }
    });

    test("unknown method from an admin -> INVALID_REQUEST unknown method", async () => {
      const { client } = await connectClient({ url: gw.url, token: TEST_TOKEN });
      try {
        await expect(client.request("no.such.method", {})).rejects.toMatchObject({ gatewayCode: "INVALID_REQUEST", message: "unknown method: no.such.method" });
      } finally {
        client.stop();
      }
    });

    test("read-only scope: status works, system-event is refused with MISSING_SCOPE", async () => {
      const { client, hello } = await connectClient({ url: gw.url, token: TEST_TOKEN, scopes: ["operator.read"] });
      try {
        expect(hello.auth.scopes).toEqual(["operator.read"]);
        await client.request("status", {});
        const refusal = await client.request("system-event", { text: "hi" }).catch((e) => e);
        expect(refusal.gatewayCode).toBe("FORBIDDEN");
        expect(refusal.message).toBe("missing scope: operator.admin");
        expect(refusal.details).toEqual({ code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.admin"] });
      } finally {
        client.stop();
      }
    });

    test("presence events reach other operators when a client connects and leaves", async () => {
      const watcher = await connectClient({ url: gw.url, token: TEST_TOKEN });
      try {
        const other = await connectClient({ url: gw.url, token: TEST_TOKEN, instanceId: "presence-probe", clientName: "openclaw-tui", mode: "ui" });
        await waitFor(() => watcher.events.some((e) => e.event === "presence" && e.payload.presence.some((p: any) => p.instanceId === "presence-probe")));
        other.client.stop();
        await waitFor(() => {
          const last = watcher.events.filter((e) => e.event === "presence").at(-1);
          return last !== undefined && !last.payload.presence.some((p: any) => p.instanceId === "presence-probe");
        });
        const seqs = watcher.events.map((e) => e.seq).filter((s) => s !== undefined);
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
      } finally {
        watcher.client.stop();
      }
    });
  });

  describe("reference client with bad credentials", () => {
    test("wrong token -> AUTH_TOKEN_MISMATCH and the socket closes 1008", async () => {
      const failure: any = await connectClient({ url: gw.url, token: "not-the-token" }).catch((e) => e);
      expect(failure.code).toBe(1008);
      expect(failure.reason).toBe("unauthorized: gateway token mismatch (provide gateway auth token)");
      expect(failure.error).toMatchObject({ gatewayCode: "INVALID_REQUEST", details: { code: "AUTH_TOKEN_MISMATCH", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" } });
    });

    test("no credentials and no device -> NOT_PAIRED device identity required", async () => {
      const failure: any = await connectClient({ url: gw.url }).catch((e) => e);
      expect(failure.code).toBe(1008);
      expect(failure.error).toMatchObject({ gatewayCode: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    });
  });

  describe("many clients", () => {
    test("1,000 concurrent handshakes all succeed", async () => {
      const N = 1000;
      const socks = await Promise.all(Array.from({ length: N }, () => handshake(gw.url)));
      try {
        expect(socks.filter((s) => s.ok).length).toBe(N);
      } finally {
        for (const s of socks) s.ws.close();
      }
    }, 60_000);
  });
});

/** A bare handshake over Bun's WebSocket, cheaper than 1,000 reference clients. */
function handshake(url: string): Promise<{ ws: WebSocket; ok: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.onmessage = (ev) => {
      const f = JSON.parse(String(ev.data));
      if (f.event === "connect.challenge") {
        ws.send(JSON.stringify({ type: "req", id: "c", method: "connect", params: { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0", platform: "linux", mode: "backend" }, auth: { token: TEST_TOKEN } } }));
      } else if (f.type === "res" && f.id === "c") resolve({ ws, ok: f.ok === true && f.payload.type === "hello-ok" });
    };
    ws.onerror = () => resolve({ ws, ok: false });
  });
}
