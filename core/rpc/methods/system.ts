/**
 * Gateway state methods: health, status, presence, system events and
 * heartbeat controls (spec §6). System events queue for the session's next
 * heartbeat; heartbeats themselves live in core/scheduler/heartbeat.ts.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { statusSummary, type StatusSources } from "../../status.ts";
import { method, noParams } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** What the group uses: its own services and those `status` reports on. */
export type SystemMethodsContext = Pick<GatewayServices, "agents" | "now" | "health" | "presence" | "broadcastPresence"> & StatusSources;

export function systemMethods(ctx: SystemMethodsContext) {
  const { heartbeats, events, sessions } = ctx.agents;
  /** Queues a system event for a session (default: the default agent's main session). */
  const enqueue = (text: string, sessionKey: string | undefined, agentId: string | undefined, source: string): string => {
    const { key } = sessions.resolve(sessionKey ?? "main", agentId);
    events.enqueue(key, { text, ts: ctx.now(), source });
    return key;
  };

  return [
    method("health", z.lazy(() => z.strictObject({ probe: z.optional(z.boolean()) })), (p) => ctx.health.get(p.probe === true)),

    // Upstream's status takes any params; includeCliProjection adds the agent roster.
    method("status", z.lazy(() => z.looseObject({ includeChannelSummary: z.optional(z.boolean()), includeCliProjection: z.optional(z.boolean()) })), (p, caller) =>
      statusSummary(ctx, { admin: caller.effective.has("operator.admin"), cliProjection: p.includeCliProjection === true })),

    method("system-presence", noParams, () => ctx.presence.list(ctx.now())),

    method("system-event", z.lazy(() => z.strictObject({
        text: z.string(),
        sessionKey: z.optional(z.string()),
        wake: z.optional(z.boolean()),
        host: z.optional(z.string()),
        ip: z.optional(z.string()),
        mode: z.optional(z.string()),
        version: z.optional(z.string()),
        platform: z.optional(z.string()),
        deviceId: z.optional(z.string()),
        instanceId: z.optional(z.string()),
        reason: z.optional(z.string()),
        tags: z.optional(z.array(z.string())),
      })),
      (p) => {
        const { sessionKey: _s, wake: _w, ...entry } = p;
        ctx.presence.announce({ ...entry, ts: ctx.now() });
        ctx.broadcastPresence();
        const key = enqueue(p.text, p.sessionKey, undefined, "system-event");
        if (p.wake) void heartbeats.wake("system-event", key);
        return { ok: true };
      },
    ),

    method("last-heartbeat", noParams, () => heartbeats.last),

    method("set-heartbeats", z.lazy(() => z.strictObject({ enabled: z.boolean() })), (p) => {
      heartbeats.enabled = p.enabled;
      return { ok: true, enabled: p.enabled };
    }),

    // WakeParams is the one open object of these (schema: additionalProperties true).
    method("wake", z.lazy(() => z.looseObject({ mode: z.enum(["now", "next-heartbeat"]), text: z.string().check(z.minLength(1)), sessionKey: z.optional(z.string().check(z.minLength(1))), agentId: z.optional(z.string().check(z.minLength(1))) })),
      (p) => {
        const key = enqueue(p.text, p.sessionKey, p.agentId, "wake");
        if (p.mode === "now") void heartbeats.wake("wake", key);
        return { ok: true };
      },
    ),
  ];
}
