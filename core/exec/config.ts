/**
 * `tools.exec` (and `agents.entries.<id>.tools.exec`, which wins key by key):
 * the keys of upstream's exec tool that clawgate reads. Runtime-agnostic.
 */
import type { z } from "../zod.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { agentEntry } from "../config/agents.ts";
import { formatIssues } from "../protocol/validation.ts";
import { execConfigSchema } from "./config-schema.ts";
import { DEFAULT_EXEC_MODE, type ExecMode } from "./policy.ts";

/** Upstream's default per-command timeout. */
export const DEFAULT_EXEC_TIMEOUT_SECONDS = 1800;

/** The exec settings in force for one agent. */
export interface ExecSettings {
  mode: ExecMode;
  /** Whether the mode was configured (doctor reports clawgate's default otherwise). */
  modeConfigured: boolean;
  timeoutSeconds: number;
  pathPrepend: string[];
  safeBins: string[];
}

function parse(raw: unknown, where: string): z.output<typeof execConfigSchema> {
  if (raw === undefined) return {};
  const parsed = execConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new Error(`invalid ${where}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** The agent's exec settings; throws a message naming the bad key. */
export function execSettings(config: OpenClawConfig, agentId: string): ExecSettings {
  const global = parse((config as { tools?: { exec?: unknown } }).tools?.exec, "tools.exec");
  const entry = agentEntry(config, agentId) as { tools?: { exec?: unknown } } | undefined;
  const own = parse(entry?.tools?.exec, `agents.entries.${agentId}.tools.exec`);
  const mode = own.mode ?? global.mode;
  return {
    mode: mode ?? DEFAULT_EXEC_MODE,
    modeConfigured: mode !== undefined,
    timeoutSeconds: own.timeoutSeconds ?? global.timeoutSeconds ?? DEFAULT_EXEC_TIMEOUT_SECONDS,
    pathPrepend: own.pathPrepend ?? global.pathPrepend ?? [],
    safeBins: own.safeBins ?? global.safeBins ?? [],
  };
}
