/**
 * `clawgate agent --message "..."`: one agent turn through the running
 * gateway (`agent`, waiting for its final reply), with `openclaw agent`'s
 * flags. The CLI makes the idempotency key, so chatting from a shell needs
 * no `gateway call agent --params '{…"idempotencyKey"…}'`. Exit 0 for a
 * completed turn, 1 otherwise, as upstream.
 */
import { readFileSync, statSync } from "node:fs";
import type { Values } from "./args.ts";
import { EXIT, fail, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";

/** Upstream's cap on `--message-file`. */
const MAX_MESSAGE_FILE_BYTES = 4 * 1024 * 1024;
/** Upstream's default turn timeout, in seconds. */
const DEFAULT_TURN_SECONDS = 600;
/** How long the connection outlives the turn's own timeout, for the final reply to arrive. */
const REPLY_GRACE_MS = 30_000;

interface AgentResponse {
  runId?: string;
  status?: string;
  summary?: string;
  result?: { payloads?: { text?: string }[] };
}

function readMessage(v: Values): string | { error: string } {
  const inline = v.message as string | undefined;
  const file = v["message-file"] as string | undefined;
  if (inline !== undefined && file !== undefined) return { error: "Use either --message or --message-file, not both." };
  if (file !== undefined) {
    try {
      if (statSync(file).size > MAX_MESSAGE_FILE_BYTES) return { error: `--message-file ${file} is larger than 4 MiB.` };
      return readFileSync(file, "utf8");
    } catch (error) {
      return { error: `Cannot read --message-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
    }
  }
  return inline ?? "";
}

/** Runs one turn; prints its reply (or the final response with --json). */
export async function agentCommand(v: Values, flags: CommandFlags): Promise<number> {
  for (const flag of ["agent", "session-id", "session-key", "to"]) {
    const value = v[flag] as string | undefined;
    if (value !== undefined && !value.trim()) return fail(`--${flag} must not be blank`);
  }
  const message = readMessage(v);
  if (typeof message !== "string") return fail(message.error);
  if (!message.trim()) return fail('Missing message. Use clawgate agent --message "..." --agent <id> or clawgate agent --message-file <path> --agent <id>.');
  const seconds = (v.timeout as number | undefined) ?? DEFAULT_TURN_SECONDS;
  const str = (name: string) => (v[name] as string | undefined)?.trim();
  const params = {
    message,
    ...(str("agent") ? { agentId: str("agent") } : {}),
    ...(str("session-id") ? { sessionId: str("session-id") } : {}),
    ...(str("session-key") ? { sessionKey: str("session-key") } : {}),
    ...(str("to") ? { to: str("to") } : {}),
    ...(str("thinking") ? { thinking: str("thinking") } : {}),
    ...(str("model") ? { model: str("model") } : {}),
    timeout: seconds,
    idempotencyKey: crypto.randomUUID(),
  };
  const json = v.json === true;
  const result = await rpc<AgentResponse>({ ...flags, json }, "agent", params, undefined, { expectFinal: true, timeoutMs: seconds * 1000 + REPLY_GRACE_MS });
  if (!result.ok) return report({ ...flags, json }, result.failure);
  const response = result.payload;
  const done = response.status === "ok" || response.status === "completed";
  if (json) printJson(response);
  else {
    const texts = (response.result?.payloads ?? []).map((p) => p.text).filter((t): t is string => Boolean(t));
    if (texts.length > 0) process.stdout.write(texts.join("\n") + "\n");
    else if (!done) process.stdout.write(`${response.summary || "No reply from agent."}\n`);
  }
  return done ? EXIT.ok : EXIT.failure;
}
