/**
 * `hooks.*` as openclaw.json carries it (upstream docs/gateway/config-hooks.md):
 * the load-time rules upstream enforces refuse the file with upstream's texts,
 * a valid file resolves to the policy the routes read. Also the Telegram
 * webhook keys, the other ingress this branch reads.
 */
import { describe, expect, test } from "bun:test";
import { formatConfigIssues, snapshotConfig } from "../../../core/config/document.ts";
import { hooksPolicy } from "../../../core/config/hooks.ts";

const PATH = "/state/openclaw.json";
const load = (hooks: string) => snapshotConfig(PATH, `{ hooks: ${hooks} }`, {});

describe("hooks config", () => {
  const refusals: [string, string][] = [
    [`{ enabled: true }`, "hooks.enabled requires hooks.token"],
    [`{ enabled: true, token: "  " }`, "hooks.enabled requires hooks.token"],
    [`{ enabled: true, token: "t", path: "/" }`, "hooks.path may not be '/'"],
    [`{ enabled: true, token: "t", path: "///" }`, "hooks.path may not be '/'"],
    [`{ enabled: true, token: "t", defaultSessionKey: "cron:x", allowedSessionKeyPrefixes: ["hook:"] }`, "hooks.defaultSessionKey must match hooks.allowedSessionKeyPrefixes"],
    [`{ enabled: true, token: "t", allowedSessionKeyPrefixes: ["agent:"] }`, "hooks.allowedSessionKeyPrefixes must include 'hook:' when hooks.defaultSessionKey is unset"],
  ];
  for (const [hooks, message] of refusals) {
    test(`${hooks} -> refused: ${message}`, () => {
      const s = load(hooks);
      expect(s.valid).toBe(false);
      expect(formatConfigIssues(s.issues)).toBe(`hooks: ${message}`);
    });
  }

  test("off (or enabled without its rules broken) loads; off needs no token", () => {
    expect(load(`{ enabled: false }`).valid).toBe(true);
    expect(hooksPolicy(load(`{ enabled: false }`).config!)).toBeNull();
    expect(hooksPolicy(load(`{ token: "t" }`).config!)).toBeNull();
  });

  test("the resolved policy: path normalized, ids and prefixes lower-cased, '*' and blank lists mean unrestricted", () => {
    const policy = hooksPolicy(load(`{ enabled: true, token: " t ", path: "inbound//", allowedAgentIds: ["Main", " ", "ops"], allowedSessionKeyPrefixes: ["Hook:", " "], allowRequestSessionKey: true }`).config!);
    expect(policy).toEqual({
      basePath: "/inbound", token: "t", allowedAgentIds: new Set(["main", "ops"]), defaultSessionKey: undefined,
      allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:"], mappings: [], transformsDir: undefined, bodyLimits: new Map(), gmailModel: undefined,
    });
    const open = hooksPolicy(load(`{ enabled: true, token: "t", allowedAgentIds: ["ops", "*"], allowedSessionKeyPrefixes: [" "] }`).config!)!;
    expect(open.allowedAgentIds).toBeUndefined();
    expect(open.allowedSessionKeyPrefixes).toBeUndefined();
    expect(open.basePath).toBe("/hooks");
    expect(hooksPolicy(load(`{ enabled: true, token: "t", allowedAgentIds: [] }`).config!)!.allowedAgentIds).toEqual(new Set());
  });
});

describe("hooks.mappings, presets and transforms config", () => {
  const base = `enabled: true, token: "t"`;
  const refusals: [string, string][] = [
    [`{ ${base}, mappings: [{ match: { path: "x" }, messageTemplat: "typo" }] }`, `hooks.mappings[0]: Unrecognized key: "messageTemplat"`],
    [`{ ${base}, mappings: [{ action: "notify" }] }`, `hooks.mappings[0].action: Invalid input (allowed: "wake", "agent")`],
    [`{ ${base}, mappings: [{ forEach: "data.items" }] }`, "hooks.mappings[0].forEach: forEach must be a top-level payload key"],
    [`{ ${base}, mappings: [{ forEach: "__proto__" }] }`, "hooks.mappings[0].forEach: forEach must be a top-level payload key"],
    [`{ ${base}, mappings: [{ timeoutSeconds: 0 }] }`, "hooks.mappings[0].timeoutSeconds: Too small: expected number to be >0"],
    [`{ ${base}, mappings: [{ transform: { module: "/etc/x.mjs" } }] }`, "hooks.mappings[0].transform.module: module must be a safe relative path (no absolute paths)"],
    [`{ ${base}, mappings: [{ transform: { module: "a/../../x.mjs" } }] }`, "hooks.mappings[0].transform.module: module must be a safe relative path (no absolute paths)"],
    [`{ ${base}, mappings: [{ transform: { module: "~/x.mjs" } }] }`, "hooks.mappings[0].transform.module: module must be a safe relative path (no absolute paths)"],
    [`{ ${base}, mappings: [{ transform: { module: "file:x.mjs" } }] }`, "hooks.mappings[0].transform.module: module must be a safe relative path (no absolute paths)"],
    [`{ ${base}, mappings: [{ sessionMode: "persistent" }] }`, "hooks.mappings[0].sessionKey: persistent hook mappings require sessionKey, hooks.defaultSessionKey, or a transform"],
    [`{ ${base}, presets: ["gmail"] }`, "hooks: hooks.allowedSessionKeyPrefixes is required when a hook mapping sessionKey uses templates, even if hooks.allowRequestSessionKey=true"],
    [`{ ${base}, mappings: [{ sessionKey: "hook:{{id}}" }] }`, "hooks: hooks.allowedSessionKeyPrefixes is required when a hook mapping sessionKey uses templates, even if hooks.allowRequestSessionKey=true"],
  ];
  for (const [hooks, message] of refusals) {
    test(`${hooks} -> refused: ${message}`, () => {
      const s = load(hooks);
      expect(s.valid).toBe(false);
      expect(formatConfigIssues(s.issues)).toBe(message);
    });
  }

  test("valid mappings load: presets after custom mappings, Gmail's path allowed more, its model kept; a shadowing static mapping needs no prefixes", () => {
    const policy = hooksPolicy(load(`{ ${base}, allowedSessionKeyPrefixes: ["hook:"], presets: ["gmail"], gmail: { maxBytes: 1000, model: " up/mail ", account: "r@example.com" }, transformsDir: "team",
      mappings: [{ id: "gh", match: { path: "/github/" }, sessionMode: "persistent", sessionKey: "hook:gh", transform: { module: "gh/shape.mjs", export: "shape" } }] }`).config!)!;
    expect(policy.mappings.map((m) => [m.id, m.matchPath])).toEqual([["gh", "github"], ["gmail", "gmail"]]);
    expect(policy.mappings[0]!.transform).toEqual({ module: "gh/shape.mjs", exportName: "shape" });
    expect(policy.transformsDir).toBe("team");
    expect(policy.gmailModel).toBe("up/mail");
    expect(policy.bodyLimits).toEqual(new Map([["gmail", 100 * (3 * 1000 + 8192)]]));
    expect(hooksPolicy(load(`{ ${base}, allowedSessionKeyPrefixes: ["hook:"], presets: ["gmail"] }`).config!)!.bodyLimits).toEqual(new Map([["gmail", 100 * (3 * 20_000 + 8192)]]));
    expect(load(`{ ${base}, presets: ["gmail"], mappings: [{ match: { path: "gmail" }, sessionKey: "hook:gmail", messageTemplate: "{{messages}}" }] }`).valid).toBe(true);
    expect(load(`{ ${base}, defaultSessionKey: "hook:d", mappings: [{ sessionMode: "persistent" }, { sessionMode: "persistent", transform: { module: "t.mjs" } }] }`).valid).toBe(true);
  });
});

describe("telegram webhook keys", () => {
  test("webhookUrl must be an http(s) URL and webhookPort 0..65535; valid values load", () => {
    const load = (telegram: string) => snapshotConfig(PATH, `{ channels: { telegram: ${telegram} } }`, {});
    expect(load(`{ webhookUrl: "https://bot.example.com/tg", webhookPort: 0, webhookPath: "/tg", webhookHost: "0.0.0.0", webhookSecret: "s" }`).valid).toBe(true);
    expect(load(`{ webhookUrl: "ftp://bot.example.com/tg" }`).valid).toBe(false);
    expect(load(`{ accounts: { work: { webhookPort: 70000 } } }`).valid).toBe(false);
  });
});
