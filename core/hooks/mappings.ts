/**
 * Hook mappings (upstream docs/gateway/config-hooks.md "Mapping details"):
 * `hooks.mappings` in order, then the presets' mappings; the first whose
 * `match.path` and `match.source` pass owns the request. It renders one
 * wake or agent action from its templates (one per item with `forEach`, at
 * most 200), and a transform may override or drop each. Transforms are
 * loaded by the host (`load`), so this module never touches a file. Pure
 * logic. Runtime-agnostic.
 */
import type { WakeMode } from "./payload.ts";
import { BLOCKED_PATH_KEYS, hasTemplateExpressions, renderOptional, renderTemplate, type HookContext } from "./templates.ts";

/** One entry of `hooks.mappings` as openclaw.json carries it. */
export interface HookMappingConfig {
  id?: string;
  match?: { path?: string; source?: string };
  action?: "wake" | "agent";
  wakeMode?: WakeMode;
  name?: string;
  agentId?: string;
  sessionKey?: string;
  sessionMode?: "isolated" | "persistent";
  messageTemplate?: string;
  textTemplate?: string;
  forEach?: string;
  deliver?: boolean;
  allowUnsafeExternalContent?: boolean;
  channel?: string;
  to?: string;
  model?: string;
  thinking?: string;
  timeoutSeconds?: number;
  transform?: { module: string; export?: string };
}

/** A mapping ready to match: defaults applied, match path normalized. */
export interface HookMapping extends Omit<HookMappingConfig, "id" | "match" | "action" | "wakeMode" | "transform"> {
  id: string;
  matchPath?: string;
  matchSource?: string;
  action: "wake" | "agent";
  wakeMode: WakeMode;
  transform?: HookTransformRef;
}

export interface HookTransformRef {
  /** Relative to `hooks.transformsDir`. */
  module: string;
  /** Unset: `default`, then `transform`. */
  exportName?: string;
}

/** Whether a session key came from configuration alone or was rendered from (or handed over with) the request. */
export type SessionKeySource = "static" | "templated";

export interface WakeAction {
  kind: "wake";
  mappingId: string;
  text: string;
  mode: WakeMode;
  agentId?: string;
  sessionKey?: string;
  sessionKeySource?: SessionKeySource;
}

export interface AgentAction {
  kind: "agent";
  mappingId: string;
  message: string;
  name?: string;
  agentId?: string;
  wakeMode: WakeMode;
  sessionKey?: string;
  sessionKeySource?: SessionKeySource;
  sessionMode: "isolated" | "persistent";
  deliver?: boolean;
  allowUnsafeExternalContent?: boolean;
  channel?: unknown;
  to?: string;
  model?: string;
  thinking?: string;
  timeoutSeconds?: number;
}

export type HookAction = WakeAction | AgentAction;

/** A transform: trusted code that returns a partial action, null to drop it, or nothing to keep it. */
export type HookTransform = (ctx: HookContext) => unknown;

/** Loads a mapping's transform (the host's job: file containment and import). */
export type LoadTransform = (ref: HookTransformRef) => Promise<HookTransform>;
/**
 * Imports one transform module under the transforms root and returns its
 * function export. `version` changes when the hook settings reload, so the
 * module is read again then.
 */
export interface HookTransformLoader {
  load(request: HookTransformRef & { transformsDir?: string; version: number }): Promise<HookTransform>;
}

export type MappingResult = { ok: false; error: string } | { ok: true; actions: HookAction[]; fanout: boolean; dropped: number };

/** Upstream's fan-out cap: items past it are dropped (and logged), not refused. */
export const MAX_FAN_OUT_ITEMS = 200;

const trimmed = (value: string | undefined): string | undefined => value?.trim() || undefined;

/** A match path or sub-path with its leading and trailing slashes removed. */
export function normalizeMatchPath(raw: string | undefined): string | undefined {
  return trimmed(raw)?.replace(/^\/+/, "").replace(/\/+$/, "");
}

/** Whether a `forEach` key names a top-level payload key (no path, no prototype key). */
export function isTopLevelKey(key: string): boolean {
  return !/[.[\]]/.test(key) && !BLOCKED_PATH_KEYS.has(key);
}

function normalize(mapping: HookMappingConfig, index: number): HookMapping {
  const { id, match, action, wakeMode, transform, forEach, agentId, ...rest } = mapping;
  return {
    ...rest,
    id: trimmed(id) ?? `mapping-${index + 1}`,
    matchPath: normalizeMatchPath(match?.path),
    matchSource: trimmed(match?.source),
    action: action ?? "agent",
    wakeMode: wakeMode ?? "now",
    forEach: trimmed(forEach),
    agentId: trimmed(agentId),
    ...(transform ? { transform: { module: transform.module.trim(), exportName: trimmed(transform.export) } } : {}),
  };
}

/** Mappings as configured (custom ones, then the presets'), ready to match. */
export function resolveHookMappings(configs: readonly HookMappingConfig[]): HookMapping[] {
  return configs.map(normalize);
}

/**
 * Whether a mapping that can own a request renders its session key from the
 * request; a mapping an earlier one always wins over does not count.
 */
export function hasEffectiveTemplatedSessionKey(mappings: readonly HookMapping[]): boolean {
  const effective: HookMapping[] = [];
  for (const mapping of mappings) {
    const shadowed = effective.some((e) => (!e.matchPath || e.matchPath === mapping.matchPath) && (!e.matchSource || e.matchSource === mapping.matchSource));
    if (shadowed) continue;
    effective.push(mapping);
    if (mapping.sessionKey !== undefined && hasTemplateExpressions(mapping.sessionKey)) return true;
  }
  return false;
}

function matches(mapping: HookMapping, ctx: HookContext): boolean {
  if (mapping.matchPath && mapping.matchPath !== normalizeMatchPath(ctx.path)) return false;
  if (mapping.matchSource && ctx.payload.source !== mapping.matchSource) return false;
  return true;
}

function keySource(template: string | undefined): SessionKeySource | undefined {
  const key = trimmed(template);
  if (!key) return undefined;
  return hasTemplateExpressions(key) ? "templated" : "static";
}

function build(mapping: HookMapping, ctx: HookContext, now: () => number): HookAction {
  const sessionKey = renderOptional(mapping.sessionKey, ctx, now);
  const sessionKeySource = keySource(mapping.sessionKey);
  if (mapping.action === "wake") {
    return { kind: "wake", mappingId: mapping.id, text: renderTemplate(mapping.textTemplate ?? "", ctx, now), mode: mapping.wakeMode, agentId: mapping.agentId, sessionKey, sessionKeySource };
  }
  return {
    kind: "agent",
    mappingId: mapping.id,
    message: renderTemplate(mapping.messageTemplate ?? "", ctx, now),
    name: renderOptional(mapping.name, ctx, now),
    agentId: mapping.agentId,
    wakeMode: mapping.wakeMode,
    sessionKey,
    sessionKeySource,
    sessionMode: mapping.sessionMode ?? "isolated",
    deliver: mapping.deliver,
    allowUnsafeExternalContent: mapping.allowUnsafeExternalContent,
    channel: mapping.channel,
    to: renderOptional(mapping.to, ctx, now),
    model: renderOptional(mapping.model, ctx, now),
    thinking: renderOptional(mapping.thinking, ctx, now),
    timeoutSeconds: mapping.timeoutSeconds,
  };
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const bool = (value: unknown): boolean | undefined => (typeof value === "boolean" ? value : undefined);

/** A transform's key counts as caller-derived unless it marks itself `static`; a blank one is no key. */
function overrideKeySource(base: HookAction, o: Record<string, unknown>): SessionKeySource | undefined {
  if (typeof o.sessionKey !== "string") return base.sessionKeySource;
  if (!o.sessionKey.trim()) return undefined;
  return o.sessionKeySource === "static" ? "static" : "templated";
}

/** The action with a transform's fields laid over it (upstream's mergeAction); the kind may change, keeping only the shared fields. */
function merge(base: HookAction, o: Record<string, unknown>): HookAction {
  const kind = (str(o.kind) ?? base.kind) === "wake" ? "wake" : "agent";
  const same = kind === base.kind ? base : undefined;
  const shared = { mappingId: base.mappingId, agentId: str(o.agentId) ?? same?.agentId, sessionKey: str(o.sessionKey) ?? same?.sessionKey, sessionKeySource: overrideKeySource(base, o) };
  if (kind === "wake") {
    const wake = same as WakeAction | undefined;
    return { kind, ...shared, text: str(o.text) ?? wake?.text ?? "", mode: o.mode === "next-heartbeat" ? "next-heartbeat" : wake?.mode ?? "now" };
  }
  const agent = same as AgentAction | undefined;
  const timeout = o.timeoutSeconds;
  return {
    kind,
    ...shared,
    message: str(o.message) ?? agent?.message ?? "",
    wakeMode: o.wakeMode === "next-heartbeat" ? "next-heartbeat" : agent?.wakeMode ?? "now",
    name: str(o.name) ?? agent?.name,
    sessionMode: (o.sessionMode as AgentAction["sessionMode"] | undefined) ?? agent?.sessionMode ?? "isolated",
    deliver: bool(o.deliver) ?? agent?.deliver,
    allowUnsafeExternalContent: bool(o.allowUnsafeExternalContent) ?? agent?.allowUnsafeExternalContent,
    channel: o.channel ?? agent?.channel,
    to: str(o.to) ?? agent?.to,
    model: str(o.model) ?? agent?.model,
    thinking: str(o.thinking) ?? agent?.thinking,
    timeoutSeconds: typeof timeout === "number" ? timeout : agent?.timeoutSeconds,
  };
}

/** Upstream's checks of a final action, with its texts. */
function validate(action: HookAction): { ok: true; action: HookAction } | { ok: false; error: string } {
  if (action.sessionKeySource === "templated" && !action.sessionKey?.trim()) return { ok: false, error: "hook mapping sessionKey template rendered empty" };
  if (action.kind === "wake") {
    if (!action.text.trim()) return { ok: false, error: "hook mapping requires text" };
    if (action.mode === "next-heartbeat" && action.sessionKey) return { ok: false, error: "hook mapping sessionKey requires wakeMode=now" };
    return { ok: true, action };
  }
  if (!action.message.trim()) return { ok: false, error: "hook mapping requires message" };
  if (action.sessionMode !== "isolated" && action.sessionMode !== "persistent") return { ok: false, error: "hook mapping sessionMode must be isolated or persistent" };
  return { ok: true, action };
}

/** One mapping over one context: its action, none (the transform returned null), or what is wrong with it. */
async function applyOne(mapping: HookMapping, ctx: HookContext, load: LoadTransform, now: () => number): Promise<{ ok: true; action: HookAction | null } | { ok: false; error: string }> {
  const base = build(mapping, ctx, now);
  if (!mapping.transform) return validate(base);
  const override = await (await load(mapping.transform))(ctx);
  if (override === null) return { ok: true, action: null };
  return validate(typeof override === "object" ? merge(base, override as Record<string, unknown>) : base);
}

/**
 * The actions of the first mapping that matches, or null when none does.
 * With `forEach`, each item is seen as the payload with that array replaced by
 * `[item]`; a missing or empty array gives no actions. Transform exceptions
 * propagate (the caller answers 500).
 */
export async function applyHookMappings(mappings: readonly HookMapping[], ctx: HookContext, load: LoadTransform, now: () => number): Promise<MappingResult | null> {
  const mapping = mappings.find((m) => matches(m, ctx));
  if (!mapping) return null;
  if (!mapping.forEach) {
    const single = await applyOne(mapping, ctx, load, now);
    return single.ok ? { ok: true, actions: single.action ? [single.action] : [], fanout: false, dropped: 0 } : single;
  }
  const raw = ctx.payload[mapping.forEach];
  const items = Array.isArray(raw) ? raw : [];
  const actions: HookAction[] = [];
  for (const item of items.slice(0, MAX_FAN_OUT_ITEMS)) {
    const result = await applyOne(mapping, { ...ctx, payload: { ...ctx.payload, [mapping.forEach]: [item] } }, load, now);
    if (!result.ok) return result;
    if (result.action) actions.push(result.action);
  }
  return { ok: true, actions, fanout: true, dropped: Math.max(0, items.length - MAX_FAN_OUT_ITEMS) };
}
