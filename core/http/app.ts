/**
 * HTTP on the gateway port (spec §10): liveness and readiness probes with
 * upstream's shapes and security headers; JSON 404 elsewhere. A hono app
 * exposed as `fetch`; the shim serves it. The feature routes (`/v1`,
 * `/tools/invoke`, hooks, the Control UI) are declared here and their modules
 * imported on their first request (hooks: at start when configured), so an
 * idle gateway never loads them. Runtime-agnostic.
 */
import { Hono, type Context } from "hono";
import type { Gateway } from "../gateway.ts";
import { checkGatewayBearer, type HttpBindings } from "./credentials.ts";
import type { ControlUiHost } from "./control-ui.ts";
import { mountChannelWebhooks } from "./channel-webhooks.ts";
import { hooksPolicy } from "../config/hooks.ts";

const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Permissions-Policy": "camera=(), microphone=(self), geolocation=()",
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** The upgrade-time refusal for proxy headers from a peer that is not a trusted proxy (§4.1). */
export function proxyAttributionRefusal(): Response {
  const res = json({
    error: {
      message: "Proxy client attribution is required. Configure gateway.trustedProxies narrowly and make the proxy overwrite or safely rebuild forwarded client headers.",
      type: "proxy_attribution_required",
    },
  }, 403);
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.headers.set(k, v);
  return res;
}

/** Runs `load` once, on first need, and keeps what it resolved to; a failed load is tried again next time. */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
}

/**
 * The HTTP app; the shim passes the peer with each request
 * (`app.fetch(req, { peer })`) and, where it serves pages, the Control UI's files.
 */
export function createHttpApp(gw: Gateway, ui?: ControlUiHost): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use(async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  const live = () => json({ ok: true, status: "live" });
  // hono answers HEAD from the GET route with the body stripped.
  app.get("/health", live);
  app.get("/healthz", live);
  // Event-loop details only for local or authenticated callers (§10); a wrong Bearer counts as a failed attempt.
  const ready = async (c: Context<{ Bindings: HttpBindings }>) => {
    const summary = { ready: true, failing: [], uptimeMs: gw.now() - gw.startedAt };
    const { peer } = c.env;
    const header = c.req.header("authorization");
    const trusted = (peer.isLoopback && !peer.forwarded) || (header !== undefined && gw.auth.mode !== "none" && !(await checkGatewayBearer(gw.limiter, gw.auth, peer, header)));
    return json(trusted ? { ...summary, eventLoop: gw.health.eventLoop.current } : summary);
  };
  app.get("/readyz", ready);
  app.get("/ready", ready);
  const openAi = onFirstUse(async () => (await import("./openai.ts")).openAiHandlers(gw));
  app.all("/v1/models", async (c) => (await openAi()).models(c));
  app.all("/v1/models/:id{.+}", async (c) => (await openAi()).model(c));
  app.all("/v1/chat/completions", async (c) => (await openAi()).completions(c));
  mountChannelWebhooks(app, gw);
  const toolsInvoke = onFirstUse(async () => (await import("./tools-invoke.ts")).toolsInvokeHandler(gw));
  app.all("/tools/invoke", async (c) => (await toolsInvoke())(c));
  const hooks = onFirstUse(async () => {
    const { hooksMiddleware } = await import("./hooks.ts");
    return hooksMiddleware({
      config: () => gw.config, now: gw.now, limiter: gw.limiter, agents: gw.agents, logger: gw.options.logger,
      gatewaySecret: () => (gw.auth.mode === "token" ? gw.auth.token : gw.auth.mode === "password" ? gw.auth.password : undefined),
      channels: gw.deliveries,
      transforms: gw.options.hookTransforms,
    });
  });
  // Hooks on at start: their start-up check (a hook token reusing the gateway's secret) runs now, as upstream's.
  if (hooksPolicy(gw.config)) void hooks().catch((error: unknown) => gw.options.logger.error("gateway/hooks", "hooks could not load", { error: String(error) }));
  app.use(async (c, next) => (hooksPolicy(gw.config) ? (await hooks())(c, next) : next()));
  const notFound = () => json({ error: { message: "Not Found", type: "not_found" } }, 404);
  // The UI claims what no route above did (upstream serves it after its other HTTP handlers).
  const controlUi = ui && onFirstUse(async () => {
    const [{ createControlUi }, { authorizeUiRead }] = await Promise.all([import("./control-ui.ts"), import("./control-ui-config.ts")]);
    return { serve: createControlUi(ui, () => gw.config, () => gw.auth.mode !== "none"), authorizeUiRead };
  });
  app.notFound(async (c) => {
    if (!controlUi) return notFound();
    const { serve, authorizeUiRead } = await controlUi();
    const authorize = (req: Request) => authorizeUiRead(gw, c.env.peer, req.headers.get("authorization"));
    return (await serve(c.req.raw, authorize)) || notFound();
  });
  return app;
}
