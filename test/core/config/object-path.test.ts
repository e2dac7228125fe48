/**
 * Config paths in dot/bracket notation (spec §12 `config get|set|unset`).
 */
import { describe, expect, test } from "bun:test";
import { changedPaths, formatPath, getAt, hasAt, parsePath, setAt, unsetAt } from "../../../core/config/object-path.ts";

describe("paths", () => {
  test("dot, index and quoted-key segments", () => {
    expect(parsePath('agents.list[0].id')).toEqual(["agents", "list", 0, "id"]);
    expect(parsePath('models.providers["a.b"].baseUrl')).toEqual(["models", "providers", "a.b", "baseUrl"]);
    expect(formatPath(["models", "providers", "a.b", "baseUrl"])).toBe('models.providers["a.b"].baseUrl');
    expect(() => parsePath("a..b")).toThrow('invalid config path "a..b": empty segment');
    expect(() => parsePath("a.")).toThrow("trailing dot");
  });

  test("get/has/set/unset keep everything else", () => {
    const doc = { gateway: { mode: "local", port: 0 }, keep: { x: 1 } };
    expect(hasAt(doc, ["gateway", "port"])).toBe(true);
    expect(getAt(doc, ["gateway", "port"])).toBe(0);
    expect(hasAt(doc, ["gateway", "bind"])).toBe(false);
    expect(setAt(doc, ["gateway", "auth", "token"], "t")).toEqual({ gateway: { mode: "local", port: 0, auth: { token: "t" } }, keep: { x: 1 } });
    expect(unsetAt(doc, ["gateway", "port"])).toEqual({ gateway: { mode: "local" }, keep: { x: 1 } });
    expect(doc.gateway.port).toBe(0);
  });

  test("changedPaths: coarse for responses, leaves for reload planning", () => {
    expect(changedPaths({ gateway: { mode: "local" } }, { gateway: { mode: "local" }, logging: { level: "debug" } })).toEqual(["logging"]);
    expect(changedPaths({ gateway: { mode: "local" } }, { gateway: { mode: "local", auth: { token: "t", mode: "token" } } }, { leaves: true })).toEqual(["gateway.auth.token", "gateway.auth.mode"]);
  });
});
