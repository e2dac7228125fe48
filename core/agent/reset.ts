/**
 * `/new` and `/reset`, upstream's session-reset commands, as `chat.send` and
 * `agent` both take them: the session's runs stop and a fresh transcript
 * starts. Runtime-agnostic.
 */
import type { Sessions, SessionTarget } from "../sessions/sessions.ts";
import type { SessionRecord } from "../store.ts";
import { RunStop, type AgentRuns } from "./runs.ts";

const RESET_COMMAND = /^\/(new|reset)(?:\s+[\s\S]*)?$/i;

/** The reset a message asks for (`/new` or `/reset`, any case, text may follow), or undefined. */
export function resetCommand(message: string): "new" | "reset" | undefined {
  const m = RESET_COMMAND.exec(message.trim());
  return m ? (m[1]!.toLowerCase() as "new" | "reset") : undefined;
}

/** Stops the session's runs and starts its fresh transcript; returns it with upstream's acknowledgement. */
export function resetSession(agents: { sessions: Sessions; runs: AgentRuns }, target: SessionTarget, kind: "new" | "reset"): { session: SessionRecord; text: string } {
  const { sessions, runs } = agents;
  for (const run of runs.activeFor(target.key)) runs.abort(run.runId, new RunStop("rpc"));
  const session = sessions.reset(sessions.ensure(target));
  return { session, text: kind === "new" ? "✅ New session started." : "✅ Session reset." };
}
