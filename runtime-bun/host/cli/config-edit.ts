/**
 * How CLI verbs edit `openclaw.json` (channels add|remove, config set|unset|patch, doctor's repairs): read the
 * file, refusing one that does not parse; start a missing file from the gateway section `gateway run` writes on
 * its first run, so the CLI finds the secret of the gateway it starts afterwards (issue 12); validate the edited
 * document as the gateway reads it; write it through the guarded writer; and on a first-run file say where that
 * secret lives, as `gateway run` does.
 */
import type { SecretSource } from "../../../core/config/auth.ts";
import { formatConfigIssues, serializeConfig, snapshotFromObject, type ConfigSnapshot } from "../../../core/config/document.ts";
import type { WriteOutcome } from "../../../core/config/service.ts";
import { envFor } from "../config-env.ts";
import { ConfigFile } from "../config-file.ts";
import { firstRunConfig, firstRunSecret, readSnapshot } from "../state.ts";
import { color } from "./output.ts";

/** A config file opened for one edit. */
export interface ConfigEdit {
  file: string;
  /** The file as read; the write is refused if it changed since. */
  snapshot: ConfigSnapshot;
  /** The document to edit: the file's, or the first-run gateway section when there is no file. */
  base: Record<string, unknown>;
  /** Where the secret of a first-run base lives; undefined when the file exists. */
  firstRun?: SecretSource;
}

/** Opens `file` for an edit; an error when it exists but does not parse. */
export function openConfigEdit(file: string): ConfigEdit | { error: string } {
  const snapshot = readSnapshot(file);
  if (snapshot.exists) {
    return snapshot.parsed ? { file, snapshot, base: snapshot.parsed } : { error: `OpenClaw config is invalid: ${file}: ${formatConfigIssues(snapshot.issues)}` };
  }
  const env = envFor(null);
  const secret = firstRunSecret(env);
  const base = firstRunConfig(secret) as Record<string, unknown>;
  const firstRun: SecretSource = secret !== "none" ? "gateway.auth.token" : env.OPENCLAW_GATEWAY_TOKEN ? "OPENCLAW_GATEWAY_TOKEN" : "OPENCLAW_GATEWAY_PASSWORD";
  return { file, snapshot, base, firstRun };
}

/** `next` as the gateway would read it; the validation problem when it would refuse it. */
export function validateEdit(edit: ConfigEdit, next: Record<string, unknown>): { candidate: ConfigSnapshot } | { error: string } {
  const candidate = snapshotFromObject(edit.file, serializeConfig(next), next, envFor(next));
  return candidate.valid ? { candidate } : { error: `Config validation failed: ${formatConfigIssues(candidate.issues)}` };
}

/** Writes a validated candidate through the guarded writer; a first-run file gets gateway run's notice on stderr. */
export function saveEdit(edit: ConfigEdit, candidate: ConfigSnapshot): WriteOutcome {
  const written = new ConfigFile(edit.file).write(candidate.raw!, edit.snapshot.raw);
  if (written.ok && edit.firstRun) process.stderr.write(createdNotice(edit.file, edit.firstRun));
  return written;
}

/** Validates and writes `next`; the problem's message, or undefined once written. */
export function writeEdit(edit: ConfigEdit, next: Record<string, unknown>): string | undefined {
  const valid = validateEdit(edit, next);
  if ("error" in valid) return valid.error;
  const written = saveEdit(edit, valid.candidate);
  return written.ok ? undefined : written.message;
}

/** The first-run notice: where the config is and where the secret the gateway accepts lives. */
export function createdNotice(path: string, source: SecretSource | "generated" | undefined): string {
  const where = source === "gateway.auth.token" || source === "--token" ? `${source === "--token" ? "the --token value as its" : "a new"} gateway token (gateway.auth.token); the local CLI reads it from there`
    : source === "generated" || source === undefined ? "no secret; this run uses a generated token"
    : `no secret: the gateway uses ${source}, which the CLI reads too when it is in its environment`;
  return `${color.green("created")} ${path} with ${where}.\n`;
}
