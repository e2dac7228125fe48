/**
 * Which agent and which session a hook request may reach (upstream
 * docs/gateway/config-hooks.md "Hook session and agent policy"): a requested
 * agent must exist and pass `hooks.allowedAgentIds`; a caller's session key
 * needs `hooks.allowRequestSessionKey` and the prefix allowlist; otherwise
 * `hooks.defaultSessionKey`, else a fresh `hook:<uuid>`. Upstream's texts.
 * Runtime-agnostic.
 */
import { keyHasPrefix, type HooksPolicy } from "../config/hooks.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { agentIds, defaultAgentId, normalizeAgentId, parseSessionKey } from "../sessions/keys.ts";
import type { SessionKeySource } from "./mappings.ts";
import type { Checked } from "./payload.ts";

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/**
 * The agent a request runs as: the requested one (it must be configured),
 * else the default; then the allowlist. A mapping's unknown agent falls back
 * to the default, as upstream's legacy rule has it.
 */
export function targetAgent(policy: HooksPolicy, config: OpenClawConfig, requested: string | undefined, source: "request" | "mapping" = "request"): Checked<string> {
  let agentId = defaultAgentId(config);
  if (requested && source === "mapping") {
    const normalized = normalizeAgentId(requested);
    if (agentIds(config).includes(normalized)) agentId = normalized;
  } else if (requested) {
    // Upstream's strict form: a valid id as is, else its characters folded to one (`Ops Team` -> `ops-team`).
    const folded = AGENT_ID.test(requested) ? normalizeAgentId(requested) : requested.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+/, "").replace(/-+$/, "").slice(0, 64);
    if (!folded || !agentIds(config).includes(folded)) return { ok: false, error: `unknown agentId "${folded || requested}"` };
    agentId = folded;
  }
  if (policy.allowedAgentIds && !policy.allowedAgentIds.has(agentId)) return { ok: false, error: "agentId is not allowed by hooks.allowedAgentIds" };
  return { ok: true, value: agentId };
}

function prefixError(prefixes: readonly string[]): string {
  return `sessionKey must start with one of: ${prefixes.join(", ")}`;
}

/**
 * The logical hook key: the requested one (when allowed), else the default,
 * else `hook:<uuid>`. A key from the request, or rendered from it
 * (`templated`), needs `hooks.allowRequestSessionKey`; a mapping's static key
 * does not. Every explicit key must pass the prefix allowlist.
 */
export function hookSessionKey(policy: HooksPolicy, requested: string | undefined, source: "request" | SessionKeySource = "request"): Checked<string> {
  const prefixes = policy.allowedSessionKeyPrefixes;
  if (requested) {
    if (source !== "static" && !policy.allowRequestSessionKey) return { ok: false, error: "sessionKey is disabled for externally supplied hook payload values; set hooks.allowRequestSessionKey=true to enable" };
    if (prefixes && !keyHasPrefix(requested, prefixes)) return { ok: false, error: prefixError(prefixes) };
    return { ok: true, value: requested };
  }
  if (policy.defaultSessionKey) return { ok: true, value: policy.defaultSessionKey };
  const generated = `hook:${crypto.randomUUID()}`;
  if (prefixes && !keyHasPrefix(generated, prefixes)) return { ok: false, error: prefixError(prefixes) };
  return { ok: true, value: generated };
}

/**
 * The key as dispatched: an `agent:<id>:` key is re-scoped to the target agent,
 * then the prefix allowlist is checked again on the result.
 */
export function dispatchSessionKey(policy: HooksPolicy, key: string, agentId: string): Checked<string> {
  const parsed = parseSessionKey(key);
  const scoped = parsed ? `agent:${agentId}:${parsed.rest}` : key.trim();
  const prefixes = policy.allowedSessionKeyPrefixes;
  if (prefixes && !keyHasPrefix(scoped, prefixes)) return { ok: false, error: prefixError(prefixes) };
  return { ok: true, value: scoped };
}

/** `hookSessionKey`, then `dispatchSessionKey`: the key a wake or run is dispatched to. */
export function resolveDispatchKey(policy: HooksPolicy, requested: string | undefined, agentId: string, source: "request" | SessionKeySource = "request"): Checked<string> {
  const key = hookSessionKey(policy, requested, source);
  return key.ok ? dispatchSessionKey(policy, key.value, agentId) : key;
}
