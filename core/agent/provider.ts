/**
 * The agent runtime contract: a model provider streams one session turn as
 * text deltas and stops as soon as the turn's AbortSignal fires.
 * Runtime-agnostic.
 */

/** One message of the conversation handed to a model. */
export interface TurnMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** Tool calls an assistant message made (OpenAI-compatible follow-up turns). */
  toolCalls?: ToolCall[];
  /** The call a `tool` message answers. */
  toolCallId?: string;
}

/** Why the gateway runs a turn; the embedded agent answers heartbeats differently. */
export type TurnPurpose = "chat" | "heartbeat" | "cron";

/** Sampling knobs forwarded best-effort (§10 OpenAI-compatible request fields). */
export interface SamplingParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  stop?: string[];
}

/** A client-declared function tool (OpenAI `tools[]` entry, type "function"). */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

/** A function call the model asked for; `arguments` is a JSON string. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface TurnRequest {
  /** Provider-local model id (the part after `<provider>/`). */
  model: string;
  messages: TurnMessage[];
  signal: AbortSignal;
  purpose: TurnPurpose;
  sampling?: SamplingParams;
  tools?: ToolDefinition[];
  toolChoice?: unknown;
}

export interface TurnUsage {
  input: number;
  output: number;
  total: number;
}

export type StopReason = "stop" | "length" | "tool_calls" | "content_filter";

/** What a provider yields: text as it arrives, then exactly one `done`. */
export type TurnChunk =
  | { type: "delta"; text: string }
  | { type: "done"; stopReason: StopReason; usage?: TurnUsage; toolCalls?: ToolCall[] };

/** A model backend. `stream` throws ProviderError for upstream failures. */
export interface ModelProvider {
  readonly id: string;
  stream(request: TurnRequest): AsyncIterable<TurnChunk>;
}
