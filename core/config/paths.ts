/**
 * Where config and state live, from env and flags (spec §11). Pure: the
 * shim passes its environment and home directory. Runtime-agnostic.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface Paths {
  home: string;
  profile?: string;
  stateDir: string;
  configPath: string;
}

/** Upstream treats blank, "undefined" and "null" path variables as unset. */
function setting(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && v !== "undefined" && v !== "null" ? v : undefined;
}

function expandTilde(path: string, osHome: string): string {
  return path === "~" ? osHome : path.startsWith("~/") ? `${osHome}${path.slice(1)}` : path;
}

/** Profile names become directory and unit names, so only a safe alphabet is allowed. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Why a profile name is unusable, or undefined when it is fine. */
export function profileProblem(profile: string): string | undefined {
  return PROFILE_NAME.test(profile) ? undefined : `invalid profile name "${profile}" (letters, digits, "-" and "_" only)`;
}

/** `"default"` and unset both mean the default profile, as upstream normalizes it. */
export function normalizeProfile(profile: string | undefined): string | undefined {
  const p = profile?.trim();
  return p && p.toLowerCase() !== "default" ? p : undefined;
}

/** `OPENCLAW_HOME`, `OPENCLAW_STATE_DIR`, `OPENCLAW_CONFIG_PATH`, `--profile` / `OPENCLAW_PROFILE` (§11). */
export function resolvePaths(env: Env, osHome: string, profileFlag?: string): Paths {
  const home = expandTilde(setting(env.OPENCLAW_HOME) ?? osHome, osHome);
  const profile = normalizeProfile(profileFlag || setting(env.OPENCLAW_PROFILE));
  const stateOverride = setting(env.OPENCLAW_STATE_DIR);
  const stateDir = stateOverride ? expandTilde(stateOverride, home) : `${home}/.openclaw${profile ? `-${profile}` : ""}`;
  const configOverride = setting(env.OPENCLAW_CONFIG_PATH);
  const configPath = configOverride ? expandTilde(configOverride, home) : `${stateDir}/openclaw.json`;
  return { home, profile, stateDir, configPath };
}

/** The default JSONL log: `<stateDir>/logs/gateway.log` (`~/.openclaw/logs/gateway.log`). */
export function defaultLogFile(stateDir: string): string {
  return `${stateDir}/logs/gateway.log`;
}

/** Parses a TCP port; undefined for anything that is not an integer in 1..65535. */
export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Where the port came from, for `gateway status`. */
export type PortSource = "flag" | "env" | "config" | "default";

/** `--port` > `OPENCLAW_GATEWAY_PORT` > `gateway.port` > 18789 (19001 for the dev profile) (§11). */
export function resolvePortWithSource(flag: number | undefined, env: Env, configPort: number | undefined, profile?: string): { port: number; source: PortSource } {
  if (flag !== undefined) return { port: flag, source: "flag" };
  const fromEnv = parsePort(env.OPENCLAW_GATEWAY_PORT);
  if (fromEnv !== undefined) return { port: fromEnv, source: "env" };
  if (configPort !== undefined) return { port: configPort, source: "config" };
  return { port: profile === "dev" ? 19001 : 18789, source: "default" };
}

/** The port alone; see `resolvePortWithSource`. */
export function resolvePort(flag: number | undefined, env: Env, configPort: number | undefined, profile?: string): number {
  return resolvePortWithSource(flag, env, configPort, profile).port;
}
