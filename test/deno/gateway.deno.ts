/**
 * The whole gateway core under Deno, unchanged: a Gateway over core's SQL
 * store on Deno's node:sqlite, taking in-memory connections (core takes
 * connections, not sockets), fanning broadcasts out through core's
 * TopicFanout. Challenge, token connect, an RPC, a device's silent local
 * pairing persisted in the store, and shutdown with 1012.
 */
import nacl from "tweetnacl";
import { TopicFanout } from "../../core/bridge/topics.ts";
import { deviceIdFor, payloadV3 } from "../../core/device/identity.ts";
import { encodeBase64Url } from "../../core/device/encoding.ts";
import { Gateway } from "../../core/gateway.ts";
import { SqlStore } from "../../core/storage/sql-store.ts";
import { loopbackPeer, MemoryConnection } from "../harness/memory-connection.ts";
import * as assert from "./assert.ts";
import { denoHost, quiet } from "./gateway-host.ts";
import { memoryDriver } from "./node-sqlite.ts";

const TOKEN = "deno-token-0123456789abcdef";

function startGateway(store: SqlStore): { gateway: Gateway; connect(): Promise<MemoryConnection> } {
  const topics = new TopicFanout();
  const gateway = new Gateway({
    config: {},
    auth: { mode: "token", token: TOKEN },
    host: denoHost(),
    identity: () => Promise.resolve({ deviceId: "gateway-device", publicKey: "gateway-key" }),
    logger: quiet,
    logs: { tail: () => Promise.reject(new Error("no log file")) },
    publisher: topics,
    devices: store,
    senders: store,
    nodes: store,
    sessions: store,
    scheduler: store,
    approvals: store,
    buildId: "clawgate-deno-test",
  });
  return {
    gateway,
    async connect() {
      const conn = new MemoryConnection(loopbackPeer(), topics);
      conn.client = gateway.open(conn);
      await conn.next((f) => f.event === "connect.challenge");
      return conn;
    },
  };
}

function request(conn: MemoryConnection, id: string, method: string, params: unknown): Promise<any> {
  conn.client!.onMessage(JSON.stringify({ type: "req", id, method, params }));
  return conn.next((f) => f.type === "res" && f.id === id);
}

const backend = { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" };

Deno.test("gateway on Deno: challenge -> token connect -> hello-ok -> health; a device pairs silently over loopback and its token is stored; shutdown closes 1012", async () => {
  const store = new SqlStore(memoryDriver());
  const { gateway, connect } = startGateway(store);
  gateway.start();
  try {
    const operator = await connect();
    const hello = await request(operator, "c", "connect", { minProtocol: 4, maxProtocol: 4, client: backend, auth: { token: TOKEN }, role: "operator", scopes: ["operator.admin"] });
    assert.equal([hello.ok, hello.payload.type, hello.payload.protocol, hello.payload.auth.method], [true, "hello-ok", 4, "token"]);
    const health = await request(operator, "h", "health", {});
    assert.equal(health.payload.ok, true);
    const wrong = await connect();
    const refused = await request(wrong, "c", "connect", { minProtocol: 4, maxProtocol: 4, client: backend, auth: { token: "not-the-token" }, role: "operator", scopes: [] });
    assert.equal(refused.error.details.code, "AUTH_TOKEN_MISMATCH");
    assert.equal(wrong.closed?.code, 1008);

    // A device signs the challenge (§3); loopback without a browser Origin pairs silently (§4.4).
    const keys = nacl.sign.keyPair.fromSeed(crypto.getRandomValues(new Uint8Array(32)));
    const deviceId = await deviceIdFor(keys.publicKey);
    const device = await connect();
    const nonce = device.frames[0].payload.nonce;
    const signedAt = Date.now();
    const fields = { clientId: backend.id, clientMode: backend.mode, role: "operator", scopes: ["operator.read"], token: TOKEN, platform: backend.platform, deviceFamily: undefined };
    const signature = encodeBase64Url(nacl.sign.detached(new TextEncoder().encode(payloadV3({ ...fields, deviceId, signedAt, nonce })), keys.secretKey));
    const paired = await request(device, "c", "connect", {
      minProtocol: 4, maxProtocol: 4, client: backend, auth: { token: TOKEN }, role: "operator", scopes: ["operator.read"],
      device: { id: deviceId, publicKey: encodeBase64Url(keys.publicKey), signature, signedAt, nonce },
    });
    assert.ok(paired.ok, JSON.stringify(paired.error));
    assert.equal(paired.payload.auth.deviceToken.length, 43);
    assert.equal(store.getPaired(deviceId)?.approvedVia, "silent");
    assert.equal(store.listTokens(deviceId).map((t) => [t.role, t.scopes]), [["operator", ["operator.read"]]]);
    const resolved = await operator.next((f) => f.event === "device.pair.resolved");
    assert.equal([resolved.payload.deviceId, resolved.payload.decision], [deviceId, "approved"]);

    gateway.shutdown();
    assert.equal(operator.frames.filter((f) => f.event === "shutdown").length, 1);
    assert.equal(operator.closed, { code: 1012, reason: "service restart" });
    assert.equal(device.closed?.code, 1012);
  } finally {
    gateway.shutdown();
    store.close();
  }
});
