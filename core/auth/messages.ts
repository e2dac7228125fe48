/**
 * Auth failure texts and `details`, byte for byte as the real gateway words
 * them: clients and users match on these (spec §4.2, §4.6).
 * Runtime-agnostic.
 */
import { Close, GatewayError, type DetailCode } from "../protocol/errors.ts";
import type { AuthMode } from "./secrets.ts";

/** Why a credential was refused, in upstream's vocabulary. */
export type AuthFailureReason =
  | "token_missing" | "token_mismatch" | "token_missing_config"
  | "password_missing" | "password_mismatch" | "password_missing_config"
  | "device_token_mismatch" | "scope_mismatch" | "rate_limited"
  | "trusted_proxy_user_missing" | "unauthorized";

/** Which credential the client presented. */
export type AuthProvided = "password" | "token" | "bootstrap-token" | "device-token" | "none";

const DETAIL_CODES: Record<AuthFailureReason, DetailCode> = {
  token_missing: "AUTH_TOKEN_MISSING",
  token_mismatch: "AUTH_TOKEN_MISMATCH",
  token_missing_config: "AUTH_TOKEN_NOT_CONFIGURED",
  password_missing: "AUTH_PASSWORD_MISSING",
  password_mismatch: "AUTH_PASSWORD_MISMATCH",
  password_missing_config: "AUTH_PASSWORD_NOT_CONFIGURED",
  device_token_mismatch: "AUTH_DEVICE_TOKEN_MISMATCH",
  scope_mismatch: "AUTH_SCOPE_MISMATCH",
  rate_limited: "AUTH_RATE_LIMITED",
  trusted_proxy_user_missing: "AUTH_IDENTITY_HEADER_REQUIRED",
  unauthorized: "AUTH_UNAUTHORIZED",
};

const NEXT_STEP: Record<AuthFailureReason, string> = {
  token_missing: "update_auth_configuration",
  token_missing_config: "update_auth_configuration",
  password_missing: "update_auth_configuration",
  password_missing_config: "update_auth_configuration",
  token_mismatch: "update_auth_credentials",
  password_mismatch: "update_auth_credentials",
  device_token_mismatch: "update_auth_credentials",
  scope_mismatch: "review_auth_configuration",
  rate_limited: "wait_then_retry",
  trusted_proxy_user_missing: "review_auth_configuration",
  unauthorized: "review_auth_configuration",
};

/** What the failure text depends on. */
export interface FailureContext {
  mode: AuthMode;
  provided: AuthProvided;
  clientId: string;
  clientMode: string;
  isLocalClient: boolean;
  hasDevice: boolean;
  /** `auth.deviceToken` was already presented, so retrying with it cannot help. */
  sentDeviceToken: boolean;
}

function text(reason: AuthFailureReason, ctx: FailureContext): string {
  const isCli = ctx.clientId === "cli";
  const isUi = ctx.clientId === "openclaw-control-ui" || ctx.clientId === "webchat-ui" || ctx.clientId === "webchat" || ctx.clientMode === "webchat";
  const tokenHint = isCli
    ? ctx.isLocalClient ? "use this gateway's gateway.auth.token or pair the device" : "set gateway.remote.token to match gateway.auth.token"
    : isUi ? "open the dashboard URL and paste the token in Control UI settings" : "provide gateway auth token";
  const passwordHint = isCli
    ? ctx.isLocalClient ? "use this gateway's gateway.auth.password" : "set gateway.remote.password to match gateway.auth.password"
    : isUi ? "enter the password in Control UI settings" : "provide gateway auth password";
  switch (reason) {
    case "token_missing":
      return `unauthorized: gateway token missing (${isUi ? "paste in Control UI settings or openclaw doctor --generate-gateway-token; restart" : tokenHint})`;
    case "token_mismatch": return `unauthorized: gateway token mismatch (${tokenHint})`;
    case "token_missing_config": return "unauthorized: gateway token not configured on gateway (set gateway.auth.token)";
    case "password_missing": return `unauthorized: gateway password missing (${passwordHint})`;
    case "password_mismatch": return `unauthorized: gateway password mismatch (${passwordHint})`;
    case "password_missing_config": return "unauthorized: gateway password not configured on gateway (set gateway.auth.password)";
    case "rate_limited": return "unauthorized: too many failed authentication attempts (retry later)";
    case "device_token_mismatch": return "unauthorized: device token mismatch (rotate/reissue device token)";
    case "scope_mismatch": return "unauthorized: device token scope mismatch (re-pair or approve scope upgrade)";
    default:
      if (ctx.mode === "token" && ctx.provided === "device-token") return "unauthorized: device token rejected (pair/repair this device, or provide gateway token)";
      return "unauthorized";
  }
}

/** The connect refusal for a failed credential, closing 1008 with the text as reason. */
export function authFailure(reason: AuthFailureReason, ctx: FailureContext, retryAfterMs?: number): GatewayError {
  const message = text(reason, ctx);
  const canRetryWithDeviceToken = reason === "token_mismatch" && ctx.hasDevice && ctx.provided === "token" && !ctx.sentDeviceToken;
  return new GatewayError(
    {
      code: "INVALID_REQUEST",
      message,
      ...(reason === "rate_limited" ? { retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } : {}),
      details: {
        code: DETAIL_CODES[reason],
        authReason: reason,
        canRetryWithDeviceToken,
        recommendedNextStep: canRetryWithDeviceToken ? "retry_with_device_token" : NEXT_STEP[reason],
      },
    },
    { code: Close.policy, reason: message },
  );
}
