/**
 * HTTP on the gateway port (spec §10): liveness and readiness probes with
 * upstream's shapes and security headers; JSON 404 elsewhere. A hono app
 * exposed as `fetch`; the shim serves it. Runtime-agnostic.
 */
import { Hono, type Context } from "hono";
import type { Gateway } from "../gateway.ts";
import { checkGatewayBearer, type HttpBindings } from "./credentials.ts";
import { mountOpenAiRoutes } from "./openai.ts";
import { createControlUi, type ControlUiHost } from "./control-ui.ts";
import { authorizeUiRead } from "./control-ui-config.ts";
import { mountChannelWebhooks } from "./channel-webhooks.ts";
import { mountToolsInvoke } from "./tools-invoke.ts";
import { mountHooksRoutes } from "./hooks.ts";
import { hookChannels } from "../hooks/channels.ts";

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
  mountOpenAiRoutes(app, gw);
  mountChannelWebhooks(app, gw);
  mountToolsInvoke(app, gw);
  mountHooksRoutes(app, {
    config: () => gw.config, now: gw.now, limiter: gw.limiter, agents: gw.agents, logger: gw.options.logger,
    gatewaySecret: () => (gw.auth.mode === "token" ? gw.auth.token : gw.auth.mode === "password" ? gw.auth.password : undefined),
    channels: hookChannels(gw.options.channelPlugins ?? [], () => gw.config, (request) => gw.channels.send(request)),
    transforms: gw.options.hookTransforms,
  });
  const notFound = () => json({ error: { message: "Not Found", type: "not_found" } }, 404);
  // The UI claims what no route above did (upstream serves it after its other HTTP handlers).
  const controlUi = ui && createControlUi(ui, () => gw.config, () => gw.auth.mode !== "none");
  app.notFound(async (c) => {
    const authorize = (req: Request) => authorizeUiRead(gw, c.env.peer, req.headers.get("authorization"));
    return (controlUi && (await controlUi(c.req.raw, authorize))) || notFound();
  });
  return app;
}
