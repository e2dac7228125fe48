/**
 * Runs one tool call under the loop's bounds: arguments parsed (a JSON
 * string from the model, an object from `/tools/invoke`) and validated, the
 * call aborted at its timeout or when the run stops, and its text cut at the
 * output bound. Every failure becomes a result the model can read; nothing
 * here throws. Runtime-agnostic.
 */
import { formatIssues } from "../protocol/validation.ts";
import { resultText, ToolError, type Tool, type ToolContext } from "./tool.ts";

/** Upstream's default per-result size the model sees (DEFAULT_MAX_LIVE_TOOL_RESULT_CHARS). */
export const DEFAULT_MAX_TOOL_OUTPUT_CHARS = 16_000;
/** A call that has not answered by then is aborted and reported as timed out. */
export const DEFAULT_TOOL_TIMEOUT_MS = 120_000;

/** How one call ended. `kind` says why a failed call failed (HTTP status on `/tools/invoke`). */
export interface ToolCallOutcome {
  text: string;
  details?: unknown;
  isError: boolean;
  kind?: "input" | "forbidden" | "failed" | "timeout" | "aborted";
  truncated?: boolean;
}

export interface ExecuteOptions {
  signal: AbortSignal;
  timeoutMs?: number;
  maxOutputChars?: number;
}

/** Runs `tool` with raw arguments; resolves with its outcome whatever the tool does. */
export async function executeTool(
  tool: Tool,
  rawArgs: unknown,
  ctx: Omit<ToolContext, "signal" | "maxOutputChars">,
  options: ExecuteOptions,
): Promise<ToolCallOutcome> {
  const maxOutputChars = options.maxOutputChars ?? DEFAULT_MAX_TOOL_OUTPUT_CHARS;
  const args = parseArgs(tool, rawArgs);
  if ("error" in args) return { text: args.error, isError: true, kind: "input" };
  if (options.signal.aborted) return { text: "Tool call aborted.", isError: true, kind: "aborted" };
  const timeoutMs = tool.timeoutMs ?? options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new ToolError(`Tool ${tool.name} timed out after ${timeoutMs} ms.`));
  }, timeoutMs);
  const onAbort = () => controller.abort(options.signal.reason);
  options.signal.addEventListener("abort", onAbort, { once: true });
  // A tool that ignores its signal must not hold the run: the call ends when the signal fires.
  const stopped = new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }));
  stopped.catch(() => {});
  try {
    const result = await Promise.race([tool.run(args.value, { ...ctx, signal: controller.signal, maxOutputChars }), stopped]);
    return { ...bound(resultText(result), maxOutputChars), details: result.details, isError: false };
  } catch (error) {
    if (timedOut) return { text: `Tool ${tool.name} timed out after ${timeoutMs} ms.`, isError: true, kind: "timeout" };
    if (options.signal.aborted) return { text: "Tool call aborted.", isError: true, kind: "aborted" };
    if (error instanceof ToolError) return { ...bound(error.message, maxOutputChars), isError: true, kind: error.kind };
    return { ...bound(`Tool ${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`, maxOutputChars), isError: true, kind: "failed" };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
  }
}

function parseArgs(tool: Tool, raw: unknown): { value: unknown } | { error: string } {
  let value = raw;
  if (typeof raw === "string") {
    if (raw.trim() === "") value = {};
    else {
      try {
        value = JSON.parse(raw);
      } catch (error) {
        return { error: `Invalid arguments for ${tool.name}: not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
      }
    }
  }
  const parsed = tool.args.safeParse(value ?? {}, { reportInput: true });
  if (!parsed.success) return { error: `Invalid arguments for ${tool.name}: ${formatIssues(parsed.error.issues)}` };
  return { value: parsed.data };
}

/** Cuts text at `max` characters, saying so, so the model knows it saw only part. */
function bound(text: string, max: number): { text: string; truncated?: boolean } {
  if (text.length <= max) return { text };
  const note = `\n[output truncated: ${text.length} characters, showing the first ${max}]`;
  return { text: text.slice(0, Math.max(0, max - note.length)) + note, truncated: true };
}
