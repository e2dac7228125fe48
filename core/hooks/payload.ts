/**
 * The bodies of `POST <hooks.path>/wake` and `/agent` (upstream
 * docs/gateway/config-hooks.md "Hook HTTP contract"), checked in upstream's
 * order with its error texts; the first problem is the answer. Pure
 * functions. Runtime-agnostic.
 */
import type { ExternalSource } from "../agent/external-content.ts";

/** A checked value, or upstream's text for what is wrong. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export type WakeMode = "now" | "next-heartbeat";

export interface WakePayload {
  text: string;
  mode: WakeMode;
  agentId?: string;
  sessionKey?: string;
}

/**
 * Where a run's reply goes: nowhere, one recipient on one channel, or (mappings' `channel: "last"`) the
 * conversation that last reached the run's session or the agent's main session, to `to` there when given.
 */
export type Delivery = { mode: "none" } | { mode: "announce"; channel: string; to: string; accountId?: string } | { mode: "last"; to?: string };

export interface AgentPayload {
  message: string;
  name: string;
  agentId?: string;
  idempotencyKey?: string;
  wakeMode: WakeMode;
  sessionKey?: string;
  sessionMode: "isolated" | "persistent";
  deliver: boolean;
  delivery: Delivery;
  model?: string;
  thinking?: string;
  timeoutSeconds?: number;
  /** A mapping's opt-out of the untrusted-content wrapping (never set by a direct request). */
  allowUnsafeExternalContent?: boolean;
  /** What the wrapping names the source; Webhook unless the hook is Gmail's. */
  externalSource?: ExternalSource;
}

/** Replay keys longer than this are ignored, as upstream does. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

const text = (raw: unknown): string | undefined => (typeof raw === "string" ? raw.trim() || undefined : undefined);

/** A body that is not a JSON object reads as an empty one (upstream's asRecord). */
export function asRecord(body: unknown): Record<string, unknown> {
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
}

function agentIdOf(raw: unknown): Checked<string | undefined> {
  if (raw === undefined) return { ok: true, value: undefined };
  const id = text(raw);
  return id ? { ok: true, value: id } : { ok: false, error: "agentId must be a non-empty string" };
}

/** `POST /wake`: `text` required; `mode` now (default) or next-heartbeat; an explicit key only with now. */
export function wakePayload(p: Record<string, unknown>): Checked<WakePayload> {
  const body = text(p.text);
  if (!body) return { ok: false, error: "text required" };
  const mode: WakeMode = p.mode === "next-heartbeat" ? "next-heartbeat" : "now";
  const agentId = agentIdOf(p.agentId);
  if (!agentId.ok) return agentId;
  const sessionKey = text(p.sessionKey);
  if (p.sessionKey !== undefined && !sessionKey) return { ok: false, error: "sessionKey must be a non-empty string" };
  if (mode === "next-heartbeat" && sessionKey) return { ok: false, error: "sessionKey requires mode=now" };
  return { ok: true, value: { text: body, mode, ...(agentId.value ? { agentId: agentId.value } : {}), ...(sessionKey ? { sessionKey } : {}) } };
}

/** A replay key: trimmed, non-empty, at most 256 characters; anything else is no key. */
export function idempotencyKeyOf(raw: unknown): string | undefined {
  const key = typeof raw === "string" ? raw.trim() : "";
  return key && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH ? key : undefined;
}

/** A hook's channel, lower-cased: omitted reads as `last`; else `last` or one of `channels`, or upstream's refusal. */
export function hookChannelOf(raw: unknown, channels: readonly string[]): Checked<string> {
  const allowed = ["last", ...channels];
  const channel = raw === undefined ? "last" : typeof raw === "string" ? raw.trim().toLowerCase() : undefined;
  return channel && allowed.includes(channel) ? { ok: true, value: channel } : { ok: false, error: `channel must be ${allowed.join("|")}` };
}

/**
 * `deliver` (anything but false delivers), `channel`, `to`, `accountId`: a
 * destination is all of channel and to (accountId optional) or none of them.
 * `channels` are the ids a hook may name, besides `last`.
 */
export function deliveryOf(p: Record<string, unknown>, channels: readonly string[]): Checked<{ deliver: boolean; delivery: Delivery }> {
  if (p.deliver === false) return { ok: true, value: { deliver: false, delivery: { mode: "none" } } };
  const channel = hookChannelOf(p.channel, channels);
  if (!channel.ok) return channel;
  const to = text(p.to);
  const accountId = text(p.accountId);
  const hasChannel = p.channel !== undefined;
  const hasTo = p.to !== undefined;
  const hasAccount = p.accountId !== undefined;
  if (!hasChannel && !hasTo && !hasAccount) return { ok: true, value: { deliver: true, delivery: { mode: "none" } } };
  if (hasTo && !to) return { ok: false, error: "to must be a non-empty string for hook delivery" };
  if (hasAccount && !accountId) return { ok: false, error: "accountId must be a non-empty string for hook delivery" };
  if (hasAccount && (!hasChannel || !to)) return { ok: false, error: "accountId requires channel and to for hook delivery" };
  if (!hasChannel || !to) return { ok: false, error: "channel and to must be set together for hook delivery" };
  if (channel.value === "last") return { ok: false, error: "channel must name a concrete channel for hook delivery" };
  return { ok: true, value: { deliver: true, delivery: { mode: "announce", channel: channel.value, to, ...(accountId ? { accountId } : {}) } } };
}

/** `POST /agent`: `message` required, the rest optional with upstream's defaults and checks. */
export function agentPayload(p: Record<string, unknown>, channels: readonly string[]): Checked<AgentPayload> {
  const message = text(p.message);
  if (!message) return { ok: false, error: "message required" };
  const agentId = agentIdOf(p.agentId);
  if (!agentId.ok) return agentId;
  const sessionMode = p.sessionMode;
  if (sessionMode !== undefined && sessionMode !== "isolated" && sessionMode !== "persistent") return { ok: false, error: "sessionMode must be isolated or persistent" };
  const delivery = deliveryOf(p, channels);
  if (!delivery.ok) return delivery;
  const model = text(p.model);
  if (p.model !== undefined && !model) return { ok: false, error: "model required" };
  const timeout = p.timeoutSeconds;
  // Upstream ignores a timeout that is not a positive number, and floors the rest.
  const timeoutSeconds = typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0 ? Math.max(1, Math.floor(timeout)) : undefined;
  return {
    ok: true,
    value: {
      message,
      name: text(p.name) ?? "Hook",
      agentId: agentId.value,
      idempotencyKey: idempotencyKeyOf(p.idempotencyKey),
      wakeMode: p.wakeMode === "next-heartbeat" ? "next-heartbeat" : "now",
      sessionKey: text(p.sessionKey),
      sessionMode: sessionMode ?? "isolated",
      ...delivery.value,
      model,
      thinking: text(p.thinking),
      timeoutSeconds,
    },
  };
}
