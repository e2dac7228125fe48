/**
 * Durable state in one embedded SQLite database (WAL, synchronous=FULL so an
 * acknowledged write survives a crash) behind core's store interfaces.
 * Lives at `<stateDir>/state/clawgate.sqlite`, beside upstream's own
 * `openclaw.sqlite`, which is never opened.
 */
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DeviceStore, DeviceTokenRecord, PairedDevice, PendingPairing } from "../core/store.ts";

/** Versioned migrations; the index + 1 is the schema version they produce. */
const MIGRATIONS = [
  `CREATE TABLE paired_devices (device_id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE pending_pairings (request_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, ts INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE INDEX pending_pairings_device ON pending_pairings(device_id);
   CREATE TABLE device_tokens (device_id TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL, scopes TEXT NOT NULL, created_at_ms INTEGER NOT NULL, PRIMARY KEY (device_id, role));`,
];

/** The database path for a state dir. */
export function databasePath(stateDir: string): string {
  return join(stateDir, "state", "clawgate.sqlite");
}

export class SqliteStore implements DeviceStore {
  readonly db: Database;

  constructor(path: string) {
    const dir = dirname(path);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    this.db = new Database(path, { create: true, strict: true });
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
    for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
    this.migrate();
  }

  private migrate(): void {
    const current = (this.db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (current > MIGRATIONS.length) throw new Error(`state database schema v${current} is newer than this clawgate understands (v${MIGRATIONS.length})`);
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getPaired(deviceId: string): PairedDevice | undefined {
    const row = this.db.query("SELECT record FROM paired_devices WHERE device_id = ?").get(deviceId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listPaired(): PairedDevice[] {
    return (this.db.query("SELECT record FROM paired_devices ORDER BY device_id").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putPaired(device: PairedDevice): void {
    this.db.query("INSERT INTO paired_devices (device_id, record) VALUES (?, ?) ON CONFLICT(device_id) DO UPDATE SET record = excluded.record").run(device.deviceId, JSON.stringify(device));
  }

  deletePaired(deviceId: string): boolean {
    return this.db.query("DELETE FROM paired_devices WHERE device_id = ?").run(deviceId).changes > 0;
  }

  getPending(requestId: string): PendingPairing | undefined {
    const row = this.db.query("SELECT record FROM pending_pairings WHERE request_id = ?").get(requestId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listPending(): PendingPairing[] {
    return (this.db.query("SELECT record FROM pending_pairings ORDER BY ts").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putPending(request: PendingPairing): void {
    this.db.query("INSERT OR REPLACE INTO pending_pairings (request_id, device_id, ts, record) VALUES (?, ?, ?, ?)").run(request.requestId, request.deviceId, request.ts, JSON.stringify(request));
  }

  deletePending(requestId: string): boolean {
    return this.db.query("DELETE FROM pending_pairings WHERE request_id = ?").run(requestId).changes > 0;
  }

  getToken(deviceId: string, role: string): DeviceTokenRecord | undefined {
    const row = this.db.query("SELECT * FROM device_tokens WHERE device_id = ? AND role = ?").get(deviceId, role) as TokenRow | null;
    return row ? tokenFromRow(row) : undefined;
  }

  listTokens(deviceId: string): DeviceTokenRecord[] {
    return (this.db.query("SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role").all(deviceId) as TokenRow[]).map(tokenFromRow);
  }

  putToken(r: DeviceTokenRecord): void {
    this.db.query("INSERT OR REPLACE INTO device_tokens (device_id, role, token_hash, scopes, created_at_ms) VALUES (?, ?, ?, ?, ?)").run(r.deviceId, r.role, r.tokenHash, JSON.stringify(r.scopes), r.createdAtMs);
  }

  deleteToken(deviceId: string, role: string): boolean {
    return this.db.query("DELETE FROM device_tokens WHERE device_id = ? AND role = ?").run(deviceId, role).changes > 0;
  }
}

interface TokenRow {
  device_id: string;
  role: string;
  token_hash: string;
  scopes: string;
  created_at_ms: number;
}

function tokenFromRow(row: TokenRow): DeviceTokenRecord {
  return { deviceId: row.device_id, role: row.role, tokenHash: row.token_hash, scopes: JSON.parse(row.scopes), createdAtMs: row.created_at_ms };
}
