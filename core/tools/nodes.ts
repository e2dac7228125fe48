/**
 * `nodes` (upstream's tool and argument names): list and describe the
 * paired nodes and invoke their declared commands through `node.invoke`, so
 * node allowlists, approval and timeouts apply exactly as for an operator.
 * The actions clawgate serves are the ones that return plain JSON; media
 * captures are left out. `system.run` is refused here as upstream refuses it
 * (shell execution belongs to `exec`). Runtime-agnostic.
 */
import { DEFAULT_INVOKE_TIMEOUT_MS } from "../nodes/sessions.ts";
import { z } from "../zod.ts";
import type { RegisteredTool } from "./registry.ts";
import { callGateway, type ToolServices } from "./services.ts";
import { jsonResult, ToolError, type ToolContext } from "./tool.ts";

const ACTIONS = ["status", "describe", "notify", "location_get", "which", "device_status", "device_info", "invoke"] as const;

/** Actions that are one fixed node command with no parameters. */
const READ_COMMANDS: Partial<Record<(typeof ACTIONS)[number], string>> = { device_status: "device.status", device_info: "device.info" };
/** Upstream's BLOCKED_INVOKE_COMMANDS. */
const BLOCKED_INVOKE = new Set(["system.run", "system.run.prepare"]);

const args = z.looseObject({
  action: z.enum(ACTIONS),
  node: z.optional(z.string()),
  title: z.optional(z.string()),
  body: z.optional(z.string()),
  maxAgeMs: z.optional(z.int().check(z.gte(0))),
  desiredAccuracy: z.optional(z.enum(["coarse", "balanced", "precise"])),
  locationTimeoutMs: z.optional(z.int().check(z.gte(1))),
  bins: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(64))),
  invokeCommand: z.optional(z.string()),
  invokeParamsJson: z.optional(z.string()),
  invokeTimeoutMs: z.optional(z.int().check(z.gte(1))),
});
type Args = z.output<typeof args>;

/** The longest a node command may take through this tool (upstream caps its node timeouts the same way). */
const MAX_INVOKE_TIMEOUT_MS = 300_000;

export function nodesTool(services: Pick<ToolServices, "call">): RegisteredTool {
  const READ: ["operator.read"] = ["operator.read"];
  const WRITE: ["operator.write"] = ["operator.write"];

  /** A node by id, display name or IP, as upstream's resolveAgentNodeId matches it. */
  async function resolveNode(context: string, wanted: string | undefined): Promise<string> {
    const needle = wanted?.trim();
    if (!needle) throw new ToolError(`${context}: node required; call nodes with action="status" to list nodes, then retry with node`, "input");
    const { nodes } = (await callGateway(services, context, "node.list", {}, READ)) as { nodes: Record<string, unknown>[] };
    const lower = needle.toLowerCase();
    const match = nodes.find((n) => n.nodeId === needle) ?? nodes.find((n) => String(n.displayName ?? "").toLowerCase() === lower || n.remoteIp === needle);
    if (!match) throw new ToolError(`${context}: unknown node "${needle}"; known: ${nodes.map((n) => n.displayName ?? n.nodeId).join(", ") || "none"}`, "input");
    return String(match.nodeId);
  }

  async function invoke(context: string, a: Args, ctx: ToolContext, command: string, params: unknown, timeoutMs?: number): Promise<Record<string, unknown>> {
    const nodeId = await resolveNode(context, a.node);
    return (await callGateway(services, context, "node.invoke", {
      nodeId, command, params, idempotencyKey: crypto.randomUUID(), sessionKey: ctx.sessionKey, ...(timeoutMs ? { timeoutMs: Math.min(timeoutMs, MAX_INVOKE_TIMEOUT_MS) } : {}),
    }, WRITE)) as Record<string, unknown>;
  }

  return {
    name: "nodes",
    description: "Paired nodes: status lists them; pass node (id, name or IP) to describe one, notify, location_get, which (bins), device_status, device_info, or invoke a declared command (invokeCommand, invokeParamsJson, invokeTimeoutMs).",
    args,
    // Longer than any node timeout it passes on, so node.invoke's own timeout answers first.
    timeoutMs: MAX_INVOKE_TIMEOUT_MS + 5_000,
    async run(a: Args, ctx) {
      const context = `node=${a.node?.trim() || "auto"} action=${a.action}`;
      switch (a.action) {
        case "status":
          return jsonResult(await callGateway(services, context, "node.list", {}, READ));
        case "describe":
          return jsonResult(await callGateway(services, context, "node.describe", { nodeId: await resolveNode(context, a.node) }, READ));
        case "notify": {
          const title = a.title?.trim() ?? "";
          const body = a.body?.trim() ?? "";
          if (!title && !body) throw new ToolError(`${context}: title or body required`, "input");
          await invoke(context, a, ctx, "system.notify", { title, body });
          return jsonResult({ ok: true });
        }
        case "location_get": {
          const res = await invoke(context, a, ctx, "location.get", { maxAgeMs: a.maxAgeMs, desiredAccuracy: a.desiredAccuracy, timeoutMs: a.locationTimeoutMs }, a.locationTimeoutMs ? a.locationTimeoutMs + DEFAULT_INVOKE_TIMEOUT_MS : undefined);
          return jsonResult(res.payload ?? {});
        }
        case "which": {
          if (!a.bins) throw new ToolError(`${context}: bins required`, "input");
          return jsonResult((await invoke(context, a, ctx, "system.which", { bins: a.bins })).payload ?? {});
        }
        case "device_status":
        case "device_info":
          return jsonResult((await invoke(context, a, ctx, READ_COMMANDS[a.action]!, {})).payload ?? {});
        case "invoke": {
          const command = a.invokeCommand?.trim();
          if (!command) throw new ToolError(`${context}: invokeCommand required`, "input");
          if (BLOCKED_INVOKE.has(command.toLowerCase())) throw new ToolError(`${context}: invokeCommand "${command}" is reserved for shell execution; use exec with host=node instead`, "input");
          let params: unknown = {};
          if (a.invokeParamsJson?.trim()) {
            try {
              params = JSON.parse(a.invokeParamsJson);
            } catch (error) {
              throw new ToolError(`${context}: invokeParamsJson must be valid JSON: ${error instanceof Error ? error.message : String(error)}`, "input");
            }
          }
          return jsonResult(await invoke(context, a, ctx, command, params, a.invokeTimeoutMs));
        }
      }
    },
  };
}
