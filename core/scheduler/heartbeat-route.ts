/**
 * Where a heartbeat's visible reply is delivered (upstream's
 * `agents.defaults.heartbeat.target`): `owner` (the default) is the owner's
 * direct chat, from `commands.ownerAllowFrom` or a channel's `allowFrom`,
 * reusing the session's own route when that is the same chat; `last` is the
 * conversation that last reached the heartbeat's session; `none` keeps the
 * reply in the session; a channel id sends to `heartbeat.to` there.
 * Runtime-agnostic.
 */
import type { DeliveryChannels, DeliveryRoute } from "../channels/delivery.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { Sessions } from "../sessions/sessions.ts";

export type HeartbeatRoute = { kind: "none" } | { kind: "route"; route: DeliveryRoute } | { kind: "no-route"; error: string };

export function heartbeatRoute(config: OpenClawConfig, sessionKey: string, channels: DeliveryChannels | undefined, sessions: Pick<Sessions, "routeOf">): HeartbeatRoute {
  const settings = config.agents?.defaults?.heartbeat;
  const target = settings?.target?.trim().toLowerCase() || "owner";
  if (target === "none") return { kind: "none" };
  const last = sessions.routeOf(sessionKey);
  const account = settings?.accountId?.trim();
  if (target === "last") {
    return last ? { kind: "route", route: { ...last, ...(account ? { accountId: account } : {}) } } : { kind: "no-route", error: "no-route: no chat has reached this session yet" };
  }
  if (target === "owner") {
    const owner = channels?.owner(last?.channel);
    if (!owner) return { kind: "no-route", error: "no-route: no owner to deliver to (set commands.ownerAllowFrom or a channel's allowFrom)" };
    // The session's own route keeps its account and thread when it is the owner's chat.
    const route = last && last.channel === owner.channel && last.to === owner.to ? last : owner;
    return { kind: "route", route: { ...route, ...(account ? { accountId: account } : {}) } };
  }
  const to = settings?.to?.trim();
  if (!to) return { kind: "no-route", error: `no-route: heartbeat target ${target} needs heartbeat.to` };
  return { kind: "route", route: { channel: target, to, accountId: account ?? "" } };
}
