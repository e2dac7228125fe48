/**
 * The `health` snapshot and the `status` summary in upstream's shapes
 * (spec §6), which the real `openclaw health` and `openclaw status` render
 * field by field: per-agent heartbeat and session counts, event-loop health,
 * task counters, process memory. Parts clawgate does not have (plugins,
 * channels, host desktop, task audit) are reported empty, never omitted.
 * Session rows and store paths are for admins. Runtime-agnostic.
 */
import type { OpenClawConfig } from "./config/schema.ts";
import { agentDisplayName, rosterOwnership } from "./config/agents.ts";
import { agentIds, defaultAgentId } from "./sessions/keys.ts";
import { OPENCLAW_COMPAT_VERSION } from "./protocol/version.ts";
import type { GatewayServices } from "./rpc/services.ts";
import type { SessionRecord } from "./store.ts";

/** Recent session rows per agent in `health`, and in `status` for admins (upstream's limits). */
const HEALTH_RECENT = 5;
const STATUS_RECENT = 10;

/** What `health`'s body reads. */
export type HealthSources = Pick<GatewayServices, "config" | "now" | "host" | "agents">;
/** What `status` reads. */
export type StatusSources = HealthSources & Pick<GatewayServices, "startedAt" | "buildId" | "health" | "presence">;

const byNewest = (a: SessionRecord, b: SessionRecord) => b.updatedAt - a.updatedAt;

function healthSessions(src: HealthSources, sessions: SessionRecord[]) {
  const now = src.now();
  return {
    path: src.host.databasePath,
    count: sessions.length,
    recent: sessions.toSorted(byNewest).slice(0, HEALTH_RECENT).map((s) => ({ key: s.key, updatedAt: s.updatedAt, age: now - s.updatedAt })),
  };
}

/** `{ name }` when the agent has a display name, else nothing (upstream omits the key). */
function named(config: OpenClawConfig, agentId: string): { name?: string } {
  const name = agentDisplayName(config, agentId);
  return name ? { name } : {};
}

/** `health`'s body (ok, ts and durationMs are added by core/health.ts). */
export function healthBody(src: HealthSources): Record<string, unknown> {
  const config = src.config();
  const def = defaultAgentId(config);
  const { heartbeats, sessions } = src.agents;
  const all = sessions.store.listSessions();
  const agents = agentIds(config).map((agentId) => ({
    agentId,
    ...named(config, agentId),
    isDefault: agentId === def,
    heartbeat: heartbeats.summary(agentId),
    sessions: healthSessions(src, all.filter((s) => s.agentId === agentId)),
  }));
  const beating = agents.find((a) => a.heartbeat.enabled) ?? agents.find((a) => a.isDefault);
  return {
    plugins: { loaded: [], errors: [], unavailable: [] },
    configReload: { hotReloadStatus: "active" },
    channels: {},
    channelOrder: [],
    channelLabels: {},
    heartbeatSeconds: beating?.heartbeat.everyMs ? Math.round(beating.heartbeat.everyMs / 1000) : 0,
    defaultAgentId: def,
    agents,
    sessions: agents.find((a) => a.isDefault)?.sessions ?? healthSessions(src, []),
    modelRuntime: { degraded: false, pendingAgents: [] },
  };
}

/** A session row of `status` (admins): what `openclaw status` tabulates. */
function statusRow(src: Pick<GatewayServices, "now">, s: SessionRecord) {
  const model = typeof s.fields.model === "string" ? s.fields.model : null;
  return {
    agentId: s.agentId,
    key: s.key,
    kind: "direct",
    sessionId: s.sessionId,
    updatedAt: s.updatedAt,
    age: src.now() - s.updatedAt,
    totalTokens: null,
    totalTokensFresh: false,
    remainingTokens: null,
    percentUsed: null,
    model,
    contextTokens: null,
    flags: [`id:${s.sessionId}`],
  };
}

export interface StatusOptions {
  admin: boolean;
  cliProjection: boolean;
}

/** `status`: upstream's summary, then clawgate's own `server`, `presence` and `uptimeMs`. */
export function statusSummary(src: StatusSources, opts: StatusOptions): Record<string, unknown> {
  const config = src.config();
  const { host } = src;
  const def = defaultAgentId(config);
  const ids = agentIds(config);
  const { heartbeats, events, sessions, runs } = src.agents;
  const all = sessions.store.listSessions();
  const rows = (list: SessionRecord[], limit: number) => (opts.admin ? list.toSorted(byNewest).slice(0, limit).map((s) => statusRow(src, s)) : []);
  const running = runs.activeCount;
  const memory = host.memory();
  return {
    runtimeVersion: OPENCLAW_COMPAT_VERSION,
    ...(opts.cliProjection
      ? {
          cliProjection: {
            agents: { defaultId: def, ownership: rosterOwnership(config), selectionRequired: false, rows: ids.map((id) => ({ id, ...named(config, id) })) },
            updateChannel: null,
            memoryPlugin: { enabled: false, slot: null, reason: "no memory plugin in clawgate" },
          },
        }
      : {}),
    hostDesktop: { enabled: false, state: "disabled" },
    heartbeat: {
      defaultAgentId: def,
      // No channel can deliver a heartbeat alert yet, so an enabled heartbeat waits for a route (upstream's wording).
      agents: ids.map((agentId) => {
        const { enabled, every, everyMs } = heartbeats.summary(agentId);
        return { agentId, enabled, every, everyMs, waitingForRoute: enabled };
      }),
    },
    channelSummary: [],
    queuedSystemEvents: events.texts(),
    degradedSecretOwners: [],
    degradedPlugins: [],
    tasks: {
      total: running,
      active: running,
      terminal: 0,
      failures: 0,
      byStatus: { queued: 0, running, succeeded: 0, failed: 0, timed_out: 0, cancelled: 0, lost: 0 },
      byRuntime: { subagent: 0, acp: 0, cli: 0, cron: 0 },
    },
    taskAudit: { total: 0, warnings: 0, errors: 0, byCode: { stale_queued: 0, stale_running: 0, lost: 0, delivery_failed: 0, missing_cleanup: 0, inconsistent_timestamps: 0 } },
    sessions: {
      paths: opts.admin ? [host.databasePath] : [],
      count: all.length,
      defaults: { model: null, contextTokens: null },
      recent: rows(all, STATUS_RECENT),
      byAgent: ids.map((agentId) => {
        const mine = all.filter((s) => s.agentId === agentId);
        return { agentId, path: opts.admin ? host.databasePath : "[redacted]", count: mine.length, recent: rows(mine, STATUS_RECENT) };
      }),
    },
    modelRuntime: { degraded: false, pendingAgents: [] },
    eventLoop: src.health.eventLoop.current,
    processMemory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external, arrayBuffersBytes: memory.arrayBuffers },
    pid: host.pid,
    server: { name: "clawgate", buildId: src.buildId, runtime: host.runtime },
    presence: { count: src.presence.list(src.now()).length },
    uptimeMs: src.now() - src.startedAt,
  };
}
