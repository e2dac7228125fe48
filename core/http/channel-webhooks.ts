/**
 * Channel webhooks on the gateway's HTTP port (Slack's Events API at `webhookPath`): a POST to the path a running
 * account serves goes to that account, which verifies the service's signature itself; any other path falls through
 * to the 404. Nothing is mounted while no account serves a path. Runtime-agnostic.
 */
import type { Hono } from "hono";
import type { Gateway } from "../gateway.ts";
import type { HttpBindings } from "./credentials.ts";

export function mountChannelWebhooks(app: Hono<{ Bindings: HttpBindings }>, gw: Gateway): void {
  app.post("*", async (c, next) => {
    const webhook = gw.channels.webhook(c.req.path);
    if (!webhook) return next();
    return webhook.handle(c.req.raw);
  });
}
