/** The agent roster (core/config/agents.ts): keyed entries, the legacy list, and the assistant identity. */
import { describe, expect, test } from "bun:test";
import { agentRoster, assistantIdentity, rosterOwnership } from "../../../core/config/agents.ts";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import { agentIds, defaultAgentId } from "../../../core/sessions/keys.ts";

const entries: OpenClawConfig = { agents: { entries: { Ops: { name: "Ops desk" }, dev: { default: true, identity: { name: "C3-PO", emoji: "🤖", theme: "protocol droid" } } } } };

describe("roster", () => {
  test("keyed entries in file order, ids lower-cased; the one marked default is the default", () => {
    expect(agentRoster(entries).map((a) => a.id)).toEqual(["ops", "dev"]);
    expect(agentIds(entries)).toEqual(["ops", "dev"]);
    expect(defaultAgentId(entries)).toBe("dev");
  });

  test("the legacy list still loads; without a default marker the first agent is the default", () => {
    const legacy: OpenClawConfig = { agents: { list: [{ id: "Home" }, { id: "work" }] } };
    expect(agentIds(legacy)).toEqual(["home", "work"]);
    expect(defaultAgentId(legacy)).toBe("home");
  });

  test("entries win over a list in the same file; no roster -> the implicit main agent", () => {
    expect(agentIds({ agents: { ...entries.agents, list: [{ id: "old" }] } })).toEqual(["ops", "dev"]);
    expect(agentIds({})).toEqual(["main"]);
    expect(defaultAgentId({ agents: { entries: {} } })).toBe("main");
  });
});

describe("hello-ok session defaults", () => {
  test("ownership: one agent is sole, several are explicit", () => {
    expect(rosterOwnership({})).toBe("sole");
    expect(rosterOwnership(entries)).toBe("explicit");
  });
});

describe("assistant identity (agent.identity.get)", () => {
  test("from the agent's identity block: name, and the emoji as avatar and emoji", () => {
    expect(assistantIdentity(entries, "Dev")).toEqual({ agentId: "dev", name: "C3-PO", nameSource: "agent", avatar: "🤖", emoji: "🤖" });
  });

  test("no identity, or an agent that is not configured -> upstream's default", () => {
    expect(assistantIdentity(entries, "ops")).toEqual({ agentId: "ops", name: "Assistant", nameSource: "default", avatar: "A" });
    expect(assistantIdentity(entries, "nope")).toEqual({ agentId: "nope", name: "Assistant", nameSource: "default", avatar: "A" });
  });

  test("an avatar URL is kept as the avatar and is no emoji; a long phrase is neither", () => {
    const config: OpenClawConfig = { agents: { entries: { a: { identity: { name: "A", avatar: "https://example.org/a.png", emoji: "a long phrase" } } } } };
    expect(assistantIdentity(config, "a")).toEqual({ agentId: "a", name: "A", nameSource: "agent", avatar: "https://example.org/a.png" });
  });
});
