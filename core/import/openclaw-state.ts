/**
 * Reads the state an OpenClaw 2026.9.6 gateway keeps in its SQLite database
 * (`<stateDir>/state/openclaw.sqlite`, schema v18): paired devices with their
 * tokens and node surfaces, approved chat senders, cron jobs, and the counts
 * of what is not carried over. Only SELECTs and PRAGMA reads; the caller
 * hands in a connection to a private copy of upstream's file, so upstream's
 * own bytes are never touched. Anything structural (not a database, a failed
 * integrity check, another schema version, a missing table or a column that
 * does not parse) is an ImportError: nothing is imported from a store that
 * cannot be read whole. Runtime-agnostic.
 */
import { z } from "../zod.ts";
import type { SqlDriver } from "../storage/driver.ts";

/** The upstream release whose schema this reader knows. */
export const OPENCLAW_VERSION = "2026.9.6";
/** `PRAGMA user_version` of that release's state database. */
export const OPENCLAW_SCHEMA_VERSION = 18;

/** Why an upstream store cannot be imported; `hint` says what the user can do. */
export class ImportError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** One token in a paired device's `tokens_json`, keyed there by role. */
const tokenSchema = z.object({
  token: z.optional(z.unknown()),
  role: z.optional(z.string()),
  scopes: z.optional(z.array(z.string())),
  createdAtMs: z.optional(z.number()),
  revokedAtMs: z.optional(z.nullable(z.number())),
});
export type UpstreamToken = z.infer<typeof tokenSchema>;

/** The approved command surface of a device holding the node role. */
const nodeSurfaceSchema = z.object({
  displayName: z.optional(z.string()),
  version: z.optional(z.string()),
  modelIdentifier: z.optional(z.string()),
  caps: z.optional(z.array(z.string())),
  commands: z.optional(z.array(z.string())),
  permissions: z.optional(z.record(z.string(), z.boolean())),
  createdAtMs: z.optional(z.number()),
  approvedAtMs: z.optional(z.number()),
  lastConnectedAtMs: z.optional(z.number()),
  lastHostStats: z.optional(z.record(z.string(), z.unknown())),
});
export type UpstreamNodeSurface = z.infer<typeof nodeSurfaceSchema>;

/** A row of `device_pairing_paired`, JSON columns parsed. */
export interface UpstreamDevice {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  operatorLabel?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
  roles: string[];
  scopes: string[];
  tokens: Record<string, UpstreamToken>;
  approvedVia?: string;
  nodeSurface?: UpstreamNodeSurface;
  createdAtMs: number;
  approvedAtMs: number;
}

/** A row of `channel_pairing_allow_entries`: one approved sender of a channel account. */
export interface UpstreamAllowEntry {
  channel: string;
  accountId: string;
  senderId: string;
  updatedAtMs: number;
}

/** A row of `cron_jobs`: the job as upstream's CronJob JSON plus its runtime state. */
export interface UpstreamCronJob {
  jobId: string;
  job: Record<string, unknown>;
  state: Record<string, unknown>;
  updatedAtMs: number;
}

/** Everything the import reads. */
export interface UpstreamState {
  schemaVersion: number;
  appVersion?: string;
  devices: UpstreamDevice[];
  pendingDevices: number;
  allowEntries: UpstreamAllowEntry[];
  pendingSenders: number;
  cronJobs: UpstreamCronJob[];
  /** Per-agent databases, which hold the sessions and transcripts. */
  agentDatabases: number;
}

const pairedRow = z.object({
  device_id: z.string(),
  public_key: z.string(),
  display_name: z.nullable(z.string()),
  operator_label: z.nullable(z.string()),
  platform: z.nullable(z.string()),
  device_family: z.nullable(z.string()),
  client_id: z.nullable(z.string()),
  client_mode: z.nullable(z.string()),
  role: z.nullable(z.string()),
  roles_json: z.nullable(z.string()),
  scopes_json: z.nullable(z.string()),
  approved_scopes_json: z.nullable(z.string()),
  remote_ip: z.nullable(z.string()),
  tokens_json: z.nullable(z.string()),
  approved_via: z.nullable(z.string()),
  node_surface_json: z.nullable(z.string()),
  created_at_ms: z.number(),
  approved_at_ms: z.number(),
});

const allowRow = z.object({ channel_key: z.string(), account_id: z.string(), entry: z.string(), updated_at: z.number() });
const cronRow = z.object({ job_id: z.string(), job_json: z.string(), state_json: z.string(), updated_at: z.number() });

const strings = z.array(z.string());
const jsonObject = z.record(z.string(), z.unknown());

/** Reads the whole upstream state, or throws ImportError saying what is wrong with it. */
export function readOpenClawState(db: SqlDriver, where: string): UpstreamState {
  const schemaVersion = readVersion(db, where);
  checkIntegrity(db, where);
  const appVersion = (query(db, where, "SELECT app_version FROM schema_meta WHERE meta_key = 'primary'")[0] as { app_version?: string | null } | undefined)?.app_version ?? undefined;
  return {
    schemaVersion,
    appVersion,
    devices: query(db, where, `SELECT ${Object.keys(pairedRow.shape).join(", ")} FROM device_pairing_paired ORDER BY approved_at_ms, device_id`).map((row) => deviceOf(parse(pairedRow, row, where, "device_pairing_paired"), where)),
    pendingDevices: count(db, where, "device_pairing_pending"),
    allowEntries: query(db, where, "SELECT channel_key, account_id, entry, updated_at FROM channel_pairing_allow_entries ORDER BY channel_key, account_id, sort_order, entry").map((row) => {
      const r = parse(allowRow, row, where, "channel_pairing_allow_entries");
      return { channel: r.channel_key, accountId: r.account_id, senderId: r.entry, updatedAtMs: r.updated_at };
    }),
    pendingSenders: count(db, where, "channel_pairing_requests"),
    cronJobs: query(db, where, "SELECT job_id, job_json, state_json, updated_at FROM cron_jobs ORDER BY sort_order, updated_at, job_id").map((row) => {
      const r = parse(cronRow, row, where, "cron_jobs");
      const at = `cron_jobs row ${r.job_id}`;
      return { jobId: r.job_id, job: parse(jsonObject, json(r.job_json, where, at), where, at), state: parse(jsonObject, json(r.state_json, where, at), where, at), updatedAtMs: r.updated_at };
    }),
    agentDatabases: count(db, where, "agent_databases"),
  };
}

function readVersion(db: SqlDriver, where: string): number {
  let version: number;
  try {
    version = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  } catch (error) {
    throw new ImportError(`${where} is not a readable SQLite database: ${(error as Error).message}`, "Restore state/openclaw.sqlite from a backup, or point --state-dir at another OpenClaw state dir.");
  }
  if (version > OPENCLAW_SCHEMA_VERSION) {
    throw new ImportError(
      `${where} has schema v${version}, newer than the OpenClaw ${OPENCLAW_VERSION} schema (v${OPENCLAW_SCHEMA_VERSION}) clawgate can import`,
      `It was written by a newer OpenClaw. Update clawgate, or import from an OpenClaw ${OPENCLAW_VERSION} state dir.`,
    );
  }
  if (version < OPENCLAW_SCHEMA_VERSION) {
    throw new ImportError(
      `${where} has schema v${version}, older than the OpenClaw ${OPENCLAW_VERSION} schema (v${OPENCLAW_SCHEMA_VERSION}) clawgate can import`,
      `Run OpenClaw ${OPENCLAW_VERSION} once on this state dir (or \`openclaw doctor --fix\`) so it migrates the database, stop it, then import again.`,
    );
  }
  return version;
}

function checkIntegrity(db: SqlDriver, where: string): void {
  const rows = query(db, where, "PRAGMA quick_check") as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== "ok");
  if (problems.length > 0) throw new ImportError(`${where} is damaged (integrity check: ${problems.slice(0, 3).join("; ")})`, "Restore it from a backup, or repair it with OpenClaw, then import again.");
}

function query(db: SqlDriver, where: string, sql: string): unknown[] {
  try {
    return db.prepare(sql).all();
  } catch (error) {
    const message = (error as Error).message;
    // Which read meets a damaged page first depends on where the damage is; the advice is the same.
    if (/malformed/i.test(message)) throw new ImportError(`${where} is damaged (${message})`, "Restore it from a backup, or repair it with OpenClaw, then import again.");
    throw new ImportError(`${where} cannot be read as an OpenClaw ${OPENCLAW_VERSION} state database: ${message}`);
  }
}

function count(db: SqlDriver, where: string, table: string): number {
  return (query(db, where, `SELECT COUNT(*) AS n FROM ${table}`)[0] as { n: number }).n;
}

function parse<T>(schema: z.ZodMiniType<T>, value: unknown, where: string, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ImportError(`${where}: ${what} is malformed (${issue.path.join(".") || "value"}: ${issue.message})`);
  }
  return result.data;
}

function json(text: string, where: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ImportError(`${where}: ${what} holds JSON that does not parse`);
  }
}

/** A column that holds JSON or SQL NULL. */
function jsonColumn<T>(schema: z.ZodMiniType<T>, text: string | null, where: string, what: string): T | undefined {
  return text === null ? undefined : parse(schema, json(text, where, what), where, what);
}

function deviceOf(r: z.infer<typeof pairedRow>, where: string): UpstreamDevice {
  const at = `device_pairing_paired row ${r.device_id}`;
  const opt = (key: string, value: string | null) => (value ? { [key]: value } : {});
  const roles = jsonColumn(strings, r.roles_json, where, at) ?? (r.role ? [r.role] : []);
  return {
    deviceId: r.device_id,
    publicKey: r.public_key,
    ...opt("displayName", r.display_name),
    ...opt("operatorLabel", r.operator_label),
    ...opt("platform", r.platform),
    ...opt("deviceFamily", r.device_family),
    ...opt("clientId", r.client_id),
    ...opt("clientMode", r.client_mode),
    ...opt("remoteIp", r.remote_ip),
    ...opt("approvedVia", r.approved_via),
    roles,
    // approvedScopes is the grant upstream enforces; scopes is what was last requested.
    scopes: jsonColumn(strings, r.approved_scopes_json, where, at) ?? jsonColumn(strings, r.scopes_json, where, at) ?? [],
    tokens: jsonColumn(z.record(z.string(), tokenSchema), r.tokens_json, where, at) ?? {},
    ...(r.node_surface_json ? { nodeSurface: jsonColumn(nodeSurfaceSchema, r.node_surface_json, where, at) } : {}),
    createdAtMs: r.created_at_ms,
    approvedAtMs: r.approved_at_ms,
  } as UpstreamDevice;
}
