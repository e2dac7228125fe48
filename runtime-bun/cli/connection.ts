/**
 * How CLI commands find the gateway and its credentials: flags, then env,
 * then the local config, the same precedence the gateway itself applies.
 */
import { existsSync } from "node:fs";
import { resolveAuth } from "../../core/config/auth.ts";
import { resolvePort } from "../../core/config/paths.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { callGateway, type CallResult } from "../../core/remote/call.ts";
import { accessOf } from "../../core/scopes/method-scopes.ts";
import { currentPaths, readConfig } from "../state.ts";
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
  urlSource: "flag" | "env" | "local";
  token?: string;
  password?: string;
}

/** `--url` needs explicit credentials, as upstream insists; otherwise local config supplies them. */
export function resolveTarget(flags: TargetFlags): Target | { error: string } {
  const paths = currentPaths(flags.profile);
  const config: OpenClawConfig = existsSync(paths.configPath) ? readConfig(paths.configPath) : {};
  if (flags.url) {
    if (!flags.token && !flags.password) return { error: "--url requires explicit credentials (--token or --password)" };
    return { url: flags.url, urlSource: "flag", token: flags.token, password: flags.password };
  }
  const auth = resolveAuth(config, process.env, { token: flags.token, password: flags.password });
  const envUrl = process.env.OPENCLAW_GATEWAY_URL;
  const url = envUrl || `ws://127.0.0.1:${resolvePort(flags.port, process.env, config.gateway?.port, paths.profile)}`;
  return { url, urlSource: envUrl ? "env" : "local", token: auth.token, password: auth.password };
}

/**
 * Calls one method with the least-privilege scope it needs, or with `scopes`
 * when the call needs more than the method's own (approving what a device asked for).
 */
export function callMethod(target: Target, method: string, params: unknown, timeoutMs: number, opts: { expectFinal?: boolean; mode?: "cli" | "probe"; scopes?: string[] } = {}): Promise<CallResult> {
  const access = accessOf(method);
  const scopes = opts.scopes ?? (access === "none" || access === "node-role" ? ["operator.read"] : [access]);
  return callGateway({
    url: target.url,
    token: target.token,
    password: target.password,
    method,
    params,
    scopes,
    timeoutMs,
    clientVersion: VERSION,
    platform: process.platform,
    expectFinal: opts.expectFinal,
    mode: opts.mode,
  });
}
