/**
 * What a change needs (spec §11 hot reload): listener and auth-mode changes
 * restart; credentials and policies apply live; logging needs nothing.
 */
import { describe, expect, test } from "bun:test";
import { applyHint, planReload, reloadKindOf } from "../../../core/config/reload-plan.ts";

describe("reloadKindOf", () => {
  test.each([
    ["gateway.port", "restart"],
    ["gateway.bind", "restart"],
    ["gateway.auth.mode", "restart"],
    ["gateway.auth.token", "hot"],
    ["gateway.auth.rateLimit.maxAttempts", "hot"],
    ["gateway.trustedProxies", "hot"],
    ["models.providers.local.baseUrl", "hot"],
    ["agents.list[0].model", "hot"],
    ["logging.level", "none"],
    ["gateway.remote.token", "none"],
  ] as const)("%s -> %s", (path, kind) => {
    expect(reloadKindOf(path)).toBe(kind);
  });

  test("a path under a key clawgate does not read needs nothing", () => {
    expect(planReload(["channels.telegram.token"], new Set(["channels"]))).toEqual({ restart: [], hot: [], none: ["channels.telegram.token"] });
  });
});

describe("applyHint: upstream's three texts", () => {
  test("restart / hot / none, and off mode turns hot into restart", () => {
    expect(applyHint(planReload(["gateway.port"]), "hybrid")).toBe("Restart the gateway to apply.");
    expect(applyHint(planReload(["models.providers.x"]), "hybrid")).toBe("Change will apply without restarting the gateway.");
    expect(applyHint(planReload(["logging.level"]), "hybrid")).toBe("No gateway restart needed.");
    expect(applyHint(planReload(["models.providers.x"]), "off")).toBe("Restart the gateway to apply.");
  });
});
