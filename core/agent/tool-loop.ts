/**
 * The agent's tool loop, one round at a time: each call of the assistant
 * turn that asked for tools runs (core/tools/execute.ts) with `tool` stream
 * events around it (upstream's `start` / `result` payloads) and its result
 * goes back to the model as a `tool` message; the turn and its results become
 * transcript entries the run commits once per round. The loop is bounded:
 * MAX_TOOL_ROUNDS rounds and MAX_RUN_TOOL_OUTPUT_CHARS of tool output per
 * run, on top of the run's own timeout and each call's. Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { toolArguments } from "../sessions/sessions.ts";
import type { TranscriptMessage } from "../store.ts";
import { DEFAULT_MAX_TOOL_OUTPUT_CHARS, executeTool, type ToolCallOutcome } from "../tools/execute.ts";
import type { RegisteredTool } from "../tools/registry.ts";
import type { ToolCall, ToolDefinition, TurnMessage } from "./provider.ts";

/**
 * Rounds of tool calls one run may make before it is stopped. Upstream sets
 * no such count (its loop detector, off by default, breaks a no-progress loop
 * at 30 repeats); clawgate always bounds the loop, at the same 30.
 */
export const MAX_TOOL_ROUNDS = 30;
/** Tool output, in characters, one run may feed back to its model in all. */
export const MAX_RUN_TOOL_OUTPUT_CHARS = 400_000;

/** The tool registry as a run sees it. */
export interface RunTools {
  /** Resolves once the tools are built (on the first run that may offer them). */
  ready(): Promise<void>;
  available(config: OpenClawConfig, agentId: string): RegisteredTool[];
  definition(tool: RegisteredTool): ToolDefinition;
}

/** The tools of one run: by name, and as the model's `tools[]`. */
export interface Toolset {
  byName: ReadonlyMap<string, RegisteredTool>;
  definitions: ToolDefinition[];
}

/** The run's tools, or undefined when policy leaves none (then none are sent). */
export function toolsetFor(tools: RunTools | undefined, config: OpenClawConfig, agentId: string): Toolset | undefined {
  const available = tools?.available(config, agentId) ?? [];
  if (available.length === 0) return undefined;
  return { byName: new Map(available.map((t) => [t.name, t])), definitions: available.map((t) => tools!.definition(t)) };
}

/** What a round uses of the run around it. */
export interface ToolLoopHost<R> {
  config(): OpenClawConfig;
  agentEvent(run: R, data: Record<string, unknown>): void;
}

/** A transcript entry a round produced, for the run to record. */
export type RoundEntry = Omit<TranscriptMessage, "sessionId" | "seq" | "id" | "ts" | "runId">;

/** How a round ended: the transcript entries it produced and, when a bound was reached, why the loop stops. */
export interface RoundOutcome {
  entries: RoundEntry[];
  stop?: string;
}

/** The parts of a run a round reads and advances. */
export interface LoopRun {
  readonly runId: string;
  readonly sessionKey: string;
  readonly request: { target: { agentId: string } };
  readonly controller: AbortController;
  text: string;
  toolRounds: number;
  toolOutputChars: number;
}

/**
 * Runs one round: each call in order, the assistant turn and the results
 * appended to `messages`. The transcript entries come back to the caller,
 * which commits them once per round (one fsync), after the next model
 * request is on its way.
 */
export async function runToolRound<R extends LoopRun>(
  host: ToolLoopHost<R>,
  run: R,
  toolset: Toolset,
  calls: ToolCall[],
  messages: TurnMessage[],
  where: { provider: string; model: string },
): Promise<RoundOutcome> {
  if (run.toolRounds >= MAX_TOOL_ROUNDS) {
    return { entries: [], stop: `Tool loop stopped: the model asked for tools ${MAX_TOOL_ROUNDS} rounds in a row without a final answer (limit ${MAX_TOOL_ROUNDS}).` };
  }
  run.toolRounds++;
  // The text before the calls belongs to this assistant turn; the next turn streams afresh.
  const text = run.text;
  run.text = "";
  messages.push({ role: "assistant", content: text, toolCalls: calls });
  const entries: RoundEntry[] = [{ role: "assistant", text, toolCalls: calls, meta: { stopReason: "toolUse", ...where } }];
  const config = host.config();
  for (const call of calls) {
    host.agentEvent(run, { phase: "start", name: call.name, toolCallId: call.id, args: toolArguments(call.arguments) });
    const budget = MAX_RUN_TOOL_OUTPUT_CHARS - run.toolOutputChars;
    const outcome = await callTool(toolset, call, run, config, Math.max(0, Math.min(DEFAULT_MAX_TOOL_OUTPUT_CHARS, budget)));
    run.toolOutputChars += outcome.text.length;
    host.agentEvent(run, {
      phase: "result",
      name: call.name,
      toolCallId: call.id,
      isError: outcome.isError,
      result: { content: [{ type: "text", text: outcome.text }], ...(outcome.details !== undefined ? { details: outcome.details } : {}) },
    });
    entries.push({ role: "toolResult", text: outcome.text, toolCallId: call.id, toolName: call.name, isError: outcome.isError });
    messages.push({ role: "tool", content: outcome.text, toolCallId: call.id });
  }
  if (run.toolOutputChars >= MAX_RUN_TOOL_OUTPUT_CHARS) {
    return { entries, stop: `Tool loop stopped: tool output reached ${MAX_RUN_TOOL_OUTPUT_CHARS} characters in this run (limit).` };
  }
  return { entries };
}

function callTool(toolset: Toolset, call: ToolCall, run: LoopRun, config: OpenClawConfig, maxOutputChars: number): Promise<ToolCallOutcome> {
  const tool = toolset.byName.get(call.name);
  if (!tool) {
    const known = [...toolset.byName.keys()].join(", ");
    return Promise.resolve({ text: `Tool ${call.name} not found. Available tools: ${known}.`, isError: true, kind: "input" });
  }
  if (maxOutputChars === 0) return Promise.resolve({ text: "Tool output limit for this run reached.", isError: true, kind: "failed" });
  const ctx = { agentId: run.request.target.agentId, sessionKey: run.sessionKey, runId: run.runId, toolCallId: call.id, config };
  return executeTool(tool, call.arguments, ctx, { signal: run.controller.signal, maxOutputChars });
}

/**
 * Stored turns as model messages. Tool calls and their results travel
 * together: a call whose result is not stored, or a result whose call fell
 * outside the window, is left out, since OpenAI-compatible servers refuse
 * either.
 */
export function historyContext(stored: readonly TranscriptMessage[]): TurnMessage[] {
  const answered = new Set(stored.filter((m) => m.role === "toolResult").map((m) => m.toolCallId));
  const asked = new Set<string>();
  const out: TurnMessage[] = [];
  for (const m of stored) {
    if (m.role === "toolResult") {
      if (m.toolCallId && asked.has(m.toolCallId)) out.push({ role: "tool", content: m.text, toolCallId: m.toolCallId });
      continue;
    }
    const calls = m.toolCalls?.filter((c) => answered.has(c.id));
    if (m.role === "assistant" && calls && calls.length > 0) {
      for (const c of calls) asked.add(c.id);
      out.push({ role: "assistant", content: m.text, toolCalls: calls });
    } else if (m.text || m.role === "user") {
      out.push({ role: m.role, content: m.text });
    }
  }
  return out;
}
