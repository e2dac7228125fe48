/**
 * Events a node reports through `node.event` (spec §8): presence heartbeats
 * and host statistics; anything else is acknowledged as unhandled.
 * Runtime-agnostic.
 */
import { z } from "../zod.ts";

/** Presence heartbeats are written at most this often per node (upstream's throttle). */
export const PRESENCE_PERSIST_INTERVAL_MS = 60_000;

const PRESENCE_REASONS = new Set(["background", "silent_push", "bg_app_refresh", "significant_location", "manual", "connect"]);

/** `node.presence.alive`'s trigger, unknown values read as "background". */
export function presenceReason(trigger: unknown): string {
  const t = typeof trigger === "string" ? trigger.trim().toLowerCase() : "";
  return PRESENCE_REASONS.has(t) ? t : "background";
}

const load = z.number().check(z.gte(0), z.lte(100_000));
const bytes = z.int().check(z.gte(0));

/** `node.host.stats` payload: closed, free never above total, disk values paired. */
export const hostStatsSchema = z.lazy(() => z.strictObject({
  cpuCount: z.int().check(z.gte(1), z.lte(4096)),
  loadAverage: z.optional(z.tuple([load, load, load])),
  memoryTotalBytes: bytes,
  memoryFreeBytes: bytes,
  diskTotalBytes: z.optional(bytes),
  diskAvailableBytes: z.optional(bytes),
}).check(z.refine((s) => s.memoryFreeBytes <= s.memoryTotalBytes
  && (s.diskTotalBytes === undefined ? s.diskAvailableBytes === undefined : s.diskAvailableBytes !== undefined && s.diskAvailableBytes <= s.diskTotalBytes))));

export type HostStats = z.output<typeof hostStatsSchema>;

/** The object a `payloadJSON` string encodes, or null when it is not one. */
export function payloadObject(payloadJSON: string | null): Record<string, unknown> | null {
  if (!payloadJSON) return null;
  try {
    const value = JSON.parse(payloadJSON);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** `node.event`'s answer (§8). */
export interface NodeEventResult {
  ok: true;
  event: string;
  handled: boolean;
  reason?: string;
}
