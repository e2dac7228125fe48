/** Secret handling and auth resolution (spec §4.1). */
import { describe, expect, test } from "bun:test";
import { isPlaceholderSecret, safeEqualSecret } from "../../../core/auth/secrets.ts";
import { assertBindAllowed, ConfigRefusal, resolveAuth } from "../../../core/config/auth.ts";

describe("secrets", () => {
  test("safeEqualSecret: equal, different, prefix, different length", () => {
    expect(safeEqualSecret("abc", "abc")).toBe(true);
    expect(safeEqualSecret("abd", "abc")).toBe(false);
    expect(safeEqualSecret("ab", "abc")).toBe(false);
    expect(safeEqualSecret("", "abc")).toBe(false);
  });
  test("placeholders are refused, real tokens are not", () => {
    for (const p of ["", "  ", "undefined", "null", "change-me-now", "CHANGEME", "change-me"]) expect(isPlaceholderSecret(p)).toBe(true);
    expect(isPlaceholderSecret("3f9a0c1d2e")).toBe(false);
  });
});

describe("resolveAuth precedence (§4.1)", () => {
  const cfg = { gateway: { auth: { token: "from-config" }, remote: { token: "from-remote" } } };
  test("--token > gateway.auth.token > OPENCLAW_GATEWAY_TOKEN > gateway.remote.token", () => {
    expect(resolveAuth(cfg, { OPENCLAW_GATEWAY_TOKEN: "from-env" }, { token: "from-flag" }).token).toBe("from-flag");
    expect(resolveAuth(cfg, { OPENCLAW_GATEWAY_TOKEN: "from-env" }, {}).token).toBe("from-config");
    expect(resolveAuth({ gateway: { remote: { token: "from-remote" } } }, { OPENCLAW_GATEWAY_TOKEN: "from-env" }, {}).token).toBe("from-env");
    expect(resolveAuth({ gateway: { remote: { token: "from-remote" } } }, {}, {}).token).toBe("from-remote");
  });
  test("mode defaults to password when only a password resolves", () => {
    expect(resolveAuth({}, { OPENCLAW_GATEWAY_PASSWORD: "pw-123456" }, {})).toEqual({ mode: "password", password: "pw-123456", token: undefined });
  });
  test("both secrets configured without a mode -> refusal", () => {
    expect(() => resolveAuth({ gateway: { auth: { token: "t-1234567", password: "p-1234567" } } }, {}, {})).toThrow(ConfigRefusal);
  });
  test("placeholder token -> refusal", () => {
    expect(() => resolveAuth({ gateway: { auth: { token: "change-me-now" } } }, {}, {})).toThrow(ConfigRefusal);
  });
  test("non-loopback bind without a secret is refused with upstream's message", () => {
    expect(() => assertBindAllowed("lan", { mode: "token" })).toThrow("Refusing to bind gateway to lan without auth.");
    expect(() => assertBindAllowed("lan", { mode: "none" })).toThrow(ConfigRefusal);
    expect(() => assertBindAllowed("loopback", { mode: "none" })).not.toThrow();
    expect(() => assertBindAllowed("lan", { mode: "token", token: "abc" })).not.toThrow();
  });
});
