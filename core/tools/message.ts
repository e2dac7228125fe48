/**
 * `message` (upstream's tool; its `send` action): a message to a channel
 * target through the gateway's own `send` method, so the channel is chosen,
 * checked and delivered exactly as an operator's send is (the named channel,
 * else the only configured one), with its refusals passed back to the model.
 * Runtime-agnostic.
 */
import { z } from "../zod.ts";
import type { RegisteredTool } from "./registry.ts";
import { callGateway, type ToolServices } from "./services.ts";
import { jsonResult, ToolError } from "./tool.ts";

const args = z.looseObject({
  action: z.enum(["send"]),
  channel: z.optional(z.string()),
  target: z.optional(z.string()),
  accountId: z.optional(z.string()),
  message: z.optional(z.string()),
  replyTo: z.optional(z.string()),
  threadId: z.optional(z.string()),
});
type Args = z.output<typeof args>;

export function messageTool(services: Pick<ToolServices, "call">): RegisteredTool {
  return {
    name: "message",
    description: "Send a message to a channel target (action=send: target, message; channel when several are configured; accountId, replyTo, threadId optional).",
    args,
    async run(a: Args, ctx) {
      const context = `action=${a.action}`;
      const target = a.target?.trim();
      if (!target) throw new ToolError(`${context}: target required`, "input");
      if (!a.message?.trim()) throw new ToolError(`${context}: message required`, "input");
      const sent = await callGateway(services, context, "send", {
        to: target,
        message: a.message,
        ...(a.channel ? { channel: a.channel } : {}),
        ...(a.accountId ? { accountId: a.accountId } : {}),
        ...(a.replyTo ? { replyToId: a.replyTo } : {}),
        ...(a.threadId ? { threadId: a.threadId } : {}),
        agentId: ctx.agentId,
        sessionKey: ctx.sessionKey,
        // One tool call delivers once, however often the loop or a client retries it.
        idempotencyKey: `tool:${ctx.runId ?? "direct"}:${ctx.toolCallId}`,
      }, ["operator.write"]);
      return jsonResult(sent);
    },
  };
}
