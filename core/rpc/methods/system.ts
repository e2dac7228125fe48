/**
 * Gateway state methods: health, status, presence, system events and
 * heartbeat controls (spec §6). Runtime-agnostic.
 */
import { z } from "zod";
import type { Gateway } from "../../gateway.ts";
import { OPENCLAW_COMPAT_VERSION } from "../../gateway.ts";
import { method, noParams } from "../router.ts";

/** System events waiting for the next agent turn, bounded like upstream's queue. */
const MAX_QUEUED_EVENTS = 20;

export function systemMethods(gw: Gateway) {
  const heartbeat = { enabled: true, last: null as null | { ts: number; status: string; reason?: string; durationMs: number } };
  const queued: { text: string; sessionKey?: string; ts: number }[] = [];
  const enqueue = (text: string, sessionKey: string | undefined) => {
    queued.push({ text, sessionKey, ts: gw.now() });
    if (queued.length > MAX_QUEUED_EVENTS) queued.shift();
  };

  return [
    method("health", z.strictObject({ probe: z.boolean().optional() }), (p) => gw.health.get(p.probe === true)),

    method("status", z.strictObject({ includeChannelSummary: z.boolean().optional() }), (_p, caller) => {
      const { host } = gw.options;
      const base: Record<string, unknown> = {
        runtimeVersion: OPENCLAW_COMPAT_VERSION,
        server: { name: "clawgate", buildId: gw.options.buildId, runtime: host.runtime },
        heartbeat: { enabled: heartbeat.enabled, last: heartbeat.last },
        channelSummary: [],
        queuedSystemEvents: queued.map((e) => e.text),
        tasks: { running: 0, queued: 0 },
        sessions: { count: 0 },
        presence: { count: gw.presence.list(gw.now()).length },
        eventLoop: gw.health.eventLoop(),
        uptimeMs: gw.now() - gw.startedAt,
      };
      // Process details are for admins only (§6).
      if (caller.effective.has("operator.admin")) {
        base.processMemory = host.memory();
        base.pid = host.pid;
        base.configPath = host.configPath;
        base.stateDir = host.stateDir;
      }
      return base;
    }),

    method("system-presence", noParams, () => gw.presence.list(gw.now())),

    method("system-event", z.strictObject({
        text: z.string(),
        sessionKey: z.string().optional(),
        wake: z.boolean().optional(),
        host: z.string().optional(),
        ip: z.string().optional(),
        mode: z.string().optional(),
        version: z.string().optional(),
        platform: z.string().optional(),
        deviceId: z.string().optional(),
        instanceId: z.string().optional(),
        reason: z.string().optional(),
        tags: z.array(z.string()).optional(),
      }),
      (p) => {
        const { sessionKey: _s, wake: _w, ...entry } = p;
        gw.broadcastPresence(gw.presence.announce({ ...entry, ts: gw.now() }));
        enqueue(p.text, p.sessionKey);
        return { ok: true };
      },
    ),

    method("last-heartbeat", noParams, () => heartbeat.last),

    method("set-heartbeats", z.strictObject({ enabled: z.boolean() }), (p) => {
      heartbeat.enabled = p.enabled;
      return { ok: true, enabled: p.enabled };
    }),

    method("wake", z.strictObject({ mode: z.enum(["now", "next-heartbeat"]), text: z.string(), sessionKey: z.string().optional(), agentId: z.string().optional() }),
      (p) => {
        enqueue(p.text, p.sessionKey);
        return { ok: true };
      },
    ),
  ];
}
