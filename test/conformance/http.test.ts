/** HTTP on the gateway port (spec §10), on every shim: the CLI gateway under Bun and under Node. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  let base: string;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
    base = `http://127.0.0.1:${gw.port}`;
  });
  afterAll(() => gw?.stop());

  const SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(self), geolocation=()",
  };

  describe("probes", () => {
    for (const path of ["/health", "/healthz"]) {
      test(`GET ${path} -> 200 live, no-store, security headers, no auth`, async () => {
        const res = await fetch(base + path);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(res.headers.get("cache-control")).toBe("no-store");
        for (const [k, v] of Object.entries(SECURITY)) expect(res.headers.get(k)).toBe(v);
        expect(await res.json()).toEqual({ ok: true, status: "live" });
      });
      test(`HEAD ${path} -> 200 without a body`, async () => {
        const res = await fetch(base + path, { method: "HEAD" });
        expect(res.status).toBe(200);
        expect(await res.text()).toBe("");
      });
    }
    for (const path of ["/readyz", "/ready"]) {
      test(`GET ${path} -> ready with uptime and event loop`, async () => {
        const body = await (await fetch(base + path)).json();
        expect(body).toEqual({ ready: true, failing: [], uptimeMs: expect.any(Number), eventLoop: expect.any(Object) });
      });
    }
  });

  test("unknown path, HTML not accepted -> JSON 404 with security headers (a browser gets the Control UI's shell)", async () => {
    const res = await fetch(`${base}/nope`, { headers: { Accept: "application/json" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: "Not Found", type: "not_found" } });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
