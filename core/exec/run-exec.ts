/**
 * One `exec` call on the gateway host, start to end: the policy in force
 * (tools.exec.mode, the host approvals document, the call's `ask`), the
 * allowlist check, an approval request when the policy asks (waiting for an
 * operator; allow-always adds the command to the agent's allowlist), then
 * the command in the agent's workspace through the shim's ProcessHost, its
 * tree killed on timeout or abort and its output bounded.
 * Runtime-agnostic.
 */
import { z } from "../zod.ts";
import { buildRequest, TOO_MANY_PENDING, type ExecApprovals } from "../approvals/approvals.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { ProcessHost, ProcessOutcome } from "../runtime.ts";
import type { ExecApprovalRecord } from "../store.ts";
import { splitCommand } from "./command.ts";
import { execSettings } from "./config.ts";
import { exactArgPattern, judge, maxAsk, minSecurity, MODES, type JudgedSegment } from "./policy.ts";
import { agentWorkspace } from "./workspace.ts";
import { ToolError } from "../tools/tool.ts";

/** Bytes kept of stdout and of stderr each; the tool loop cuts what the model sees further. */
const MAX_OUTPUT_BYTES = 256 * 1024;

/** The model's arguments (upstream's names); parameters clawgate has no use for (yieldMs, pty, …) are ignored. */
export const execArgs = z.object({
  command: z.string().check(z.trim(), z.minLength(1)),
  workdir: z.optional(z.string()),
  env: z.optional(z.record(z.string(), z.string())),
  timeoutSeconds: z.optional(z.int().check(z.gte(0))),
  ask: z.optional(z.enum(["off", "on-miss", "always"])),
  host: z.optional(z.enum(["auto", "sandbox", "gateway", "node"])),
});
export type ExecArgs = z.output<typeof execArgs>;

/** Where the call comes from. */
export interface ExecCall {
  agentId: string;
  sessionKey: string;
  runId?: string;
  toolCallId: string;
  signal: AbortSignal;
}

/** What `exec` uses from the gateway. */
export interface ExecDeps {
  processes: ProcessHost;
  approvals: ExecApprovals;
  config(): OpenClawConfig;
  stateDir: string;
}

/** The command's output for the model and its facts for clients. */
export interface ExecOutcome {
  text: string;
  details: Record<string, unknown>;
}

/** Environment names a call may not set on the host (upstream: PATH and loader overrides). */
function blockedEnv(name: string): boolean {
  return name === "PATH" || name.startsWith("LD_") || name.startsWith("DYLD_");
}

/** The gateway's own credentials never reach a command the model wrote. */
const GATEWAY_SECRETS = ["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"];

function expandHome(path: string, home: string | undefined): string {
  return home && (path === "~" || path.startsWith("~/")) ? home + path.slice(1) : path;
}

/** Waits for an approval's end, or the call's abort (which withdraws the request). */
function decision(approvals: ExecApprovals, record: ExecApprovalRecord, signal: AbortSignal): Promise<ExecApprovalRecord> {
  const waiting = approvals.wait(record.id)!;
  if (signal.aborted) return Promise.resolve(approvals.expire(record.id, "run-aborted") ?? record);
  return new Promise((resolve) => {
    const onAbort = () => resolve(approvals.expire(record.id, "run-aborted") ?? record);
    signal.addEventListener("abort", onAbort, { once: true });
    void waiting.then((done) => {
      signal.removeEventListener("abort", onAbort);
      resolve(done);
    });
  });
}

function describe(out: ProcessOutcome): string {
  const text = [out.stdout, out.stderr].filter((s) => s.length > 0).join(out.stdout.endsWith("\n") || !out.stderr ? "" : "\n");
  const notes: string[] = [];
  if (out.truncated) notes.push(`(output truncated to ${MAX_OUTPUT_BYTES} bytes per stream)`);
  if (out.exitCode !== null && out.exitCode !== 0) notes.push(`(Command exited with code ${out.exitCode})`);
  const body = text.length > 0 ? text : "(no output)";
  return notes.length > 0 ? `${body.replace(/\n$/, "")}\n\n${notes.join("\n")}` : body;
}

/** The command's environment: the gateway's, the call's overrides, PATH with tools.exec.pathPrepend first. */
function commandEnv(base: Record<string, string>, overrides: Record<string, string> | undefined, pathPrepend: string[]): Record<string, string> {
  for (const name of Object.keys(overrides ?? {})) {
    if (blockedEnv(name)) throw new ToolError(`exec env may not set ${name} on the gateway host`, "input");
  }
  const path = [...pathPrepend.map((p) => expandHome(p, base.HOME)), base.PATH ?? "/usr/local/bin:/usr/bin:/bin"].join(":");
  const env: Record<string, string> = { ...base, ...overrides, PATH: path, OPENCLAW_SHELL: "exec" };
  for (const name of GATEWAY_SECRETS) delete env[name];
  return env;
}

/** What the approval step needs to know about the call. */
interface Pending {
  command: string;
  segments: string[][] | undefined;
  judged: { satisfied: boolean; segments: JudgedSegment[] };
  cwd: string;
  security: string;
  ask: string;
  askFallback: string;
}

/**
 * Asks an operator and waits; returns the approval id once the command may
 * run, throws the refusal otherwise. Allow-always adds each segment, with its
 * exact arguments, to the agent's allowlist.
 */
async function approve(deps: ExecDeps, call: ExecCall, p: Pending): Promise<string> {
  if (deps.approvals.full()) throw new ToolError(`exec denied: ${TOO_MANY_PENDING}`, "failed");
  const record = deps.approvals.create(buildRequest({
    command: p.command, commandArgv: p.segments?.length === 1 ? p.segments[0] : undefined, cwd: p.cwd, host: "gateway", security: p.security, ask: p.ask,
    agentId: call.agentId, sessionKey: call.sessionKey, resolvedPath: p.judged.segments[0]?.resolvedPath, runId: call.runId, toolCallId: call.toolCallId,
  }), { fromRun: call.runId !== undefined });
  const done = await decision(deps.approvals, record, call.signal);
  if (done.terminalReason === "run-aborted") throw new ToolError("exec aborted while waiting for approval", "failed");
  if (done.decision === "deny") throw new ToolError(`exec denied by operator (approval ${done.id})`, "forbidden");
  if (done.decision === undefined) {
    // No decision (nobody to ask, or it expired): upstream's askFallback decides.
    const why = done.terminalReason === "no-approval-route" ? "no operator with operator.approvals is connected" : "the approval request expired";
    if (p.askFallback === "deny" || (p.askFallback === "allowlist" && !p.judged.satisfied)) {
      throw new ToolError(`exec denied: ${why} (askFallback: ${p.askFallback}); allowlist the command or set tools.exec.mode`, "forbidden");
    }
  }
  // An unanalyzable line cannot be matched later, so allow-always runs it once.
  if (done.decision === "allow-always" && p.segments && p.ask !== "always") {
    deps.approvals.addToAllowlist(call.agentId, p.judged.segments.map((s) => ({
      pattern: s.resolvedPath ?? s.argv[0]!, argPattern: exactArgPattern(s.argv.slice(1)), source: "allow-always",
      ...(s.resolvedPath ? { lastResolvedPath: s.resolvedPath } : {}),
    })));
  }
  return done.id;
}

/** The steps of one call: policy, environment, allowlist, approval, then the command. */
export async function runExec(deps: ExecDeps, args: ExecArgs, call: ExecCall): Promise<ExecOutcome> {
  if (args.host === "sandbox" || args.host === "node") throw new ToolError(`exec host=${args.host} is not available on this gateway; use host=gateway`, "input");
  const config = deps.config();
  let settings;
  try {
    settings = execSettings(config, call.agentId);
  } catch (error) {
    throw new ToolError((error as Error).message, "failed");
  }
  const requested = MODES[settings.mode];
  const host = deps.approvals.policyFor(call.agentId);
  const security = minSecurity(requested.security, host.security);
  // A per-call ask only hardens (upstream).
  const ask = maxAsk(maxAsk(requested.ask, host.ask), args.ask ?? "off");
  if (security === "deny") throw new ToolError("exec denied: tools.exec.mode is deny for this agent", "forbidden");

  const base = deps.processes.env();
  const env = commandEnv(base, args.env, settings.pathPrepend);
  const workspace = agentWorkspace(config, call.agentId, deps.stateDir, base.HOME);
  const cwd = args.workdir ? (args.workdir.startsWith("/") ? args.workdir : `${workspace}/${args.workdir}`) : workspace;

  const segments = splitCommand(args.command);
  const judged = segments
    ? judge(segments, { allowlist: host.allowlist, safeBins: settings.safeBins, which: (name) => deps.processes.which(name, env.PATH!), home: base.HOME, cwd })
    : { satisfied: false, segments: [] as JudgedSegment[] };
  const allowlisted = security === "full" || judged.satisfied;
  let approvalId: string | undefined;
  if (ask === "always" || (ask === "on-miss" && !allowlisted)) {
    approvalId = await approve(deps, call, { command: args.command, segments, judged, cwd, security, ask, askFallback: host.askFallback });
  } else if (!allowlisted) {
    throw new ToolError("exec denied: allowlist miss (tools.exec.mode allowlist); add the command with `clawgate approvals allowlist add`", "forbidden");
  }

  const timeoutSeconds = args.timeoutSeconds ?? settings.timeoutSeconds;
  const out = await deps.processes.run({
    command: args.command, cwd, createCwd: cwd === workspace, env, timeoutMs: timeoutSeconds * 1000, maxOutputBytes: MAX_OUTPUT_BYTES, signal: call.signal,
  }).catch((error: unknown) => {
    throw new ToolError(`exec failed to start: ${(error as Error).message}`, "failed");
  });
  // Upstream's outcomes: a normal exit is "completed" whatever its code, except the shell's 126/127.
  if (out.timedOut) throw new ToolError(`Command timed out after ${timeoutSeconds} seconds. Its process tree was killed.\n${describe(out)}`, "failed");
  if (out.aborted) throw new ToolError("Command aborted; its process tree was killed.", "failed");
  if (out.signal) throw new ToolError(`Command aborted by signal ${out.signal}`, "failed");
  if (out.exitCode === 127) throw new ToolError(`Command not found\n${describe(out)}`, "failed");
  if (out.exitCode === 126) throw new ToolError(`Command not executable (permission denied)\n${describe(out)}`, "failed");
  return {
    text: describe(out),
    details: {
      status: "completed", exitCode: out.exitCode, durationMs: Math.round(out.durationMs), cwd,
      ...(approvalId ? { approvalId } : {}),
    },
  };
}
