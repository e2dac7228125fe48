/**
 * `clawgate gateway call|health`: one RPC against a running gateway, printed
 * for people or as JSON, exit 0 on success and 1 on failure (§12).
 */
import type { CallFailure } from "../../core/remote/call.ts";
import { callMethod, resolveTarget, type Target, type TargetFlags } from "./connection.ts";
import { color, EXIT, printJson } from "./output.ts";

export interface CallFlags extends TargetFlags {
  params?: string;
  json?: boolean;
  expectFinal?: boolean;
}

function failureJson(failure: CallFailure, target: Target | undefined): { ok: false; error: Record<string, unknown> } {
  if (failure.type === "gateway_request_error") return { ok: false, error: { type: failure.type, ...failure.error } };
  return { ok: false, error: { ...failure, ...(target ? { gateway: { url: target.url, urlSource: target.urlSource } } : {}) } };
}

export async function gatewayCall(method: string, flags: CallFlags): Promise<number> {
  let params: unknown = {};
  if (flags.params !== undefined) {
    try {
      params = JSON.parse(flags.params);
    } catch (error) {
      return report(flags, { ok: false, error: { type: "cli_error", message: `--params is not valid JSON: ${(error as Error).message}` } });
    }
  }
  const target = resolveTarget(flags);
  if ("error" in target) return report(flags, { ok: false, error: { type: "gateway_credentials_required", message: target.error } });
  const result = await callMethod(target, method, params, flags.timeout ?? 10_000, { expectFinal: flags.expectFinal });
  if (!result.ok) return report(flags, failureJson(result.failure, target));
  if (flags.json) printJson(result.payload);
  else process.stdout.write(`${color.dim(`Gateway call: ${method}`)}\n${JSON.stringify(result.payload, null, 2)}\n`);
  return EXIT.ok;
}

function report(flags: CallFlags, body: Record<string, unknown> & { error: Record<string, unknown> }): number {
  if (flags.json) printJson(body);
  else {
    const e = body.error;
    process.stderr.write(`${color.red("Gateway call failed:")} ${e.message}${e.code ? ` (${e.code})` : ""}\n`);
    const detail = (e.details as { code?: string } | undefined)?.code;
    if (detail) process.stderr.write(color.dim(`  details.code: ${detail}\n`));
  }
  return EXIT.failure;
}
