/**
 * Secrets in config.get (spec §6): upstream's sentinel, restored on write.
 */
import { describe, expect, test } from "bun:test";
import { REDACTED, redactConfig, restoreRedacted } from "../../../core/config/redact.ts";

describe("redaction", () => {
  test("every credential-named string becomes __OPENCLAW_REDACTED__; other values stay", () => {
    const cfg = { gateway: { auth: { mode: "token", token: "abc" }, remote: { url: "ws://x", password: "p" } }, models: { providers: { a: { apiKey: "k", headers: { Authorization: "Bearer z" } } } } };
    expect(redactConfig(cfg)).toEqual({ gateway: { auth: { mode: "token", token: REDACTED }, remote: { url: "ws://x", password: REDACTED } }, models: { providers: { a: { apiKey: REDACTED, headers: { Authorization: REDACTED } } } } });
  });

  test("a write carrying the sentinel keeps the stored secret; a sentinel with nothing stored is refused", () => {
    expect(restoreRedacted({ gateway: { auth: { token: REDACTED, mode: "token" } } }, { gateway: { auth: { token: "real" } } })).toEqual({ gateway: { auth: { token: "real", mode: "token" } } });
    expect(() => restoreRedacted({ gateway: { auth: { password: REDACTED } } }, {})).toThrow("gateway.auth.password: redacted placeholder has no stored value to restore");
  });
});
