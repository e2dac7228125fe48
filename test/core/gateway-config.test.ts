/**
 * Gateway.applyConfig in memory: a hot reload swaps the config, the auth rate
 * limit and the auth itself in one call (§11); the shim's reloader only calls it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { MEMORY_TOKEN as TOKEN, memoryGateway, type MemoryGateway } from "../harness/memory-gateway.ts";

let gw: MemoryGateway | undefined;
afterEach(() => gw?.stop());

function start(): MemoryGateway {
  return (gw = memoryGateway());
}

/** A backend client's connect with `token`: the connection and the connect response. */
async function connect(gw: MemoryGateway, token: string) {
  const conn = await gw.open();
  const params = { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" }, auth: { token }, role: "operator", scopes: ["operator.read"] };
  return { conn, res: await gw.request(conn, "c", "connect", params) };
}

describe("Gateway.applyConfig", () => {
  test("new config -> gateway.config is the new one", () => {
    const { gateway } = start();
    const config = { gateway: { trustedProxies: ["10.0.0.1"] } };
    gateway.applyConfig(config, { mode: "token", token: TOKEN });
    expect(gateway.config).toBe(config);
  });

  test("gateway.auth.rateLimit lowered -> the limiter locks out after that many failures", async () => {
    const { gateway } = start();
    await gateway.limiter.recordFailure("203.0.113.9", "shared-secret");
    // Control: the default policy (10 attempts) still allows the address.
    expect(gateway.limiter.check("203.0.113.9", "shared-secret").allowed).toBe(true);
    gateway.applyConfig({ gateway: { auth: { rateLimit: { maxAttempts: 1 } } } }, { mode: "token", token: TOKEN });
    await gateway.limiter.recordFailure("203.0.113.9", "shared-secret");
    expect(gateway.limiter.check("203.0.113.9", "shared-secret").allowed).toBe(false);
  });

  test("token changed -> a token session closes 4001 and the new token connects", async () => {
    const mem = start();
    const first = await connect(mem, TOKEN);
    expect(first.res.ok).toBe(true);

    mem.gateway.applyConfig({}, { mode: "token", token: "second-token-0123456789abcdef" });
    expect(first.conn.closed).toEqual({ code: 4001, reason: "gateway auth changed" });
    expect((await connect(mem, "second-token-0123456789abcdef")).res.ok).toBe(true);
  });

  test("same auth again -> token sessions stay open (control)", async () => {
    const mem = start();
    const { conn, res } = await connect(mem, TOKEN);
    expect(res.ok).toBe(true);
    mem.gateway.applyConfig({ gateway: { trustedProxies: [] } }, { mode: "token", token: TOKEN });
    expect(conn.closed).toBeUndefined();
  });
});
