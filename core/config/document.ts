/**
 * One read of `openclaw.json` (spec §11): JSON5 text -> authored object ->
 * `${VAR}`-resolved object -> validated config, with issues in upstream's
 * wording ("gateway.bind: Invalid input (allowed: …)") and warnings for
 * unresolved variables and keys clawgate ignores. Pure. Runtime-agnostic.
 */
import JSON5 from "json5";
import type { z } from "../zod.ts";
import { substituteEnv } from "./env.ts";
import { formatPath, isPlainObject } from "./object-path.ts";
import type { Env } from "./paths.ts";
import { configSchema, type OpenClawConfig } from "./schema.ts";
import { unknownKeys } from "./unknown-keys.ts";

/**
 * The largest config clawgate reads or writes. Upstream's files are a few KB;
 * parsing and diffing tens of MB costs gigabytes of memory and stalls the
 * event loop (a 60 MB edit: 4 GB RSS), so anything larger is refused unread.
 */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/** The refusal for a config over MAX_CONFIG_BYTES. */
export function configTooLargeMessage(bytes: number): string {
  return `config is too large (${(bytes / 1024 / 1024).toFixed(1)} MiB); clawgate reads configs up to ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`;
}

/** A file over MAX_CONFIG_BYTES, refused without reading it. */
export function oversizedSnapshot(path: string, bytes: number): ConfigSnapshot {
  return { path, exists: true, raw: null, parsed: null, resolved: null, config: null, valid: false, issues: [{ path: "", message: configTooLargeMessage(bytes) }], warnings: [], ignored: [] };
}

/** One validation problem or warning, as `config validate --json` lists them. */
export interface ConfigIssue {
  path: string;
  message: string;
  allowedValues?: string[];
}

/** Everything known about the file at one moment. */
export interface ConfigSnapshot {
  path: string;
  exists: boolean;
  /** The file text, or null when there is no file. */
  raw: string | null;
  /** The authored object, before `${VAR}` substitution. */
  parsed: Record<string, unknown> | null;
  /** After substitution: what the schema validates. */
  resolved: Record<string, unknown> | null;
  /** The validated config; `{}` when the file is missing, null when invalid. */
  config: OpenClawConfig | null;
  valid: boolean;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Paths of keys clawgate does not read; kept on write. */
  ignored: string[];
}

/** `Invalid input (allowed: "a", "b")` for enums, zod's own text otherwise. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.map((issue) => {
    const path = issue.path.length ? formatPath(issue.path as (string | number)[]) : "";
    if (issue.code === "invalid_value") {
      const allowed = issue.values.map((v) => String(v));
      return { path, message: `Invalid input (allowed: ${allowed.map((v) => JSON.stringify(v)).join(", ")})`, allowedValues: allowed };
    }
    if (issue.code === "invalid_union") return { path, message: "Invalid input" };
    return { path, message: issue.message };
  });
}

/** `path: message` lines joined with "; ", `<root>` for the top level. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${i.path || "<root>"}: ${i.message}`).join("; ");
}

/** Validates an already-parsed authored object. */
export function snapshotFromObject(path: string, raw: string | null, parsed: Record<string, unknown>, env: Env): ConfigSnapshot {
  const { value: resolved, unresolved } = substituteEnv(parsed, env);
  const warnings: ConfigIssue[] = unresolved.map((u) => ({ path: u.path, message: `environment variable ${u.name} is not set; \${${u.name}} left unresolved` }));
  const result = configSchema.safeParse(resolved);
  const ignored = unknownKeys(configSchema, resolved);
  for (const p of ignored) warnings.push({ path: p, message: "not read by clawgate; kept as written" });
  const reload = (resolved.gateway as { reload?: { mode?: unknown } } | undefined)?.reload?.mode;
  if (reload === "hot" || reload === "restart") warnings.push({ path: "gateway.reload.mode", message: `"${reload}" is retired and runs as "hybrid"; \`doctor --fix\` rewrites it` });
  if (!result.success) {
    return { path, exists: raw !== null, raw, parsed, resolved, config: null, valid: false, issues: describeIssues(result.error.issues), warnings, ignored };
  }
  return { path, exists: raw !== null, raw, parsed, resolved, config: result.data, valid: true, issues: [], warnings, ignored };
}

/** JSON5 text to a plain object, or the parser's message ("SyntaxError: JSON5: …", §6). */
export function parseConfigText(raw: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  // Each UTF-16 unit is at least one byte on disk, so this refuses before any parsing work.
  if (raw.length > MAX_CONFIG_BYTES) return { ok: false, message: configTooLargeMessage(raw.length) };
  let parsed: unknown;
  try {
    parsed = JSON5.parse(raw);
  } catch (error) {
    return { ok: false, message: String(error) };
  }
  return isPlainObject(parsed) ? { ok: true, value: parsed } : { ok: false, message: "config must be a JSON5 object" };
}

/** Parses and validates file text; `raw === null` means the file does not exist. */
export function snapshotConfig(path: string, raw: string | null, env: Env): ConfigSnapshot {
  if (raw === null) return { path, exists: false, raw: null, parsed: null, resolved: null, config: {}, valid: true, issues: [], warnings: [], ignored: [] };
  const parsed = parseConfigText(raw);
  if (!parsed.ok) {
    return { path, exists: true, raw, parsed: null, resolved: null, config: null, valid: false, issues: [{ path: "", message: parsed.message }], warnings: [], ignored: [] };
  }
  return snapshotFromObject(path, raw, parsed.value, env);
}

/** How clawgate writes config: standard JSON, two-space indent, trailing newline (as upstream). */
export function serializeConfig(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** The effective reload mode; retired values count as hybrid (§11). */
export function reloadMode(config: OpenClawConfig): "hybrid" | "off" {
  return config.gateway?.reload?.mode === "off" ? "off" : "hybrid";
}
