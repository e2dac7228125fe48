/**
 * `hooks.*`: the HTTP hook ingress settings (upstream docs/gateway/config-hooks.md)
 * as a zod schema, and the resolved policy the hook routes read. The rules
 * upstream enforces when it loads hooks config are schema checks here, so a
 * file that breaks them is refused on load, `config set` and hot reload alike,
 * with upstream's texts. Runtime-agnostic.
 */
import { hasEffectiveTemplatedSessionKey, isTopLevelKey, normalizeMatchPath, resolveHookMappings, type HookMapping } from "../hooks/mappings.ts";
import { GMAIL_HOOK_PATH, gmailHookBodyLimit, presetMappings } from "../hooks/presets.ts";
import { z } from "../zod.ts";

/** Upstream's default base path. */
export const DEFAULT_HOOKS_PATH = "/hooks";

/** The body limit of every hook path but Gmail's. */
export const HOOK_MAX_BODY_BYTES = 256 * 1024;

/** Upstream's rule for `transform.module`: relative, no `~`, no drive or URL, no `..` segment. */
function isSafeRelativeModulePath(raw: string): boolean {
  const value = raw.trim();
  return value !== "" && !value.startsWith("/") && !value.startsWith("\\") && !value.startsWith("~") && !value.includes(":") && !value.split(/[\\/]+/).includes("..");
}

const wakeMode = z.enum(["now", "next-heartbeat"]);

/** One `hooks.mappings` entry: upstream's keys, strictly (a misspelt key is an error, not a mapping that silently differs). */
const mappingSchema = z.strictObject({
  id: z.optional(z.string()),
  match: z.optional(z.strictObject({ path: z.optional(z.string()), source: z.optional(z.string()) })),
  action: z.optional(z.enum(["wake", "agent"])),
  wakeMode: z.optional(wakeMode),
  name: z.optional(z.string()),
  agentId: z.optional(z.string()),
  sessionKey: z.optional(z.string()),
  sessionMode: z.optional(z.enum(["isolated", "persistent"])),
  messageTemplate: z.optional(z.string()),
  textTemplate: z.optional(z.string()),
  forEach: z.optional(z.string().check(z.refine(isTopLevelKey, "forEach must be a top-level payload key"))),
  deliver: z.optional(z.boolean()),
  allowUnsafeExternalContent: z.optional(z.boolean()),
  channel: z.optional(z.string().check(z.trim(), z.minLength(1))),
  to: z.optional(z.string()),
  model: z.optional(z.string()),
  thinking: z.optional(z.string()),
  timeoutSeconds: z.optional(z.int().check(z.positive())),
  transform: z.optional(z.strictObject({
    module: z.string().check(z.refine(isSafeRelativeModulePath, "module must be a safe relative path (no absolute paths)")),
    export: z.optional(z.string()),
  })),
});

/** What clawgate reads of `hooks.gmail` (the watcher's transport keys are upstream's and kept). */
const gmailFields = z.looseObject({
  maxBytes: z.optional(z.int().check(z.positive())),
  allowUnsafeExternalContent: z.optional(z.boolean()),
  model: z.optional(z.string()),
});

/** What clawgate reads of `hooks` (`internal` is upstream's and kept, not read). */
const hooksFields = z.looseObject({
  enabled: z.optional(z.boolean()),
  token: z.optional(z.string()),
  path: z.optional(z.string()),
  allowedAgentIds: z.optional(z.array(z.string())),
  defaultSessionKey: z.optional(z.string()),
  allowRequestSessionKey: z.optional(z.boolean()),
  allowedSessionKeyPrefixes: z.optional(z.array(z.string())),
  presets: z.optional(z.array(z.string())),
  transformsDir: z.optional(z.string()),
  mappings: z.optional(z.array(mappingSchema)),
  gmail: z.optional(gmailFields),
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
  /** `hooks.mappings` then the presets', in match order. */
  mappings: readonly HookMapping[];
  /** `hooks.transformsDir` as written; the host resolves and contains it. */
  transformsDir?: string;
  /** Body limits of sub-paths that allow more than the default (Gmail's). */
  bodyLimits: ReadonlyMap<string, number>;
  /** `hooks.gmail.model`: the model of Gmail runs whose mapping names none. */
  gmailModel?: string;
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
  const mappings = resolveHookMappings([...(hooks.mappings ?? []), ...presetMappings(hooks.presets, hooks.gmail)]);
  if (!prefixes && hasEffectiveTemplatedSessionKey(mappings)) return "hooks.allowedSessionKeyPrefixes is required when a hook mapping sessionKey uses templates, even if hooks.allowRequestSessionKey=true";
  const bodyLimits = new Map<string, number>();
  if (mappings.some((m) => m.matchPath === GMAIL_HOOK_PATH)) bodyLimits.set(GMAIL_HOOK_PATH, gmailHookBodyLimit(hooks.gmail?.maxBytes));
  return {
    basePath,
    token,
    allowedAgentIds: allowedAgentsOf(hooks.allowedAgentIds),
    defaultSessionKey,
    allowRequestSessionKey: hooks.allowRequestSessionKey === true,
    allowedSessionKeyPrefixes: prefixes,
    mappings,
    transformsDir: trimmed(hooks.transformsDir),
    bodyLimits,
    gmailModel: trimmed(hooks.gmail?.model),
  };
}

/** The body limit of one hook sub-path. */
export function hookBodyLimit(policy: HooksPolicy, subPath: string): number {
  return policy.bodyLimits.get(normalizeMatchPath(subPath) ?? "") ?? HOOK_MAX_BODY_BYTES;
}

/** `hooks` in openclaw.json: the fields, then upstream's load-time rules as one check. */
export const hooksSchema = hooksFields.check(z.superRefine((hooks, ctx) => {
  const hasDefaultKey = trimmed(hooks.defaultSessionKey) !== undefined;
  for (const [index, mapping] of (hooks.mappings ?? []).entries()) {
    // A persistent run needs one stable session; a transform may still supply it per request.
    if ((mapping.action ?? "agent") === "agent" && mapping.sessionMode === "persistent" && !trimmed(mapping.sessionKey) && !hasDefaultKey && !mapping.transform) {
      ctx.addIssue({ code: "custom", path: ["mappings", index, "sessionKey"], message: "persistent hook mappings require sessionKey, hooks.defaultSessionKey, or a transform", input: mapping });
    }
  }
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
