/**
 * The tool contract: what an agent tool is, what it is handed when it runs and
 * what it answers. A tool is a name, a description the model reads, a zod
 * schema for its arguments (the JSON Schema the model sees is derived from it)
 * and `run`, which must stop when its AbortSignal fires. The loop that calls
 * tools (core/agent/tool-loop.ts) bounds time and output; a tool only has to
 * honour the signal and may use `ctx.maxOutputChars` to avoid building output
 * that would be cut anyway. Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import type { z } from "../zod.ts";

/** One content block of a tool result (upstream's AgentToolResult content). */
export interface ToolContent {
  type: "text";
  text: string;
}

/** What a tool answers: text for the model, structured `details` for clients (upstream's shape). */
export interface ToolResult {
  content: ToolContent[];
  details?: unknown;
}

/** Where and for whom a tool call runs. */
export interface ToolContext {
  /** Fires on chat.abort, the run's timeout, the call's own timeout or gateway shutdown. */
  signal: AbortSignal;
  agentId: string;
  sessionKey: string;
  /** The agent run this call belongs to; absent for `POST /tools/invoke`. */
  runId?: string;
  toolCallId: string;
  /** The result text the model will see is cut at this many characters. */
  maxOutputChars: number;
  /** The live config at the time of the call. */
  config: OpenClawConfig;
}

/** An agent tool. `A` is the parsed argument type. */
export interface Tool<A = any> {
  readonly name: string;
  readonly description: string;
  /** Arguments as the model sends them; a parse failure goes back to the model as a tool error. */
  readonly args: z.ZodMiniType<A>;
  /** How long one call may take before it is aborted; the loop's default applies when absent. */
  readonly timeoutMs?: number;
  run(args: A, ctx: ToolContext): Promise<ToolResult>;
}

/**
 * A failure the model (or the `/tools/invoke` caller) should read: bad input,
 * a refused target, a failed fetch. `kind` maps to upstream's HTTP statuses:
 * `input` 400, `forbidden` 403, `failed` 500.
 */
export class ToolError extends Error {
  constructor(message: string, readonly kind: "input" | "forbidden" | "failed" = "failed") {
    super(message);
    this.name = "ToolError";
  }
}

/** A plain-text result. */
export function textResult(text: string, details?: unknown): ToolResult {
  return details === undefined ? { content: [{ type: "text", text }] } : { content: [{ type: "text", text }], details };
}

/** A JSON result, pretty-printed for the model as upstream's jsonResult does. */
export function jsonResult(payload: unknown): ToolResult {
  return textResult(JSON.stringify(payload, null, 2) ?? "null", payload);
}

/** The text of a result, as the model receives it. */
export function resultText(result: ToolResult): string {
  return result.content.map((c) => c.text).join("\n");
}
