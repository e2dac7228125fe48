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

/** `OPENCLAW_HOME`, `OPENCLAW_STATE_DIR`, `OPENCLAW_CONFIG_PATH`, `--profile` / `OPENCLAW_PROFILE`. */
export function resolvePaths(env: Env, osHome: string, profileFlag?: string): Paths {
  const home = env.OPENCLAW_HOME || osHome;
  const profile = profileFlag || env.OPENCLAW_PROFILE || undefined;
  const stateDir = env.OPENCLAW_STATE_DIR || `${home}/.openclaw${profile && profile !== "default" ? `-${profile}` : ""}`;
  const configPath = env.OPENCLAW_CONFIG_PATH || `${stateDir}/openclaw.json`;
  return { home, profile, stateDir, configPath };
}

/** `--port` > `OPENCLAW_GATEWAY_PORT` > `gateway.port` > 18789 (19001 for the dev profile). */
export function resolvePort(flag: number | undefined, env: Env, configPort: number | undefined, profile?: string): number {
  if (flag !== undefined) return flag;
  const fromEnv = Number(env.OPENCLAW_GATEWAY_PORT);
  if (env.OPENCLAW_GATEWAY_PORT && Number.isInteger(fromEnv) && fromEnv >= 0 && fromEnv <= 65535) return fromEnv;
  return configPort ?? (profile === "dev" ? 19001 : 18789);
}
