/**
 * `clawgate gateway call|health`: one RPC against a running gateway, printed
 * for people or as JSON, exit 0 on success and 1 on failure, with upstream's
 * error objects (§12): `gateway_request_error`, `gateway_transport_error`
 * (+ top-level `gateway{url,urlSource}`), `gateway_credentials_required`, `cli_error`.
 */
import type { CallFailure } from "../../../core/remote/call.ts";
import { currentPaths } from "../state.ts";
import { authHint, localSecretSource, type AuthHint } from "./auth-hint.ts";
import { callMethod, resolveTarget, type Target, type TargetFlags } from "./connection.ts";
import { color, EXIT, printJson } from "./output.ts";

export interface CallFlags extends TargetFlags {
  params?: string;
  json?: boolean;
  expectFinal?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Where the target came from, in upstream's words. */
export function urlSourceLabel(source: Target["urlSource"]): string {
  return { flag: "cli --url", env: "env OPENCLAW_GATEWAY_URL", local: "local loopback", remote: "config gateway.remote.url" }[source];
}

type Body = { ok: false; error: Record<string, unknown>; gateway?: { url: string; urlSource: string } };

/** The JSON body of a failed call. */
export function failureBody(failure: CallFailure, target: Target): Body {
  if (failure.type === "gateway_request_error") return { ok: false, error: { type: failure.type, ...failure.error, retryable: failure.error.retryable ?? false } };
  const { code: _code, reason, ...rest } = failure;
  const host = /^wss?:\/\/([^/]+)/.exec(target.url)?.[1];
  const refused = failure.message.includes("ECONNREFUSED");
  return {
    ok: false,
    error: { ...rest, ...(refused && host ? { reason: `connect ECONNREFUSED ${host}` } : reason ? { reason } : {}) },
    gateway: { url: target.url, urlSource: urlSourceLabel(target.urlSource) },
  };
}

/** Prints a failure for people: what failed, where, and what to do next. */
function printFailure(body: Body, profile: string | undefined, hint?: AuthHint): void {
  const e = body.error;
  if (hint) {
    process.stderr.write(`${color.red(hint.cause)}\n${hint.next}\n`);
    process.stderr.write(color.dim(`gateway said: ${String(e.message)}${e.code ? ` (${e.code})` : ""}\n`));
    return;
  }
  process.stderr.write(`${color.red(String(e.message))}${e.code ? color.dim(` (${e.code})`) : ""}\n`);
  const detail = (e.details as { code?: string } | undefined)?.code;
  if (detail) process.stderr.write(color.dim(`details.code: ${detail}\n`));
  if (e.type === "gateway_transport_error") process.stderr.write("Start it with `clawgate gateway run` or check `clawgate gateway status`.\n");
  if (body.gateway) process.stderr.write(color.dim(`Gateway target: ${body.gateway.url}\nSource: ${body.gateway.urlSource}\nConfig: ${currentPaths(profile).configPath}\n`));
}

function report(flags: CallFlags, body: Body, hint?: AuthHint): number {
  if (flags.json) printJson(body);
  else printFailure(body, flags.profile, hint);
  return EXIT.failure;
}

export async function gatewayCall(method: string, flags: CallFlags): Promise<number> {
  let params: unknown = {};
  if (flags.params !== undefined) {
    try {
      params = JSON.parse(flags.params);
    } catch {
      return report(flags, { ok: false, error: { type: "cli_error", message: "--params must be valid JSON." } });
    }
  }
  const target = resolveTarget(flags);
  if ("error" in target) {
    const type = target.error.includes("credentials") ? "gateway_credentials_required" : "cli_error";
    return report(flags, { ok: false, error: { type, message: target.error } });
  }
  const result = await callMethod(target, method, params, flags.timeout ?? DEFAULT_TIMEOUT_MS, { expectFinal: flags.expectFinal });
  if (!result.ok) return report(flags, failureBody(result.failure, target), authHint(result.failure, target, currentPaths(flags.profile).configPath, localSecretSource(target, flags.profile)));
  if (flags.json) printJson(result.payload);
  else process.stdout.write(`${color.dim(`Gateway call: ${method}`)}\n${JSON.stringify(result.payload, null, 2)}\n`);
  return EXIT.ok;
}
