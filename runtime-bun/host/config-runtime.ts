/**
 * What a config means for a running gateway: the auth it enforces, where it
 * listens, and the settings only a restart can change (spec §4.1, §11).
 * Shared by startup and the hot-reload planner so both judge a config alike.
 */
import { networkInterfaces } from "node:os";
import type { AuthMode, ResolvedAuth } from "../../core/auth/secrets.ts";
import { assertBindAllowed, ConfigRefusal, isLoopbackBind, resolveAuth, secretSource, type SecretSource } from "../../core/config/auth.ts";
import { resolvePortWithSource, type Env, type PortSource } from "../../core/config/paths.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { isTailnetIp } from "../../core/net/address.ts";

/** Flags of `gateway run` that override config. */
export interface RuntimeFlags {
  port?: number;
  bind?: string;
  token?: string;
  password?: string;
  auth?: AuthMode;
  profile?: string;
  /** `--allow-unconfigured`: start even when gateway.mode is not local. */
  allowUnconfigured?: boolean;
}

export interface GatewayRuntime {
  auth: ResolvedAuth;
  bind: string;
  hosts: string[];
  port: number;
  portSource: PortSource;
  /** True when no token was configured and one was generated for this process. */
  generatedToken: boolean;
  /** Where the secret comes from (never the secret), for `doctor` and `status` to explain a mismatch. */
  secretSource?: SecretSource | "generated";
}

/** Listen addresses for a bind mode (§11); a string is the reason it cannot be used. */
export function bindHosts(bind: string, customHost: string | undefined): string[] | string {
  switch (bind) {
    case "loopback": return ["127.0.0.1", "::1"];
    case "lan":
    case "auto": return ["0.0.0.0"];
    case "custom": return customHost ? [customHost] : "gateway.bind is custom but gateway.customBindHost is not set";
    case "tailnet": {
      for (const addrs of Object.values(networkInterfaces())) {
        for (const a of addrs ?? []) if (a.family === "IPv4" && isTailnetIp(a.address)) return [a.address];
      }
      return "gateway.bind is tailnet but no Tailscale address was found on this host";
    }
    default: return [bind];
  }
}

/**
 * Resolves a config into runtime settings; throws ConfigRefusal for one that
 * must not run. `runtimeToken` is reused when token auth has no configured token.
 */
export function resolveRuntime(config: OpenClawConfig, env: Env, flags: RuntimeFlags, runtimeToken: string): GatewayRuntime {
  // §4.1: a remote-mode config points clients at another gateway; serving it here would be a mistake (exit 78).
  const mode = config.gateway?.mode;
  if (mode !== undefined && mode !== "local" && !flags.allowUnconfigured) {
    throw new ConfigRefusal(`Gateway start blocked: set gateway.mode=local (current: ${mode}) or pass --allow-unconfigured.`);
  }
  const bind = flags.bind ?? config.gateway?.bind ?? "loopback";
  const authFlags = { token: flags.token, password: flags.password, auth: flags.auth };
  let auth = resolveAuth(config, env, authFlags);
  assertBindAllowed(bind, auth);
  const source = secretSource(auth, config, env, authFlags);
  let generatedToken = false;
  if (auth.mode === "token" && !auth.token) {
    if (!isLoopbackBind(bind)) throw new ConfigRefusal(`Refusing to bind gateway to ${bind} without auth.`);
    auth = { ...auth, token: runtimeToken };
    generatedToken = true;
  }
  const hosts = bindHosts(bind, config.gateway?.customBindHost);
  if (typeof hosts === "string") throw new ConfigRefusal(hosts);
  const { port, source: portSource } = resolvePortWithSource(flags.port, env, config.gateway?.port, flags.profile);
  return { auth, bind, hosts, port, portSource, generatedToken, secretSource: generatedToken ? "generated" : source };
}

/** The settings a hot reload cannot apply, as one comparable string. */
export function listenerKey(rt: GatewayRuntime): string {
  return JSON.stringify([rt.port, rt.bind, rt.hosts, rt.auth.mode]);
}
