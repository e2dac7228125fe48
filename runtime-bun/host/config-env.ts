/**
 * The environment a run sees (spec §11): process env > `./.env` >
 * `<stateDir>/.env` > config `env.vars`, none overriding a key already set.
 * The dotenv files are adopted into `process.env` once at startup; config
 * `env.vars` are layered per snapshot, so editing them takes effect on reload.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { layerEnv, parseDotenv } from "../../core/config/env.ts";
import { isPlainObject } from "../../core/config/object-path.ts";

function readDotenv(path: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(path, "utf8"));
  } catch {
    return {};
  }
}

/** Fills `process.env` from `./.env`, then `<stateDir>/.env`, never overriding. */
export function adoptDotenv(stateDir: string, cwd = process.cwd()): void {
  const merged = layerEnv(process.env, [readDotenv(join(cwd, ".env")), readDotenv(join(stateDir, ".env"))]);
  for (const [k, v] of Object.entries(merged)) if (process.env[k] === undefined || process.env[k] === "") process.env[k] = v;
}

/** `env.vars` of an authored config, strings only. */
function configVars(parsed: Record<string, unknown> | null): Record<string, string> {
  const vars = isPlainObject(parsed?.env) ? parsed.env.vars : undefined;
  if (!isPlainObject(vars)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (typeof v === "string") out[k] = v;
  return out;
}

/** The process env with the config's `env.vars` under it. */
export function envFor(parsed: Record<string, unknown> | null): Record<string, string> {
  return layerEnv(process.env, [configVars(parsed)]);
}
