/**
 * Durable state in one embedded SQLite database (WAL, synchronous=FULL so an
 * acknowledged write survives a crash) behind core's store interfaces.
 * Lives at `<stateDir>/state/clawgate.sqlite`, beside upstream's own
 * `openclaw.sqlite`, which is never opened.
 */
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CronJob, CronRunEntry } from "../core/scheduler/types.ts";
import type {
  DeviceStore, DeviceTokenRecord, NodeStore, PairedDevice, PairedNode, PendingNodePairing, PendingPairing, RunRecord, RunStatus, SchedulerStore, SenderPairingRequest, SenderPairingStore, SessionRecord, SessionStore, TranscriptMessage,
} from "../core/store.ts";

/** Versioned migrations; the index + 1 is the schema version they produce. */
const MIGRATIONS = [
  `CREATE TABLE paired_devices (device_id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE pending_pairings (request_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, ts INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE INDEX pending_pairings_device ON pending_pairings(device_id);
   CREATE TABLE device_tokens (device_id TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL, scopes TEXT NOT NULL, created_at_ms INTEGER NOT NULL, PRIMARY KEY (device_id, role));`,
  // v2: sessions, transcripts and agent runs (§6 chat/sessions), cron jobs and their run log.
  `CREATE TABLE sessions (key TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE transcript_messages (session_id TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
   CREATE TABLE agent_runs (run_id TEXT PRIMARY KEY, status TEXT NOT NULL, record TEXT NOT NULL);
   CREATE INDEX agent_runs_status ON agent_runs(status);
   CREATE TABLE cron_jobs (id TEXT PRIMARY KEY, created_at_ms INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE TABLE cron_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, run_id TEXT NOT NULL, record TEXT NOT NULL);
   CREATE INDEX cron_runs_job ON cron_runs(job_id);
   CREATE INDEX cron_runs_run ON cron_runs(run_id);
   CREATE TABLE scheduler_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // v3: node pairing: approved node surfaces and one pending request per node (§8).
  `CREATE TABLE paired_nodes (node_id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE pending_node_pairings (node_id TEXT PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, ts INTEGER NOT NULL, record TEXT NOT NULL);`,
  // Sender (DM) pairing codes per channel and each channel account's approved senders.
  `CREATE TABLE sender_pairing_requests (channel TEXT NOT NULL, account_id TEXT NOT NULL, sender_id TEXT NOT NULL, code TEXT NOT NULL, request_id TEXT NOT NULL UNIQUE, created_at_ms INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (channel, account_id, sender_id));
   CREATE UNIQUE INDEX sender_pairing_code ON sender_pairing_requests(channel, code);
   CREATE TABLE sender_allow_from (channel TEXT NOT NULL, account_id TEXT NOT NULL, sender_id TEXT NOT NULL, approved_at_ms INTEGER NOT NULL, PRIMARY KEY (channel, account_id, sender_id));`,
];

/** The database path for a state dir. */
export function databasePath(stateDir: string): string {
  return join(stateDir, "state", "clawgate.sqlite");
}

export class SqliteStore implements DeviceStore, NodeStore, SessionStore, SchedulerStore, SenderPairingStore {
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

  listSenderRequests(channel?: string): SenderPairingRequest[] {
    const rows = channel === undefined
      ? this.db.query("SELECT record FROM sender_pairing_requests ORDER BY created_at_ms, channel, account_id, sender_id").all()
      : this.db.query("SELECT record FROM sender_pairing_requests WHERE channel = ? ORDER BY created_at_ms, account_id, sender_id").all(channel);
    return parseRows(rows);
  }

  getSenderRequestByCode(channel: string, code: string): SenderPairingRequest | undefined {
    return parseRow(this.db.query("SELECT record FROM sender_pairing_requests WHERE channel = ? AND code = ?").get(channel, code));
  }

  getSenderRequestById(requestId: string): SenderPairingRequest | undefined {
    return parseRow(this.db.query("SELECT record FROM sender_pairing_requests WHERE request_id = ?").get(requestId));
  }

  putSenderRequest(r: SenderPairingRequest): void {
    this.db.query("INSERT OR REPLACE INTO sender_pairing_requests (channel, account_id, sender_id, code, request_id, created_at_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(r.channel, r.accountId, r.senderId, r.code, r.requestId, r.createdAtMs, JSON.stringify(r));
  }

  deleteSenderRequest(channel: string, accountId: string, senderId: string): boolean {
    return this.db.query("DELETE FROM sender_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?").run(channel, accountId, senderId).changes > 0;
  }

  listAllowFrom(channel: string, accountId: string): string[] {
    return (this.db.query("SELECT sender_id FROM sender_allow_from WHERE channel = ? AND account_id = ? ORDER BY approved_at_ms, sender_id").all(channel, accountId) as { sender_id: string }[]).map((r) => r.sender_id);
  }

  addAllowFrom(channel: string, accountId: string, senderId: string, approvedAtMs: number): boolean {
    return this.db.query("INSERT OR IGNORE INTO sender_allow_from (channel, account_id, sender_id, approved_at_ms) VALUES (?, ?, ?, ?)").run(channel, accountId, senderId, approvedAtMs).changes > 0;
  }

  getSession(key: string): SessionRecord | undefined {
    return parseRow(this.db.query("SELECT record FROM sessions WHERE key = ?").get(key));
  }

  listSessions(): SessionRecord[] {
    return parseRows(this.db.query("SELECT record FROM sessions").all());
  }

  putSession(session: SessionRecord): void {
    this.db.query("INSERT INTO sessions (key, record) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET record = excluded.record").run(session.key, JSON.stringify(session));
  }

  deleteSession(key: string): boolean {
    return this.db.query("DELETE FROM sessions WHERE key = ?").run(key).changes > 0;
  }

  appendMessage(message: TranscriptMessage): void {
    // The primary key refuses a seq that is already taken, so a lost race cannot overwrite history.
    this.db.query("INSERT INTO transcript_messages (session_id, seq, record) VALUES (?, ?, ?)").run(message.sessionId, message.seq, JSON.stringify(message));
  }

  readMessages(sessionId: string, range: { afterSeq?: number; beforeSeq?: number; limit: number }): TranscriptMessage[] {
    const rows = this.db.query("SELECT record FROM transcript_messages WHERE session_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?")
      .all(sessionId, range.afterSeq ?? 0, range.beforeSeq ?? Number.MAX_SAFE_INTEGER, range.limit);
    return parseRows<TranscriptMessage>(rows).reverse();
  }

  lastMessageSeq(sessionId: string): number {
    return (this.db.query("SELECT MAX(seq) AS seq FROM transcript_messages WHERE session_id = ?").get(sessionId) as { seq: number | null }).seq ?? 0;
  }

  deleteTranscript(sessionId: string): number {
    return this.db.query("DELETE FROM transcript_messages WHERE session_id = ?").run(sessionId).changes;
  }

  putRun(run: RunRecord): void {
    this.db.query("INSERT OR REPLACE INTO agent_runs (run_id, status, record) VALUES (?, ?, ?)").run(run.runId, run.status, JSON.stringify(run));
  }

  getRun(runId: string): RunRecord | undefined {
    return parseRow(this.db.query("SELECT record FROM agent_runs WHERE run_id = ?").get(runId));
  }

  listRuns(status: RunStatus): RunRecord[] {
    return parseRows(this.db.query("SELECT record FROM agent_runs WHERE status = ?").all(status));
  }

  listCronJobs(): CronJob[] {
    return parseRows(this.db.query("SELECT record FROM cron_jobs ORDER BY created_at_ms, id").all());
  }

  putCronJob(job: CronJob): void {
    this.db.query("INSERT INTO cron_jobs (id, created_at_ms, record) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record").run(job.id, job.createdAtMs, JSON.stringify(job));
  }

  deleteCronJob(id: string): boolean {
    return this.db.query("DELETE FROM cron_jobs WHERE id = ?").run(id).changes > 0;
  }

  appendCronRun(entry: CronRunEntry, keep: number): void {
    this.transaction(() => {
      this.db.query("INSERT INTO cron_runs (job_id, run_id, record) VALUES (?, ?, ?)").run(entry.jobId, entry.runId, JSON.stringify(entry));
      this.db.query("DELETE FROM cron_runs WHERE job_id = ?1 AND id <= (SELECT id FROM cron_runs WHERE job_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)").run(entry.jobId, keep);
    });
  }

  listCronRuns(query: { jobId?: string; runId?: string; limit: number; offset: number }): { entries: CronRunEntry[]; total: number } {
    const where = "WHERE (?1 IS NULL OR job_id = ?1) AND (?2 IS NULL OR run_id = ?2)";
    const args = [query.jobId ?? null, query.runId ?? null] as const;
    const total = (this.db.query(`SELECT COUNT(*) AS n FROM cron_runs ${where}`).get(...args) as { n: number }).n;
    const rows = this.db.query(`SELECT record FROM cron_runs ${where} ORDER BY id DESC LIMIT ?3 OFFSET ?4`).all(...args, query.limit, query.offset);
    return { entries: parseRows(rows), total };
  }

  getSchedulerState(key: string): string | undefined {
    return (this.db.query("SELECT value FROM scheduler_state WHERE key = ?").get(key) as { value: string } | null)?.value;
  }

  putSchedulerState(key: string, value: string): void {
    this.db.query("INSERT INTO scheduler_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  getNode(nodeId: string): PairedNode | undefined {
    const row = this.db.query("SELECT record FROM paired_nodes WHERE node_id = ?").get(nodeId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listNodes(): PairedNode[] {
    return (this.db.query("SELECT record FROM paired_nodes ORDER BY node_id").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putNode(node: PairedNode): void {
    this.db.query("INSERT INTO paired_nodes (node_id, record) VALUES (?, ?) ON CONFLICT(node_id) DO UPDATE SET record = excluded.record").run(node.nodeId, JSON.stringify(node));
  }

  deleteNode(nodeId: string): boolean {
    return this.db.query("DELETE FROM paired_nodes WHERE node_id = ?").run(nodeId).changes > 0;
  }

  getNodePending(nodeId: string): PendingNodePairing | undefined {
    const row = this.db.query("SELECT record FROM pending_node_pairings WHERE node_id = ?").get(nodeId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listNodePending(): PendingNodePairing[] {
    return (this.db.query("SELECT record FROM pending_node_pairings ORDER BY ts").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putNodePending(request: PendingNodePairing): void {
    this.db.query("INSERT OR REPLACE INTO pending_node_pairings (node_id, request_id, ts, record) VALUES (?, ?, ?, ?)").run(request.nodeId, request.requestId, request.ts, JSON.stringify(request));
  }

  deleteNodePending(nodeId: string): boolean {
    return this.db.query("DELETE FROM pending_node_pairings WHERE node_id = ?").run(nodeId).changes > 0;
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

function parseRow<T>(row: unknown): T | undefined {
  return row ? JSON.parse((row as { record: string }).record) : undefined;
}

function parseRows<T>(rows: unknown[]): T[] {
  return rows.map((r) => JSON.parse((r as { record: string }).record));
}
