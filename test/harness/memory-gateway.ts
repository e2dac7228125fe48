/**
 * A whole Gateway in one Bun process with no socket: core's SQL store on an
 * in-memory bun:sqlite database, broadcasts through core's TopicFanout, and
 * clients as MemoryConnections (core takes connections, not sockets).
 */
import { Database } from "bun:sqlite";
import { TopicFanout } from "../../core/bridge/topics.ts";
import { Gateway, type GatewayOptions } from "../../core/gateway.ts";
import type { HostInfo, PeerInfo } from "../../core/runtime.ts";
import { SqlStore } from "../../core/storage/sql-store.ts";
import { bunDriver } from "../../runtime-bun/sqlite-store.ts";
import { loopbackPeer, MemoryConnection } from "./memory-connection.ts";

export const MEMORY_TOKEN = "memory-gateway-token-0123456789";

const host: HostInfo = {
  hostname: "memory-host", platform: "linux", deviceFamily: "Linux", runtime: "bun", pid: 1,
  memory: () => ({ rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 }), cpuMicros: () => 0,
  machine: () => ({ release: "6.1.0", arch: "x64", cpuCount: 2, loadAverage: [0.5, 0.25, 0.125], memoryTotalBytes: 8 * 2 ** 30, memoryFreeBytes: 2 ** 30 }),
  configPath: "/nonexistent/openclaw.json", stateDir: "/nonexistent", databasePath: ":memory:",
};

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface MemoryGateway {
  gateway: Gateway;
  store: SqlStore;
  /** Opens a client and waits for its challenge. */
  open(peer?: PeerInfo): Promise<MemoryConnection>;
  /** Sends one request frame and waits for its response. */
  request(conn: MemoryConnection, id: string, method: string, params?: unknown): Promise<any>;
  /** Shuts the gateway down and closes the store. */
  stop(): void;
}

/** A token-mode gateway; `options` override any GatewayOptions field. */
export function memoryGateway(options: Partial<GatewayOptions> = {}): MemoryGateway {
  const store = new SqlStore(bunDriver(new Database(":memory:", { strict: true })));
  const topics = new TopicFanout();
  const gateway = new Gateway({
    config: {}, auth: { mode: "token", token: MEMORY_TOKEN }, host,
    identity: () => Promise.resolve({ deviceId: "memory-gateway", publicKey: "memory-key" }),
    logger: quiet, logs: { tail: () => Promise.reject(new Error("no log file")) }, publisher: topics,
    devices: store, senders: store, nodes: store, sessions: store, scheduler: store, buildId: "clawgate-memory-test",
    approvals: store,
    ...options,
  });
  return {
    gateway,
    store,
    async open(peer = loopbackPeer()) {
      const conn = new MemoryConnection(peer, topics);
      conn.client = gateway.open(conn);
      await conn.next((f) => f.event === "connect.challenge");
      return conn;
    },
    request(conn, id, method, params = {}) {
      conn.client!.onMessage(JSON.stringify({ type: "req", id, method, params }));
      return conn.next((f) => f.type === "res" && f.id === id);
    },
    stop() {
      gateway.shutdown();
      store.close();
    },
  };
}
