/**
 * One auth limiter for every credential check, keyed by the peer's address
 * (spec §4.5, §10), from a real non-loopback peer in a network namespace, on
 * the Bun and the Node gateway: `/v1` Bearer guesses, bridge logins and
 * WebSocket connects count together, rotating `Origin` changes nothing, a locked-out peer gets
 * upstream's 429 + `Retry-After` over HTTP and `AUTH_RATE_LIMITED` over the
 * WebSocket; `/readyz` shows event-loop details only to local or
 * authenticated callers.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import { TEST_TOKEN } from "../../harness/gateway.ts";
import { createNetns, NETNS_UNAVAILABLE, netnsTest, type Netns } from "../../harness/netns.ts";
import { RUNTIMES, startRuntimeGatewayWithBridge, type RuntimeGateway } from "../../harness/runtimes.ts";

/** Runs `body` (an async function body) under Bun inside the namespace; resolves with what it returns. */
async function inside(ns: Netns, body: string): Promise<any> {
  const out = await ns.run([process.execPath, "-e", `const r = await (async () => { ${body} })(); console.log(JSON.stringify(r));`]);
  if (out.exitCode !== 0) throw new Error(`probe failed (${out.exitCode}): ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop()!);
}

/** Probe code: one WebSocket connect with `token` and `origin`; resolves with the connect error (or "ok"). */
const WS_CONNECT = `
const connectOnce = (url, token, origin) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, { headers: { Origin: origin } });
  ws.onmessage = (m) => {
    const f = JSON.parse(m.data);
    if (f.event === "connect.challenge") {
      ws.send(JSON.stringify({ type: "req", id: "c", method: "connect", params: { minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "1", platform: "linux", mode: "cli" }, auth: { token } } }));
    } else if (f.id === "c") { ws.close(); resolve(f.ok ? "ok" : f.error); }
  };
  ws.onerror = () => reject(new Error("socket error"));
});
const bridgeOnce = (hostname, port, token) => new Promise((resolve, reject) => {
  let buf = "";
  Bun.connect({ hostname, port, socket: {
    data(s, d) {
      buf += new TextDecoder().decode(d);
      for (let i; (i = buf.indexOf("\\n")) >= 0; ) {
        const f = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (f.event === "connect.challenge") {
          s.write(JSON.stringify({ type: "bridge.hello", id: "h", nodeId: "a".repeat(64), version: "1", platform: "linux", auth: { token }, device: { publicKey: "A".repeat(43), signature: "A".repeat(86), signedAt: Date.now(), nonce: f.payload.nonce } }) + "\\n");
        } else if (f.id === "h") { s.end(); resolve(f.ok ? "ok" : f.error); }
      }
    },
    error(_s, e) { reject(e); },
  } }).catch(reject);
});`;

describe.each(RUNTIMES)("%s gateway, non-loopback peer", (runtime) => {
  let gw: RuntimeGateway;
  let ns: Netns | undefined;
  let http: string;
  beforeAll(async () => {
    if (NETNS_UNAVAILABLE) return;
    ns = await createNetns();
    gw = await startRuntimeGatewayWithBridge(runtime, { config: { gateway: { bind: "lan", http: { endpoints: { chatCompletions: { enabled: true } } } } } });
    http = `http://${ns.hostAddress}:${gw.port}`;
  });
  afterAll(async () => {
    await gw?.stop();
    await ns?.destroy();
  });

  netnsTest("GET /readyz: no event-loop details unauthenticated, details with the Bearer secret (§10)", async () => {
    const r = await inside(ns!, `
      const anon = await (await fetch("${http}/readyz")).json();
      const authed = await (await fetch("${http}/readyz", { headers: { Authorization: "Bearer ${TEST_TOKEN}" } })).json();
      return { anon, authed };`);
    expect(r.anon).toEqual({ ready: true, failing: [], uptimeMs: expect.any(Number) });
    expect(r.authed).toEqual({ ready: true, failing: [], uptimeMs: expect.any(Number), eventLoop: expect.any(Object) });
    // Loopback callers keep the details without a credential.
    expect((await (await fetch(`http://127.0.0.1:${gw.port}/readyz`)).json()).eventLoop).toBeObject();
  }, 20_000);

  netnsTest("wrong /v1 Bearers, bridge logins and WebSocket connects with rotating Origins share one count: the 11th guess -> 429 / AUTH_RATE_LIMITED (§4.5)", async () => {
    expect(gw.bridgePort).toBe(gw.port + 1);
    const r = await inside(ns!, `${WS_CONNECT}
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch("${http}/v1/models", { headers: { Authorization: "Bearer wrong-" + i } })).status);
      const bridge = [];
      for (let i = 0; i < 3; i++) bridge.push(await bridgeOnce("${ns!.hostAddress}", ${gw.bridgePort}, "wrong-" + i));
      const ws = [];
      for (let i = 0; i < 3; i++) ws.push((await connectOnce("ws://${ns!.hostAddress}:${gw.port}", "wrong-" + i, "http://10.213.0." + (i + 1) + ":" + (5000 + i))).details.code);
      const locked = await fetch("${http}/v1/models", { headers: { Authorization: "Bearer ${TEST_TOKEN}" } });
      const lockedWs = await connectOnce("ws://${ns!.hostAddress}:${gw.port}", "${TEST_TOKEN}", "http://10.213.0.99:6000");
      return { statuses, bridge, ws, locked: { status: locked.status, retryAfter: locked.headers.get("retry-after"), body: await locked.json() }, lockedWs };`);
    expect(r.statuses).toEqual([401, 401, 401, 401]);
    // A wrong token with a device proof that does not hold: refused for the proof, the token failure still counted.
    for (const refusal of r.bridge) expect(refusal.details.code).toStartWith("DEVICE_AUTH_");
    expect(r.ws).toEqual(["AUTH_TOKEN_MISMATCH", "AUTH_TOKEN_MISMATCH", "AUTH_TOKEN_MISMATCH"]);
    // Even the right secret is refused while the address is locked out.
    expect(r.locked.status).toBe(429);
    expect(r.locked.body).toEqual({ error: { message: "Too many failed authentication attempts. Please try again later.", type: "rate_limited" } });
    expect(Number(r.locked.retryAfter)).toBeGreaterThan(250);
    expect(r.lockedWs).toMatchObject({ message: "unauthorized: too many failed authentication attempts (retry later)", retryable: true, details: { code: "AUTH_RATE_LIMITED" } });
    // Another address (loopback here) is not affected.
    const ok = await fetch(`http://127.0.0.1:${gw.port}/v1/models`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
    expect(ok.status).toBe(200);
  }, 30_000);
});
