/**
 * A cron job's `announce` delivery: an agent turn's final reply sent to a
 * chat through the channel service, as upstream's scheduler does. The target
 * is the job's `delivery.channel` + `delivery.to` (+ `accountId`,
 * `threadId`), or for `channel: "last"` (what `cron add` writes by default)
 * the conversation that last reached the job's session, else the agent's
 * main session. An empty or silent reply is not sent; a missing route or a
 * refused send is recorded on the run as not delivered, never as a failed
 * run. Runtime-agnostic.
 */
import { SILENT_REPLIES } from "../agent/embedded.ts";
import { deliverTo, type DeliveryChannels, type DeliveryRoute } from "../channels/delivery.ts";
import type { Sessions } from "../sessions/sessions.ts";
import type { CronJob, CronRunEntry } from "./types.ts";

/** What the run log records of a delivery (upstream's `CronRunLogEntry` fields). */
export type CronDelivery = Pick<CronRunEntry, "deliveryStatus" | "delivered" | "deliveryError" | "deliverySuppressionReason">;

export interface AnnounceContext {
  channels?: DeliveryChannels;
  sessions: Pick<Sessions, "lastRoute">;
  /** The session the turn ran in, and the agent's main session: where `last` looks, in that order. */
  sessionKeys: readonly string[];
  /** Keys the send, so a run's announcement goes out once. */
  runId: string;
  warn(message: string, fields: Record<string, unknown>): void;
}

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** Where `job` announces, or why it cannot. */
function routeFor(job: CronJob, ctx: AnnounceContext): { ok: true; route: DeliveryRoute } | { ok: false; error: string } {
  const d: Record<string, unknown> = job.delivery ?? {};
  const channel = text(d.channel)?.toLowerCase() ?? "last";
  const to = text(d.to);
  const accountId = text(d.accountId);
  const threadId = typeof d.threadId === "number" ? String(d.threadId) : text(d.threadId);
  const explicit = { ...(accountId ? { accountId } : {}), ...(threadId ? { threadId } : {}) };
  if (channel !== "last") {
    if (!to) return { ok: false, error: `announce delivery to ${channel} needs delivery.to` };
    return { ok: true, route: { channel, to, accountId: accountId ?? "", ...explicit } };
  }
  const last = ctx.sessions.lastRoute(ctx.sessionKeys, to);
  if (last) return { ok: true, route: { ...last, ...explicit } };
  return { ok: false, error: "no delivery route: no chat has reached this agent yet; set delivery.channel and delivery.to" };
}

/** Sends `reply` where `job` announces; what happened, for the run log. */
export async function announce(job: CronJob, reply: string, ctx: AnnounceContext): Promise<CronDelivery> {
  if (job.delivery?.mode !== "announce") return { deliveryStatus: "not-requested" };
  const message = reply.trim();
  if (message === "") return { deliveryStatus: "not-delivered", deliverySuppressionReason: "empty" };
  if (SILENT_REPLIES.has(message)) return { deliveryStatus: "not-delivered", deliverySuppressionReason: "silent" };
  const found = routeFor(job, ctx);
  const failed = (error: string): CronDelivery => {
    ctx.warn("cron announcement not delivered", { jobId: job.id, runId: ctx.runId, error });
    return { deliveryStatus: "not-delivered", delivered: false, deliveryError: error };
  };
  if (!found.ok) return failed(found.error);
  const error = await deliverTo(ctx.channels, found.route, message, `cron:${ctx.runId}`);
  return error === undefined ? { deliveryStatus: "delivered", delivered: true } : failed(error);
}
