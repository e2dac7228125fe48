/**
 * `hooks.*`: the HTTP hook ingress settings (upstream docs/gateway/config-hooks.md)
 * as a zod schema, and the resolved policy the hook routes read. The rules
 * upstream enforces when it loads hooks config are schema checks here, so a
 * file that breaks them is refused on load, `config set` and hot reload alike,
 * with upstream's texts. Runtime-agnostic.
 */
import { z } from "../zod.ts";

/** Upstream's default base path. */
export const DEFAULT_HOOKS_PATH = "/hooks";

/** What clawgate reads of `hooks` (mappings, presets and gmail are upstream's and kept, not read). */
const hooksFields = z.looseObject({
  enabled: z.optional(z.boolean()),
  token: z.optional(z.string()),
  path: z.optional(z.string()),
  allowedAgentIds: z.optional(z.array(z.string())),
  defaultSessionKey: z.optional(z.string()),
  allowRequestSessionKey: z.optional(z.boolean()),
  allowedSessionKeyPrefixes: z.optional(z.array(z.string())),
});
/** `hooks` as loaded (the type schema.ts's OpenClawConfig carries; named here so this module need not import it). */
export type HooksFields = z.output<typeof hooksFields>;

/** The resolved hook policy of one config (hooks enabled). */
export interface HooksPolicy {
  /** With a leading slash and no trailing one; never `/`. */
  basePath: string;
  token: string;
  /** undefined: every agent is allowed (unset, or contains `*`). */
  allowedAgentIds?: ReadonlySet<string>;
  defaultSessionKey?: string;
  allowRequestSessionKey: boolean;
  /** Lower-case; undefined when unset, empty or all blank (no restriction). */
  allowedSessionKeyPrefixes?: readonly string[];
}

const trimmed = (value: string | undefined): string | undefined => value?.trim() || undefined;

function prefixesOf(raw: readonly string[] | undefined): string[] | undefined {
  if (!raw) return undefined;
  const set = new Set(raw.map((p) => p.trim().toLowerCase()).filter(Boolean));
  return set.size > 0 ? [...set] : undefined;
}

function allowedAgentsOf(raw: readonly string[] | undefined): Set<string> | undefined {
  if (!raw) return undefined;
  const ids = raw.map((id) => id.trim()).filter(Boolean);
  // Agent ids are case-insensitive (config/agents.ts normalizeAgentId, which imports this module's schema).
  return ids.includes("*") ? undefined : new Set(ids.map((id) => id.toLowerCase()));
}

/** Whether `sessionKey` starts with one of the (lower-case) prefixes, case-insensitively. */
export function keyHasPrefix(sessionKey: string, prefixes: readonly string[]): boolean {
  const key = sessionKey.trim().toLowerCase();
  return key !== "" && prefixes.some((p) => key.startsWith(p));
}

/** Upstream's policy, or the reason (upstream's text) the settings are refused; null when hooks are off. */
function resolve(hooks: HooksFields): HooksPolicy | string | null {
  if (hooks.enabled !== true) return null;
  const token = trimmed(hooks.token);
  if (!token) return "hooks.enabled requires hooks.token";
  const raw = trimmed(hooks.path) ?? DEFAULT_HOOKS_PATH;
  const withSlash = raw.startsWith("/") ? raw : `/${raw}`;
  const basePath = withSlash.length > 1 ? withSlash.replace(/\/+$/, "") : withSlash;
  if (basePath === "/" || basePath === "") return "hooks.path may not be '/'";
  const defaultSessionKey = trimmed(hooks.defaultSessionKey);
  const prefixes = prefixesOf(hooks.allowedSessionKeyPrefixes);
  if (defaultSessionKey && prefixes && !keyHasPrefix(defaultSessionKey, prefixes)) return "hooks.defaultSessionKey must match hooks.allowedSessionKeyPrefixes";
  if (!defaultSessionKey && prefixes && !keyHasPrefix("hook:example", prefixes)) return "hooks.allowedSessionKeyPrefixes must include 'hook:' when hooks.defaultSessionKey is unset";
  return {
    basePath,
    token,
    allowedAgentIds: allowedAgentsOf(hooks.allowedAgentIds),
    defaultSessionKey,
    allowRequestSessionKey: hooks.allowRequestSessionKey === true,
    allowedSessionKeyPrefixes: prefixes,
  };
}

/** `hooks` in openclaw.json: the fields, then upstream's load-time rules as one check. */
export const hooksSchema = hooksFields.check(z.superRefine((hooks, ctx) => {
  const problem = resolve(hooks);
  if (typeof problem === "string") ctx.addIssue({ code: "custom", message: problem, input: hooks });
}));

const policies = new WeakMap<object, HooksPolicy | null>();

/**
 * The hook policy of a loaded config, or null when hooks are off. Resolved
 * once per `hooks` object: a reload replaces the object, and every request asks.
 */
export function hooksPolicy(config: { hooks?: HooksFields }): HooksPolicy | null {
  const hooks = config.hooks;
  if (!hooks) return null;
  let policy = policies.get(hooks);
  if (policy === undefined) {
    const resolved = resolve(hooks);
    // The schema refused invalid settings before they became the config; an embedder's raw object is treated as off.
    policy = typeof resolved === "string" ? null : resolved;
    policies.set(hooks, policy);
  }
  return policy;
}
