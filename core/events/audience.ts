/**
 * Who may see which event (spec §7), fail-closed: an event name that is not
 * listed here is delivered to nobody. Runtime-agnostic.
 */
import type { Role, Scope } from "../scopes/scopes.ts";

/** Audiences an event can have: every authenticated socket, or operators holding a scope. */
export type Audience = "all" | "operator.read" | "operator.write" | "operator.pairing" | "operator.approvals";

const EVENT_AUDIENCE = {
  tick: "all",
  health: "all",
  heartbeat: "all",
  shutdown: "all",
  presence: "operator.read",
  chat: "operator.read",
  agent: "operator.read",
  cron: "operator.read",
  "sessions.changed": "operator.read",
  "config.changed": "operator.read",
  "device.pair.requested": "operator.pairing",
  "device.pair.resolved": "operator.pairing",
  "node.pair.requested": "operator.pairing",
  "node.pair.resolved": "operator.pairing",
  "node.hostStats": "operator.read",
  "exec.approval.requested": "operator.approvals",
  "exec.approval.resolved": "operator.approvals",
} as const satisfies Record<string, Audience>;

/** A broadcast event name: one of the table's, or a plugin's own (`plugin.*`). */
export type EventName = keyof typeof EVENT_AUDIENCE | `plugin.${string}`;

/** The audience of an event name, or undefined when it must not be delivered. */
export function audienceOf(event: string): Audience | undefined {
  return (EVENT_AUDIENCE as Record<string, Audience>)[event] ?? (event.startsWith("plugin.") ? "operator.write" : undefined);
}

/** Names of every deliverable event, for `hello-ok.features.events`. */
export function knownEvents(): string[] {
  return ["connect.challenge", ...Object.keys(EVENT_AUDIENCE)];
}

const BITS: Record<Exclude<Audience, "all">, number> = {
  "operator.read": 1,
  "operator.write": 2,
  "operator.pairing": 4,
  "operator.approvals": 8,
};

/**
 * The view class of a socket: one bit per scoped audience it may see. Sockets
 * with the same class see exactly the same broadcast stream.
 */
export function viewClass(role: Role, effective: ReadonlySet<Scope>): number {
  if (role !== "operator") return 0;
  let mask = 0;
  for (const [scope, bit] of Object.entries(BITS)) if (effective.has(scope as Scope)) mask |= bit;
  return mask;
}

/** Whether sockets of `viewClass` see events of `audience`. */
export function classSees(view: number, audience: Audience): boolean {
  return audience === "all" || (view & BITS[audience]) !== 0;
}
