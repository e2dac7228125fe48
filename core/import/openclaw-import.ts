/**
 * Brings an OpenClaw state (./openclaw-state.ts) into clawgate's store: paired
 * devices with their roles, scopes and device tokens (kept as clawgate's
 * hash of the same token, so a client's existing token keeps working), node
 * surfaces, approved chat senders and user cron jobs. One transaction; what
 * clawgate already holds is never overwritten, so a second run writes
 * nothing. Every row upstream has lands in the report as imported,
 * unchanged or skipped, a skip with its reason and, where the user has to
 * act, what to do. Runtime-agnostic.
 */
import { hashToken } from "../device/registry.ts";
import { decodePublicKey, deviceIdFor, publicKeyBase64Url } from "../device/identity.ts";
import { cronJobRevision } from "../rpc/methods/cron.ts";
import { nextRunAfter, scheduleProblem } from "../scheduler/schedule.ts";
import type { CronJob, CronPayload, CronSchedule } from "../scheduler/types.ts";
import type { DeviceStore, DeviceTokenRecord, NodeStore, PairedDevice, PairedNode, SchedulerStore, SenderPairingStore } from "../store.ts";
import { z } from "../zod.ts";
import type { UpstreamCronJob, UpstreamDevice, UpstreamState } from "./openclaw-state.ts";

/** What a report line is about. */
export type ImportKind = "device" | "device token" | "node" | "sender" | "cron job" | "pending device request" | "pending sender request" | "sessions";

/** One line of the report. */
export interface ImportItem {
  kind: ImportKind;
  id: string;
  label?: string;
  /** Why it was skipped, or a note on what was imported. */
  reason?: string;
  /** What the user must do, when anything. */
  action?: string;
}

/** What an import did (or, in a dry run, would do). */
export interface ImportResult {
  imported: ImportItem[];
  unchanged: ImportItem[];
  skipped: ImportItem[];
}

/** The stores an import writes, one SQLite connection behind them all. */
export type ImportStore = DeviceStore & NodeStore & SenderPairingStore & SchedulerStore;

type Write =
  | { kind: "device"; item: ImportItem; device: PairedDevice }
  | { kind: "device token"; item: ImportItem; token: DeviceTokenRecord; publicKey: string }
  | { kind: "node"; item: ImportItem; node: PairedNode }
  | { kind: "sender"; item: ImportItem; channel: string; accountId: string; senderId: string; approvedAtMs: number }
  | { kind: "cron job"; item: ImportItem; job: CronJob };

/** The rows to write and the rows already known to be skipped. */
export interface ImportPlan {
  writes: Write[];
  skipped: ImportItem[];
}

const CHANNEL_ID = /^[a-z][a-z0-9_-]{0,63}$/;

const REPAIR_TOKEN = "Connect it once with the gateway token or password: it is already paired, so clawgate issues it a new device token without a new approval.";

/** Decides, row by row, what an import would write. */
export async function planImport(state: UpstreamState, now: number): Promise<ImportPlan> {
  const plan: ImportPlan = { writes: [], skipped: [] };
  for (const device of state.devices) await planDevice(plan, device);
  for (const e of state.allowEntries) {
    const item: ImportItem = { kind: "sender", id: `${e.channel}/${e.accountId}/${e.senderId}` };
    if (!CHANNEL_ID.test(e.channel)) plan.skipped.push({ ...item, reason: `channel id "${e.channel}" is not one clawgate accepts (lowercase letters, digits, "_" or "-")` });
    else if (!e.senderId.trim() || !e.accountId.trim()) plan.skipped.push({ ...item, reason: "blank sender or account id" });
    else plan.writes.push({ kind: "sender", item, channel: e.channel, accountId: e.accountId, senderId: e.senderId, approvedAtMs: e.updatedAtMs });
  }
  for (const row of state.cronJobs) planCronJob(plan, row, now);
  if (state.pendingDevices > 0) {
    plan.skipped.push({ kind: "pending device request", id: `${state.pendingDevices} request(s)`, reason: "pending pairing requests expire within minutes and are not carried over", action: "Reconnect the device to clawgate and approve it there (`clawgate devices list`)." });
  }
  if (state.pendingSenders > 0) {
    plan.skipped.push({ kind: "pending sender request", id: `${state.pendingSenders} request(s)`, reason: "pending sender codes are not carried over", action: "The sender gets a new code with their next message; approve it with `clawgate pairing approve`." });
  }
  if (state.agentDatabases > 0) {
    plan.skipped.push({ kind: "sessions", id: `${state.agentDatabases} agent database(s)`, reason: "OpenClaw keeps sessions and transcripts in per-agent databases whose format clawgate does not read; they stay in OpenClaw's state dir, untouched" });
  }
  return plan;
}

async function planDevice(plan: ImportPlan, d: UpstreamDevice): Promise<void> {
  const label = d.operatorLabel ?? d.displayName;
  const item: ImportItem = { kind: "device", id: d.deviceId, ...(label ? { label } : {}) };
  const key = decodePublicKey(d.publicKey);
  if (!key) return void plan.skipped.push({ ...item, reason: "its public key is not an Ed25519 key", action: "Pair the device with clawgate again." });
  if ((await deviceIdFor(key)) !== d.deviceId) return void plan.skipped.push({ ...item, reason: "its device id does not match its public key", action: "Pair the device with clawgate again." });
  const publicKey = publicKeyBase64Url(key);
  const opt = <K extends string>(k: K, v: string | undefined) => (v ? { [k]: v } : {}) as { [P in K]?: string };
  const device: PairedDevice = {
    deviceId: d.deviceId,
    publicKey,
    ...opt("displayName", d.displayName),
    ...opt("operatorLabel", d.operatorLabel),
    ...opt("platform", d.platform),
    ...opt("deviceFamily", d.deviceFamily),
    clientId: d.clientId ?? "unknown",
    clientMode: d.clientMode ?? "unknown",
    ...opt("remoteIp", d.remoteIp),
    roles: [...d.roles],
    scopes: [...d.scopes],
    approvedVia: d.approvedVia === "silent" ? "silent" : "owner",
    approvedAtMs: d.approvedAtMs,
  };
  plan.writes.push({ kind: "device", item: { ...item, reason: `roles ${d.roles.join(", ") || "none"}; scopes ${d.scopes.join(", ") || "none"}` }, device });

  for (const [roleKey, t] of Object.entries(d.tokens)) {
    const role = t.role ?? roleKey;
    const tokenItem: ImportItem = { kind: "device token", id: `${d.deviceId}/${role}`, ...(label ? { label } : {}) };
    if (t.revokedAtMs) plan.skipped.push({ ...tokenItem, reason: "revoked in OpenClaw" });
    else if (!d.roles.includes(role)) plan.skipped.push({ ...tokenItem, reason: `role ${role} is not approved for this device, so the token grants nothing` });
    else if (typeof t.token !== "string" || t.token.length === 0) {
      plan.skipped.push({ ...tokenItem, reason: "OpenClaw does not hold this token in a form clawgate can check (no plain token in the record)", action: REPAIR_TOKEN });
    } else {
      const token: DeviceTokenRecord = { deviceId: d.deviceId, role, tokenHash: hashToken(t.token), scopes: [...(t.scopes ?? d.scopes)], createdAtMs: t.createdAtMs ?? d.approvedAtMs };
      plan.writes.push({ kind: "device token", item: { ...tokenItem, reason: "the token the client holds keeps working" }, token, publicKey });
    }
  }

  const surface = d.nodeSurface;
  if (surface && d.roles.includes("node")) {
    const node: PairedNode = {
      nodeId: d.deviceId,
      clientId: d.clientId ?? "node-host",
      clientMode: d.clientMode ?? "node",
      ...opt("displayName", surface.displayName ?? d.displayName),
      ...opt("platform", d.platform),
      ...opt("deviceFamily", d.deviceFamily),
      ...opt("version", surface.version),
      ...opt("modelIdentifier", surface.modelIdentifier),
      caps: [...(surface.caps ?? [])],
      commands: [...(surface.commands ?? [])],
      ...(surface.permissions ? { permissions: surface.permissions } : {}),
      ...opt("remoteIp", d.remoteIp),
      createdAtMs: surface.createdAtMs ?? d.createdAtMs,
      approvedAtMs: surface.approvedAtMs ?? d.approvedAtMs,
      ...(surface.lastConnectedAtMs !== undefined ? { lastConnectedAtMs: surface.lastConnectedAtMs } : {}),
    };
    plan.writes.push({ kind: "node", item: { kind: "node", id: d.deviceId, ...(label ? { label } : {}), reason: `${node.commands.length} approved command(s)` }, node });
  }
}

const scheduleSchema = z.union([
  z.object({ kind: z.literal("at"), at: z.string() }),
  z.object({ kind: z.literal("every"), everyMs: z.number().check(z.positive()), anchorMs: z.optional(z.number()) }),
  z.object({ kind: z.literal("cron"), expr: z.string(), tz: z.optional(z.string()), staggerMs: z.optional(z.number()) }),
]);
const payloadSchema = z.union([
  z.object({ kind: z.literal("systemEvent"), text: z.string().check(z.minLength(1)) }),
  z.object({
    kind: z.literal("agentTurn"),
    message: z.string().check(z.minLength(1)),
    model: z.optional(z.string()),
    fallbacks: z.optional(z.array(z.string())),
    thinking: z.optional(z.string()),
    timeoutSeconds: z.optional(z.number()),
    lightContext: z.optional(z.boolean()),
  }),
]);
const cronJobSchema = z.object({
  name: z.string().check(z.minLength(1)),
  description: z.optional(z.string()),
  enabled: z.boolean(),
  agentId: z.optional(z.string()),
  sessionKey: z.optional(z.string()),
  deleteAfterRun: z.optional(z.boolean()),
  createdAtMs: z.number(),
  schedule: scheduleSchema,
  sessionTarget: z.optional(z.string()),
  wakeMode: z.optional(z.enum(["now", "next-heartbeat"])),
  payload: payloadSchema,
  delivery: z.optional(z.looseObject({ mode: z.enum(["none", "announce", "webhook"]) })),
});

function planCronJob(plan: ImportPlan, row: UpstreamCronJob, now: number): void {
  const name = typeof row.job.name === "string" ? row.job.name : undefined;
  const item: ImportItem = { kind: "cron job", id: row.jobId, ...(name ? { label: name } : {}) };
  if (typeof row.job.declarationKey === "string") {
    return void plan.skipped.push({ ...item, reason: `created and kept by OpenClaw itself (${row.job.declarationKey}), not a user automation` });
  }
  const payloadKind = (row.job.payload as { kind?: unknown } | undefined)?.kind;
  if (payloadKind !== "agentTurn" && payloadKind !== "systemEvent") {
    return void plan.skipped.push({ ...item, reason: `payload kind ${JSON.stringify(payloadKind)} is not one clawgate runs (agentTurn, systemEvent)`, action: "Recreate it with `clawgate cron add` if clawgate can do the same." });
  }
  const parsed = cronJobSchema.safeParse(row.job);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return void plan.skipped.push({ ...item, reason: `its definition does not fit clawgate's cron jobs (${issue.path.join(".")}: ${issue.message})`, action: "Recreate it with `clawgate cron add`." });
  }
  const j = parsed.data;
  const schedule = j.schedule as CronSchedule;
  const problem = scheduleProblem(schedule, now);
  if (problem) return void plan.skipped.push({ ...item, reason: problem });
  const upstreamNext = row.state.nextRunAtMs;
  const base: Omit<CronJob, "configRevision"> = {
    id: row.jobId,
    ...(j.agentId ? { agentId: j.agentId } : {}),
    ...(j.sessionKey ? { sessionKey: j.sessionKey } : {}),
    name: j.name,
    ...(j.description ? { description: j.description } : {}),
    enabled: j.enabled,
    ...(j.deleteAfterRun !== undefined ? { deleteAfterRun: j.deleteAfterRun } : {}),
    createdAtMs: j.createdAtMs,
    updatedAtMs: row.updatedAtMs,
    schedule,
    sessionTarget: j.sessionTarget ?? "main",
    wakeMode: j.wakeMode ?? "now",
    payload: j.payload as CronPayload,
    ...(j.delivery ? { delivery: j.delivery as CronJob["delivery"] } : {}),
    // Upstream's next run when it had one, so a job neither fires early nor skips a slot by switching.
    state: j.enabled ? { nextRunAtMs: typeof upstreamNext === "number" ? upstreamNext : nextRunAfter(schedule, now, j.createdAtMs) } : {},
  };
  plan.writes.push({ kind: "cron job", item, job: { ...base, configRevision: cronJobRevision(base) } });
}

/** Thrown inside the transaction to undo a dry run. */
class DryRunRollback extends Error {}

/**
 * Applies `plan` in one transaction: rows clawgate lacks are written, rows it
 * holds stay as they are. A dry run takes the same steps and rolls back, so
 * its report is exactly what a real run would do.
 */
export function applyImport(store: ImportStore, plan: ImportPlan, options: { dryRun: boolean }): ImportResult {
  const result: ImportResult = { imported: [], unchanged: [], skipped: [...plan.skipped] };
  try {
    store.transaction(() => {
      for (const write of plan.writes) apply(store, write, result);
      if (options.dryRun) throw new DryRunRollback();
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  return result;
}

function apply(store: ImportStore, w: Write, result: ImportResult): void {
  const kept = (reason: string) => void result.skipped.push({ ...w.item, reason });
  const put = (write: () => unknown) => {
    write();
    result.imported.push(w.item);
  };
  switch (w.kind) {
    case "device": {
      const existing = store.getPaired(w.device.deviceId);
      if (!existing) put(() => store.putPaired(w.device));
      // clawgate updates its record as the device connects; the same key means the same device.
      else if (existing.publicKey === w.device.publicKey) result.unchanged.push(w.item);
      else kept("clawgate has this device id with another key; kept clawgate's record");
      return;
    }
    case "device token": {
      const { deviceId, role, tokenHash } = w.token;
      const existing = store.getToken(deviceId, role);
      if (existing) {
        if (existing.tokenHash === tokenHash) result.unchanged.push(w.item);
        else kept(`clawgate already issued this device a ${role} token; kept clawgate's`);
      } else if (store.getPaired(deviceId)?.publicKey !== w.publicKey) {
        kept("clawgate's record of this device has another key");
      } else put(() => store.putToken(w.token));
      return;
    }
    case "node": {
      // A node clawgate already approved keeps clawgate's surface and connection history.
      if (!store.getNode(w.node.nodeId)) put(() => store.putNode(w.node));
      else result.unchanged.push(w.item);
      return;
    }
    case "sender":
      if (store.addAllowFrom(w.channel, w.accountId, w.senderId, w.approvedAtMs)) result.imported.push(w.item);
      else result.unchanged.push(w.item);
      return;
    case "cron job": {
      // A job clawgate already has keeps its run state and any edit made in clawgate.
      if (!store.listCronJobs().some((j) => j.id === w.job.id)) put(() => store.putCronJob(w.job));
      else result.unchanged.push(w.item);
      return;
    }
  }
}
