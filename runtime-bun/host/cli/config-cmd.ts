/**
 * `clawgate config file|get|set|unset|patch|validate|schema` (spec §12):
 * upstream's texts, JSON shapes and exit codes. Writes go through the same
 * guarded atomic writer as the gateway; keys clawgate does not read survive
 * every write; secrets print redacted.
 */
import { readFileSync } from "node:fs";
import { text as readStream } from "node:stream/consumers";
import JSON5 from "json5";
import { formatConfigIssues, parseConfigText, reloadMode, type ConfigSnapshot } from "../../../core/config/document.ts";
import { configJsonSchema, lookupSchema } from "../../../core/config/json-schema.ts";
import { unknownKeyProblem } from "../../../core/config/known-keys.ts";
import { changedPaths, getAt, hasAt, isPlainObject, jsonEqual, parsePath, setAt, unsetAt, type PathSegment } from "../../../core/config/object-path.ts";
import { redactConfig } from "../../../core/config/redact.ts";
import { applyHint, planReload } from "../../../core/config/reload-plan.ts";
import { currentPaths, readSnapshot } from "../state.ts";
import { openConfigEdit, saveEdit, validateEdit, type ConfigEdit } from "./config-edit.ts";
import { color, EXIT, fail, printJson } from "./output.ts";

export interface ConfigFlags {
  profile?: string;
  json?: boolean;
  strictJson?: boolean;
  dryRun?: boolean;
  file?: string;
  stdin?: boolean;
  replacePath?: string[];
}

/** A CLI failure: JSON envelope on stdout with --json, text on stderr otherwise; exit 1. */
function cliError(flags: ConfigFlags, message: string, extra: Record<string, unknown> = {}, code: number = EXIT.failure): number {
  if (flags.json) {
    printJson({ ok: false, error: { type: "cli_error", message }, ...extra });
    return code;
  }
  process.stderr.write(`${color.red(message)}\n`);
  return code;
}

function load(flags: ConfigFlags): { path: string; snapshot: ConfigSnapshot } {
  const path = currentPaths(flags.profile).configPath;
  return { path, snapshot: readSnapshot(path) };
}

function readOnly(): boolean {
  return process.env.OPENCLAW_CONFIG_READONLY === "1" || process.env.OPENCLAW_NIX_MODE === "1";
}

export function configFile(flags: ConfigFlags): number {
  const path = currentPaths(flags.profile).configPath;
  if (flags.json) printJson({ path });
  else process.stdout.write(`${path}\n`);
  return EXIT.ok;
}

export function configValidate(flags: ConfigFlags): number {
  const { path, snapshot } = load(flags);
  if (!snapshot.exists) {
    if (flags.json) printJson({ ok: false, error: { type: "cli_error", message: "file not found" }, valid: false, path });
    else process.stderr.write(`${color.red(`Config file not found: ${path}`)}\nCreate one with \`clawgate gateway run\` or \`clawgate doctor --generate-gateway-token\` (either writes the first-run gateway section).\n`);
    return EXIT.failure;
  }
  if (!snapshot.valid) {
    if (flags.json) printJson({ ok: false, error: { type: "cli_error", message: `OpenClaw config is invalid: ${path}` }, valid: false, path, issues: snapshot.issues });
    else {
      process.stderr.write(`${color.red(`OpenClaw config is invalid: ${path}`)}\n`);
      for (const i of snapshot.issues) process.stderr.write(`  × ${i.path || "<root>"}: ${i.message}\n`);
      process.stderr.write("\nRun `clawgate doctor --fix` to repair, or fix the keys above manually.\n");
    }
    return EXIT.failure;
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify({ valid: true, path, warnings: snapshot.warnings }) + "\n");
    return EXIT.ok;
  }
  process.stdout.write(`${color.green("Config valid:")} ${path}\n`);
  for (const w of snapshot.warnings) process.stdout.write(color.yellow(`  ! ${w.path || "<root>"}: ${w.message}\n`));
  return EXIT.ok;
}

function parseSegments(flags: ConfigFlags, path: string | undefined): PathSegment[] | number {
  if (!path) return cliError(flags, 'Missing required argument "path".');
  try {
    return parsePath(path);
  } catch (error) {
    return cliError(flags, (error as Error).message);
  }
}

export function configGet(flags: ConfigFlags, path: string | undefined, extra: string[]): number {
  if (extra.length > 0) return cliError(flags, `config get takes exactly one path; unexpected: ${extra.join(" ")}`);
  const segments = parseSegments(flags, path);
  if (typeof segments === "number") return segments;
  const { path: file, snapshot } = load(flags);
  if (snapshot.exists && !snapshot.resolved) return cliError(flags, `OpenClaw config is invalid: ${file}: ${formatConfigIssues(snapshot.issues)}`);
  const resolved = snapshot.resolved ?? {};
  if (!hasAt(resolved, segments)) {
    if (lookupSchema(path!)) return cliError(flags, `Config path is valid but unset: ${path}. The runtime default applies until you set an authored value with clawgate config set ${path} <value>.`);
    return cliError(flags, `Unknown config path: ${path}. Run clawgate config schema to inspect valid paths.`);
  }
  const value = getAt(redactConfig(resolved), segments);
  if (flags.json) printJson(value);
  else process.stdout.write(`${typeof value === "object" && value !== null ? JSON.stringify(value, null, 2) : String(value)}\n`);
  return EXIT.ok;
}

/** `config set` values: JSON5 when it parses, else the raw string; `--strict-json` allows JSON only. */
function parseValue(raw: string, strict: boolean): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: strict ? JSON.parse(raw) : JSON5.parse(raw) };
  } catch (error) {
    return strict ? { ok: false, message: `Value is not valid JSON (--strict-json): ${(error as Error).message}` } : { ok: true, value: raw };
  }
}

/** Validates and writes a new authored config; prints the apply hint. */
function commit(flags: ConfigFlags, edit: ConfigEdit, next: Record<string, unknown>, success: (hint: string) => string): number {
  const valid = validateEdit(edit, next);
  if ("error" in valid) return cliError(flags, valid.error);
  const { candidate } = valid;
  const file = edit.file;
  const changed = changedPaths(edit.snapshot.resolved ?? {}, candidate.resolved ?? {}, { leaves: true });
  const hint = applyHint(planReload(changed, new Set(candidate.ignored)), reloadMode(candidate.config!));
  if (flags.dryRun) {
    if (flags.json) printJson({ ok: true, operations: 1, configPath: file, checks: { schema: true }, changedPaths: changed });
    else process.stdout.write(`Dry run: ${file} would change (${changed.join(", ") || "no effective change"}). Nothing was written.\n`);
    return EXIT.ok;
  }
  if (readOnly()) return cliError(flags, `Config is externally managed (OPENCLAW_CONFIG_READONLY=1); ${file} was not changed.`, {}, EXIT.config);
  const written = saveEdit(edit, candidate);
  // A clobber-guard refusal is a config safety refusal: exit 78 (§12).
  if (!written.ok) return cliError(flags, written.message, written.rejectedPath ? { rejectedPath: written.rejectedPath } : {}, EXIT.config);
  if (flags.json) printJson({ ok: true, path: file, changedPaths: changed, hint });
  else process.stdout.write(`${success(hint)}\n`);
  return EXIT.ok;
}

/** The config opened for an edit (a missing file starts from the first-run gateway section); refuses a file that does not parse. */
function editable(flags: ConfigFlags): ConfigEdit | number {
  const opened = openConfigEdit(currentPaths(flags.profile).configPath);
  return "error" in opened ? cliError(flags, `${opened.error}. Run \`clawgate doctor --fix\` first.`) : opened;
}

export function configSet(flags: ConfigFlags, path: string | undefined, rawValue: string | undefined): number {
  const segments = parseSegments(flags, path);
  if (typeof segments === "number") return segments;
  if (rawValue === undefined) return cliError(flags, 'Missing required argument "value".');
  const value = parseValue(rawValue, flags.strictJson === true);
  if (!value.ok) return cliError(flags, value.message);
  const target = editable(flags);
  if (typeof target === "number") return target;
  // A key already in the file stays editable even if unknown: it is preserved, not typed now.
  const problem = hasAt(target.base, segments) ? undefined : unknownKeyProblem(segments);
  if (problem) return cliError(flags, problem);
  let next: Record<string, unknown>;
  try {
    next = setAt(target.base, segments, value.value) as Record<string, unknown>;
  } catch (error) {
    return cliError(flags, `Cannot set ${path}: ${(error as Error).message}`);
  }
  if (target.snapshot.exists && jsonEqual(next, target.base)) {
    // No effective change: the file stays byte-for-byte untouched.
    if (flags.json) printJson({ ok: true, path: target.file, changedPaths: [] });
    else process.stdout.write("No change\n");
    return EXIT.ok;
  }
  return commit(flags, target, next, (hint) => `Updated ${path}. ${hint}`);
}

export function configUnset(flags: ConfigFlags, path: string | undefined): number {
  const segments = parseSegments(flags, path);
  if (typeof segments === "number") return segments;
  const target = editable(flags);
  if (typeof target === "number") return target;
  // Only the file's own keys: unsetting one of a first-run base's would create a file for nothing.
  if (!hasAt(target.snapshot.parsed ?? {}, segments)) {
    return cliError(flags, `Config path not found: ${path}. Nothing was changed. Run clawgate config get <path> first if you are unsure of the path.`);
  }
  const next = unsetAt(target.base, segments) as Record<string, unknown>;
  return commit(flags, target, next, (hint) => `Removed ${path}. ${hint}`);
}

/** Merge for `config patch`: objects merge, `null` deletes, anything else (arrays too) replaces; `--replace-path` replaces whole. */
function mergeCli(base: unknown, patch: unknown, replace: ReadonlySet<string>, path = ""): unknown {
  if (!isPlainObject(patch) || replace.has(path)) return patch;
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(patch)) {
    const child = path ? `${path}.${k}` : k;
    if (v === null) delete out[k];
    else out[k] = mergeCli(out[k], v, replace, child);
  }
  return out;
}

function countOps(patch: unknown): number {
  if (!isPlainObject(patch)) return 1;
  return Object.values(patch).reduce<number>((n, v) => n + (isPlainObject(v) ? countOps(v) : 1), 0);
}

export async function configPatch(flags: ConfigFlags): Promise<number> {
  if (!flags.file === !flags.stdin) return cliError(flags, "config patch needs exactly one of --file <path> or --stdin");
  let text: string;
  try {
    text = flags.file ? readFileSync(flags.file, "utf8") : await readStream(process.stdin);
  } catch (error) {
    return cliError(flags, `Cannot read patch: ${(error as Error).message}`);
  }
  const patch = parseConfigText(text);
  if (!patch.ok) return cliError(flags, patch.message === "config must be a JSON5 object" ? "Config patch must be a JSON5 object of config keys (not a bare array or value)." : patch.message);
  const target = editable(flags);
  if (typeof target === "number") return target;
  const next = mergeCli(target.base, patch.value, new Set(flags.replacePath ?? [])) as Record<string, unknown>;
  const ops = countOps(patch.value);
  if (target.snapshot.exists && jsonEqual(next, target.base)) {
    process.stdout.write("No change\n");
    return EXIT.ok;
  }
  return commit(flags, target, next, (hint) => `Applied ${ops} config update(s). ${hint}`);
}

export function configSchema(): number {
  printJson(configJsonSchema());
  return EXIT.ok;
}

/** Dispatches `config <verb> …`. */
export async function configCommand(verb: string | undefined, args: string[], flags: ConfigFlags): Promise<number> {
  switch (verb) {
    case "file": return configFile(flags);
    case "validate": return configValidate(flags);
    case "get": return configGet(flags, args[0], args.slice(1));
    case "set": return configSet(flags, args[0], args[1]);
    case "unset": return configUnset(flags, args[0]);
    case "patch": return configPatch(flags);
    case "schema": return configSchema();
    default: return fail(verb ? `clawgate config has no command "${verb}".` : "config needs a command: file|get|set|unset|patch|validate|schema", EXIT.usage, "Try: clawgate config --help");
  }
}
