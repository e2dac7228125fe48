/**
 * The embedded agent: answers out of the box with no network and no model.
 * It is deterministic (same conversation, same reply), reads the session's
 * earlier turns so it keeps context, and tells the user how to configure a
 * real model. Runtime-agnostic.
 */
import type { ModelProvider, TurnChunk, TurnMessage, TurnRequest } from "./provider.ts";

/** The model ref that selects this agent explicitly (e.g. as the last fallback). */
export const EMBEDDED_MODEL_REF = "clawgate/embedded";

/** Upstream's silent heartbeat acknowledgment. */
export const SILENT_REPLY = "NO_REPLY";

export const SETUP_HINT =
  "To use a real model, add an OpenAI-compatible provider under models.providers in openclaw.json " +
  "(baseUrl, apiKey or ${ENV_VAR}, models[]) and set agents.defaults.model to \"<provider>/<model>\" — " +
  "for a local Ollama: models.providers.ollama = { baseUrl: \"http://127.0.0.1:11434/v1\", models: [{ id: \"llama3.2\" }] } " +
  "and agents.defaults.model = \"ollama/llama3.2\".";

export class EmbeddedProvider implements ModelProvider {
  readonly id = "clawgate";

  async *stream(request: TurnRequest): AsyncGenerator<TurnChunk> {
    const reply = request.purpose === "heartbeat" ? heartbeatReply(request.messages) : chatReply(request.messages);
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
