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

describe("telegram webhook keys", () => {
  test("webhookUrl must be an http(s) URL and webhookPort 0..65535; valid values load", () => {
    const load = (telegram: string) => snapshotConfig(PATH, `{ channels: { telegram: ${telegram} } }`, {});
    expect(load(`{ webhookUrl: "https://bot.example.com/tg", webhookPort: 0, webhookPath: "/tg", webhookHost: "0.0.0.0", webhookSecret: "s" }`).valid).toBe(true);
    expect(load(`{ webhookUrl: "ftp://bot.example.com/tg" }`).valid).toBe(false);
    expect(load(`{ accounts: { work: { webhookPort: 70000 } } }`).valid).toBe(false);
  });
});
