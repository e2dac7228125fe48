/**
 * `POST <hooks.path>/<name>` through `hooks.mappings` and the presets
 * (upstream docs/gateway/config-hooks.md "Mapping details", "Hook retries and
 * fan-out"): the first matching mapping's actions, each put through the same
 * agent, session-key and delivery policy as a direct request, wakes queued at
 * once, agent runs admitted with a replay identity (fan-out items always get
 * one). The answer as upstream's: 404 no mapping (null here), 204 no
 * actions, 400 with the first refusal, 409 when the hook settings changed
 * during a transform, 500 `hook mapping failed` (cause logged), else the
 * admission or the batch. Runtime-agnostic.
 */
import type { ExternalSource } from "../agent/external-content.ts";
import type { HooksPolicy } from "../config/hooks.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { DeliveryChannels } from "../channels/delivery.ts";
import type { HookDispatcher } from "../hooks/dispatch.ts";
import { applyHookMappings, type AgentAction, type LoadTransform } from "../hooks/mappings.ts";
import { hookChannelOf, type AgentPayload, type Delivery } from "../hooks/payload.ts";
import { resolveDispatchKey, targetAgent } from "../hooks/policy.ts";
import { GMAIL_HOOK_PATH } from "../hooks/presets.ts";
import type { Admission, ReplayCache } from "../hooks/replay.ts";
import type { HookContext } from "../hooks/templates.ts";
import type { Logger } from "../runtime.ts";

export interface MappedHookHost {
  config(): OpenClawConfig;
  now(): number;
  logger: Logger;
  channels?: DeliveryChannels;
  dispatcher: HookDispatcher;
  replays: ReplayCache;
  /** The transform loader of this policy (cached until the hook settings reload). */
  transforms(policy: HooksPolicy): LoadTransform;
  /** Whether `policy` is still the one in force. */
  isCurrent(policy: HooksPolicy): boolean;
}

export interface MappedHookRequest {
  policy: HooksPolicy;
  ctx: HookContext;
  token: string;
  idempotencyKey?: string;
}

/** An HTTP answer: a status and its JSON body (none for 204). */
export interface HookAnswer {
  status: number;
  body?: Record<string, unknown>;
}

const CONFIG_CHANGED = "hook configuration changed; retry request";
/** The replay identity fan-out items get when the caller sent no key. */
const FAN_OUT_IDEMPOTENCY = "hook-fanout-item";
const MAX_BATCH_ERRORS = 5;

type Prepared = { ok: true; dispatch: () => Promise<Admission> } | { ok: false; error: string };

/** The answer for a mapped hook request, or null when no mapping matches (404). */
export async function answerMappedHook(host: MappedHookHost, request: MappedHookRequest): Promise<HookAnswer | null> {
  const { policy, ctx } = request;
  let mapped;
  try {
    mapped = await applyHookMappings(policy.mappings, ctx, host.transforms(policy), host.now);
  } catch (error) {
    host.logger.warn("gateway/hooks", `hook mapping failed: ${String(error)}`, { path: ctx.path });
    return { status: 500, body: { ok: false, error: "hook mapping failed" } };
  }
  if (!mapped) return null;
  if (!host.isCurrent(policy)) return { status: 409, body: { ok: false, error: CONFIG_CHANGED } };
  if (!mapped.ok) return { status: 400, body: { ok: false, error: mapped.error } };
  if (mapped.dropped > 0) host.logger.warn("gateway/hooks", `hook mapping ${ctx.path} fan-out dropped ${mapped.dropped} items beyond the 200-item cap`);
  if (mapped.actions.length === 0) {
    if (mapped.fanout) host.logger.info("gateway/hooks", `hook mapping ${ctx.path} matched with no items to dispatch`);
    return { status: 204 };
  }

  const config = host.config();
  let wake: { eventOutcome: "queued" | "coalesced" } | undefined;
  let wakeMode: string | undefined;
  const refuse = (error: string): HookAnswer => ({ status: 400, body: { ok: false, error, ...wake } });
  const occurrences = new Map<string, number>();
  const dispatches: (() => Promise<Admission>)[] = [];
  for (const action of mapped.actions) {
    if (action.kind === "wake") {
      const agentId = targetAgent(policy, config, action.agentId, "mapping");
      if (!agentId.ok) return refuse(agentId.error);
      let sessionKey: string | undefined;
      if (action.sessionKey) {
        const key = resolveDispatchKey(policy, action.sessionKey, agentId.value, action.sessionKeySource ?? "templated");
        if (!key.ok) return refuse(key.error);
        sessionKey = key.value;
      }
      const outcome = host.dispatcher.wake({ text: action.text, mode: action.mode }, agentId.value, sessionKey);
      // One accepted wake makes the batch's outcome "queued".
      if (!wake || outcome.eventOutcome === "queued") wake = outcome;
      wakeMode = action.mode;
      continue;
    }
    const prepared = prepareAgent(host, request, action, config, mapped.fanout, occurrences);
    if (!prepared.ok) return refuse(prepared.error);
    dispatches.push(prepared.dispatch);
  }
  if (dispatches.length === 0) return { status: 200, body: { ok: true, mode: wakeMode ?? "now", ...wake } };
  const admissions = await Promise.all(dispatches.map((dispatch) => dispatch()));
  if (!mapped.fanout || admissions.length === 1) return admissionAnswer(admissions[0]!, wake);
  return batchAnswer(admissions, wake);
}

/** The policy checks of one agent action, and its admission (with its replay identity) to run once they pass. */
function prepareAgent(host: MappedHookHost, request: MappedHookRequest, action: AgentAction, config: OpenClawConfig, fanout: boolean, occurrences: Map<string, number>): Prepared {
  const { policy, ctx } = request;
  // Upstream's order: channel, agent, session.
  const channel = hookChannelOf(action.channel, host.channels?.ids() ?? []);
  if (!channel.ok) return channel;
  const deliver = action.deliver !== false;
  // A concrete channel needs a recipient, else the reply is announced in the main session; "last" finds its route when the run ends.
  const delivery: Delivery = !deliver ? { mode: "none" }
    : channel.value === "last" ? { mode: "last", ...(action.to ? { to: action.to } : {}) }
    : action.to ? { mode: "announce", channel: channel.value, to: action.to } : { mode: "none" };
  const target = targetAgent(policy, config, action.agentId, "mapping");
  if (!target.ok) return target;
  const agentId = target.value;
  if (action.sessionMode === "persistent" && !action.sessionKey && !policy.defaultSessionKey) {
    return { ok: false, error: "sessionKey or hooks.defaultSessionKey is required when mapped hook sessionMode is persistent" };
  }
  const key = resolveDispatchKey(policy, action.sessionKey, agentId, action.sessionKeySource ?? "templated");
  if (!key.ok) return key;
  // The destination's account must be able to send now (upstream checks it as the run is dispatched).
  if (delivery.mode === "announce") {
    const account = host.channels?.account(delivery.channel, undefined);
    if (account && !account.ok) return account;
  }
  // Gmail's path, or a key in Gmail's namespace, makes the run an email's (upstream's source rule).
  const gmail = ctx.path === GMAIL_HOOK_PATH || (action.sessionKey ?? policy.defaultSessionKey ?? "").toLowerCase().startsWith("hook:gmail:");
  const gmailConfig = config.hooks?.gmail;
  const payload: AgentPayload = {
    message: action.message,
    name: action.name ?? "Hook",
    wakeMode: action.wakeMode,
    sessionMode: action.sessionMode,
    deliver,
    delivery,
    model: action.model ?? (gmail ? policy.gmailModel : undefined),
    thinking: action.thinking,
    timeoutSeconds: action.timeoutSeconds,
    allowUnsafeExternalContent: action.allowUnsafeExternalContent === true || (gmail && gmailConfig?.allowUnsafeExternalContent === true),
    externalSource: (gmail ? "Email" : "Webhook") satisfies ExternalSource,
  };
  const scope: Record<string, unknown> = {
    agentId, sessionKey: action.sessionKey ?? policy.defaultSessionKey ?? null, message: payload.message, name: payload.name, wakeMode: payload.wakeMode,
    sessionMode: payload.sessionMode, deliver, channel: channel.value, to: action.to ?? null, model: action.model ?? null, thinking: action.thinking ?? null,
    timeoutSeconds: action.timeoutSeconds ?? null,
  };
  if (fanout) {
    // Identical items of one batch stay distinct runs; a retried batch replays each.
    const fingerprint = JSON.stringify(scope);
    const occurrence = occurrences.get(fingerprint) ?? 0;
    occurrences.set(fingerprint, occurrence + 1);
    scope.occurrence = occurrence;
  }
  const idempotencyKey = fanout ? request.idempotencyKey ?? FAN_OUT_IDEMPOTENCY : request.idempotencyKey;
  const replayKey = idempotencyKey === undefined ? undefined : JSON.stringify([request.token, ctx.path, idempotencyKey, scope]);
  const sourcePath = `${policy.basePath}/${ctx.path}`;
  return {
    ok: true,
    dispatch: () => host.replays.admit(replayKey, async (): Promise<Admission> => {
      if (!host.isCurrent(policy)) return { ok: false, status: 409, error: CONFIG_CHANGED };
      return host.dispatcher.agent(payload, agentId, key.value, sourcePath);
    }),
  };
}

function admissionAnswer(admission: Admission, wake: object | undefined): HookAnswer {
  if (!admission.ok) return { status: admission.status, body: { ok: false, error: admission.error, ...(admission.runId ? { runId: admission.runId } : {}), ...wake } };
  return { status: 200, body: { ok: true, runId: admission.runId, ...wake } };
}

/** Upstream's batch contract: every item admitted -> 200 with all run ids; else the first failure's status and what did run. */
function batchAnswer(admissions: readonly Admission[], wake: object | undefined): HookAnswer {
  const runIds = admissions.flatMap((a) => (a.ok ? [a.runId] : []));
  const failures = admissions.flatMap((a) => (a.ok ? [] : [a]));
  if (failures.length === 0) return { status: 200, body: { ok: true, runId: runIds[0], runIds, dispatched: runIds.length, ...wake } };
  // clawgate admits at once, so no item is ever still pending when the batch answers.
  return {
    status: failures[0]!.status,
    body: {
      ok: false,
      error: `hook fan-out incomplete: ${runIds.length}/${admissions.length} dispatched, ${failures.length} failed, 0 pending`,
      runIds,
      errors: failures.slice(0, MAX_BATCH_ERRORS).map((f) => f.error),
      ...wake,
    },
  };
}
