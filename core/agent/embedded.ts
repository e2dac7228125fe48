/**
 * The embedded agent: answers out of the box with no network and no model.
 * It is deterministic (same conversation, same reply), reads the session's
 * earlier turns so it keeps context, and tells the user how to configure a
 * real model. When the gateway offers it `web_fetch` and the user's message
 * names a URL, it fetches the page and answers with its title and opening
 * text, so the tool loop works with no model at all. Runtime-agnostic.
 */
import type { ModelProvider, ToolCall, TurnChunk, TurnMessage, TurnRequest } from "./provider.ts";

/** The model ref that selects this agent explicitly (e.g. as the last fallback). */
export const EMBEDDED_MODEL_REF = "clawgate/embedded";

/** Upstream's silent heartbeat acknowledgment. */
export const SILENT_REPLY = "NO_REPLY";
/** Replies that mean "nothing to say" (upstream's silent tokens, HEARTBEAT_OK the legacy one): never shown or delivered. */
export const SILENT_REPLIES: ReadonlySet<string> = new Set([SILENT_REPLY, "HEARTBEAT_OK"]);

export const SETUP_HINT =
  "To use a real model, add an OpenAI-compatible provider under models.providers in openclaw.json " +
  "(baseUrl, apiKey or ${ENV_VAR}, models[]) and set agents.defaults.model to \"<provider>/<model>\" — " +
  "for a local Ollama: models.providers.ollama = { baseUrl: \"http://127.0.0.1:11434/v1\", models: [{ id: \"llama3.2\" }] } " +
  "and agents.defaults.model = \"ollama/llama3.2\".";

export class EmbeddedProvider implements ModelProvider {
  readonly id = "clawgate";

  async *stream(request: TurnRequest): AsyncGenerator<TurnChunk> {
    const call = request.purpose === "chat" ? fetchCall(request) : undefined;
    if (call) {
      yield { type: "done", stopReason: "tool_calls", toolCalls: [call] };
      return;
    }
    const last = request.messages.at(-1);
    const reply = last?.role === "tool" ? toolReply(last.content) : request.purpose === "heartbeat" ? heartbeatReply(request.messages) : chatReply(request.messages);
    for (const piece of pieces(reply)) {
      // Yield to the event loop between pieces so an abort can land mid-reply, as with a real model.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (request.signal.aborted) throw request.signal.reason;
      yield { type: "delta", text: piece };
    }
    const input = request.messages.reduce((n, m) => n + words(m.content), 0);
    const output = words(reply);
    yield { type: "done", stopReason: "stop", usage: { input, output, total: input + output } };
  }
}

/** A reply built only from the conversation itself. */
export function chatReply(messages: readonly TurnMessage[]): string {
  const users = messages.filter((m) => m.role === "user").map((m) => m.content.trim());
  const current = users.at(-1) ?? "";
  const earlier = users.slice(0, -1);
  const name = rememberedName(users);
  const parts: string[] = [];

  if (/^(what('| i)s|do you (know|remember)) my name\??$/i.test(current.replace(/[.!]+$/, ""))) {
    parts.push(name ? `Your name is ${name}.` : "You haven't told me your name yet.");
  } else if (nameIn(current)) {
    parts.push(`Nice to meet you, ${nameIn(current)}.`);
  } else if (current) {
    parts.push(`You said: "${clip(current, 200)}".`);
  }
  if (earlier.length === 0) {
    parts.push("I'm the embedded clawgate agent: I run without any model, so I can only keep track of this conversation, not think about it.");
    parts.push(SETUP_HINT);
  } else {
    parts.push(`This is message ${earlier.length + 1} in this session; before this you said: "${clip(earlier.at(-1)!, 120)}".`);
    parts.push("I'm still the embedded placeholder agent; configure a real model under models.providers and agents.defaults.model for real answers.");
  }
  return parts.join(" ");
}

/** A web_fetch of the URL in the user's newest message, when the tool is offered and this turn has not fetched yet. */
function fetchCall(request: TurnRequest): ToolCall | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== "user" || !request.tools?.some((t) => t.name === "web_fetch")) return undefined;
  const url = /\bhttps?:\/\/[^\s<>"']+/.exec(last.content)?.[0]?.replace(/[.,;:!?)]+$/, "");
  return url ? { id: "embedded_fetch_1", name: "web_fetch", arguments: JSON.stringify({ url, extractMode: "text" }) } : undefined;
}

/** What a fetched page says (its title and opening), or the tool's error as it came. */
function toolReply(content: string): string {
  try {
    const page = JSON.parse(content) as { title?: string; text?: string; finalUrl?: string };
    if (typeof page.text === "string") {
      return `${page.title ? `"${page.title}"` : page.finalUrl ?? "The page"} says: ${clip(page.text, 600)}`;
    }
  } catch {
    // Not JSON: a tool error, shown as it is.
  }
  return `The tool answered: ${clip(content, 600)}`;
}

/** Heartbeats stay silent unless queued system events need surfacing. */
function heartbeatReply(messages: readonly TurnMessage[]): string {
  const last = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  const events = last.split("\n").filter((l) => l.startsWith("System: ")).map((l) => l.slice("System: ".length).trim());
  return events.length === 0 ? SILENT_REPLY : events.join("\n");
}

function nameIn(text: string): string | undefined {
  const m = /\b(?:my name is|call me)\s+([A-Za-z][\w'-]{0,40})/i.exec(text);
  return m ? m[1] : undefined;
}

function rememberedName(users: readonly string[]): string | undefined {
  for (let i = users.length - 1; i >= 0; i--) {
    const name = nameIn(users[i]!);
    if (name) return name;
  }
  return undefined;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Splits a reply into word-sized stream pieces that concatenate back to it exactly. */
function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
