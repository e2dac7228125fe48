/**
 * config.patch semantics (spec §6): merge patch, null deletes, the array
 * guard with replacePaths, id-merged arrays.
 */
import { describe, expect, test } from "bun:test";
import { applyMergePatch } from "../../../core/config/merge-patch.ts";

describe("applyMergePatch", () => {
  test("objects merge, scalars replace, null deletes", () => {
    const r = applyMergePatch({ gateway: { mode: "local", port: 1 }, logging: { level: "info" } }, { gateway: { port: 2 }, logging: null });
    expect(r).toEqual({ ok: true, value: { gateway: { mode: "local", port: 2 } } });
  });

  test("removing array entries without replacePaths -> upstream's refusal, naming the path", () => {
    const r = applyMergePatch({ gateway: { trustedProxies: ["1.2.3.4"] } }, { gateway: { trustedProxies: [] } });
    expect(r).toEqual({ ok: false, message: "config.patch would remove entries from array path(s): gateway.trustedProxies. Pass replacePaths with the exact path(s) when this is intentional, or use config.apply for full-config replacement." });
  });

  test("the same patch with replacePaths -> applied", () => {
    expect(applyMergePatch({ gateway: { trustedProxies: ["1.2.3.4"] } }, { gateway: { trustedProxies: [] } }, ["gateway.trustedProxies"])).toEqual({ ok: true, value: { gateway: { trustedProxies: [] } } });
  });

  test("growing an array needs no permission", () => {
    expect(applyMergePatch({ a: { list: ["x"] } }, { a: { list: ["x", "y"] } }).ok).toBe(true);
  });

  test("deleting an object that contains arrays needs each array path", () => {
    const base = { gateway: { nodes: { commands: { allow: ["a"], deny: [] } } } };
    const refused = applyMergePatch(base, { gateway: { nodes: null } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain("gateway.nodes.commands.allow, gateway.nodes.commands.deny");
    expect(applyMergePatch(base, { gateway: { nodes: null } }, ["gateway.nodes.commands.allow", "gateway.nodes.commands.deny"]).ok).toBe(true);
  });

  test("arrays of objects with ids merge by id and keep untouched entries", () => {
    const r = applyMergePatch({ agents: { list: [{ id: "a", name: "A", x: 1 }, { id: "b" }] } }, { agents: { list: [{ id: "a", name: "A2" }, { id: "c" }] } });
    expect(r).toEqual({ ok: true, value: { agents: { list: [{ id: "a", name: "A2", x: 1 }, { id: "b" }, { id: "c" }] } } });
  });

  test("a non-object patch is refused", () => {
    expect(applyMergePatch({}, [1])).toEqual({ ok: false, message: "config.patch raw must be an object" });
  });
});
