/**
 * One gateway call for a CLI verb, and how its failures are shown: for people
 * on stderr, for scripts as upstream's `{"ok":false,"error":{…}}` JSON;
 * either way exit 1, as `openclaw devices` does.
 */
import type { CallFailure } from "../../../core/remote/call.ts";
import { currentPaths } from "../state.ts";
import { authHint, localSecretSource, type AuthHint } from "./auth-hint.ts";
import { callMethod, resolveTarget, type TargetFlags } from "./connection.ts";
import { EXIT, fail, printJson } from "./output.ts";

export interface CommandFlags extends TargetFlags {
  json?: boolean;
}

/** Why a verb's call failed, in the shape its JSON output uses. */
export type CommandFailure = { type: string; message: string; [key: string]: unknown };

/** `hint`: the cause and next step of a credentials refusal, for people only (JSON keeps upstream's shape). */
export type RpcResult<T> = { ok: true; payload: T } | { ok: false; failure: CommandFailure; hint?: AuthHint };

const DEFAULT_TIMEOUT_MS = 10_000;

function describe(failure: CallFailure, url: string, urlSource: string): CommandFailure {
  // Gateway refusals surface as the CLI's own error, as upstream reports them.
  if (failure.type === "gateway_request_error") return { type: "cli_error", message: failure.error.message };
  return { ...failure, gateway: { url, urlSource } };
}

/**
 * Calls `method`; failures come back as data so a verb can react to specific ones.
 * `expectFinal` waits for a two-phase method's final reply, up to `timeoutMs`.
 */
export async function rpc<T>(flags: CommandFlags, method: string, params: unknown, scopes?: string[], opts: { expectFinal?: boolean; timeoutMs?: number } = {}): Promise<RpcResult<T>> {
  const target = resolveTarget(flags);
  if ("error" in target) return { ok: false, failure: { type: "gateway_credentials_required", message: target.error } };
  const result = await callMethod(target, method, params, opts.timeoutMs ?? flags.timeout ?? DEFAULT_TIMEOUT_MS, { scopes, expectFinal: opts.expectFinal });
  if (result.ok) return { ok: true, payload: result.payload as T };
  return { ok: false, failure: describe(result.failure, target.url, target.urlSource), hint: authHint(result.failure, target, currentPaths(flags.profile).configPath, localSecretSource(target, flags.profile)) };
}

/** Prints a failure for people or scripts and returns exit code 1. */
export function report(flags: CommandFlags, failure: CommandFailure, hint?: AuthHint): number {
  if (flags.json) {
    printJson({ ok: false, error: failure });
    return EXIT.failure;
  }
  return hint ? fail(hint.cause, EXIT.failure, `${hint.next}\n(gateway said: ${failure.message})`) : fail(failure.message);
}
