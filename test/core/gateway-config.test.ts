/**
 * Gateway.applyConfig in memory: a hot reload swaps the config, the auth rate
 * limit and the auth itself in one call (§11); the shim's reloader only calls it.
 */
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { TopicFanout } from "../../core/bridge/topics.ts";
import type { Client } from "../../core/client.ts";
import { Gateway } from "../../core/gateway.ts";
import type { Connection, HostInfo, PeerInfo, SendStatus } from "../../core/runtime.ts";
import { SqlStore } from "../../core/storage/sql-store.ts";
import { bunDriver } from "../../runtime-bun/sqlite-store.ts";

const TOKEN = "first-token-0123456789abcdef";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const host: HostInfo = { hostname: "test-host", platform: "linux", deviceFamily: "Linux", runtime: "bun", pid: 1, memory: () => ({ rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 }), cpuMicros: () => 0, configPath: "/nonexistent/openclaw.json", stateDir: "/nonexistent", databasePath: "/nonexistent/state.db" };

/** Frames land in an array; close ends the client as a socket close would. */
class MemoryConnection implements Connection {
  readonly frames: any[] = [];
  closed?: { code: number; reason: string };
  client?: Client;
  readonly peer: PeerInfo = { remoteAddress: "127.0.0.1", isLoopback: true, forwarded: false, headers: new Headers() };
  constructor(private readonly topics: TopicFanout) {}
  send(text: string): SendStatus {
    this.frames.push(JSON.parse(text));
    return "sent";
  }
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    this.topics.drop(this);
    queueMicrotask(() => this.client?.onClosed());
  }
  subscribe(topic: string): void {
    this.topics.subscribe(topic, this);
  }
  unsubscribe(topic: string): void {
    this.topics.unsubscribe(topic, this);
  }
  bufferedAmount(): number {
    return 0;
  }
}

let gateway: Gateway | undefined;
let store: SqlStore | undefined;
afterEach(() => {
  gateway?.shutdown();
  store?.close();
});

function start(): { gateway: Gateway; topics: TopicFanout } {
  const topics = new TopicFanout();
  store = new SqlStore(bunDriver(new Database(":memory:", { strict: true })));
  gateway = new Gateway({
    config: {},
    auth: { mode: "token", token: TOKEN },
    host,
    identity: () => Promise.resolve({ deviceId: "gateway-device", publicKey: "gateway-key" }),
    logger: quiet,
    logs: { tail: () => Promise.reject(new Error("no log file")) },
    publisher: topics,
    devices: store,
    senders: store,
    nodes: store,
    sessions: store,
    scheduler: store,
    buildId: "clawgate-test",
  });
  return { gateway, topics };
}

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 1));
  }
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
    const { gateway, topics } = start();
    const connect = async (token: string) => {
      const conn = new MemoryConnection(topics);
      conn.client = gateway.open(conn);
      await until(() => conn.frames.find((f) => f.event === "connect.challenge"));
      conn.client.onMessage(JSON.stringify({ type: "req", id: "c", method: "connect", params: { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" }, auth: { token }, role: "operator", scopes: ["operator.read"] } }));
      return { conn, res: await until(() => conn.frames.find((f) => f.type === "res" && f.id === "c")) };
    };
    const first = await connect(TOKEN);
    expect(first.res.ok).toBe(true);

    gateway.applyConfig({}, { mode: "token", token: "second-token-0123456789abcdef" });
    expect(first.conn.closed).toEqual({ code: 4001, reason: "gateway auth changed" });
    expect((await connect("second-token-0123456789abcdef")).res.ok).toBe(true);
  });

  test("same auth again -> token sessions stay open (control)", async () => {
    const { gateway, topics } = start();
    const conn = new MemoryConnection(topics);
    conn.client = gateway.open(conn);
    await until(() => conn.frames.find((f) => f.event === "connect.challenge"));
    conn.client.onMessage(JSON.stringify({ type: "req", id: "c", method: "connect", params: { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" }, auth: { token: TOKEN }, role: "operator", scopes: ["operator.read"] } }));
    expect((await until(() => conn.frames.find((f) => f.type === "res" && f.id === "c"))).ok).toBe(true);
    gateway.applyConfig({ gateway: { trustedProxies: [] } }, { mode: "token", token: TOKEN });
    expect(conn.closed).toBeUndefined();
  });
});
