/**
 * `POST /tools/invoke` (upstream's docs/gateway/tools-invoke-http-api.md):
 * one tool call over HTTP, on the gateway's Bearer secret and the shared
 * auth limiter, with a 2 MB body. The tool must be allowed for the target
 * session's agent by the agents' tool policy and must not be on the HTTP deny
 * list (upstream's defaults, `gateway.tools.deny` adds, `gateway.tools.allow`
 * lifts a default); otherwise 404, as if it did not exist. Responses and
 * statuses are upstream's. Runtime-agnostic.
 */
import type { Context } from "hono";
import type { Gateway } from "../gateway.ts";
import { GatewayError } from "../protocol/errors.ts";
import { executeTool } from "../tools/execute.ts";
import { ToolMatcher } from "../tools/policy.ts";
import { z } from "../zod.ts";
import { readJsonBody } from "./body.ts";
import { checkGatewayBearer, type HttpBindings } from "./credentials.ts";

/** Upstream's DEFAULT_BODY_BYTES for this endpoint. */
export const MAX_TOOLS_INVOKE_BODY_BYTES = 2 * 1024 * 1024;
/** A body still unfinished after this is refused 408, as hooks' are. */
const TOOLS_INVOKE_BODY_TIMEOUT_MS = 30_000;

/** Tools HTTP never reaches unless `gateway.tools.allow` names them (upstream's default deny list). */
export const DEFAULT_HTTP_TOOL_DENY: readonly string[] = [
  "exec", "spawn", "shell", "fs_write", "fs_delete", "fs_move", "apply_patch", "sessions_spawn", "sessions_send", "cron", "gateway", "nodes",
];

const request = z.lazy(() => z.looseObject({
  tool: z.optional(z.string()),
  name: z.optional(z.string()),
  action: z.optional(z.string()),
  args: z.optional(z.record(z.string(), z.unknown())),
  sessionKey: z.optional(z.string()),
  agentId: z.optional(z.string()),
  idempotencyKey: z.optional(z.string()),
  dryRun: z.optional(z.boolean()),
}));

const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_TYPE });
}

function failure(status: number, type: string, message: string): Response {
  return reply(status, { ok: false, error: { type, message } });
}

/** Whether HTTP may reach `name` under `gateway.tools`. */
function httpAllows(gw: Gateway, name: string): boolean {
  const cfg = gw.config.gateway?.tools;
  const lifted = new Set((cfg?.allow ?? []).map((n) => n.trim().toLowerCase()));
  if (DEFAULT_HTTP_TOOL_DENY.includes(name) && !lifted.has(name)) return false;
  return !(cfg?.deny && cfg.deny.length > 0 && new ToolMatcher(cfg.deny).matches(name));
}

/** `/tools/invoke` (any method: others get 405); core/http/app.ts imports this module on its first request. */
export function toolsInvokeHandler(gw: Gateway): (c: Context<{ Bindings: HttpBindings }>) => Promise<Response> {
  return async (c) => {
    if (c.req.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8" } });
    const refused = await checkGatewayBearer(gw.limiter, gw.auth, c.env.peer, c.req.header("authorization"));
    if (refused) return refused;
    const body = await readBody(c.req.raw);
    if (body instanceof Response) return body;
    const parsed = request.safeParse(body ?? {});
    if (!parsed.success) return failure(400, "invalid_request", "tools.invoke requires a JSON object body");
    const input = parsed.data;
    const name = (input.name ?? input.tool ?? "").trim();
    if (!name) return failure(400, "invalid_request", "tools.invoke requires name");
    let target: { key: string; agentId: string };
    try {
      target = gw.agents.sessions.resolve(input.sessionKey?.trim() || "main", input.agentId?.trim() || undefined);
    } catch (error) {
      if (error instanceof GatewayError) return failure(400, "invalid_request", error.message);
      throw error;
    }
    await gw.tools.ready();
    const config = gw.config;
    const tool = gw.tools.available(config, target.agentId).find((t) => t.name === name);
    if (!tool || !httpAllows(gw, name)) return failure(404, "not_found", `Tool not available: ${name}`);
    const args: Record<string, unknown> = { ...input.args };
    // `action` joins the args when the tool takes one and the args did not set it.
    const properties = gw.tools.definition(tool).parameters?.properties as Record<string, unknown> | undefined;
    if (input.action && args.action === undefined && properties?.action) args.action = input.action;
    const toolCallId = `http-direct-operator-${input.idempotencyKey?.trim() || crypto.randomUUID()}`;
    const outcome = await executeTool(tool, args, { agentId: target.agentId, sessionKey: target.key, toolCallId, config }, { signal: c.req.raw.signal });
    if (!outcome.isError) {
      return reply(200, { ok: true, result: { content: [{ type: "text", text: outcome.text }], ...(outcome.details !== undefined ? { details: outcome.details } : {}) } });
    }
    if (outcome.kind === "input") return failure(400, "tool_error", outcome.text);
    if (outcome.kind === "forbidden") return failure(403, "tool_error", outcome.text);
    // Internal failures stay in the log; the caller gets upstream's sanitized text.
    gw.options.logger.warn("gateway/http", "tools-invoke: tool execution failed", { tool: name, error: outcome.text.slice(0, 300) });
    return failure(500, "tool_error", "tool execution failed");
  };
}

/** The JSON body, read with the 2 MB limit enforced as it streams (413) and within 30 s (408), or the response refusing it. */
async function readBody(req: Request): Promise<unknown | Response> {
  const body = await readJsonBody(req, { maxBytes: MAX_TOOLS_INVOKE_BODY_BYTES, timeoutMs: TOOLS_INVOKE_BODY_TIMEOUT_MS });
  return body.ok ? body.value : reply(body.status, { error: { message: body.message, type: "invalid_request_error" } });
}
