/** Auth failure texts and details (spec §4.2, §4.6). */
import { describe, expect, test } from "bun:test";
import { authFailure, type FailureContext } from "../../../core/auth/messages.ts";

const ctx = (over: Partial<FailureContext> = {}): FailureContext => ({
  mode: "token", provided: "token", clientId: "gateway-client", clientMode: "backend", isLocalClient: true, hasDevice: false, sentDeviceToken: false, ...over,
});

describe("authFailure", () => {
  test("token mismatch hint depends on the client kind", () => {
    expect(authFailure("token_mismatch", ctx()).shape.message).toBe("unauthorized: gateway token mismatch (provide gateway auth token)");
    expect(authFailure("token_mismatch", ctx({ clientId: "cli", clientMode: "cli" })).shape.message).toBe("unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)");
    expect(authFailure("token_mismatch", ctx({ clientId: "cli", clientMode: "cli", isLocalClient: false })).shape.message).toBe("unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)");
  });

  test("a device that sent a shared token may retry with its device token", () => {
    expect(authFailure("token_mismatch", ctx({ hasDevice: true })).shape.details).toMatchObject({ canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" });
  });

  test("...but not when it already sent its device token", () => {
    expect(authFailure("token_mismatch", ctx({ hasDevice: true, sentDeviceToken: true })).shape.details).toMatchObject({ canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" });
  });

  test("every refusal closes 1008 with its text as the reason", () => {
    const e = authFailure("rate_limited", ctx(), 1234);
    expect(e.shape).toMatchObject({ retryable: true, retryAfterMs: 1234, details: { code: "AUTH_RATE_LIMITED" } });
    expect(e.close).toEqual({ code: 1008, reason: e.shape.message });
  });
});
