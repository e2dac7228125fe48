/**
 * Session keys (§6): "main" is the default agent's main session, unscoped
 * keys belong to an agent, scoped keys keep their agent; agent ids from config.
 */
import { describe, expect, test } from "bun:test";
import { agentIds, canonicalSessionKey, defaultAgentId, isMainSessionKey, parseSessionKey } from "../../../core/sessions/keys.ts";

describe("session keys", () => {
  test("main and empty -> agent:<id>:main; unscoped keys are scoped; scoped keys keep their agent", () => {
    expect(canonicalSessionKey("main", "main")).toBe("agent:main:main");
    expect(canonicalSessionKey("MAIN", "ops")).toBe("agent:ops:main");
    expect(canonicalSessionKey("", "ops")).toBe("agent:ops:main");
    expect(canonicalSessionKey("webchat:Thread-1", "main")).toBe("agent:main:webchat:thread-1");
    expect(canonicalSessionKey("agent:Ops:main", "main")).toBe("agent:ops:main");
    expect(parseSessionKey("agent:ops:cron:job:run:1")).toEqual({ agentId: "ops", rest: "cron:job:run:1" });
    expect(parseSessionKey("main")).toBeUndefined();
    expect(isMainSessionKey("agent:ops:main")).toBe(true);
    expect(isMainSessionKey("agent:ops:other")).toBe(false);
  });

  test("agents from config: the default flag, else the first, else the implicit main", () => {
    expect(defaultAgentId({})).toBe("main");
    expect(agentIds({})).toEqual(["main"]);
    expect(defaultAgentId({ agents: { list: [{ id: "A" }, { id: "b", default: true }] } })).toBe("b");
    expect(defaultAgentId({ agents: { list: [{ id: "First" }, { id: "b" }] } })).toBe("first");
    expect(agentIds({ agents: { list: [{ id: "A" }, { id: "b" }] } })).toEqual(["a", "b"]);
  });
});
