/**
 * Hooks over HTTP (upstream docs/gateway/config-hooks.md "Hook HTTP contract"):
 * `POST <hooks.path>/wake` and `POST <hooks.path>/agent` once `hooks.enabled`,
 * and any other sub-path through the mappings (./hook-mappings.ts).
 * The front door runs in upstream's order: a `?token=` query is refused (400)
 * even beside a good header, only POST (405), the hook token from
 * `Authorization: Bearer` or `x-openclaw-token` compared in constant time
 * under the gateway's one auth limiter (401, 429 + Retry-After), a body of at
 * most 256 KiB (Gmail's path more) read within 30 s (413, 408), JSON (400). Every refusal
 * changes nothing. The settings are read per request, so a hot reload
 * applies to the next one; disabled hooks fall through to the other routes.
 * Runtime-agnostic.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AuthRateLimiter } from "../auth/rate-limit.ts";
import { hookBodyLimit, hooksPolicy, type HooksPolicy } from "../config/hooks.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { HookDispatcher, type HookDispatchHost } from "../hooks/dispatch.ts";
import { agentPayload, asRecord, idempotencyKeyOf, wakePayload } from "../hooks/payload.ts";
import type { HookTransform, HookTransformLoader, LoadTransform } from "../hooks/mappings.ts";
import { dispatchSessionKey, hookSessionKey, resolveDispatchKey, targetAgent } from "../hooks/policy.ts";
import { ReplayCache, type Admission } from "../hooks/replay.ts";
import { readJsonBody } from "./body.ts";
import { checkHttpSecret, type HttpBindings } from "./credentials.ts";
import { answerMappedHook } from "./hook-mappings.ts";

/** Upstream's body-read deadline for hook requests. */
export const HOOK_BODY_TIMEOUT_MS = 30_000;

/** Upstream's start-up warning, without its pointers to CLI verbs clawgate lacks. */
export const TOKEN_REUSE_WARNING = "Security warning: hooks.token matches active Gateway shared-secret auth. Startup continues for compatibility; rotate hooks.token or Gateway auth.";

const TOKEN_QUERY_REFUSAL = "Hook token must be provided via Authorization: Bearer <token> or X-OpenClaw-Token header (query parameters are not allowed).";

export interface HooksHost extends HookDispatchHost {
  config(): OpenClawConfig;
  limiter: AuthRateLimiter;
  /** The gateway's own shared secret (token or password), which the hook token should not reuse. */
  gatewaySecret(): string | undefined;
  /** The body-read deadline; upstream's 30 s unless a test needs it short. */
  bodyTimeoutMs?: number;
  /** Loads mapping transforms from `hooks.transformsDir` (a host capability); absent, a mapping with a transform fails (500). */
  transforms?: HookTransformLoader;
}

type Ctx = Context<{ Bindings: HttpBindings }>;

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });
}

const refusal = (error: string, status = 400): Response => json(status, { ok: false, error });

/** The hook token: a non-empty Bearer token wins over `x-openclaw-token`. */
export function hookToken(headers: Headers): string | undefined {
  const auth = headers.get("authorization")?.trim() ?? "";
  if (auth.toLowerCase().startsWith("bearer ")) {
    const token = auth.slice(7).trim();
    if (token) return token;
  }
  return headers.get("x-openclaw-token")?.trim() || undefined;
}

/** Upstream's hook texts for a body past the limits. */
const BODY_LIMIT_TEXT = { PAYLOAD_TOO_LARGE: "payload too large", REQUEST_BODY_TIMEOUT: "request body timeout" } as const;

/**
 * The hook routes as a middleware: requests outside `hooks.path`, or with hooks off, go on to the
 * other routes. core/http/app.ts imports this module when hooks are on (at start or on a request).
 */
export function hooksMiddleware(host: HooksHost): MiddlewareHandler<{ Bindings: HttpBindings }> {
  const dispatcher = new HookDispatcher(host);
  const replays = new ReplayCache(host.now);
  // Checked at start and for each reloaded policy: a leaked hook token must not also open the gateway.
  let checked: HooksPolicy | null = null;
  // Transforms are imported once per hook settings: a reload (a new policy) reads them again.
  let version = 0;
  let transforms = new Map<string, Promise<HookTransform>>();
  const current = (): HooksPolicy | null => {
    const policy = hooksPolicy(host.config());
    if (policy && policy !== checked) {
      checked = policy;
      version++;
      transforms = new Map();
      if (policy.token === host.gatewaySecret()) host.logger.warn("gateway/hooks", TOKEN_REUSE_WARNING);
    }
    return policy;
  };
  const loadTransform = (policy: HooksPolicy): LoadTransform => (ref) => {
    const loader = host.transforms;
    if (!loader) return Promise.reject(new Error("hook transforms are not available in this gateway"));
    const key = `${ref.module}::${ref.exportName ?? "default"}`;
    let loaded = transforms.get(key);
    if (!loaded) {
      const cache = transforms;
      loaded = loader.load({ ...ref, transformsDir: policy.transformsDir, version });
      cache.set(key, loaded);
      // A failed load is tried again by the next request.
      loaded.catch(() => cache.get(key) === loaded && cache.delete(key));
    }
    return loaded;
  };
  const mapped = { config: host.config, now: host.now, logger: host.logger, channels: host.channels, dispatcher, replays, transforms: loadTransform, isCurrent: (policy: HooksPolicy) => current() === policy };
  current();
  return async (c, next) => {
    const policy = current();
    if (!policy) return next();
    const path = new URL(c.req.url).pathname;
    if (path !== policy.basePath && !path.startsWith(`${policy.basePath}/`)) return next();
    return handle(c, policy, path.slice(policy.basePath.length).replace(/^\/+/, ""));
  };

  async function handle(c: Ctx, policy: HooksPolicy, subPath: string): Promise<Response> {
    const req = c.req.raw;
    if (new URL(req.url).searchParams.has("token")) return text(400, TOKEN_QUERY_REFUSAL);
    if (req.method !== "POST") return text(405, "Method Not Allowed", { Allow: "POST" });
    const token = hookToken(req.headers);
    const refused = await checkHttpSecret(host.limiter, c.env.peer, token, policy.token, "hook-token");
    if (refused) {
      if (refused.status !== 429) return text(401, "Unauthorized");
      const retryAfter = refused.headers.get("Retry-After") ?? "1";
      host.logger.warn("gateway/hooks", "hook auth throttled", { remote: c.env.peer.remoteAddress, retryAfterSeconds: Number(retryAfter) });
      return text(429, "Too Many Requests", { "Retry-After": retryAfter });
    }
    if (!subPath) return text(404, "Not Found");
    const body = await readJsonBody(req, { maxBytes: hookBodyLimit(policy, subPath), timeoutMs: host.bodyTimeoutMs ?? HOOK_BODY_TIMEOUT_MS });
    if (!body.ok) return refusal(body.code === "INVALID_JSON" ? body.message : BODY_LIMIT_TEXT[body.code], body.status);
    const payload = asRecord(body.value);
    if (subPath === "wake") return wake(policy, payload);
    if (subPath === "agent") return agent(policy, payload, req.headers, token!);
    const answer = policy.mappings.length === 0 ? null : await answerMappedHook(mapped, {
      policy, token: token!, idempotencyKey: replayKeyOf(req.headers, payload.idempotencyKey),
      ctx: { payload, headers: headerRecord(req.headers), url: new URL(req.url), path: subPath },
    });
    if (!answer) return text(404, "Not Found");
    return answer.body ? json(answer.status, answer.body) : new Response(null, { status: answer.status });
  }

  function wake(policy: HooksPolicy, payload: Record<string, unknown>): Response {
    const value = wakePayload(payload);
    if (!value.ok) return refusal(value.error);
    const agentId = targetAgent(policy, host.config(), value.value.agentId);
    if (!agentId.ok) return refusal(agentId.error);
    let sessionKey: string | undefined;
    if (value.value.sessionKey) {
      const key = resolveDispatchKey(policy, value.value.sessionKey, agentId.value);
      if (!key.ok) return refusal(key.error);
      sessionKey = key.value;
    }
    return json(200, { ok: true, mode: value.value.mode, ...dispatcher.wake(value.value, agentId.value, sessionKey) });
  }

  async function agent(policy: HooksPolicy, payload: Record<string, unknown>, headers: Headers, token: string): Promise<Response> {
    const wait = payload.waitForCompletion;
    if (wait !== undefined && typeof wait !== "boolean") return refusal("waitForCompletion must be boolean");
    const checked = agentPayload(payload, host.channels?.ids() ?? []);
    if (!checked.ok) return refusal(checked.error);
    const value = checked.value;
    // A destination must name an account that can send now (upstream checks it before dispatch).
    if (value.delivery.mode === "announce") {
      const account = host.channels?.account(value.delivery.channel, value.delivery.accountId);
      if (account && !account.ok) return refusal(account.error);
    }
    const agentId = targetAgent(policy, host.config(), value.agentId);
    if (!agentId.ok) return refusal(agentId.error);
    if (value.sessionMode === "persistent" && !value.sessionKey) return refusal("sessionKey is required when sessionMode is persistent");
    const hookKey = hookSessionKey(policy, value.sessionKey);
    if (!hookKey.ok) return refusal(hookKey.error);
    if (value.sessionMode === "persistent" && !policy.allowedSessionKeyPrefixes?.length) return refusal("hooks.allowedSessionKeyPrefixes is required when direct hook sessionMode is persistent");
    // Headers first, then the body's key (upstream's order).
    const idempotencyKey = replayKeyOf(headers, value.idempotencyKey);
    // A key replays only for the same token and the same dispatch: a changed message or route is a new run.
    const scope = { ...value, idempotencyKey: undefined, agentId: agentId.value, sessionKey: value.sessionKey ?? policy.defaultSessionKey ?? null };
    const replayKey = idempotencyKey === undefined ? undefined : JSON.stringify([token, idempotencyKey, scope]);
    const admission = await replays.admit(replayKey, async (): Promise<Admission> => {
      const key = dispatchSessionKey(policy, hookKey.value, agentId.value);
      return key.ok ? dispatcher.agent(value, agentId.value, key.value, `${policy.basePath}/agent`) : { ok: false, status: 400, error: key.error };
    });
    if (!admission.ok) return json(admission.status, { ok: false, error: admission.error, ...(admission.runId ? { runId: admission.runId } : {}) });
    if (wait !== true) return json(200, { ok: true, runId: admission.runId });
    return json(200, { ok: true, runId: admission.runId, completion: await admission.completion });
  }
}

/** The request's replay key: the headers' first, then the body's. */
function replayKeyOf(headers: Headers, fromBody: unknown): string | undefined {
  return idempotencyKeyOf(headers.get("idempotency-key")) ?? idempotencyKeyOf(headers.get("x-openclaw-idempotency-key")) ?? idempotencyKeyOf(fromBody);
}

/** Header names lower-cased (as Headers keeps them), for templates and transforms. */
function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => (record[name] = value));
  return record;
}
