/**
 * How CLI commands find the gateway and its credentials: flags, then env,
 * then the local config, the same precedence the gateway itself applies.
 */
import { ConfigRefusal, resolveAuth, secretSource, type SecretSource } from "../../../core/config/auth.ts";
import { resolvePort } from "../../../core/config/paths.ts";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import { callGateway, type CallResult } from "../../../core/remote/call.ts";
import { accessOf } from "../../../core/scopes/method-scopes.ts";
import { envFor } from "../config-env.ts";
import { isLive, readLock } from "../service/lock.ts";
import { currentPaths, readSnapshot } from "../state.ts";
import { VERSION } from "../version.ts";

export interface TargetFlags {
  url?: string;
  token?: string;
  password?: string;
  port?: number;
  profile?: string;
  timeout?: number;
}

export interface Target {
  url: string;
  urlSource: "flag" | "env" | "local" | "remote";
  token?: string;
  password?: string;
  /** Where the credential came from (a flag, config key or env var name), to explain a refusal. */
  secretSource?: SecretSource;
}

/**
 * `--url` needs explicit credentials, as upstream insists; otherwise local
 * config supplies them (`gateway.remote` when `gateway.mode` is remote). An
 * invalid local config does not block diagnostics: it reads as empty.
 */
export function resolveTarget(flags: TargetFlags): Target | { error: string } {
  if (flags.url && flags.port !== undefined) return { error: "--url and --port cannot be combined" };
  const paths = currentPaths(flags.profile);
  const snapshot = readSnapshot(paths.configPath);
  const config: OpenClawConfig = snapshot.config ?? {};
  const env = envFor(snapshot.parsed);
  if (flags.url) {
    if (!flags.token && !flags.password) return { error: "--url requires explicit credentials (--token or --password)" };
    return { url: flags.url, urlSource: "flag", token: flags.token, password: flags.password };
  }
  const remote = config.gateway?.remote;
  if (config.gateway?.mode === "remote" && remote?.url && flags.port === undefined) {
    return { url: remote.url, urlSource: "remote", token: flags.token ?? remote.token ?? env.OPENCLAW_GATEWAY_TOKEN, password: flags.password ?? remote.password ?? env.OPENCLAW_GATEWAY_PASSWORD };
  }
  let auth: { token?: string; password?: string };
  let source: SecretSource | undefined;
  const authFlags = { token: flags.token, password: flags.password };
  try {
    const resolved = resolveAuth(config, env, authFlags);
    auth = resolved;
    source = secretSource(resolved, config, env, authFlags);
  } catch (error) {
    if (!(error instanceof ConfigRefusal)) throw error;
    // A config the gateway would refuse still names credentials the CLI can try.
    auth = { token: flags.token ?? config.gateway?.auth?.token ?? env.OPENCLAW_GATEWAY_TOKEN, password: flags.password ?? config.gateway?.auth?.password };
  }
  const envUrl = flags.port === undefined ? env.OPENCLAW_GATEWAY_URL : undefined;
  // The gateway this state dir runs may have been started with --port: its pid file knows.
  const lock = readLock(paths.stateDir);
  const livePort = flags.port === undefined && !env.OPENCLAW_GATEWAY_PORT && lock?.port && isLive(lock) ? lock.port : undefined;
  const url = envUrl || `ws://127.0.0.1:${livePort ?? resolvePort(flags.port, env, config.gateway?.port, paths.profile)}`;
  return { url, urlSource: envUrl ? "env" : "local", token: auth.token, password: auth.password, secretSource: source };
}

/**
 * Calls one method with the least-privilege scope it needs, or with `scopes`
 * when the call needs more than the method's own (approving what a device asked for).
 * Where §5 makes the scope depend on the params (`sessions.delete`, `agent "/reset"`,
 * `node.invoke system.run`), the gateway's MISSING_SCOPE refusal names the scope, and the
 * call is made once more asking for it: the refusal comes before any handler runs.
 */
export async function callMethod(target: Target, method: string, params: unknown, timeoutMs: number, opts: { expectFinal?: boolean; mode?: "cli" | "probe"; scopes?: string[] } = {}): Promise<CallResult> {
  const access = accessOf(method);
  const scopes = opts.scopes ?? (access === "none" || access === "node-role" ? ["operator.read"] : [access]);
  const call = (granted: string[]) => callGateway({
    url: target.url,
    token: target.token,
    password: target.password,
    method,
    params,
    scopes: granted,
    timeoutMs,
    clientVersion: VERSION,
    platform: process.platform,
    expectFinal: opts.expectFinal,
    mode: opts.mode,
  });
  const first = await call(scopes);
  if (first.ok || opts.scopes || first.failure.type !== "gateway_request_error") return first;
  const missing = (first.failure.error.details as { code?: string; missingScope?: string } | undefined);
  if (missing?.code !== "MISSING_SCOPE" || !missing.missingScope || scopes.includes(missing.missingScope)) return first;
  return call([...scopes, missing.missingScope]);
}
