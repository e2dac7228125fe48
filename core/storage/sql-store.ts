/**
 * Durable state in one embedded SQLite database behind core's store
 * interfaces: the schema (./migrations.ts), every query, and transactions,
 * over a tiny driver each shim provides (./driver.ts). The shim opens the
 * file, applies CONNECTION_PRAGMAS and sets file modes; everything else is
 * here, so Bun, Node and Deno store state byte for byte alike.
 * Runtime-agnostic.
 */
import type { CronJob, CronRunEntry } from "../scheduler/types.ts";
import type {
  ChannelInboundRecord, ChannelOutboxRecord, ChannelStore, DeviceStore, DeviceTokenRecord, NodeStore, PairedDevice, PairedNode, PendingNodePairing, PendingPairing, RunRecord, RunStatus, SchedulerStore, SenderPairingRequest, SenderPairingStore, SessionRecord, SessionStore, TranscriptMessage,
} from "../store.ts";
import type { SqlDriver, SqlStatement } from "./driver.ts";
import { MIGRATIONS } from "./migrations.ts";
import type { ExecApprovalRecord } from "../store.ts";

/**
 * Applied by the shim right after opening: WAL with synchronous=FULL so an
 * acknowledged write survives a crash, and a busy timeout so a second
 * connection (a CLI reading the file) waits instead of failing.
 */
export const CONNECTION_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/** Every store interface over one SQLite connection. */
export class SqlStore implements DeviceStore, NodeStore, SessionStore, SchedulerStore, SenderPairingStore, ChannelStore {
  private readonly statements = new Map<string, SqlStatement>();
  /** Open transactions: 0 outside, 1 in BEGIN, n > 1 in savepoint n - 1. */
  private depth = 0;

  /** Takes over an open connection and brings its schema up to date. */
  constructor(private readonly driver: SqlDriver) {
    this.migrate();
  }

  private migrate(): void {
    const current = (this.sql("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (current > MIGRATIONS.length) throw new Error(`state database schema v${current} is newer than this clawgate understands (v${MIGRATIONS.length})`);
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.transaction(() => {
        this.driver.exec(MIGRATIONS[v]!);
        this.driver.exec(`PRAGMA user_version = ${v + 1}`);
      });
    }
  }

  /** The prepared statement for `text`, prepared once per connection. */
  private sql(text: string): SqlStatement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.driver.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.driver.close();
  }

  /**
   * Runs `fn` atomically. The outermost call takes the write lock up front
   * (BEGIN IMMEDIATE), so two connections never deadlock upgrading a read;
   * nested calls are savepoints, undone alone when they throw.
   */
  transaction<T>(fn: () => T): T {
    const savepoint = this.depth === 0 ? undefined : `sp${this.depth}`;
    this.driver.exec(savepoint ? `SAVEPOINT ${savepoint}` : "BEGIN IMMEDIATE");
    this.depth++;
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.depth--;
      this.rollback(savepoint);
      throw error;
    }
    this.depth--;
    try {
      this.driver.exec(savepoint ? `RELEASE ${savepoint}` : "COMMIT");
    } catch (error) {
      if (!savepoint) this.rollback(undefined);
      throw error;
    }
    return result;
  }

  private rollback(savepoint: string | undefined): void {
    try {
      this.driver.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : "ROLLBACK");
    } catch {
      // SQLite may have rolled back on its own (SQLITE_FULL, SQLITE_IOERR); the caller's error is the one to report.
    }
  }

  getPaired(deviceId: string): PairedDevice | undefined {
    const row = this.sql("SELECT record FROM paired_devices WHERE device_id = ?").get(deviceId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listPaired(): PairedDevice[] {
    return (this.sql("SELECT record FROM paired_devices ORDER BY device_id").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putPaired(device: PairedDevice): void {
    this.sql("INSERT INTO paired_devices (device_id, record) VALUES (?, ?) ON CONFLICT(device_id) DO UPDATE SET record = excluded.record").run(device.deviceId, JSON.stringify(device));
  }

  deletePaired(deviceId: string): boolean {
    return this.sql("DELETE FROM paired_devices WHERE device_id = ?").run(deviceId).changes > 0;
  }

  getPending(requestId: string): PendingPairing | undefined {
    const row = this.sql("SELECT record FROM pending_pairings WHERE request_id = ?").get(requestId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listPending(): PendingPairing[] {
    return (this.sql("SELECT record FROM pending_pairings ORDER BY ts").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putPending(request: PendingPairing): void {
    this.sql("INSERT OR REPLACE INTO pending_pairings (request_id, device_id, ts, record) VALUES (?, ?, ?, ?)").run(request.requestId, request.deviceId, request.ts, JSON.stringify(request));
  }

  deletePending(requestId: string): boolean {
    return this.sql("DELETE FROM pending_pairings WHERE request_id = ?").run(requestId).changes > 0;
  }

  getToken(deviceId: string, role: string): DeviceTokenRecord | undefined {
    const row = this.sql("SELECT * FROM device_tokens WHERE device_id = ? AND role = ?").get(deviceId, role) as TokenRow | null;
    return row ? tokenFromRow(row) : undefined;
  }

  listTokens(deviceId: string): DeviceTokenRecord[] {
    return (this.sql("SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role").all(deviceId) as TokenRow[]).map(tokenFromRow);
  }

  putToken(r: DeviceTokenRecord): void {
    this.sql("INSERT OR REPLACE INTO device_tokens (device_id, role, token_hash, scopes, created_at_ms) VALUES (?, ?, ?, ?, ?)").run(r.deviceId, r.role, r.tokenHash, JSON.stringify(r.scopes), r.createdAtMs);
  }

  deleteToken(deviceId: string, role: string): boolean {
    return this.sql("DELETE FROM device_tokens WHERE device_id = ? AND role = ?").run(deviceId, role).changes > 0;
  }

  listSenderRequests(channel?: string): SenderPairingRequest[] {
    const rows = channel === undefined
      ? this.sql("SELECT record FROM sender_pairing_requests ORDER BY created_at_ms, channel, account_id, sender_id").all()
      : this.sql("SELECT record FROM sender_pairing_requests WHERE channel = ? ORDER BY created_at_ms, account_id, sender_id").all(channel);
    return parseRows(rows);
  }

  getSenderRequestByCode(channel: string, code: string): SenderPairingRequest | undefined {
    return parseRow(this.sql("SELECT record FROM sender_pairing_requests WHERE channel = ? AND code = ?").get(channel, code));
  }

  getSenderRequestById(requestId: string): SenderPairingRequest | undefined {
    return parseRow(this.sql("SELECT record FROM sender_pairing_requests WHERE request_id = ?").get(requestId));
  }

  putSenderRequest(r: SenderPairingRequest): void {
    this.sql("INSERT OR REPLACE INTO sender_pairing_requests (channel, account_id, sender_id, code, request_id, created_at_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(r.channel, r.accountId, r.senderId, r.code, r.requestId, r.createdAtMs, JSON.stringify(r));
  }

  deleteSenderRequest(channel: string, accountId: string, senderId: string): boolean {
    return this.sql("DELETE FROM sender_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?").run(channel, accountId, senderId).changes > 0;
  }

  listAllowFrom(channel: string, accountId: string): string[] {
    return (this.sql("SELECT sender_id FROM sender_allow_from WHERE channel = ? AND account_id = ? ORDER BY approved_at_ms, sender_id").all(channel, accountId) as { sender_id: string }[]).map((r) => r.sender_id);
  }

  addAllowFrom(channel: string, accountId: string, senderId: string, approvedAtMs: number): boolean {
    return this.sql("INSERT OR IGNORE INTO sender_allow_from (channel, account_id, sender_id, approved_at_ms) VALUES (?, ?, ?, ?)").run(channel, accountId, senderId, approvedAtMs).changes > 0;
  }

  getSession(key: string): SessionRecord | undefined {
    return parseRow(this.sql("SELECT record FROM sessions WHERE key = ?").get(key));
  }

  listSessions(): SessionRecord[] {
    return parseRows(this.sql("SELECT record FROM sessions").all());
  }

  putSession(session: SessionRecord): void {
    this.sql("INSERT INTO sessions (key, record) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET record = excluded.record").run(session.key, JSON.stringify(session));
  }

  deleteSession(key: string): boolean {
    return this.sql("DELETE FROM sessions WHERE key = ?").run(key).changes > 0;
  }

  appendMessage(message: TranscriptMessage): void {
    // The primary key refuses a seq that is already taken, so a lost race cannot overwrite history.
    this.sql("INSERT INTO transcript_messages (session_id, seq, record) VALUES (?, ?, ?)").run(message.sessionId, message.seq, JSON.stringify(message));
  }

  readMessages(sessionId: string, range: { afterSeq?: number; beforeSeq?: number; limit: number }): TranscriptMessage[] {
    const rows = this.sql("SELECT record FROM transcript_messages WHERE session_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?")
      .all(sessionId, range.afterSeq ?? 0, range.beforeSeq ?? Number.MAX_SAFE_INTEGER, range.limit);
    return parseRows<TranscriptMessage>(rows).reverse();
  }

  lastMessageSeq(sessionId: string): number {
    return (this.sql("SELECT MAX(seq) AS seq FROM transcript_messages WHERE session_id = ?").get(sessionId) as { seq: number | null }).seq ?? 0;
  }

  messagesBetween(sessionIds: readonly string[], startMs: number, endMs: number): TranscriptMessage[] {
    if (sessionIds.length === 0) return [];
    // One statement per transcript keeps the prepared-statement cache bounded; each reads its own rows only.
    const read = this.sql("SELECT record FROM transcript_messages WHERE session_id = ? AND json_extract(record, '$.ts') BETWEEN ? AND ? ORDER BY seq");
    return sessionIds.flatMap((id) => parseRows<TranscriptMessage>(read.all(id, startMs, endMs))).sort((a, b) => a.ts - b.ts);
  }

  deleteTranscript(sessionId: string): number {
    return this.sql("DELETE FROM transcript_messages WHERE session_id = ?").run(sessionId).changes;
  }

  putRun(run: RunRecord): void {
    this.sql("INSERT OR REPLACE INTO agent_runs (run_id, status, record) VALUES (?, ?, ?)").run(run.runId, run.status, JSON.stringify(run));
  }

  getRun(runId: string): RunRecord | undefined {
    return parseRow(this.sql("SELECT record FROM agent_runs WHERE run_id = ?").get(runId));
  }

  listRuns(status: RunStatus): RunRecord[] {
    return parseRows(this.sql("SELECT record FROM agent_runs WHERE status = ?").all(status));
  }

  listCronJobs(): CronJob[] {
    return parseRows(this.sql("SELECT record FROM cron_jobs ORDER BY created_at_ms, id").all());
  }

  putCronJob(job: CronJob): void {
    this.sql("INSERT INTO cron_jobs (id, created_at_ms, record) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET record = excluded.record").run(job.id, job.createdAtMs, JSON.stringify(job));
  }

  deleteCronJob(id: string): boolean {
    return this.sql("DELETE FROM cron_jobs WHERE id = ?").run(id).changes > 0;
  }

  appendCronRun(entry: CronRunEntry, keep: number): void {
    this.transaction(() => {
      this.sql("INSERT INTO cron_runs (job_id, run_id, record) VALUES (?, ?, ?)").run(entry.jobId, entry.runId, JSON.stringify(entry));
      this.sql("DELETE FROM cron_runs WHERE job_id = ? AND id <= (SELECT id FROM cron_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)").run(entry.jobId, entry.jobId, keep);
    });
  }

  listCronRuns(query: { jobId?: string; runId?: string; limit: number; offset: number }): { entries: CronRunEntry[]; total: number } {
    const where = "WHERE (? IS NULL OR job_id = ?) AND (? IS NULL OR run_id = ?)";
    const jobId = query.jobId ?? null;
    const runId = query.runId ?? null;
    const args = [jobId, jobId, runId, runId];
    const total = (this.sql(`SELECT COUNT(*) AS n FROM cron_runs ${where}`).get(...args) as { n: number }).n;
    const rows = this.sql(`SELECT record FROM cron_runs ${where} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, query.limit, query.offset);
    return { entries: parseRows(rows), total };
  }

  getSchedulerState(key: string): string | undefined {
    return (this.sql("SELECT value FROM scheduler_state WHERE key = ?").get(key) as { value: string } | null)?.value;
  }

  putSchedulerState(key: string, value: string): void {
    this.sql("INSERT INTO scheduler_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  getNode(nodeId: string): PairedNode | undefined {
    const row = this.sql("SELECT record FROM paired_nodes WHERE node_id = ?").get(nodeId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listNodes(): PairedNode[] {
    return (this.sql("SELECT record FROM paired_nodes ORDER BY node_id").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putNode(node: PairedNode): void {
    this.sql("INSERT INTO paired_nodes (node_id, record) VALUES (?, ?) ON CONFLICT(node_id) DO UPDATE SET record = excluded.record").run(node.nodeId, JSON.stringify(node));
  }

  deleteNode(nodeId: string): boolean {
    return this.sql("DELETE FROM paired_nodes WHERE node_id = ?").run(nodeId).changes > 0;
  }

  getNodePending(nodeId: string): PendingNodePairing | undefined {
    const row = this.sql("SELECT record FROM pending_node_pairings WHERE node_id = ?").get(nodeId) as { record: string } | null;
    return row ? JSON.parse(row.record) : undefined;
  }

  listNodePending(): PendingNodePairing[] {
    return (this.sql("SELECT record FROM pending_node_pairings ORDER BY ts").all() as { record: string }[]).map((r) => JSON.parse(r.record));
  }

  putNodePending(request: PendingNodePairing): void {
    this.sql("INSERT OR REPLACE INTO pending_node_pairings (node_id, request_id, ts, record) VALUES (?, ?, ?, ?)").run(request.nodeId, request.requestId, request.ts, JSON.stringify(request));
  }

  deleteNodePending(nodeId: string): boolean {
    return this.sql("DELETE FROM pending_node_pairings WHERE node_id = ?").run(nodeId).changes > 0;
  }

  insertInbound(r: ChannelInboundRecord): boolean {
    return this.sql("INSERT OR IGNORE INTO channel_inbound (channel, account_id, id, state, sender_id, received_at_ms, record) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(r.channel, r.accountId, r.id, r.state, r.message.senderId, r.receivedAtMs, JSON.stringify(r)).changes > 0;
  }

  getInbound(channel: string, accountId: string, id: string): ChannelInboundRecord | undefined {
    return parseRow(this.sql("SELECT record FROM channel_inbound WHERE channel = ? AND account_id = ? AND id = ?").get(channel, accountId, id));
  }

  listQueuedInbound(): ChannelInboundRecord[] {
    return parseRows(this.sql("SELECT record FROM channel_inbound WHERE state = 'queued' ORDER BY received_at_ms, rowid").all());
  }

  countQueuedFrom(channel: string, accountId: string, senderId: string): number {
    return (this.sql("SELECT count(*) AS n FROM channel_inbound WHERE state = 'queued' AND channel = ? AND account_id = ? AND sender_id = ?").get(channel, accountId, senderId) as { n: number }).n;
  }

  finishInbound(channel: string, accountId: string, id: string, outcome: string): void {
    const stored = this.getInbound(channel, accountId, id);
    if (!stored) return;
    this.sql("UPDATE channel_inbound SET state = 'done', record = ? WHERE channel = ? AND account_id = ? AND id = ?")
      .run(JSON.stringify({ ...stored, state: "done", outcome }), channel, accountId, id);
  }

  getCursor(channel: string, accountId: string): string | undefined {
    return (this.sql("SELECT cursor FROM channel_cursors WHERE channel = ? AND account_id = ?").get(channel, accountId) as { cursor: string } | null)?.cursor;
  }

  putCursor(channel: string, accountId: string, cursor: string): void {
    this.sql("INSERT OR REPLACE INTO channel_cursors (channel, account_id, cursor) VALUES (?, ?, ?)").run(channel, accountId, cursor);
  }

  enqueueOutbox(r: Omit<ChannelOutboxRecord, "seq">): ChannelOutboxRecord {
    this.sql("INSERT OR IGNORE INTO channel_outbox (channel, key, state, record) VALUES (?, ?, ?, ?)").run(r.channel, r.key, r.state, JSON.stringify(r));
    return this.getOutbox(r.channel, r.key)!;
  }

  getOutbox(channel: string, key: string): ChannelOutboxRecord | undefined {
    return outboxRow(this.sql("SELECT seq, record FROM channel_outbox WHERE channel = ? AND key = ?").get(channel, key));
  }

  listPendingOutbox(): ChannelOutboxRecord[] {
    return this.sql("SELECT seq, record FROM channel_outbox WHERE state = 'pending' ORDER BY seq").all().map((row) => outboxRow(row)!);
  }

  settleOutbox(seq: number, result: { state: "sent" | "failed"; atMs: number; messageId?: string; error?: string }): void {
    const row = outboxRow(this.sql("SELECT seq, record FROM channel_outbox WHERE seq = ?").get(seq));
    if (!row) return;
    const { seq: _seq, ...stored } = row;
    const settled = { ...stored, state: result.state, ...(result.state === "sent" ? { sentAtMs: result.atMs, messageId: result.messageId } : { error: result.error }) };
    this.sql("UPDATE channel_outbox SET state = ?, record = ?, message_id = ? WHERE seq = ?").run(result.state, JSON.stringify(settled), result.state === "sent" ? (result.messageId ?? null) : null, seq);
  }

  sentMessage(channel: string, accountId: string, messageId: string): boolean {
    return Boolean(this.sql("SELECT 1 FROM channel_outbox WHERE channel = ? AND message_id = ? AND json_extract(record, '$.accountId') = ?").get(channel, messageId, accountId));
  }

  getApproval(id: string): ExecApprovalRecord | undefined {
    return parseRow(this.sql("SELECT record FROM exec_approvals WHERE id = ?").get(id));
  }

  listApprovals(status: ExecApprovalRecord["status"]): ExecApprovalRecord[] {
    return parseRows(this.sql("SELECT record FROM exec_approvals WHERE status = ? ORDER BY created_at_ms, id").all(status));
  }

  putApproval(record: ExecApprovalRecord): void {
    this.sql("INSERT INTO exec_approvals (id, status, created_at_ms, record) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET status = excluded.status, record = excluded.record")
      .run(record.id, record.status, record.createdAtMs, JSON.stringify(record));
  }

  pruneApprovals(ms: number): number {
    return this.sql("DELETE FROM exec_approvals WHERE status != 'pending' AND created_at_ms < ?").run(ms).changes;
  }

  getApprovalsDocument(): string | undefined {
    return (this.sql("SELECT raw_json FROM exec_approvals_config WHERE config_key = 'gateway'").get() as { raw_json: string } | null)?.raw_json;
  }

  putApprovalsDocument(raw: string): void {
    this.sql("INSERT INTO exec_approvals_config (config_key, raw_json) VALUES ('gateway', ?) ON CONFLICT(config_key) DO UPDATE SET raw_json = excluded.raw_json").run(raw);
  }
}

function outboxRow(row: unknown): ChannelOutboxRecord | undefined {
  if (!row) return undefined;
  const { seq, record } = row as { seq: number; record: string };
  return { ...JSON.parse(record), seq };
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
