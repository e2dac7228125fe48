/**
 * The state database's schema as versioned migrations. `PRAGMA user_version`
 * holds how many have been applied; a new schema is a new entry at the end,
 * and an entry that has shipped is never edited (existing databases replay
 * only what they have not seen). Runtime-agnostic.
 */

/** Versioned migrations; the index + 1 is the schema version they produce. */
export const MIGRATIONS = [
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
  // Channels: inbound messages stored before their service is acknowledged, the outbox replies are sent from, receive cursors.
  `CREATE TABLE channel_inbound (channel TEXT NOT NULL, account_id TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL, sender_id TEXT NOT NULL, received_at_ms INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (channel, account_id, id));
   CREATE INDEX channel_inbound_queued ON channel_inbound(state, received_at_ms);
   CREATE TABLE channel_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL, record TEXT NOT NULL, UNIQUE (channel, key));
   CREATE INDEX channel_outbox_pending ON channel_outbox(state, seq);
   CREATE TABLE channel_cursors (channel TEXT NOT NULL, account_id TEXT NOT NULL, cursor TEXT NOT NULL, PRIMARY KEY (channel, account_id));`,
  // Exec approvals: one row per request (pending, then its decision, kept for restarts and
  // history), and the host approvals document (policy defaults, per-agent allowlists) as upstream's singleton row.
  `CREATE TABLE exec_approvals (id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at_ms INTEGER NOT NULL, record TEXT NOT NULL);
   CREATE INDEX exec_approvals_status ON exec_approvals(status);
   CREATE TABLE exec_approvals_config (config_key TEXT PRIMARY KEY, raw_json TEXT NOT NULL);`,
  // The service's id of each delivered chunk, indexed: an account recognises the echo of its own message after a
  // restart (WhatsApp's self-chat shows it as the linked number writing to itself).
  `ALTER TABLE channel_outbox ADD COLUMN message_id TEXT;
   UPDATE channel_outbox SET message_id = json_extract(record, '$.messageId') WHERE state = 'sent';
   CREATE INDEX channel_outbox_message ON channel_outbox(channel, message_id) WHERE message_id IS NOT NULL;`,
];
