/**
 * Tool policy as upstream documents it (docs/gateway/config-tools/tool-policy.md):
 * profiles as base allowlists, groups, wildcards, case-insensitivity, deny
 * winning, and per-agent overrides.
 */
import { describe, expect, test } from "bun:test";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import { toolPolicy } from "../../../core/tools/policy.ts";

const TOOLS = ["web_fetch", "cron", "nodes", "message", "exec"];
const allowed = (config: OpenClawConfig, agentId = "main") => TOOLS.filter((t) => toolPolicy(config, agentId).allows(t));

describe("tools.profile", () => {
  test("unset and full filter nothing", () => {
    expect(allowed({})).toEqual(TOOLS);
    expect(allowed({ tools: { profile: "full" } })).toEqual(TOOLS);
  });

  test("limited profiles are upstream's base allowlists", () => {
    expect(allowed({ tools: { profile: "minimal" } })).toEqual([]);
    expect(allowed({ tools: { profile: "coding" } })).toEqual(["web_fetch", "cron", "exec"]);
    expect(allowed({ tools: { profile: "messaging" } })).toEqual(["message"]);
  });

  test("alsoAllow adds to a profile; a group expands", () => {
    expect(allowed({ tools: { profile: "messaging", alsoAllow: ["group:nodes"] } })).toEqual(["nodes", "message"]);
  });
});

describe("tools.allow / tools.deny", () => {
  test("allow is an allowlist; deny wins over it; names are case-insensitive; * is a wildcard", () => {
    expect(allowed({ tools: { allow: ["WEB_*", "cron", "nodes"], deny: ["Nodes"] } })).toEqual(["web_fetch", "cron"]);
  });

  test("bash means exec, and group:runtime covers it", () => {
    expect(allowed({ tools: { deny: ["bash"] } })).toEqual(["web_fetch", "cron", "nodes", "message"]);
    expect(allowed({ tools: { allow: ["group:runtime"] } })).toEqual(["exec"]);
  });
});

describe("per-agent overrides (agents.entries.<id>.tools)", () => {
  const config: OpenClawConfig = {
    tools: { deny: ["exec"] },
    agents: { entries: { main: { default: true }, ops: { tools: { profile: "messaging", alsoAllow: ["nodes"] } }, web: { tools: { allow: ["group:web"] } } } },
  };

  test("an agent's profile replaces the global one; global deny still applies", () => {
    expect(allowed(config, "main")).toEqual(["web_fetch", "cron", "nodes", "message"]);
    expect(allowed(config, "ops")).toEqual(["nodes", "message"]);
  });

  test("an agent's allowlist narrows further", () => {
    expect(allowed(config, "web")).toEqual(["web_fetch"]);
  });
});
