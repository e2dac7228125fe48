/**
 * Resolving the auth a gateway run enforces, and the startup refusals that
 * go with it (spec §4.1). Runtime-agnostic.
 */
import { isPlaceholderSecret, pickSecret, type AuthMode, type ResolvedAuth } from "../auth/secrets.ts";
import type { Env } from "./paths.ts";
import type { OpenClawConfig } from "./schema.ts";

/** A startup refusal; the CLI exits 78 with this message. */
export class ConfigRefusal extends Error {}

export interface AuthFlags {
  token?: string;
  password?: string;
  auth?: AuthMode;
}

/** Applies mode and secret precedence; refuses unusable combinations. */
export function resolveAuth(config: OpenClawConfig, env: Env, flags: AuthFlags): ResolvedAuth {
  const a = config.gateway?.auth;
  const remote = config.gateway?.remote;
  const token = pickSecret({ flag: flags.token, config: a?.token, env: env.OPENCLAW_GATEWAY_TOKEN, remote: remote?.token });
  const password = pickSecret({ flag: flags.password, config: a?.password, env: env.OPENCLAW_GATEWAY_PASSWORD, remote: remote?.password });
  let mode = flags.auth ?? a?.mode;
  if (!mode) {
    if (token && password && (flags.token || a?.token) && (flags.password || a?.password)) {
      throw new ConfigRefusal("gateway.auth.token and gateway.auth.password are both set; set gateway.auth.mode to choose one.");
    }
    mode = password && !token ? "password" : "token";
  }
  if (mode === "token" && token !== undefined && isPlaceholderSecret(token)) {
    throw new ConfigRefusal("Gateway token must not be blank or a placeholder (undefined, null, change-me). Run `clawgate doctor --generate-gateway-token` to set a real one.");
  }
  if (mode === "password" && password !== undefined && isPlaceholderSecret(password)) {
    throw new ConfigRefusal("Gateway password must not be blank or a placeholder (undefined, null, change-me).");
  }
  if (mode === "password" && !password) throw new ConfigRefusal("gateway auth mode is password, but no password was configured.");
  if (mode === "trusted-proxy") {
    const userHeader = a?.trustedProxy?.userHeader?.trim();
    if (!userHeader) throw new ConfigRefusal("gateway auth mode is trusted-proxy, but trustedProxy.userHeader is empty (set gateway.auth.trustedProxy.userHeader)");
    return { mode, trustedProxy: { userHeader } };
  }
  return { mode, token: mode === "token" ? token : undefined, password: mode === "password" ? password : undefined };
}

/** Where the secret a resolved auth uses came from, in the words a user can act on. */
export type SecretSource = "--token" | "--password" | "gateway.auth.token" | "gateway.auth.password" | "OPENCLAW_GATEWAY_TOKEN" | "OPENCLAW_GATEWAY_PASSWORD" | "gateway.remote.token" | "gateway.remote.password";

/** The source of `auth`'s secret under resolveAuth's precedence; undefined when it has none (§4.1). */
export function secretSource(auth: ResolvedAuth, config: OpenClawConfig, env: Env, flags: AuthFlags): SecretSource | undefined {
  const a = config.gateway?.auth;
  const r = config.gateway?.remote;
  const first = (pairs: [string | undefined, SecretSource][]) => pairs.find(([v]) => typeof v === "string" && v.length > 0)?.[1];
  if (auth.mode === "token" && auth.token) return first([[flags.token, "--token"], [a?.token, "gateway.auth.token"], [env.OPENCLAW_GATEWAY_TOKEN, "OPENCLAW_GATEWAY_TOKEN"], [r?.token, "gateway.remote.token"]]);
  if (auth.mode === "password" && auth.password) return first([[flags.password, "--password"], [a?.password, "gateway.auth.password"], [env.OPENCLAW_GATEWAY_PASSWORD, "OPENCLAW_GATEWAY_PASSWORD"], [r?.password, "gateway.remote.password"]]);
  return undefined;
}

/** Is this bind host reachable only from this machine? */
export function isLoopbackBind(bind: string): boolean {
  return bind === "loopback" || bind === "127.0.0.1" || bind === "::1" || bind === "localhost";
}

/** A non-loopback bind needs a usable secret (§4.1). */
export function assertBindAllowed(bind: string, auth: ResolvedAuth): void {
  if (isLoopbackBind(bind)) return;
  const usable = (auth.mode === "token" && auth.token) || (auth.mode === "password" && auth.password) || auth.mode === "trusted-proxy";
  if (!usable) throw new ConfigRefusal(`Refusing to bind gateway to ${bind} without auth.`);
}
