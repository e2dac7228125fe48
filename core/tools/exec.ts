/**
 * The `exec` tool: a shell command on the gateway host (docs/tools/exec.md),
 * run by core/exec/run-exec.ts under tools.exec policy and exec approvals.
 * Offered only where the shim provides a ProcessHost. Runtime-agnostic.
 */
import { DEFAULT_APPROVAL_TIMEOUT_MS } from "../approvals/approvals.ts";
import { DEFAULT_EXEC_TIMEOUT_SECONDS } from "../exec/config.ts";
import { execArgs, runExec } from "../exec/run-exec.ts";
import type { ToolFactory } from "./services.ts";
import { textResult } from "./tool.ts";

/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const execTool: ToolFactory = (services) => ({
  name: "exec",
  description: "Run a shell command on the gateway host, in the agent's workspace. Returns its output. Commands may need an operator's approval (tools.exec.mode).",
  args: execArgs,
  // The loop's backstop: an approval may wait its full expiry before the command's own timeout starts.
  get timeoutMs() {
    const seconds = (services.config() as { tools?: { exec?: { timeoutSeconds?: unknown } } }).tools?.exec?.timeoutSeconds;
    const command = typeof seconds === "number" ? seconds : DEFAULT_EXEC_TIMEOUT_SECONDS;
    return command === 0 ? MAX_TIMER_MS : Math.min(MAX_TIMER_MS, DEFAULT_APPROVAL_TIMEOUT_MS + command * 1000 + 5_000);
  },
  enabled: () => services.processes !== undefined,
  async run(args, ctx) {
    const processes = services.processes!;
    const out = await runExec(
      { processes, approvals: services.approvals, config: services.config, stateDir: services.stateDir },
      args,
      { agentId: ctx.agentId, sessionKey: ctx.sessionKey, runId: ctx.runId, toolCallId: ctx.toolCallId, signal: ctx.signal },
    );
    return textResult(out.text, out.details);
  },
});
