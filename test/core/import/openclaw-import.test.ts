/**
 * The import's decisions row by row, over an in-memory database with the
 * OpenClaw v18 tables and columns the reader uses (the interop test,
 * test/interop/import-openclaw.test.ts, runs it on a database the real
 * gateway wrote): node surfaces, tokens clawgate cannot reuse, revoked and
 * stray tokens, keys that do not match their ids, cron jobs it can and
 * cannot run, clawgate's own rows kept, dry runs and a failed write rolled back.
 */
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { generateKeyPairSync, createHash } from "node:crypto";
import { applyImport, planImport, type ImportStore } from "../../../core/import/openclaw-import.ts";
import { ImportError, OPENCLAW_SCHEMA_VERSION, readOpenClawState } from "../../../core/import/openclaw-state.ts";
import { hashToken } from "../../../core/device/registry.ts";
import { SqlStore } from "../../../core/storage/sql-store.ts";
import { bunDriver } from "../../../runtime-bun/sqlite-store.ts";

/** The v18 tables as far as the import reads them. */
const UPSTREAM_TABLES = `
  CREATE TABLE schema_meta (meta_key TEXT PRIMARY KEY, role TEXT NOT NULL, schema_version INTEGER NOT NULL, app_version TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE device_pairing_paired (device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, display_name TEXT, operator_label TEXT, platform TEXT, device_family TEXT, client_id TEXT, client_mode TEXT,
    browser_origin TEXT, role TEXT, roles_json TEXT, scopes_json TEXT, approved_scopes_json TEXT, remote_ip TEXT, tokens_json TEXT, approved_via TEXT, node_surface_json TEXT, pending_node_surface_json TEXT,
    created_at_ms INTEGER NOT NULL, approved_at_ms INTEGER NOT NULL, last_seen_at_ms INTEGER, last_seen_reason TEXT);
  CREATE TABLE device_pairing_pending (request_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, public_key TEXT NOT NULL, ts INTEGER NOT NULL);
  CREATE TABLE channel_pairing_allow_entries (channel_key TEXT NOT NULL, account_id TEXT NOT NULL, entry TEXT NOT NULL, sort_order INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (channel_key, account_id, entry));
  CREATE TABLE channel_pairing_requests (channel_key TEXT NOT NULL, account_id TEXT NOT NULL, request_id TEXT NOT NULL, code TEXT NOT NULL, created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, meta_json TEXT);
  CREATE TABLE cron_jobs (store_key TEXT NOT NULL, job_id TEXT NOT NULL, name TEXT NOT NULL, enabled INTEGER NOT NULL, payload_kind TEXT NOT NULL, job_json TEXT NOT NULL, state_json TEXT NOT NULL DEFAULT '{}', sort_order INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL, PRIMARY KEY (store_key, job_id));
  CREATE TABLE agent_databases (agent_id TEXT NOT NULL, path TEXT NOT NULL, schema_version INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, PRIMARY KEY (agent_id, path));
  INSERT INTO schema_meta VALUES ('primary', 'global', 18, '2026.9.6', 0, 0);
`;

const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);

function key(): { publicKey: string; deviceId: string } {
  const raw = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).subarray(12);
  return { publicKey: raw.toString("base64url"), deviceId: createHash("sha256").update(raw).digest("hex") };
}

interface DeviceRow {
  deviceId: string;
  publicKey: string;
  roles: string[];
  scopes: string[];
  tokens?: Record<string, unknown>;
  nodeSurface?: Record<string, unknown>;
  displayName?: string;
}

function upstream(fill: (db: Database) => void = () => undefined): Database {
  const db = new Database(":memory:", { strict: true });
  db.exec(UPSTREAM_TABLES);
  db.exec(`PRAGMA user_version = ${OPENCLAW_SCHEMA_VERSION}`);
  fill(db);
  return db;
}

function addDevice(db: Database, d: DeviceRow): void {
  db.query("INSERT INTO device_pairing_paired (device_id, public_key, display_name, platform, client_id, client_mode, role, roles_json, scopes_json, approved_scopes_json, tokens_json, approved_via, node_surface_json, created_at_ms, approved_at_ms) VALUES (?, ?, ?, 'linux', 'openclaw-linux', 'ui', ?, ?, ?, ?, ?, 'owner', ?, 1000, 2000)")
    .run(d.deviceId, d.publicKey, d.displayName ?? null, d.roles[0] ?? null, JSON.stringify(d.roles), JSON.stringify(d.scopes), JSON.stringify(d.scopes), d.tokens ? JSON.stringify(d.tokens) : null, d.nodeSurface ? JSON.stringify(d.nodeSurface) : null);
}

function addCronJob(db: Database, job: Record<string, unknown>, state: Record<string, unknown> = {}): void {
  db.query("INSERT INTO cron_jobs (store_key, job_id, name, enabled, payload_kind, job_json, state_json, updated_at) VALUES ('jobs.json', ?, ?, 1, ?, ?, ?, 3000)")
    .run(job.id as string, job.name as string, (job.payload as { kind: string }).kind, JSON.stringify(job), JSON.stringify(state));
}

async function run(db: Database, store: ImportStore = new SqlStore(bunDriver(new Database(":memory:", { strict: true }))), dryRun = false) {
  const state = readOpenClawState(bunDriver(db), "openclaw.sqlite");
  return { store, result: applyImport(store, await planImport(state, NOW), { dryRun }) };
}

const kinds = (items: { kind: string; id: string }[]) => items.map((i) => `${i.kind} ${i.id}`);

describe("devices and tokens", () => {
  test("operator + node device -> device, both tokens (hashed) and the approved node surface", async () => {
    const k = key();
    const db = upstream((db) => addDevice(db, {
      ...k, roles: ["operator", "node"], scopes: ["operator.read"], displayName: "Kitchen iPad",
      tokens: { operator: { token: "op-token", role: "operator", scopes: ["operator.read"], createdAtMs: 2100 }, node: { token: "node-token", role: "node", scopes: [], createdAtMs: 2200 } },
      nodeSurface: { displayName: "Kitchen", version: "1.2.3", caps: ["camera"], commands: ["camera.snap", "system.notify"], permissions: { camera: true }, createdAtMs: 1500, approvedAtMs: 2500 },
    }));
    const { store, result } = await run(db);
    expect(kinds(result.imported)).toEqual([`device ${k.deviceId}`, `device token ${k.deviceId}/operator`, `device token ${k.deviceId}/node`, `node ${k.deviceId}`]);
    expect(store.getPaired(k.deviceId)).toEqual({ deviceId: k.deviceId, publicKey: k.publicKey, displayName: "Kitchen iPad", platform: "linux", clientId: "openclaw-linux", clientMode: "ui", roles: ["operator", "node"], scopes: ["operator.read"], approvedVia: "owner", approvedAtMs: 2000 });
    expect(store.getToken(k.deviceId, "node")).toEqual({ deviceId: k.deviceId, role: "node", tokenHash: hashToken("node-token"), scopes: [], createdAtMs: 2200 });
    expect(store.getNode(k.deviceId)).toMatchObject({ nodeId: k.deviceId, displayName: "Kitchen", version: "1.2.3", caps: ["camera"], commands: ["camera.snap", "system.notify"], permissions: { camera: true }, createdAtMs: 1500, approvedAtMs: 2500 });
  });

  test("a token kept only as a hash, a revoked token, a token for a role the device lacks -> skipped with reason; the device itself imported", async () => {
    const k = key();
    const db = upstream((db) => addDevice(db, {
      ...k, roles: ["operator"], scopes: ["operator.admin"],
      tokens: { operator: { tokenHash: "sha256:abc", role: "operator", scopes: ["operator.admin"] }, node: { token: "stray", role: "node" }, old: { token: "revoked", role: "operator", revokedAtMs: 5 } },
    }));
    const { store, result } = await run(db);
    expect(kinds(result.imported)).toEqual([`device ${k.deviceId}`]);
    expect(result.skipped).toEqual([
      { kind: "device token", id: `${k.deviceId}/operator`, reason: "OpenClaw does not hold this token in a form clawgate can check (no plain token in the record)", action: expect.stringContaining("Connect it once with the gateway token or password") },
      { kind: "device token", id: `${k.deviceId}/node`, reason: "role node is not approved for this device, so the token grants nothing" },
      { kind: "device token", id: `${k.deviceId}/operator`, reason: "revoked in OpenClaw" },
    ]);
    expect(store.listTokens(k.deviceId)).toEqual([]);
  });

  test("a device id that is not its key's hash -> skipped, nothing of it imported", async () => {
    const k = key();
    const other = key();
    const { result } = await run(upstream((db) => addDevice(db, { deviceId: other.deviceId, publicKey: k.publicKey, roles: ["operator"], scopes: [], tokens: { operator: { token: "t" } } })));
    expect(result.imported).toEqual([]);
    expect(result.skipped).toEqual([{ kind: "device", id: other.deviceId, reason: "its device id does not match its public key", action: "Pair the device with clawgate again." }]);
  });

  test("clawgate's own record and token of the same device are kept, never overwritten: the device counts as unchanged, a different token is reported", async () => {
    const k = key();
    const store = new SqlStore(bunDriver(new Database(":memory:", { strict: true })));
    const mine = { deviceId: k.deviceId, publicKey: k.publicKey, clientId: "cli", clientMode: "cli", roles: ["operator"], scopes: ["operator.read"], approvedVia: "owner" as const, approvedAtMs: 9 };
    store.putPaired(mine);
    store.putToken({ deviceId: k.deviceId, role: "operator", tokenHash: hashToken("clawgate-token"), scopes: ["operator.read"], createdAtMs: 9 });
    const { result } = await run(upstream((db) => addDevice(db, { ...k, roles: ["operator"], scopes: ["operator.admin"], tokens: { operator: { token: "upstream-token" } } })), store);
    expect(result.imported).toEqual([]);
    expect(kinds(result.unchanged)).toEqual([`device ${k.deviceId}`]);
    expect(result.skipped.map((i) => i.reason)).toEqual(["clawgate already issued this device a operator token; kept clawgate's"]);
    expect(store.getPaired(k.deviceId)).toEqual(mine);
    expect(store.getToken(k.deviceId, "operator")?.tokenHash).toBe(hashToken("clawgate-token"));
  });
});

describe("cron jobs", () => {
  const base = { enabled: true, createdAtMs: NOW - 1000, sessionTarget: "isolated", wakeMode: "now" };

  test("a user job -> imported with upstream's next run; managed, heartbeat and past one-shot jobs -> skipped with reason", async () => {
    const db = upstream((db) => {
      addCronJob(db, { ...base, id: "j1", name: "digest", schedule: { kind: "every", everyMs: 3_600_000 }, payload: { kind: "agentTurn", message: "summarise", toolsAllow: ["*"] } }, { nextRunAtMs: NOW + 60_000 });
      addCronJob(db, { ...base, id: "j2", name: "heartbeat-main", declarationKey: "heartbeat:main", schedule: { kind: "every", everyMs: 1_800_000 }, payload: { kind: "heartbeat" } });
      addCronJob(db, { ...base, id: "j3", name: "beat", schedule: { kind: "every", everyMs: 1_800_000 }, payload: { kind: "heartbeat" } });
      addCronJob(db, { ...base, id: "j4", name: "once", schedule: { kind: "at", at: "2026-01-01T00:00:00Z" }, payload: { kind: "systemEvent", text: "hi" } });
    });
    const { store, result } = await run(db);
    expect(kinds(result.imported)).toEqual(["cron job j1"]);
    const [job] = store.listCronJobs();
    expect(job).toMatchObject({ id: "j1", name: "digest", enabled: true, schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "summarise" }, updatedAtMs: 3000, state: { nextRunAtMs: NOW + 60_000 } });
    expect(job!.configRevision).toStartWith("rev-");
    expect(result.skipped.map((i) => `${i.id}: ${i.reason}`)).toEqual([
      "j2: created and kept by OpenClaw itself (heartbeat:main), not a user automation",
      'j3: payload kind "heartbeat" is not one clawgate runs (agentTurn, systemEvent)',
      expect.stringMatching(/^j4: schedule\.at is in the past/),
    ]);
  });
});

describe("senders, pending rows and sessions", () => {
  test("allow entries per channel account -> approved senders; pending requests and agent databases -> reported, not imported", async () => {
    const db = upstream((db) => {
      db.exec("INSERT INTO channel_pairing_allow_entries VALUES ('telegram', 'default', '111', 0, 10), ('telegram', 'work', '222', 0, 11), ('Bad Channel', 'default', '333', 0, 12)");
      db.exec("INSERT INTO channel_pairing_requests VALUES ('telegram', 'default', '444', 'ABCDEFGH', '2026-12-02T08:00:00Z', '2026-12-02T08:00:00Z', NULL)");
      db.exec("INSERT INTO device_pairing_pending VALUES ('r1', 'd', 'k', 1)");
      db.exec("INSERT INTO agent_databases VALUES ('main', '/x/main.sqlite', 3, 1)");
    });
    const { store, result } = await run(db);
    expect(kinds(result.imported)).toEqual(["sender telegram/default/111", "sender telegram/work/222"]);
    expect(store.listAllowFrom("telegram", "work")).toEqual(["222"]);
    expect(result.skipped.map((i) => i.kind)).toEqual(["sender", "pending device request", "pending sender request", "sessions"]);
  });
});

describe("one transaction", () => {
  const fill = (db: Database) => {
    addDevice(db, { ...key(), roles: ["operator"], scopes: [], tokens: { operator: { token: "t" } } });
    db.exec("INSERT INTO channel_pairing_allow_entries VALUES ('telegram', 'default', '111', 0, 10)");
  };

  test("--dry-run -> the same report, nothing written", async () => {
    const store = new SqlStore(bunDriver(new Database(":memory:", { strict: true })));
    const dry = await run(upstream(fill), store, true);
    expect(kinds(dry.result.imported)).toHaveLength(3);
    expect(store.listPaired()).toEqual([]);
    expect(store.listAllowFrom("telegram", "default")).toEqual([]);
  });

  test("a write that fails half-way -> nothing of the import stays", async () => {
    const real = new SqlStore(bunDriver(new Database(":memory:", { strict: true })));
    // The last write of the plan (the sender) fails, after the device and its token were written.
    const failing = Object.assign(Object.create(real) as SqlStore, { addAllowFrom: () => { throw new Error("disk full"); } });
    await expect(run(upstream(fill), failing)).rejects.toThrow("disk full");
    expect(real.listPaired()).toEqual([]);
  });

  test("a newer schema -> ImportError before anything is read", () => {
    const db = upstream((db) => db.exec(`PRAGMA user_version = ${OPENCLAW_SCHEMA_VERSION + 1}`));
    expect(() => readOpenClawState(bunDriver(db), "x.sqlite")).toThrow(ImportError);
  });
});
