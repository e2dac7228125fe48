/**
 * Roles, scopes and their implication rules (spec §5). Runtime-agnostic.
 */

export const ROLES = ["operator", "node"] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  "operator.admin",
  "operator.read",
  "operator.write",
  "operator.approvals",
  "operator.questions",
  "operator.pairing",
  "operator.talk",
  "operator.talk.secrets",
  "operator.sessions.read",
  "operator.sessions.write",
] as const;
export type Scope = (typeof SCOPES)[number];

const KNOWN = new Set<string>(SCOPES);

/** What each scope brings with it; `admin` implies everything (§5). */
const IMPLIES: Partial<Record<Scope, readonly Scope[]>> = {
  "operator.admin": SCOPES,
  "operator.write": ["operator.read", "operator.talk", "operator.sessions.read", "operator.sessions.write"],
  "operator.read": ["operator.sessions.read"],
  "operator.sessions.write": ["operator.sessions.read"],
};

/** The granted scopes plus everything they imply; unknown strings are ignored (§5). */
export function effectiveScopes(granted: readonly string[]): ReadonlySet<Scope> {
  const out = new Set<Scope>();
  for (const scope of granted) {
    if (!KNOWN.has(scope)) continue;
    out.add(scope as Scope);
    for (const implied of IMPLIES[scope as Scope] ?? []) out.add(implied);
  }
  return out;
}

/** True when `granted` is a subset of what `allowed` implies (device-token grants, §4.3). */
export function scopesWithin(granted: readonly string[], allowed: readonly string[]): boolean {
  const allowedSet = effectiveScopes(allowed);
  return granted.every((scope) => !KNOWN.has(scope) || allowedSet.has(scope as Scope));
}
