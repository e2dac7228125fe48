/**
 * Paths and port precedence (spec §11).
 */
import { describe, expect, test } from "bun:test";
import { profileProblem, resolvePaths, resolvePortWithSource } from "../../../core/config/paths.ts";

describe("resolvePaths", () => {
  test("defaults to ~/.openclaw/openclaw.json", () => {
    expect(resolvePaths({}, "/home/u")).toEqual({ home: "/home/u", profile: undefined, stateDir: "/home/u/.openclaw", configPath: "/home/u/.openclaw/openclaw.json" });
  });

  test("--profile and OPENCLAW_PROFILE select ~/.openclaw-<name>; the flag wins; 'default' is the default", () => {
    expect(resolvePaths({ OPENCLAW_PROFILE: "work" }, "/h").stateDir).toBe("/h/.openclaw-work");
    expect(resolvePaths({ OPENCLAW_PROFILE: "work" }, "/h", "rescue").stateDir).toBe("/h/.openclaw-rescue");
    expect(resolvePaths({}, "/h", "default").stateDir).toBe("/h/.openclaw");
  });

  test("OPENCLAW_HOME (with ~) replaces the home; OPENCLAW_STATE_DIR and OPENCLAW_CONFIG_PATH win over it", () => {
    expect(resolvePaths({ OPENCLAW_HOME: "~/svc" }, "/h").stateDir).toBe("/h/svc/.openclaw");
    const p = resolvePaths({ OPENCLAW_HOME: "/x", OPENCLAW_STATE_DIR: "/s", OPENCLAW_CONFIG_PATH: "/c/oc.json" }, "/h", "p");
    expect(p).toMatchObject({ stateDir: "/s", configPath: "/c/oc.json", profile: "p" });
  });

  test('blank, "undefined" and "null" path variables count as unset', () => {
    expect(resolvePaths({ OPENCLAW_STATE_DIR: " ", OPENCLAW_HOME: "undefined", OPENCLAW_CONFIG_PATH: "null" }, "/h").configPath).toBe("/h/.openclaw/openclaw.json");
  });

  test("profile names that could escape the home are refused", () => {
    expect(profileProblem("work_2")).toBeUndefined();
    expect(profileProblem("../x")).toContain("invalid profile name");
  });
});

describe("port precedence: --port > OPENCLAW_GATEWAY_PORT > gateway.port > 18789", () => {
  test("each source in turn", () => {
    expect(resolvePortWithSource(1111, { OPENCLAW_GATEWAY_PORT: "2222" }, 3333)).toEqual({ port: 1111, source: "flag" });
    expect(resolvePortWithSource(undefined, { OPENCLAW_GATEWAY_PORT: "2222" }, 3333)).toEqual({ port: 2222, source: "env" });
    expect(resolvePortWithSource(undefined, {}, 3333)).toEqual({ port: 3333, source: "config" });
    expect(resolvePortWithSource(undefined, {}, undefined)).toEqual({ port: 18789, source: "default" });
    expect(resolvePortWithSource(undefined, {}, undefined, "dev").port).toBe(19001);
  });

  test("a malformed OPENCLAW_GATEWAY_PORT is ignored", () => {
    expect(resolvePortWithSource(undefined, { OPENCLAW_GATEWAY_PORT: "80x" }, 3333).port).toBe(3333);
    expect(resolvePortWithSource(undefined, { OPENCLAW_GATEWAY_PORT: "70000" }, undefined).port).toBe(18789);
  });
});
