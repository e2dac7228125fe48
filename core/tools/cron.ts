/**
 * `cron` (upstream's tool and argument names): the agent's scheduled jobs
 * through the existing scheduler's `cron.*` methods, so a job an agent adds
 * is validated, stored and run exactly like one an operator adds. A job the
 * agent adds belongs to that agent unless it names another. Runtime-agnostic.
 */
import { z } from "../zod.ts";
import type { RegisteredTool } from "./registry.ts";
import { callGateway, type ToolServices } from "./services.ts";
import { jsonResult, ToolError } from "./tool.ts";

const ACTIONS = ["status", "list", "get", "add", "update", "remove", "run", "runs"] as const;

const args = z.looseObject({
  action: z.enum(ACTIONS),
  /** action=add: the whole job (cron.add's shape); action=update: the fields to change. */
  job: z.optional(z.record(z.string(), z.unknown())),
  jobId: z.optional(z.string()),
  id: z.optional(z.string()),
  includeDisabled: z.optional(z.boolean()),
  limit: z.optional(z.int().check(z.gte(1), z.lte(200))),
  offset: z.optional(z.int().check(z.gte(0))),
  runMode: z.optional(z.enum(["due", "force"])),
});
type Args = z.output<typeof args>;

export function cronTool(services: Pick<ToolServices, "call">): RegisteredTool {
  // cron.* changes need admin (owner-only upstream too); reads need read.
  const READ: ["operator.read"] = ["operator.read"];
  const ADMIN: ["operator.admin"] = ["operator.admin"];
  return {
    name: "cron",
    description: "Scheduled jobs: status, list, get, add (job: name, schedule {kind at|every|cron}, sessionTarget, wakeMode, payload {kind systemEvent|agentTurn}), update (jobId + job fields to change), remove, run (runMode due|force), runs (run log).",
    args,
    async run(a: Args, ctx) {
      const context = `action=${a.action}`;
      const id = a.jobId ?? a.id;
      const needId = (): string => {
        if (!id?.trim()) throw new ToolError(`${context}: jobId required`, "input");
        return id.trim();
      };
      const needJob = (): Record<string, unknown> => {
        if (!a.job) throw new ToolError(`${context}: job required`, "input");
        return a.job;
      };
      switch (a.action) {
        case "status":
          return jsonResult(await callGateway(services, context, "cron.status", {}, READ));
        case "list":
          return jsonResult(await callGateway(services, context, "cron.list", { includeDisabled: a.includeDisabled, limit: a.limit, offset: a.offset }, READ));
        case "get":
          return jsonResult(await callGateway(services, context, "cron.get", { id: needId() }, READ));
        case "add": {
          const job = needJob();
          return jsonResult(await callGateway(services, context, "cron.add", { ...job, agentId: job.agentId ?? ctx.agentId }, ADMIN));
        }
        case "update":
          return jsonResult(await callGateway(services, context, "cron.update", { id: needId(), patch: needJob() }, ADMIN));
        case "remove":
          return jsonResult(await callGateway(services, context, "cron.remove", { id: needId() }, ADMIN));
        case "run":
          return jsonResult(await callGateway(services, context, "cron.run", { id: needId(), mode: a.runMode ?? "due" }, ADMIN));
        case "runs":
          return jsonResult(await callGateway(services, context, "cron.runs", { id: needId() }, READ));
      }
    },
  };
}
