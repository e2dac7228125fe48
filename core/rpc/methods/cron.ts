/**
 * Cron methods (spec §6 `cron.*`): list, status, add, update, remove, run and
 * the run log. Jobs take the protocol's `CronJob` shape; `at` / `every` /
 * `cron`+tz schedules and `systemEvent` / `agentTurn` payloads.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import { cronJobNotFound } from "../../scheduler/cron.ts";
import { scheduleProblem } from "../../scheduler/schedule.ts";
import type { CronJob, CronPayload, CronSchedule } from "../../scheduler/types.ts";
import { normalizeAgentId } from "../../sessions/keys.ts";
import { method, noParams } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const MAX_MS = 8_640_000_000_000_000;
/** Run-log rows `cron.runs` filters and pages over (upstream retains 2,000 per job). */
const MAX_RUN_LOG_READ = 2000;

const scheduleSchema = z.lazy(() => z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("at"), at: z.string().check(z.minLength(1)) }),
  z.strictObject({ kind: z.literal("every"), everyMs: z.int().check(z.gte(1), z.lte(MAX_MS)), anchorMs: z.optional(z.int().check(z.gte(0), z.lte(MAX_MS))) }),
  z.strictObject({ kind: z.literal("cron"), expr: z.string().check(z.minLength(1)), tz: z.optional(z.string()), staggerMs: z.optional(z.int().check(z.gte(0), z.lte(MAX_MS))) }),
]));

const agentTurnFields = {
  model: z.optional(z.string()),
  fallbacks: z.optional(z.array(z.string())),
  thinking: z.optional(z.string()),
  timeoutSeconds: z.optional(z.number().check(z.gte(0))),
  allowUnsafeExternalContent: z.optional(z.boolean()),
  lightContext: z.optional(z.boolean()),
  toolsAllow: z.optional(z.array(z.string())),
  toolsAllowIsDefault: z.optional(z.boolean()),
};

const payloadSchema = z.lazy(() => z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("systemEvent"), text: z.string().check(z.minLength(1)), toolsAllow: z.optional(z.array(z.string())), toolsAllowIsDefault: z.optional(z.boolean()) }),
  z.strictObject({ kind: z.literal("agentTurn"), message: z.string().check(z.minLength(1)), ...agentTurnFields }),
]));

/** A patch may change any payload field of the same kind; `null` clears an optional one. */
const payloadPatchSchema = z.lazy(() => z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("systemEvent"), text: z.optional(z.string().check(z.minLength(1))), toolsAllow: z.optional(z.nullable(z.array(z.string()))), toolsAllowIsDefault: z.optional(z.boolean()) }),
  z.strictObject({
    kind: z.literal("agentTurn"),
    message: z.optional(z.string().check(z.minLength(1))),
    model: z.optional(z.nullable(z.string())),
    fallbacks: z.optional(z.nullable(z.array(z.string()))),
    thinking: z.optional(z.nullable(z.string())),
    timeoutSeconds: z.optional(z.number().check(z.gte(0))),
    allowUnsafeExternalContent: z.optional(z.boolean()),
    lightContext: z.optional(z.boolean()),
    toolsAllow: z.optional(z.nullable(z.array(z.string()))),
    toolsAllowIsDefault: z.optional(z.boolean()),
  }),
]));

const sessionTargetSchema = z.lazy(() => z.union([z.literal("main"), z.literal("isolated"), z.literal("current"), z.string().check(z.regex(/^session:.+/))]));
const deliverySchema = z.lazy(() => z.looseObject({ mode: z.enum(["none", "announce", "webhook"]) }));

const addParams = z.lazy(() => z.strictObject({
  name: z.string().check(z.minLength(1)),
  displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  agentId: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  sessionKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  description: z.optional(z.string()),
  enabled: z.optional(z.boolean()),
  deleteAfterRun: z.optional(z.boolean()),
  schedule: scheduleSchema,
  sessionTarget: sessionTargetSchema,
  wakeMode: z.enum(["now", "next-heartbeat"]),
  payload: payloadSchema,
  delivery: z.optional(deliverySchema),
}));

const patchSchema = z.lazy(() => z.strictObject({
  name: z.optional(z.string().check(z.minLength(1))),
  displayName: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(200)))),
  agentId: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  sessionKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  description: z.optional(z.string()),
  enabled: z.optional(z.boolean()),
  deleteAfterRun: z.optional(z.boolean()),
  schedule: z.optional(scheduleSchema),
  sessionTarget: z.optional(sessionTargetSchema),
  wakeMode: z.optional(z.enum(["now", "next-heartbeat"])),
  payload: z.optional(payloadPatchSchema),
  delivery: z.optional(deliverySchema),
}));

/** `{id}` or `{jobId}`, as the schema allows both. */
const byId = <T extends z.core.$ZodShape>(extra: T) => z.union([z.strictObject({ id: z.string().check(z.minLength(1)), ...extra }), z.strictObject({ jobId: z.string().check(z.minLength(1)), ...extra })]);
const jobIdOf = (p: { id?: string; jobId?: string }): string => (p.id ?? p.jobId)!;

const listParams = z.lazy(() => z.strictObject({
  includeDisabled: z.optional(z.boolean()),
  limit: z.optional(z.int().check(z.gte(1), z.lte(200))),
  offset: z.optional(z.int().check(z.gte(0))),
  query: z.optional(z.string()),
  enabled: z.optional(z.enum(["all", "enabled", "disabled"])),
  scheduleKind: z.optional(z.enum(["all", "at", "every", "cron"])),
  lastRunStatus: z.optional(z.enum(["all", "ok", "error", "skipped", "unknown"])),
  trigger: z.optional(z.enum(["all", "conditional", "unconditional"])),
  sortBy: z.optional(z.enum(["nextRunAtMs", "updatedAtMs", "name"])),
  sortDir: z.optional(z.enum(["asc", "desc"])),
  agentId: z.optional(z.string().check(z.minLength(1))),
  compact: z.optional(z.boolean()),
  includeDeliveryPreviews: z.optional(z.boolean()),
}));

const RUN_STATUSES = ["ok", "error", "skipped"] as const;
const DELIVERY_STATUSES = ["delivered", "not-delivered", "unknown", "not-requested"] as const;

const runsParams = z.lazy(() => z.strictObject({
  agentId: z.optional(z.string().check(z.minLength(1))),
  scope: z.optional(z.enum(["job", "all"])),
  id: z.optional(z.string().check(z.minLength(1), z.regex(/^[^/\\]+$/))),
  jobId: z.optional(z.string().check(z.minLength(1), z.regex(/^[^/\\]+$/))),
  runId: z.optional(z.string().check(z.minLength(1))),
  limit: z.optional(z.int().check(z.gte(1), z.lte(200))),
  offset: z.optional(z.int().check(z.gte(0))),
  status: z.optional(z.enum(["all", "ok", "error", "skipped"])),
  statuses: z.optional(z.array(z.enum(RUN_STATUSES)).check(z.minLength(1), z.maxLength(3))),
  deliveryStatus: z.optional(z.enum(DELIVERY_STATUSES)),
  deliveryStatuses: z.optional(z.array(z.enum(DELIVERY_STATUSES)).check(z.minLength(1), z.maxLength(4))),
  /** Searched for in each run's summary and error, case-insensitively. */
  query: z.optional(z.string()),
  sortDir: z.optional(z.enum(["asc", "desc"])),
}));

/** What the group uses. */
export type CronMethodsContext = Pick<GatewayServices, "agents" | "now" | "bootId" | "host">;

export function cronMethods(ctx: CronMethodsContext) {
  const { cron, sessions } = ctx.agents;

  const checkAgent = (agentId: string | null | undefined): string | undefined => {
    if (agentId === undefined || agentId === null) return undefined;
    const id = normalizeAgentId(agentId);
    sessions.assertAgent(id);
    return id;
  };

  const checkSchedule = (schedule: CronSchedule): void => {
    const problem = scheduleProblem(schedule, ctx.now());
    if (problem) throw invalidRequest(problem.startsWith("invalid cron") || problem.startsWith("Invalid schedule") || problem.startsWith("schedule.at") ? problem : `invalid cron.add params: ${problem}`);
  };

  return [
    method("cron.list", listParams, (p) => {
      const enabledFilter = p.enabled ?? (p.includeDisabled ? "all" : "enabled");
      let jobs = cron.list().filter((j) => enabledFilter === "all" || j.enabled === (enabledFilter === "enabled"));
      if (p.scheduleKind && p.scheduleKind !== "all") jobs = jobs.filter((j) => j.schedule.kind === p.scheduleKind);
      // clawgate's jobs have no trigger conditions (cron.status: triggersEnabled false): every job is unconditional.
      if (p.trigger === "conditional") jobs = [];
      if (p.lastRunStatus && p.lastRunStatus !== "all") jobs = jobs.filter((j) => (j.state.lastRunStatus ?? "unknown") === p.lastRunStatus);
      if (p.agentId) jobs = jobs.filter((j) => (j.agentId ?? sessions.resolve("main").agentId) === normalizeAgentId(p.agentId!));
      if (p.query) {
        const q = p.query.toLowerCase();
        jobs = jobs.filter((j) => [j.id, j.name, j.description ?? "", j.agentId ?? ""].join(" ").toLowerCase().includes(q));
      }
      const sortBy = p.sortBy ?? "nextRunAtMs";
      const dir = p.sortDir === "desc" ? -1 : 1;
      const key = (j: CronJob): number | string => (sortBy === "name" ? j.name : sortBy === "updatedAtMs" ? j.updatedAtMs : j.state.nextRunAtMs ?? Number.MAX_SAFE_INTEGER);
      jobs.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : a.createdAtMs - b.createdAtMs));
      const total = jobs.length;
      const offset = Math.min(p.offset ?? 0, total);
      const limit = p.limit ?? (total === 0 ? 50 : Math.min(total, 200));
      const page = jobs.slice(offset, offset + limit);
      const nextOffset = offset + page.length;
      // Clients paging through the list restart when the revision changes between pages.
      const snapshotRevision = `jobs-${fnv1a(jobs.map((j) => `${j.id}:${j.configRevision}:${j.enabled}:${j.state.nextRunAtMs ?? ""}`).join("|"))}`;
      const defaultAgent = sessions.resolve("main").agentId;
      return {
        jobs: page.map((j) => ({ ...j, effectiveAgentId: j.agentId ?? defaultAgent })),
        snapshotRevision, total, offset, limit, hasMore: nextOffset < total, nextOffset: nextOffset < total ? nextOffset : null,
      };
    }),

    method("cron.get", byId({}), (p) => {
      const id = jobIdOf(p);
      const job = cron.get(id);
      if (!job) throw cronJobNotFound(id, "cron job not found");
      return job;
    }),

    method("cron.status", noParams, () => ({
      enabled: cron.enabled,
      triggersEnabled: false,
      storePath: ctx.host.stateDir,
      storage: "sqlite",
      jobs: cron.list().length,
      nextWakeAtMs: cron.enabled ? cron.nextWakeAtMs() ?? null : null,
    })),

    method("cron.add", addParams, (p) => {
      checkSchedule(p.schedule);
      const agentId = checkAgent(p.agentId);
      if (p.payload.kind === "systemEvent" && p.sessionTarget !== "main") throw invalidRequest('invalid cron.add params: systemEvent payloads require sessionTarget "main"');
      const now = ctx.now();
      const base = {
        id: crypto.randomUUID(),
        ...(agentId ? { agentId } : {}),
        ...(p.sessionKey ? { sessionKey: p.sessionKey } : {}),
        name: p.name.trim(),
        ...(p.description ? { description: p.description } : {}),
        enabled: p.enabled ?? true,
        // One-shots delete themselves after a successful run unless told otherwise (upstream).
        ...(p.deleteAfterRun !== undefined ? { deleteAfterRun: p.deleteAfterRun } : p.schedule.kind === "at" ? { deleteAfterRun: true } : {}),
        createdAtMs: now,
        updatedAtMs: now,
        // An interval counts from its creation; the job says so, as upstream's does.
        schedule: p.schedule.kind === "every" ? { ...p.schedule, anchorMs: p.schedule.anchorMs ?? now } : p.schedule,
        sessionTarget: p.sessionTarget,
        wakeMode: p.wakeMode,
        payload: p.payload as CronPayload,
        ...(p.delivery ? { delivery: p.delivery } : {}),
        state: {},
      };
      return cron.add({ ...base, configRevision: cronJobRevision(base) } as CronJob);
    }),

    method("cron.update", byId({ patch: patchSchema }), (p) => {
      const id = jobIdOf(p);
      const job = cron.get(id);
      if (!job) throw cronJobNotFound(id);
      const patch = p.patch;
      if (patch.schedule) checkSchedule(patch.schedule);
      const next: CronJob = structuredClone(job);
      if (patch.name !== undefined) next.name = patch.name.trim();
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.enabled !== undefined) next.enabled = patch.enabled;
      if (patch.deleteAfterRun !== undefined) next.deleteAfterRun = patch.deleteAfterRun;
      if (patch.schedule) next.schedule = patch.schedule;
      if (patch.sessionTarget) next.sessionTarget = patch.sessionTarget;
      if (patch.wakeMode) next.wakeMode = patch.wakeMode;
      if (patch.delivery) next.delivery = patch.delivery;
      if (patch.agentId !== undefined) {
        const agentId = checkAgent(patch.agentId);
        if (agentId) next.agentId = agentId;
        else delete next.agentId;
      }
      if (patch.sessionKey !== undefined) {
        if (patch.sessionKey) next.sessionKey = patch.sessionKey;
        else delete next.sessionKey;
      }
      if (patch.payload) next.payload = mergePayload(job.payload, patch.payload);
      if (next.payload.kind === "systemEvent" && next.sessionTarget !== "main") throw invalidRequest('invalid cron.update params: systemEvent payloads require sessionTarget "main"');
      next.updatedAtMs = ctx.now();
      next.configRevision = cronJobRevision(next);
      const rescheduled = patch.schedule !== undefined || (patch.enabled !== undefined && patch.enabled !== job.enabled);
      return cron.replace(next, rescheduled);
    }),

    method("cron.remove", byId({}), (p) => {
      const id = jobIdOf(p);
      if (!cron.remove(id)) throw cronJobNotFound(id);
      return { ok: true, removed: true };
    }),

    method("cron.run", byId({ mode: z.optional(z.enum(["due", "force", "if-enabled"])), expectedProcessInstanceId: z.optional(z.string().check(z.minLength(1))) }), (p) => {
      const id = jobIdOf(p);
      const job = cron.get(id);
      if (!job) throw cronJobNotFound(id);
      if (p.expectedProcessInstanceId && p.expectedProcessInstanceId !== ctx.bootId) throw invalidRequest("invalid cron.run params: Gateway process changed after preflight");
      return { ...cron.enqueue(job, p.mode ?? "force"), processInstanceId: ctx.bootId };
    }),

    method("cron.runs", runsParams, (p) => {
      const jobId = p.id ?? p.jobId;
      const scope = p.scope ?? (jobId ? "job" : "all");
      if (scope === "job" && !jobId) throw invalidRequest("invalid cron.runs params: missing id");
      const { entries } = cron.runLog({ jobId: scope === "job" ? jobId : undefined, runId: p.runId, limit: MAX_RUN_LOG_READ, offset: 0 });
      if (scope === "job" && entries.length === 0 && !cron.get(jobId!)) throw cronJobNotFound(jobId!);
      // Upstream's filters, applied before paging: run statuses, delivery statuses, text in the summary or error.
      const statuses = new Set<string>([...(p.statuses ?? []), ...(p.status && p.status !== "all" ? [p.status] : [])]);
      const deliveries = new Set<string>([...(p.deliveryStatuses ?? []), ...(p.deliveryStatus ? [p.deliveryStatus] : [])]);
      const query = p.query?.trim().toLowerCase();
      let matching = entries.filter((e) => (statuses.size === 0 || statuses.has(e.status))
        && (deliveries.size === 0 || deliveries.has(e.deliveryStatus))
        && (!query || `${e.summary ?? ""}\n${e.error ?? ""}`.toLowerCase().includes(query)));
      if (p.sortDir === "asc") matching = matching.reverse();
      const limit = p.limit ?? 50;
      const offset = p.offset ?? 0;
      const page = matching.slice(offset, offset + limit);
      const nextOffset = offset + page.length;
      const total = matching.length;
      return { entries: page, total, offset, limit, hasMore: nextOffset < total, nextOffset: nextOffset < total ? nextOffset : null };
    }),
  ];
}

function mergePayload(current: CronPayload, patch: z.output<typeof payloadPatchSchema>): CronPayload {
  const base: Record<string, unknown> = current.kind === patch.kind ? { ...current } : { kind: patch.kind };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else if (v !== undefined) base[k] = v;
  }
  const parsed = payloadSchema.safeParse(base);
  if (!parsed.success) throw invalidRequest(`invalid cron.update params: payload ${patch.kind} needs ${patch.kind === "agentTurn" ? "message" : "text"}`);
  return parsed.data as CronPayload;
}

/** Changes to the definition (not state) give a new revision. */
export function cronJobRevision(job: Omit<CronJob, "configRevision">): string {
  const { state: _state, updatedAtMs: _u, ...definition } = job as CronJob;
  return `rev-${fnv1a(JSON.stringify({ ...definition, configRevision: undefined }))}`;
}

/** A short stable hash for revision strings. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
